"""The `seed-demo` command: a demo campaign to explore, added once, reusing its segments."""

from __future__ import annotations

from campaigns.models import Campaign
from journeymail.extensions import db
from campaigns.frameworks import FRAMEWORKS
from segments.models import Segment
from segments.services import SUGGESTIONS


def campaigns() -> list[Campaign]:
    return list(db.session.scalars(db.select(Campaign).order_by(Campaign.id)))


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


def test_seed_demo_if_empty_adds_nothing_when_a_campaign_exists(runner, create_campaign):
    create_campaign(name="Our own journey")

    result = runner.invoke(args=["seed-demo", "--if-empty"])

    assert result.exit_code == 0, result.output
    assert [c.name for c in campaigns()] == ["Our own journey"]
    assert segments() == []
    assert "already holds campaigns; no demo data added" in result.output


def test_seed_demo_if_empty_seeds_an_empty_database(runner):
    result = runner.invoke(args=["seed-demo", "--if-empty"])

    assert result.exit_code == 0, result.output
    assert len(campaigns()) == 1


def test_seeding_twice_reuses_the_segments_by_name(runner):
    runner.invoke(args=["seed-demo"])

    result = runner.invoke(args=["seed-demo"])

    assert result.exit_code == 0, result.output
    first, second = campaigns()
    assert len(segments()) == 3
    assert {s.id for s in first.segments} == {s.id for s in second.segments}


def test_seeding_reuses_a_segment_whose_name_differs_only_in_case(runner, create_segment):
    own = create_segment(name="ENGAGED EVALUATORS")

    result = runner.invoke(args=["seed-demo"])

    assert result.exit_code == 0, result.output
    (campaign,) = campaigns()
    assert own.id in {s.id for s in campaign.segments}
    assert len(segments()) == 3


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
