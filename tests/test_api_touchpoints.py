"""The touchpoint API: add to a phase, edit, move between phases and within one, choose an audience, delete."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from api_support import database_rows, error_of, unknown_id
from campaigns.kinds import CAPTURE_KINDS, EMAIL_KINDS
from campaigns.models import Campaign, Phase, Touchpoint
from journeymail.extensions import db
from segments.models import Segment

STARTERS = Path(__file__).resolve().parent.parent / "emails" / "starters"


def placement(client: FlaskClient, campaign: Campaign) -> dict[int, list[tuple[str, int]]]:
    """(name, position) of each phase's touchpoints, by phase ID, as the API shows them."""
    body = client.get(f"/api/campaigns/{campaign.id}").get_json()
    placed: dict[int, list[tuple[str, int]]] = {p["id"]: [] for p in body["phases"]}
    for touchpoint in body["touchpoints"]:
        placed[touchpoint["phase_id"]].append((touchpoint["name"], touchpoint["position"]))
    return placed


def target(client: FlaskClient, campaign: Campaign, *segments: Segment) -> None:
    response = client.put(f"/api/campaigns/{campaign.id}/segments", json={"segment_ids": [s.id for s in segments]})
    assert response.status_code == 200


# --- adding ----------------------------------------------------------------------------------


def test_adding_a_touchpoint_answers_201_with_it(client: FlaskClient, create_campaign: Callable[..., Campaign]) -> None:
    campaign = create_campaign()
    phase = campaign.phases[0]

    response = client.post(
        f"/api/campaigns/{campaign.id}/touchpoints",
        json={
            "phase_id": phase.id,
            "kind": "welcome",
            "name": "Welcome",
            "trigger": "signs up",
            "send_offset_days": 1,
            "cta": "Start your trial",
            "subject": "Welcome aboard",
            "preheader": "Three things to try in your first week",
            "mjml": "<mjml><mj-body></mj-body></mjml>",
        },
    )

    assert response.status_code == 201
    touchpoint = response.get_json()
    assert isinstance(touchpoint["id"], int)
    assert touchpoint == {
        "id": touchpoint["id"],
        "campaign_id": campaign.id,
        "phase_id": phase.id,
        "position": 0,
        "kind": "welcome",
        "is_email": True,
        "name": "Welcome",
        "trigger": "signs up",
        "send_offset_days": 1,
        "follows_id": None,
        "cta": "Start your trial",
        "feeling": "",
        "subject": "Welcome aboard",
        "preheader": "Three things to try in your first week",
        "mjml": "<mjml><mj-body></mj-body></mjml>",
        "text_override": None,
        "segment_ids": [],
        "variants": [],
    }
    assert db.session.get(Touchpoint, touchpoint["id"]).name == "Welcome"


@pytest.mark.parametrize("kind", [k.key for k in EMAIL_KINDS])
def test_an_email_without_mjml_starts_from_its_kinds_starter_email(
    client: FlaskClient, create_campaign: Callable[..., Campaign], kind: str
) -> None:
    campaign = create_campaign()

    response = client.post(
        f"/api/campaigns/{campaign.id}/touchpoints",
        json={"phase_id": campaign.phases[0].id, "kind": kind, "name": "Email"},
    )

    assert response.status_code == 201
    assert response.get_json()["mjml"] == (STARTERS / f"{kind}.mjml").read_text(encoding="utf-8")


@pytest.mark.parametrize("kind", [k.key for k in CAPTURE_KINDS])
def test_a_capture_touchpoint_carries_no_email(
    client: FlaskClient, create_campaign: Callable[..., Campaign], kind: str
) -> None:
    campaign = create_campaign()

    response = client.post(
        f"/api/campaigns/{campaign.id}/touchpoints",
        json={"phase_id": campaign.phases[0].id, "kind": kind, "name": "Form"},
    )

    assert response.status_code == 201
    body = response.get_json()
    assert body["is_email"] is False
    assert (body["subject"], body["preheader"], body["mjml"]) == (None, None, None)


@pytest.mark.parametrize("kind", [k.key for k in CAPTURE_KINDS])
@pytest.mark.parametrize("field", ["subject", "preheader", "mjml", "text_override"])
def test_a_capture_touchpoint_refuses_email_content(
    client: FlaskClient, create_campaign: Callable[..., Campaign], kind: str, field: str
) -> None:
    campaign = create_campaign()
    label = {"signup_form": "A signup form", "information_form": "An information form", "landing_page": "A landing page"}[kind]
    before = database_rows()

    response = client.post(
        f"/api/campaigns/{campaign.id}/touchpoints",
        json={"phase_id": campaign.phases[0].id, "kind": kind, "name": "Form", field: "Hello"},
    )

    assert response.status_code == 422
    assert error_of(response)["fields"] == {field: f"{label} sends no email; leave this empty."}
    assert database_rows() == before


def test_new_touchpoints_go_to_the_end_of_their_phase_or_to_a_position(
    client: FlaskClient, create_campaign: Callable[..., Campaign], create_touchpoint: Callable[..., Touchpoint]
) -> None:
    campaign = create_campaign()
    phase = campaign.phases[0]
    create_touchpoint(campaign, 0, name="A")
    create_touchpoint(campaign, 0, name="B")

    response = client.post(
        f"/api/campaigns/{campaign.id}/touchpoints",
        json={"phase_id": phase.id, "kind": "reminder", "name": "First", "position": 0},
    )

    assert response.get_json()["position"] == 0
    assert placement(client, campaign)[phase.id] == [("First", 0), ("A", 1), ("B", 2)]


TOUCHPOINT_REFUSALS = [
    ({"name": ""}, "name", "This field is required."),
    ({"name": "x" * 121}, "name", "At most 120 characters (this has 121)."),
    ({"name": 123}, "name", "Must be text."),
    ({"kind": "sms"}, "kind", None),
    ({"kind": None}, "kind", None),
    ({"send_offset_days": -1}, "send_offset_days", "Must be between 0 and 3650."),
    ({"send_offset_days": 3651}, "send_offset_days", "Must be between 0 and 3650."),
    ({"send_offset_days": "3"}, "send_offset_days", "Must be a whole number."),
    ({"position": -1}, "position", "Must be between 0 and 10000."),
    ({"phase_id": "1"}, "phase_id", "Must be a whole number."),
    ({"phase_id": None}, "phase_id", "This field is required."),
    ({"trigger": "x" * 201}, "trigger", "At most 200 characters (this has 201)."),
    ({"cta": ["Buy"]}, "cta", "Must be text."),
    ({"subject": "x" * 201}, "subject", "At most 200 characters (this has 201)."),
    ({"subject": "Two\nlines"}, "subject", "Must be a single line."),
    ({"preheader": 5}, "preheader", "Must be text."),
    ({"mjml": {"body": "x"}}, "mjml", "Must be text."),
    ({"segment_ids": "all"}, "segment_ids", "Must be a list of IDs (whole numbers from 1 to 2147483647)."),
    ({"campaign_id": 1}, "campaign_id", "Unknown field."),
    ({"variants": []}, "variants", "Unknown field."),
]


@pytest.mark.parametrize(("change", "field", "message"), TOUCHPOINT_REFUSALS)
def test_adding_a_touchpoint_with_a_bad_field_is_refused_and_writes_nothing(
    client: FlaskClient,
    create_campaign: Callable[..., Campaign],
    change: dict[str, Any],
    field: str,
    message: str | None,
) -> None:
    campaign = create_campaign()
    before = database_rows()

    response = client.post(
        f"/api/campaigns/{campaign.id}/touchpoints",
        json={"phase_id": campaign.phases[0].id, "kind": "welcome", "name": "Welcome", **change},
    )

    assert response.status_code == 422
    fields = error_of(response)["fields"]
    assert list(fields) == [field]
    if message is None:
        assert fields[field].startswith("Choose one of: signup_form, information_form, landing_page, welcome,")
    else:
        assert fields[field] == message
    assert database_rows() == before


def test_a_touchpoint_in_a_phase_of_another_campaign_is_refused(
    client: FlaskClient, create_campaign: Callable[..., Campaign]
) -> None:
    campaign = create_campaign()
    foreign = create_campaign(name="Winback").phases[0]
    before = database_rows()

    response = client.post(
        f"/api/campaigns/{campaign.id}/touchpoints", json={"phase_id": foreign.id, "kind": "welcome", "name": "Welcome"}
    )

    assert response.status_code == 422
    assert error_of(response)["fields"] == {"phase_id": f"The campaign has no phase with ID {foreign.id}."}
    assert database_rows() == before


def test_a_touchpoint_in_a_phase_that_does_not_exist_is_refused(
    client: FlaskClient, create_campaign: Callable[..., Campaign]
) -> None:
    campaign = create_campaign()
    missing = unknown_id(Phase)

    response = client.post(
        f"/api/campaigns/{campaign.id}/touchpoints", json={"phase_id": missing, "kind": "welcome", "name": "Welcome"}
    )

    assert response.status_code == 422
    assert error_of(response)["fields"] == {"phase_id": f"The campaign has no phase with ID {missing}."}


def test_adding_a_touchpoint_to_a_campaign_that_does_not_exist_is_404(client: FlaskClient) -> None:
    response = client.post(
        f"/api/campaigns/{unknown_id(Campaign)}/touchpoints", json={"phase_id": 1, "kind": "welcome", "name": "Welcome"}
    )

    assert response.status_code == 404


# --- audience --------------------------------------------------------------------------------


def test_a_touchpoint_can_be_limited_to_targeted_segments(
    client: FlaskClient, create_campaign: Callable[..., Campaign], create_segment: Callable[..., Segment]
) -> None:
    campaign = create_campaign()
    founders, students = create_segment(name="Founders"), create_segment(name="Students")
    target(client, campaign, founders, students)

    response = client.post(
        f"/api/campaigns/{campaign.id}/touchpoints",
        json={"phase_id": campaign.phases[0].id, "kind": "welcome", "name": "Welcome", "segment_ids": [students.id]},
    )

    assert response.status_code == 201
    assert response.get_json()["segment_ids"] == [students.id]


def test_an_audience_of_a_segment_only_another_campaign_targets_is_refused(
    client: FlaskClient, create_campaign: Callable[..., Campaign], create_segment: Callable[..., Segment]
) -> None:
    campaign, other = create_campaign(), create_campaign(name="Winback")
    founders, students = create_segment(name="Founders"), create_segment(name="Students")
    target(client, campaign, founders)
    target(client, other, students)
    before = database_rows()

    response = client.post(
        f"/api/campaigns/{campaign.id}/touchpoints",
        json={"phase_id": campaign.phases[0].id, "kind": "welcome", "name": "Welcome", "segment_ids": [students.id]},
    )

    assert response.status_code == 422
    assert error_of(response)["fields"] == {"segment_ids": f"The campaign does not target segment ID {students.id}."}
    assert database_rows() == before


def test_an_audience_can_be_changed_and_emptied_to_mean_every_targeted_segment(
    client: FlaskClient,
    create_campaign: Callable[..., Campaign],
    create_segment: Callable[..., Segment],
    create_touchpoint: Callable[..., Touchpoint],
) -> None:
    campaign = create_campaign()
    founders, students = create_segment(name="Founders"), create_segment(name="Students")
    target(client, campaign, founders, students)
    touchpoint = create_touchpoint(campaign, segment_ids=[founders.id])

    changed = client.patch(f"/api/touchpoints/{touchpoint.id}", json={"segment_ids": [students.id, founders.id]})
    emptied = client.patch(f"/api/touchpoints/{touchpoint.id}", json={"segment_ids": []})

    assert sorted(changed.get_json()["segment_ids"]) == sorted([founders.id, students.id])
    assert emptied.get_json()["segment_ids"] == []
    assert database_rows()["touchpoint_segments"] == []


# --- editing ---------------------------------------------------------------------------------


def test_editing_a_touchpoint_changes_only_the_fields_sent(
    client: FlaskClient, create_campaign: Callable[..., Campaign], create_touchpoint: Callable[..., Touchpoint]
) -> None:
    campaign = create_campaign()
    touchpoint = create_touchpoint(campaign, name="Welcome", subject="Hello", cta="Start")

    response = client.patch(
        f"/api/touchpoints/{touchpoint.id}",
        json={"name": "Warm welcome", "send_offset_days": 2, "preheader": "Hi there"},
    )

    assert response.status_code == 200
    body = response.get_json()
    assert (body["name"], body["send_offset_days"], body["preheader"]) == ("Warm welcome", 2, "Hi there")
    assert (body["subject"], body["cta"], body["kind"]) == ("Hello", "Start", "welcome")


def test_clearing_an_emails_mjml_brings_back_the_starter_email(
    client: FlaskClient, create_campaign: Callable[..., Campaign], create_touchpoint: Callable[..., Touchpoint]
) -> None:
    touchpoint = create_touchpoint(create_campaign(), kind="offer", mjml="<mjml><mj-body></mj-body></mjml>")

    response = client.patch(f"/api/touchpoints/{touchpoint.id}", json={"mjml": ""})

    assert response.get_json()["mjml"] == (STARTERS / "offer.mjml").read_text(encoding="utf-8")


def test_a_form_that_becomes_an_email_gets_the_starter_email(
    client: FlaskClient, create_campaign: Callable[..., Campaign], create_touchpoint: Callable[..., Touchpoint]
) -> None:
    touchpoint = create_touchpoint(create_campaign(), kind="signup_form", name="Signup")

    response = client.patch(f"/api/touchpoints/{touchpoint.id}", json={"kind": "welcome", "subject": "Welcome"})

    body = response.get_json()
    assert (body["is_email"], body["subject"]) == (True, "Welcome")
    assert body["mjml"] == (STARTERS / "welcome.mjml").read_text(encoding="utf-8")


def test_an_email_that_becomes_a_landing_page_drops_its_email_content(
    client: FlaskClient,
    create_campaign: Callable[..., Campaign],
    create_segment: Callable[..., Segment],
    create_touchpoint: Callable[..., Touchpoint],
) -> None:
    campaign = create_campaign()
    segment = create_segment()
    target(client, campaign, segment)
    touchpoint = create_touchpoint(campaign, subject="Hello", preheader="Hi", text_override="Hello")
    client.put(f"/api/touchpoints/{touchpoint.id}/variants/{segment.id}", json={"subject": "Hello, founder"})

    response = client.patch(f"/api/touchpoints/{touchpoint.id}", json={"kind": "landing_page"})

    assert response.status_code == 200
    body = response.get_json()
    assert body["is_email"] is False
    assert (body["subject"], body["preheader"], body["mjml"], body["text_override"]) == (None, None, None, None)
    assert body["variants"] == []
    assert database_rows()["variants"] == []


def test_making_an_email_a_form_while_sending_content_is_refused(
    client: FlaskClient, create_campaign: Callable[..., Campaign], create_touchpoint: Callable[..., Touchpoint]
) -> None:
    touchpoint = create_touchpoint(create_campaign(), subject="Hello")
    before = database_rows()

    response = client.patch(f"/api/touchpoints/{touchpoint.id}", json={"kind": "signup_form", "subject": "Hello"})

    assert response.status_code == 422
    assert error_of(response)["fields"] == {"subject": "A signup form sends no email; leave this empty."}
    assert database_rows() == before


def test_email_content_on_an_existing_form_is_refused(
    client: FlaskClient, create_campaign: Callable[..., Campaign], create_touchpoint: Callable[..., Touchpoint]
) -> None:
    touchpoint = create_touchpoint(create_campaign(), kind="information_form", name="E-book download")

    response = client.patch(f"/api/touchpoints/{touchpoint.id}", json={"mjml": "<mjml></mjml>"})

    assert response.status_code == 422
    assert error_of(response)["fields"] == {"mjml": "An information form sends no email; leave this empty."}


@pytest.mark.parametrize(("change", "field", "message"), TOUCHPOINT_REFUSALS)
def test_editing_a_touchpoint_with_a_bad_field_changes_nothing(
    client: FlaskClient,
    create_campaign: Callable[..., Campaign],
    create_touchpoint: Callable[..., Touchpoint],
    change: dict[str, Any],
    field: str,
    message: str | None,
) -> None:
    campaign = create_campaign()
    touchpoint = create_touchpoint(campaign)
    before = database_rows()
    good = {"name": "Warm welcome"} if field != "name" else {"cta": "Start"}  # not saved either

    response = client.patch(f"/api/touchpoints/{touchpoint.id}", json={**good, **change})

    assert response.status_code == 422
    fields = error_of(response)["fields"]
    assert list(fields) == [field]
    assert fields[field] == message if message else fields[field].startswith("Choose one of: ")
    assert database_rows() == before


def test_editing_a_touchpoint_that_does_not_exist_is_404(client: FlaskClient) -> None:
    response = client.patch(f"/api/touchpoints/{unknown_id(Touchpoint)}", json={"name": "Welcome"})

    assert response.status_code == 404


# --- moving ----------------------------------------------------------------------------------


@pytest.fixture
def journey(
    create_campaign: Callable[..., Campaign], create_touchpoint: Callable[..., Touchpoint]
) -> tuple[Campaign, dict[str, Touchpoint]]:
    """A campaign with touchpoints A, B, C in its first phase and X, Y in its second."""
    campaign = create_campaign()
    touchpoints = {name: create_touchpoint(campaign, 0, name=name) for name in "ABC"}
    touchpoints |= {name: create_touchpoint(campaign, 1, name=name) for name in "XY"}
    return campaign, touchpoints


@pytest.mark.parametrize(
    ("name", "position", "expected"),
    [
        ("A", 2, ["B", "C", "A"]),
        ("C", 0, ["C", "A", "B"]),
        ("B", 0, ["B", "A", "C"]),
        ("A", 1, ["B", "A", "C"]),
        ("B", 1, ["A", "B", "C"]),
        ("A", 50, ["B", "C", "A"]),
    ],
)
def test_reordering_a_touchpoint_within_its_phase_renumbers_the_phase(
    client: FlaskClient, journey: tuple[Campaign, dict[str, Touchpoint]], name: str, position: int, expected: list[str]
) -> None:
    campaign, touchpoints = journey
    first, second = campaign.phases[0].id, campaign.phases[1].id

    response = client.patch(f"/api/touchpoints/{touchpoints[name].id}", json={"position": position})

    assert response.status_code == 200
    placed = placement(client, campaign)
    assert placed[first] == [(n, i) for i, n in enumerate(expected)]
    assert placed[second] == [("X", 0), ("Y", 1)]


@pytest.mark.parametrize(
    ("change", "expected_first", "expected_second"),
    [
        ({}, ["A", "C"], ["X", "Y", "B"]),
        ({"position": 0}, ["A", "C"], ["B", "X", "Y"]),
        ({"position": 1}, ["A", "C"], ["X", "B", "Y"]),
        ({"position": 99}, ["A", "C"], ["X", "Y", "B"]),
    ],
)
def test_moving_a_touchpoint_to_another_phase_keeps_both_phases_contiguous(
    client: FlaskClient,
    journey: tuple[Campaign, dict[str, Touchpoint]],
    change: dict[str, int],
    expected_first: list[str],
    expected_second: list[str],
) -> None:
    campaign, touchpoints = journey
    first, second = campaign.phases[0].id, campaign.phases[1].id

    response = client.patch(f"/api/touchpoints/{touchpoints['B'].id}", json={"phase_id": second, **change})

    assert response.status_code == 200
    assert response.get_json()["phase_id"] == second
    placed = placement(client, campaign)
    assert placed[first] == [(n, i) for i, n in enumerate(expected_first)]
    assert placed[second] == [(n, i) for i, n in enumerate(expected_second)]


def test_moving_a_touchpoint_into_an_empty_phase_puts_it_first(
    client: FlaskClient, journey: tuple[Campaign, dict[str, Touchpoint]]
) -> None:
    campaign, touchpoints = journey
    empty = campaign.phases[4].id

    response = client.patch(f"/api/touchpoints/{touchpoints['A'].id}", json={"phase_id": empty, "position": 3})

    assert response.get_json()["position"] == 0
    placed = placement(client, campaign)
    assert placed[empty] == [("A", 0)]
    assert placed[campaign.phases[0].id] == [("B", 0), ("C", 1)]


def test_a_touchpoint_moved_to_its_own_phase_stays_put(
    client: FlaskClient, journey: tuple[Campaign, dict[str, Touchpoint]]
) -> None:
    campaign, touchpoints = journey
    first = campaign.phases[0].id

    response = client.patch(f"/api/touchpoints/{touchpoints['A'].id}", json={"phase_id": first})

    assert response.status_code == 200
    assert placement(client, campaign)[first] == [("A", 0), ("B", 1), ("C", 2)]


def test_moving_a_touchpoint_to_a_phase_of_another_campaign_is_refused(
    client: FlaskClient, create_campaign: Callable[..., Campaign], journey: tuple[Campaign, dict[str, Touchpoint]]
) -> None:
    _, touchpoints = journey
    foreign = create_campaign(name="Winback").phases[0]
    before = database_rows()

    response = client.patch(f"/api/touchpoints/{touchpoints['A'].id}", json={"phase_id": foreign.id, "name": "Moved"})

    assert response.status_code == 422
    assert error_of(response)["fields"] == {"phase_id": f"The campaign has no phase with ID {foreign.id}."}
    assert database_rows() == before


# --- deleting --------------------------------------------------------------------------------


def test_deleting_a_touchpoint_renumbers_its_phase(
    client: FlaskClient, journey: tuple[Campaign, dict[str, Touchpoint]]
) -> None:
    campaign, touchpoints = journey
    deleted_id = touchpoints["A"].id

    response = client.delete(f"/api/touchpoints/{deleted_id}")

    assert response.status_code == 204
    placed = placement(client, campaign)
    assert placed[campaign.phases[0].id] == [("B", 0), ("C", 1)]
    assert placed[campaign.phases[1].id] == [("X", 0), ("Y", 1)]
    assert db.session.get(Touchpoint, deleted_id) is None


def test_deleting_a_touchpoint_deletes_its_variants_and_audience(
    client: FlaskClient,
    create_campaign: Callable[..., Campaign],
    create_segment: Callable[..., Segment],
    create_touchpoint: Callable[..., Touchpoint],
) -> None:
    campaign = create_campaign()
    segment = create_segment()
    target(client, campaign, segment)
    touchpoint = create_touchpoint(campaign, segment_ids=[segment.id])
    client.put(f"/api/touchpoints/{touchpoint.id}/variants/{segment.id}", json={"subject": "Hi"})

    client.delete(f"/api/touchpoints/{touchpoint.id}")

    rows = database_rows()
    assert rows["variants"] == rows["touchpoint_segments"] == rows["touchpoints"] == []
    assert len(rows["campaign_segments"]) == 1 and len(rows["segments"]) == 1


def test_deleting_a_touchpoint_that_does_not_exist_is_404(client: FlaskClient) -> None:
    response = client.delete(f"/api/touchpoints/{unknown_id(Touchpoint)}")

    assert response.status_code == 404
    assert error_of(response)["fields"] == {}
