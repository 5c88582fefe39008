"""Send order: a touchpoint may send after another, days add up along the chain, and the sequence, the plan
CSV and the campaign document follow the chains; different triggers are groups of their own."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

from api_support import database_rows, error_of, saved, unknown_id
from campaigns import services
from campaigns.demo import create_demo
from campaigns.models import Campaign, Touchpoint
from html_tree import Element, control, parse
from journeymail.extensions import db
from segments.models import Segment

REVIEW = "Review on a software directory"
REFERRAL = "Refer a team"


def page(response: Any) -> Element:
    assert response.status_code == 200, response.status_code
    return parse(response.get_data(as_text=True))


def plan_records(client: FlaskClient, campaign_id: int) -> list[dict[str, str]]:
    response = client.get(f"/campaigns/{campaign_id}/export/plan.csv")
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"), newline="")))


def timeline_groups(client: FlaskClient, campaign_id: int) -> list[tuple[str, list[tuple[str, str]]]]:
    """The map's sequence as a user reads it: each group's heading, and its (day, touchpoint name) items."""
    timeline = page(client.get(f"/campaigns/{campaign_id}")).by_id("timeline")
    assert timeline is not None
    return [
        (group.select("h3")[0].text(),
         [(item.select(class_="tl-day")[0].text(), item.select(class_="tl-name")[0].text())
          for item in group.select("li", class_="tl-item")])
        for group in timeline.select("li", class_="tl-group")
    ]


@pytest.fixture
def demo() -> Campaign:
    campaign = create_demo()
    db.session.commit()
    return campaign


@pytest.fixture
def chain(create_campaign: Callable[..., Campaign], create_touchpoint: Callable[..., Touchpoint]) -> dict[str, Touchpoint]:
    """Welcome on sign-up; Tips 3 days after Welcome; Check-in 4 days after Tips. An offer on another trigger."""
    campaign = create_campaign()
    welcome = create_touchpoint(campaign, 0, name="Welcome", trigger="signs up", send_offset_days=1)
    tips = create_touchpoint(campaign, 1, kind="onboarding", name="Tips", send_offset_days=3, follows_id=welcome.id)
    check_in = create_touchpoint(campaign, 1, kind="follow_up", name="Check-in", send_offset_days=4, follows_id=tips.id)
    offer = create_touchpoint(campaign, 0, kind="offer", name="Offer", trigger="left a good review", send_offset_days=2)
    return {"welcome": welcome, "tips": tips, "check_in": check_in, "offer": offer}


# --- the demo: Review request on day +60, then the referral 7 days after it ------------------------------------


def test_demo_sequence_sends_the_referral_7_days_after_the_review_request(client: FlaskClient, demo: Campaign) -> None:
    groups = dict(timeline_groups(client, demo.id))

    trial = groups["After: starts the trial"]
    assert trial[-2:] == [("Day +60", REVIEW), ("Day +67", REFERRAL)]
    assert [day for day, _name in trial] == ["Day 0", "Day +2", "Day +30", "Day +60", "Day +67"]


def test_demo_plan_csv_lists_the_review_request_before_the_referral_with_their_days(
    client: FlaskClient, demo: Campaign
) -> None:
    rows = plan_records(client, demo.id)

    names = [r["Touchpoint"] for r in rows]
    assert names.index(REVIEW) < names.index(REFERRAL)
    referral = next(r for r in rows if r["Touchpoint"] == REFERRAL)
    review = next(r for r in rows if r["Touchpoint"] == REVIEW)
    assert (review["Sends after"], review["Counted from"], review["Day from trigger"]) == (
        "Trial started", "starts the trial", "60")
    assert (referral["Sends after"], referral["Counted from"], referral["Day from trigger"]) == (
        REVIEW, "starts the trial", "67")
    assert referral["Send offset (days)"] == "7" and int(referral["Step"]) == int(review["Step"]) + 1


def test_demo_map_card_says_the_referral_sends_7_days_after_the_review_request(
    client: FlaskClient, demo: Campaign
) -> None:
    referral = next(tp for tp in demo.touchpoints if tp.name == REFERRAL)

    card = page(client.get(f"/campaigns/{demo.id}")).by_id(f"touchpoint-{referral.id}")

    assert card is not None
    assert "Day +7 after " + REVIEW in card.text()


def test_demo_advocacy_cell_lists_the_review_request_first(client: FlaskClient, demo: Campaign) -> None:
    matrix = client.get(f"/api/campaigns/{demo.id}/matrix").get_json()
    names = {tp.id: tp.name for tp in demo.touchpoints}
    advocacy = demo.phases[-1].id

    cell = next(c for c in matrix["cells"] if c["phase_id"] == advocacy and c["touchpoint_ids"])

    assert [names[i] for i in cell["touchpoint_ids"]] == [REVIEW, REFERRAL]


# --- the sequence and the plan CSV ---------------------------------------------------------------------------


def test_days_add_up_along_the_chain_and_unrelated_triggers_are_separate_groups(
    client: FlaskClient, chain: dict[str, Touchpoint]
) -> None:
    campaign_id = chain["welcome"].campaign_id

    assert timeline_groups(client, campaign_id) == [
        ("After: signs up", [("Day +1", "Welcome"), ("Day +4", "Tips"), ("Day +8", "Check-in")]),
        ("After: left a good review", [("Day +2", "Offer")]),
    ]


def test_plan_csv_rows_go_by_trigger_group_then_day(client: FlaskClient, chain: dict[str, Touchpoint],
                                                     create_segment: Callable[..., Segment]) -> None:
    campaign = chain["welcome"].campaign
    services.set_segments(campaign, {"segment_ids": [create_segment().id]})
    db.session.commit()

    rows = plan_records(client, campaign.id)

    assert [(r["Touchpoint"], r["Sends after"], r["Counted from"], r["Day from trigger"]) for r in rows] == [
        ("Welcome", "", "signs up", "1"),
        ("Tips", "Welcome", "signs up", "4"),
        ("Check-in", "Tips", "signs up", "8"),
        ("Offer", "", "left a good review", "2"),
    ]
    header = next(csv.reader(io.StringIO(client.get(f"/campaigns/{campaign.id}/export/plan.csv").data.decode())))
    assert header[-3:] == ["Sends after", "Counted from", "Day from trigger"], "new columns go at the end"
    assert header[:3] == ["Phase", "Step", "Touchpoint"]


def test_a_touchpoint_sent_the_same_day_as_the_one_it_follows_still_comes_after_it(
    client: FlaskClient, create_campaign: Callable[..., Campaign], create_touchpoint: Callable[..., Touchpoint]
) -> None:
    campaign = create_campaign()
    first = create_touchpoint(campaign, 1, name="Later in the journey", trigger="signs up")
    create_touchpoint(campaign, 0, kind="onboarding", name="Right after it", follows_id=first.id)

    assert timeline_groups(client, campaign.id) == [
        ("After: signs up", [("Day 0", "Later in the journey"), ("Day 0", "Right after it")]),
    ]


# --- the API -------------------------------------------------------------------------------------------------


def test_api_takes_follows_id_on_post_and_patch_and_returns_it(
    client: FlaskClient, create_campaign: Callable[..., Campaign], create_touchpoint: Callable[..., Touchpoint]
) -> None:
    campaign = create_campaign()
    review = create_touchpoint(campaign, 0, kind="review_request", name="Review request", send_offset_days=60)

    created = client.post(f"/api/campaigns/{campaign.id}/touchpoints", json={
        "phase_id": campaign.phases[0].id, "kind": "referral", "name": "Referral", "send_offset_days": 7,
        "follows_id": review.id,
    })

    assert created.status_code == 201 and created.get_json()["follows_id"] == review.id
    referral_id = created.get_json()["id"]
    assert saved(Touchpoint, referral_id).follows_id == review.id
    detail = client.get(f"/api/campaigns/{campaign.id}").get_json()
    assert {t["name"]: t["follows_id"] for t in detail["touchpoints"]} == {"Review request": None, "Referral": review.id}

    cleared = client.patch(f"/api/touchpoints/{referral_id}", json={"follows_id": None})

    assert cleared.status_code == 200 and cleared.get_json()["follows_id"] is None
    assert saved(Touchpoint, referral_id).follows_id is None


def test_a_loop_is_refused_with_422_naming_follows_id_and_nothing_changes(
    client: FlaskClient, chain: dict[str, Touchpoint]
) -> None:
    before = database_rows()

    response = client.patch(f"/api/touchpoints/{chain['welcome'].id}", json={
        "follows_id": chain["check_in"].id, "name": "Welcome back",
    })

    assert response.status_code == 422
    error = error_of(response)
    assert set(error["fields"]) == {"follows_id"}
    assert error["fields"]["follows_id"] == (
        '"Check-in" already sends after "Welcome" ("Check-in" → "Tips" → "Welcome"), so "Welcome" cannot send after '
        "it: the chain would go round in a loop. Choose another touchpoint, or its trigger."
    )
    assert database_rows() == before


@pytest.mark.parametrize("target, message", [
    ("itself", '"Tips" cannot send after itself. Choose another touchpoint, or its trigger.'),
    ("unknown", "The campaign has no touchpoint with ID {id}."),
    ("other campaign", "The campaign has no touchpoint with ID {id}."),
])
def test_following_itself_or_a_touchpoint_of_no_or_another_campaign_is_refused(
    client: FlaskClient, chain: dict[str, Touchpoint], create_campaign: Callable[..., Campaign],
    create_touchpoint: Callable[..., Touchpoint], target: str, message: str,
) -> None:
    tips = chain["tips"]
    target_id = {
        "itself": lambda: tips.id,
        "unknown": lambda: unknown_id(Touchpoint),
        "other campaign": lambda: create_touchpoint(create_campaign(name="Other")).id,
    }[target]()
    before = database_rows()

    response = client.patch(f"/api/touchpoints/{tips.id}", json={"follows_id": target_id})

    assert response.status_code == 422
    assert error_of(response)["fields"] == {"follows_id": message.format(id=target_id)}
    assert database_rows() == before


def test_a_new_touchpoint_cannot_follow_one_of_another_campaign(
    client: FlaskClient, chain: dict[str, Touchpoint], create_campaign: Callable[..., Campaign]
) -> None:
    other = create_campaign(name="Other")

    response = client.post(f"/api/campaigns/{other.id}/touchpoints", json={
        "phase_id": other.phases[0].id, "kind": "welcome", "name": "Stray", "follows_id": chain["welcome"].id,
    })

    assert response.status_code == 422
    assert error_of(response)["fields"] == {"follows_id": f"The campaign has no touchpoint with ID {chain['welcome'].id}."}


@pytest.mark.parametrize("value", ["3", 1.5, True, 0, [1]])
def test_follows_id_must_be_an_id(client: FlaskClient, chain: dict[str, Touchpoint], value: Any) -> None:
    response = client.patch(f"/api/touchpoints/{chain['tips'].id}", json={"follows_id": value})

    assert response.status_code == 422
    assert list(error_of(response)["fields"]) == ["follows_id"]


# --- deleting a touchpoint that others send after ------------------------------------------------------------


def test_deleting_a_followed_touchpoint_reattaches_its_follower_on_the_same_day(
    client: FlaskClient, chain: dict[str, Touchpoint]
) -> None:
    response = client.delete(f"/api/touchpoints/{chain['tips'].id}")

    assert response.status_code == 204
    check_in = saved(Touchpoint, chain["check_in"].id)
    assert (check_in.follows_id, check_in.send_offset_days) == (chain["welcome"].id, 7)
    assert timeline_groups(client, chain["welcome"].campaign_id)[0] == (
        "After: signs up", [("Day +1", "Welcome"), ("Day +8", "Check-in")])


def test_deleting_the_first_of_a_chain_gives_its_follower_the_trigger(
    client: FlaskClient, chain: dict[str, Touchpoint]
) -> None:
    response = client.delete(f"/api/touchpoints/{chain['welcome'].id}")

    assert response.status_code == 204
    tips = saved(Touchpoint, chain["tips"].id)
    assert (tips.follows_id, tips.send_offset_days, tips.trigger) == (None, 4, "signs up")
    assert dict(timeline_groups(client, chain["tips"].campaign_id))["After: signs up"] == [
        ("Day +4", "Tips"), ("Day +8", "Check-in")]


def test_a_reattachment_beyond_3650_days_is_refused_and_nothing_is_deleted(
    client: FlaskClient, create_campaign: Callable[..., Campaign], create_touchpoint: Callable[..., Touchpoint]
) -> None:
    campaign = create_campaign()
    first = create_touchpoint(campaign, 0, name="First", send_offset_days=3000)
    create_touchpoint(campaign, 0, name="Second", send_offset_days=700, follows_id=first.id)
    before = database_rows()

    response = client.delete(f"/api/touchpoints/{first.id}")

    assert response.status_code == 409
    assert "3700 days" in error_of(response)["message"]
    assert database_rows() == before


def test_delete_page_says_what_happens_to_the_followers(client: FlaskClient, chain: dict[str, Touchpoint]) -> None:
    note = page(client.get(f"/touchpoints/{chain['tips'].id}/delete")).by_id("followers")

    assert note is not None
    assert "Check-in now sends 4 days after “Tips”; then 7 days after “Welcome”." in note.text()


def test_deleting_a_campaign_with_chains_deletes_everything(client: FlaskClient, chain: dict[str, Touchpoint]) -> None:
    response = client.delete(f"/api/campaigns/{chain['welcome'].campaign_id}")

    assert response.status_code == 204
    assert database_rows()["touchpoints"] == []


# --- the touchpoint form -------------------------------------------------------------------------------------


def form_data(touchpoint: Touchpoint, **values: Any) -> dict[str, Any]:
    return {
        "phase_id": str(touchpoint.phase_id), "kind": touchpoint.kind, "name": touchpoint.name,
        "trigger": touchpoint.trigger, "follows_id": str(touchpoint.follows_id or ""),
        "send_offset_days": str(touchpoint.send_offset_days), "cta": "", "subject": "", "preheader": "", **values,
    }


def test_form_offers_the_trigger_or_another_touchpoint_but_never_a_loop(
    client: FlaskClient, chain: dict[str, Touchpoint]
) -> None:
    html = page(client.get(f"/touchpoints/{chain['tips'].id}/edit"))

    select = control(html, "follows_id")
    options = {option.text(): option for option in select.select("option")}
    assert list(options) == ["Its trigger (days count from the trigger)", "Welcome", "Offer"]
    assert options["Welcome"].get("selected") is not None
    assert "Sends after" in html.text()


def test_form_saves_sends_after(
    post_form: Callable[..., Any], chain: dict[str, Touchpoint]
) -> None:
    offer = chain["offer"]

    response = post_form(f"/touchpoints/{offer.id}/edit", form_data(offer, follows_id=str(chain["check_in"].id)))

    assert response.status_code == 302
    assert saved(Touchpoint, offer.id).follows_id == chain["check_in"].id


def test_form_shows_a_loop_beside_the_field(post_form: Callable[..., Any], chain: dict[str, Touchpoint]) -> None:
    welcome = chain["welcome"]

    response = post_form(f"/touchpoints/{welcome.id}/edit", form_data(welcome, follows_id=str(chain["tips"].id)))

    assert response.status_code == 422
    field = control(parse(response.get_data(as_text=True)), "follows_id").parent
    assert "the chain would go round in a loop" in field.text()
    assert saved(Touchpoint, welcome.id).follows_id is None


# --- the campaign document -----------------------------------------------------------------------------------


def test_export_then_import_keeps_the_chain_with_new_ids(client: FlaskClient, chain: dict[str, Touchpoint]) -> None:
    document = json.loads(client.get(f"/campaigns/{chain['welcome'].campaign_id}/export/campaign.json").data)

    response = client.post("/api/campaigns/import", json=document)

    assert response.status_code == 201, response.get_json()
    imported = response.get_json()
    by_name = {t["name"]: t for t in imported["touchpoints"]}
    assert by_name["Tips"]["follows_id"] == by_name["Welcome"]["id"] != chain["welcome"].id
    assert by_name["Check-in"]["follows_id"] == by_name["Tips"]["id"]
    assert by_name["Welcome"]["follows_id"] is None and by_name["Offer"]["follows_id"] is None
    assert timeline_groups(client, imported["id"]) == timeline_groups(client, chain["welcome"].campaign_id)


def test_the_document_refers_to_the_followed_touchpoint_by_index(
    client: FlaskClient, chain: dict[str, Touchpoint]
) -> None:
    document = json.loads(client.get(f"/campaigns/{chain['welcome'].campaign_id}/export/campaign.json").data)

    touchpoints = document["touchpoints"]
    assert document["version"] == 1
    follows = {t["name"]: touchpoints[t["follows"]]["name"] for t in touchpoints if "follows" in t}
    assert follows == {"Tips": "Welcome", "Check-in": "Tips"}


def test_a_document_without_follows_still_imports(client: FlaskClient, chain: dict[str, Touchpoint]) -> None:
    document = json.loads(client.get(f"/campaigns/{chain['welcome'].campaign_id}/export/campaign.json").data)
    for touchpoint in document["touchpoints"]:
        touchpoint.pop("follows", None)

    response = client.post("/api/campaigns/import", json=document)

    assert response.status_code == 201
    assert all(t["follows_id"] is None for t in response.get_json()["touchpoints"])


@pytest.mark.parametrize("follows, path, message", [
    ({1: 1}, "touchpoints[1].follows", "A touchpoint cannot send after itself."),
    ({1: 9}, "touchpoints[1].follows", "No touchpoint 9: the touchpoints are numbered 0 to 3."),
    ({1: "0"}, "touchpoints[1].follows", "Must be the index of another touchpoint in touchpoints"),
    ({0: 2, 2: 0}, "touchpoints[0].follows",
     "The touchpoints send after each other in a loop: touchpoints[0] → touchpoints[2] → touchpoints[0]."),
])
def test_a_document_with_a_broken_chain_is_refused_by_path_and_writes_nothing(
    client: FlaskClient, chain: dict[str, Touchpoint], follows: dict[int, Any], path: str, message: str
) -> None:
    document = json.loads(client.get(f"/campaigns/{chain['welcome'].campaign_id}/export/campaign.json").data)
    for touchpoint in document["touchpoints"]:
        touchpoint.pop("follows", None)
    for index, value in follows.items():
        document["touchpoints"][index]["follows"] = value
    before = database_rows()

    response = client.post("/api/campaigns/import", json=document)

    assert response.status_code == 422
    assert error_of(response)["fields"][path].startswith(message)
    assert database_rows() == before


def test_the_editor_and_the_cell_page_say_the_referral_sends_7_days_after_the_review_request_on_day_67(
    client: FlaskClient, demo: Campaign
) -> None:
    referral = next(tp for tp in demo.touchpoints if tp.name == REFERRAL)
    said = f"7 days after “{REVIEW}” (day +67 after the contact starts the trial), when left a good review"

    editor = page(client.get(f"/touchpoints/{referral.id}/email"))
    assert said in " ".join(editor.text().split())

    segment = referral.audience[0]
    cell = page(client.get(f"/campaigns/{demo.id}/preview?segment={segment.id}&phase={referral.phase_id}"))
    assert said in " ".join(cell.by_id(f"email-{referral.id}-name").parent.text().split())
