"""The `seed-demo` command: the Demo workspace, its owner, and a demo campaign to explore, added once,
reusing its segments."""

from __future__ import annotations

import re

import pytest

from accounts import current
from accounts.models import Membership, User, Workspace
from api_support import csrf_token_from
from campaigns.models import Campaign
from journeymail.extensions import db
from campaigns.frameworks import FRAMEWORKS
from segments.models import Segment
from segments.services import SUGGESTIONS
from campaigns import services as campaign_services


DEMO_PASSWORD = "a demo password for tests"


@pytest.fixture(autouse=True)
def _demo_password(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", DEMO_PASSWORD)


def demo() -> Workspace:
    return db.session.scalar(db.select(Workspace).where(Workspace.name == "Demo"))


def campaigns() -> list[Campaign]:
    """Every campaign but the German demo's (de_DE), which the tests at the end look at."""
    return list(db.session.scalars(db.select(Campaign).where(Campaign.locale != "de_DE").order_by(Campaign.id)))


def segments() -> list[Segment]:
    return list(db.session.scalars(db.select(Segment).order_by(Segment.id)))


def test_seed_demo_creates_a_campaign_on_the_seven_phase_journey(runner):
    result = runner.invoke(args=["seed-demo"])

    assert result.exit_code == 0, result.output
    (campaign,) = campaigns()
    assert campaign.framework == "seven-phase"
    assert [p.name for p in campaign.phases] == [p.name for p in FRAMEWORKS["seven-phase"].phases]
    assert f'Created the demo campaign "{campaign.name}" (ID {campaign.id})' in result.output


def test_seed_demo_plans_touchpoints_from_the_first_phase_to_the_last(runner):
    runner.invoke(args=["seed-demo"])

    (campaign,) = campaigns()
    assert len(campaign.touchpoints) >= 8
    assert campaign.phases[0].touchpoints and campaign.phases[-1].touchpoints
    assert any(t.is_email for t in campaign.touchpoints) and any(not t.is_email for t in campaign.touchpoints)


def test_seed_demo_targets_three_segments_built_from_the_axis_examples(runner):
    runner.invoke(args=["seed-demo"])

    (campaign,) = campaigns()
    assert len(campaign.segments) == 3
    for axis in ("motivation", "action", "obstacle"):
        assert sorted(getattr(s, axis) for s in campaign.segments) == sorted(SUGGESTIONS[axis]), axis


def test_seed_demo_if_empty_adds_nothing_when_the_demo_workspace_holds_the_demo_campaign(runner):
    runner.invoke(args=["seed-demo"])

    result = runner.invoke(args=["seed-demo", "--if-empty"])

    assert result.exit_code == 0, result.output
    assert [c.name for c in campaigns()] == ["Plannery trial journey"]
    assert 'already holds the demo campaign "Plannery trial journey"; not added again' in result.output


def test_seed_demo_if_empty_seeds_the_demo_workspace_beside_another_teams_campaigns(runner, create_campaign):
    create_campaign(name="Our own journey")

    result = runner.invoke(args=["seed-demo", "--if-empty"])

    assert result.exit_code == 0, result.output
    assert sorted(c.workspace.name for c in campaigns()) == ["Demo", "Plannery team"]


def test_seed_demo_if_empty_seeds_an_empty_database(runner):
    result = runner.invoke(args=["seed-demo", "--if-empty"])

    assert result.exit_code == 0, result.output
    assert len(campaigns()) == 1


def test_seeding_twice_reuses_the_segments_by_name(runner):
    runner.invoke(args=["seed-demo"])

    result = runner.invoke(args=["seed-demo"])

    assert result.exit_code == 0, result.output
    first, second = campaigns()
    assert len(segments()) == 6  # three for each demo
    assert {s.id for s in first.segments} == {s.id for s in second.segments}


def test_seeding_reuses_a_segment_whose_name_differs_only_in_case(runner):
    runner.invoke(args=["seed-demo"])
    (own,) = [s for s in segments() if s.name == "Engaged evaluators"]
    own.name = "ENGAGED EVALUATORS"
    db.session.commit()

    result = runner.invoke(args=["seed-demo"])

    assert result.exit_code == 0, result.output
    assert own.id in {s.id for s in campaigns()[1].segments}
    assert len(segments()) == 6  # three for each demo


def test_seeding_leaves_another_workspaces_segment_of_the_same_name_alone(runner, create_segment):
    theirs = create_segment(name="Engaged evaluators")

    runner.invoke(args=["seed-demo"])

    (campaign,) = campaigns()
    assert theirs.id not in {s.id for s in campaign.segments}
    assert db.session.get(type(theirs), theirs.id).workspace_id != campaign.workspace_id


def test_seed_demo_shows_gaps_variants_and_limited_audiences_on_the_map(runner):
    from campaigns.cells import cells

    runner.invoke(args=["seed-demo"])
    (campaign,) = campaigns()
    grid = cells(campaign).values()
    gaps = {(c.segment.name, c.phase.name) for c in grid if c.gap}
    assert gaps == {("Dormant subscribers", "Intent to Purchase"), ("Dormant subscribers", "Advocacy")}
    variants = {(e.touchpoint.name, c.segment.name) for c in grid for e in c.emails if e.variant}
    assert variants == {
        ("Three months free trial", "Casual browsers"),
        ("E-book delivery and welcome", "Dormant subscribers"),
    }


# --- the demo owner ------------------------------------------------------------------------------


def test_seed_demo_makes_the_demo_owner_and_says_how_to_sign_in(runner, anonymous_client):
    result = runner.invoke(args=["seed-demo"])

    assert f"Sign in as demo@journeymail.example with the password {DEMO_PASSWORD}" in result.output
    owner = db.session.scalar(db.select(User).where(User.email == "demo@journeymail.example"))
    assert [(m.workspace.name, m.role) for m in owner.memberships] == [("Demo", "owner")]
    # and the map is behind that sign-in
    page = anonymous_client.get("/login")
    signed_in = anonymous_client.post("/login", data={
        "email": "demo@journeymail.example", "password": DEMO_PASSWORD,
        "csrf_token": csrf_token_from(page.get_data(as_text=True)), "next": f"/campaigns/{campaigns()[0].id}"})
    assert signed_in.status_code == 302 and signed_in.headers["Location"] == f"/campaigns/{campaigns()[0].id}"
    journey_map = anonymous_client.get(signed_in.headers["Location"])
    assert journey_map.status_code == 200
    assert "Awareness" in journey_map.get_data(as_text=True)


def test_seeding_again_keeps_one_demo_owner_and_sets_the_password_given(runner, monkeypatch):
    runner.invoke(args=["seed-demo"])
    monkeypatch.setenv("DEMO_PASSWORD", "another demo password")

    result = runner.invoke(args=["seed-demo"])

    assert result.exit_code == 0, result.output
    (owner,) = db.session.scalars(db.select(User).where(User.email == "demo@journeymail.example"))
    assert owner.check_password("another demo password")
    assert db.session.scalar(db.select(db.func.count(Membership.id)).where(Membership.user_id == owner.id)) == 1


def test_outside_development_seed_demo_needs_demo_password(runner, monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD")

    result = runner.invoke(args=["seed-demo"])

    assert result.exit_code == 1
    assert "Set DEMO_PASSWORD" in result.output
    assert campaigns() == []


def test_in_development_seed_demo_makes_up_a_password_and_keeps_it(runner, app, monkeypatch, tmp_path):
    monkeypatch.delenv("DEMO_PASSWORD")
    monkeypatch.setitem(app.config, "JOURNEYMAIL_ENV", "development")
    monkeypatch.setattr(app, "instance_path", str(tmp_path))

    first = runner.invoke(args=["seed-demo"])
    second = runner.invoke(args=["seed-demo", "--if-empty"])

    password = re.search(r"with the password (\S+)", first.output).group(1)
    assert len(password) >= 12
    assert f"with the password {password}" in second.output
    owner = db.session.scalar(db.select(User).where(User.email == "demo@journeymail.example"))
    assert owner.check_password(password)
    assert (tmp_path / "demo-password.txt").stat().st_mode & 0o077 == 0


# --- the German demo beside the English one ----------------------------------------------------


def all_campaigns() -> list[Campaign]:
    return list(db.session.scalars(db.select(Campaign).order_by(Campaign.id)))


def test_seed_demo_seeds_the_german_demo_beside_the_english_one(runner):
    result = runner.invoke(args=["seed-demo"])

    assert result.exit_code == 0, result.output
    english, german = all_campaigns()
    assert english.workspace.name == german.workspace.name == "Demo"
    assert (english.locale, german.locale) == ("en_US", "de_DE")
    assert f'Created the demo campaign "{german.name}" (ID {german.id}) with 5 phases' in result.output


def test_seed_demo_gives_the_german_demo_segments_of_its_own(runner):
    runner.invoke(args=["seed-demo"])

    english, german = all_campaigns()
    assert {s.name for s in german.segments} == {"Aufstiegsorientierte", "Stille Mitlesende", "Inaktive Kontakte"}
    assert not {s.id for s in german.segments} & {s.id for s in english.segments}


def test_seed_demo_if_empty_adds_the_german_demo_where_only_the_english_one_is(runner):
    runner.invoke(args=["seed-demo", "--if-empty"])
    current.use_workspace(demo())
    # a Demo workspace seeded before the German demo existed
    campaign_services.delete_campaign(next(c for c in all_campaigns() if c.locale == "de_DE"))
    db.session.commit()

    result = runner.invoke(args=["seed-demo", "--if-empty"])

    assert result.exit_code == 0, result.output
    assert [c.locale for c in all_campaigns()] == ["en_US", "de_DE"]
    assert 'already holds the demo campaign "Plannery trial journey"; not added again' in result.output
    assert 'Created the demo campaign "Kompass Mentoring: Journey zur Beförderung"' in result.output
