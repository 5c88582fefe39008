"""The campaign API: create, list, read, edit, delete and target segments; and how it refuses bad input."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

from api_support import ISO_UTC, NOT_FOUND, database_rows, error_of, unknown_id
from campaigns.models import Campaign, Touchpoint
from journeymail.extensions import db
from segments.models import Segment

CHOOSE_FRAMEWORK = "Choose one of: seven-phase, email-journey, five-stage, aida-loyalty, four-phase."

NEW_CAMPAIGN = {
    "name": "Trial journey",
    "goal": "Start a free trial",
    "framework": "five-stage",
    "sender_name": "Maya",
    "sender_email": "maya@example.com",
}


# --- creating ------------------------------------------------------------------------------


def test_creating_a_campaign_answers_201_with_the_campaign(client: FlaskClient) -> None:
    response = client.post(
        "/api/campaigns",
        json={**NEW_CAMPAIGN, "reply_to": "help@example.com", "locale": "de_DE", "map_state": "current"},
    )

    assert response.status_code == 201
    campaign = response.get_json()
    assert isinstance(campaign["id"], int)
    assert campaign["name"] == "Trial journey"
    assert campaign["goal"] == "Start a free trial"
    assert campaign["framework"] == "five-stage"
    assert campaign["sender_name"] == "Maya"
    assert campaign["sender_email"] == "maya@example.com"
    assert campaign["reply_to"] == "help@example.com"
    assert campaign["locale"] == "de_DE"
    assert campaign["map_state"] == "current"
    assert ISO_UTC.fullmatch(campaign["created_at"]) and ISO_UTC.fullmatch(campaign["updated_at"])
    assert campaign["touchpoints"] == [] and campaign["segment_ids"] == []
    assert db.session.get(Campaign, campaign["id"]).name == "Trial journey"


def test_a_new_campaign_defaults_to_the_future_state_in_en_us(client: FlaskClient) -> None:
    campaign = client.post("/api/campaigns", json=NEW_CAMPAIGN).get_json()

    assert (campaign["map_state"], campaign["locale"], campaign["reply_to"]) == ("future", "en_US", None)


@pytest.mark.parametrize("address", ["用户@例子.广告", "josé@example.com"])
def test_internationalised_sender_addresses_are_accepted(client: FlaskClient, address: str) -> None:
    response = client.post("/api/campaigns", json={**NEW_CAMPAIGN, "sender_email": address, "reply_to": address})

    assert response.status_code == 201
    assert response.get_json()["sender_email"] == address
    assert response.get_json()["reply_to"] == address


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"name": ""}, "name", "This field is required."),
        ({"name": "   "}, "name", "This field is required."),
        ({"name": "x" * 121}, "name", "At most 120 characters (this has 121)."),
        ({"name": 123}, "name", "Must be text."),
        ({"name": None}, "name", "This field is required."),
        ({"name": "Two\nlines"}, "name", "Must be a single line."),
        ({"goal": ""}, "goal", "This field is required."),
        ({"goal": "x" * 501}, "goal", "At most 500 characters (this has 501)."),
        ({"framework": "nine-phase"}, "framework", CHOOSE_FRAMEWORK),
        ({"framework": None}, "framework", CHOOSE_FRAMEWORK),
        ({"map_state": "past"}, "map_state", "Choose one of: current, future."),
        ({"sender_name": ""}, "sender_name", "This field is required."),
        ({"sender_email": ""}, "sender_email", "This field is required."),
        ({"sender_email": "foo@"}, "sender_email", None),
        ({"sender_email": "a@b..com"}, "sender_email", None),
        ({"sender_email": ["maya@example.com"]}, "sender_email", "Must be text."),
        ({"reply_to": "foo@"}, "reply_to", None),
        ({"reply_to": "a@b..com"}, "reply_to", None),
        ({"locale": "english"}, "locale", "Use the form en_US (language_COUNTRY)."),
        ({"locale": 7}, "locale", "Must be text."),
        ({"colour": "blue"}, "colour", "Unknown field."),
    ],
)
def test_creating_a_campaign_with_a_bad_field_is_refused(
    client: FlaskClient, change: dict[str, Any], field: str, message: str | None
) -> None:
    response = client.post("/api/campaigns", json={**NEW_CAMPAIGN, **change})

    assert response.status_code == 422
    error = error_of(response)
    assert list(error["fields"]) == [field]
    if message is None:  # email-validator words the reason; we promise the prefix
        assert error["fields"][field].startswith("Not a valid email address: ")
    else:
        assert error["fields"][field] == message
    assert error["message"] == error["fields"][field]
    assert db.session.scalar(db.select(db.func.count(Campaign.id))) == 0


def test_a_campaign_with_several_bad_fields_names_them_all(client: FlaskClient) -> None:
    response = client.post("/api/campaigns", json={"name": 123, "sender_email": "foo@"})

    assert response.status_code == 422
    error = error_of(response)
    assert error["message"] == "Please correct the marked fields."
    assert set(error["fields"]) == {"name", "goal", "framework", "sender_name", "sender_email"}


# --- reading ---------------------------------------------------------------------------------


def test_listing_campaigns_shows_each_with_its_id_and_name(
    client: FlaskClient, create_campaign: Callable[..., Campaign]
) -> None:
    first = create_campaign(name="Trial journey")
    second = create_campaign(name="Winback")

    response = client.get("/api/campaigns")

    assert response.status_code == 200
    listed = {c["id"]: c for c in response.get_json()}
    assert set(listed) == {first.id, second.id}
    assert listed[first.id]["name"] == "Trial journey"
    assert listed[second.id]["sender_email"] == "maya@example.com"
    assert ISO_UTC.fullmatch(listed[second.id]["updated_at"])


def test_a_campaign_reads_with_phases_touchpoints_variants_and_segment_ids(
    client: FlaskClient,
    create_campaign: Callable[..., Campaign],
    create_segment: Callable[..., Segment],
    create_touchpoint: Callable[..., Touchpoint],
) -> None:
    campaign = create_campaign()
    segment = create_segment(name="Busy founders")
    client.put(f"/api/campaigns/{campaign.id}/segments", json={"segment_ids": [segment.id]})
    welcome = create_touchpoint(campaign, 0, name="Welcome", subject="Hello")
    offer = create_touchpoint(campaign, 2, kind="offer", name="Trial offer")
    client.put(f"/api/touchpoints/{welcome.id}/variants/{segment.id}", json={"subject": "Hello, founder"})

    response = client.get(f"/api/campaigns/{campaign.id}")

    assert response.status_code == 200
    body = response.get_json()
    assert [p["name"] for p in body["phases"]] == ["Awareness", "Consideration", "Decision", "Retention", "Advocacy"]
    assert body["segment_ids"] == [segment.id]
    assert [t["id"] for t in body["touchpoints"]] == [welcome.id, offer.id]
    first = body["touchpoints"][0]
    assert first["phase_id"] == body["phases"][0]["id"]
    assert first["subject"] == "Hello"
    assert first["mjml"].startswith("<mjml>")
    assert first["variants"] == [
        {
            "touchpoint_id": welcome.id,
            "segment_id": segment.id,
            "subject": "Hello, founder",
            "preheader": None,
            "mjml": None,
        }
    ]


def test_reading_a_campaign_that_does_not_exist_is_404(client: FlaskClient) -> None:
    response = client.get(f"/api/campaigns/{unknown_id(Campaign)}")

    assert response.status_code == 404
    assert error_of(response) == {"message": NOT_FOUND, "fields": {}}


# --- editing ---------------------------------------------------------------------------------


def test_editing_a_campaign_changes_only_the_fields_sent(
    client: FlaskClient, create_campaign: Callable[..., Campaign]
) -> None:
    campaign = create_campaign()

    response = client.patch(
        f"/api/campaigns/{campaign.id}",
        json={"name": "Trial journey 2", "reply_to": "josé@example.com", "map_state": "current"},
    )

    assert response.status_code == 200
    body = response.get_json()
    assert (body["name"], body["reply_to"], body["map_state"]) == ("Trial journey 2", "josé@example.com", "current")
    assert (body["goal"], body["sender_email"]) == ("Start a free trial", "maya@example.com")
    db.session.expire_all()
    assert db.session.get(Campaign, campaign.id).name == "Trial journey 2"


def test_clearing_the_reply_to_address_stores_none(
    client: FlaskClient, create_campaign: Callable[..., Campaign]
) -> None:
    campaign = create_campaign(reply_to="help@example.com")

    response = client.patch(f"/api/campaigns/{campaign.id}", json={"reply_to": ""})

    assert response.status_code == 200
    assert response.get_json()["reply_to"] is None


def test_patching_the_framework_switches_it_and_moves_the_touchpoints_with_their_phases(
    client: FlaskClient, create_campaign: Callable[..., Campaign], create_touchpoint: Callable[..., Any]
) -> None:
    campaign = create_campaign()  # five-stage: Awareness, Consideration, Decision, Retention, Advocacy
    welcome = create_touchpoint(campaign, 0, name="Welcome")
    offer = create_touchpoint(campaign, 2, kind="offer", name="Offer")
    ids = [p.id for p in campaign.phases]

    response = client.patch(f"/api/campaigns/{campaign.id}", json={
        "framework": "four-phase", "name": "Short journey",
        "phase_map": {str(ids[0]): 0, str(ids[1]): 1, str(ids[2]): 2, str(ids[3]): "3", str(ids[4]): "keep"},
    })

    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["framework"], body["name"]) == ("four-phase", "Short journey")
    assert [p["name"] for p in body["phases"]] == ["Awareness", "Consideration", "Decision", "Post-purchase", "Advocacy"]
    assert [p["position"] for p in body["phases"]] == [0, 1, 2, 3, 4]
    placed = {t["id"]: t["phase_id"] for t in body["touchpoints"]}
    assert placed == {welcome.id: body["phases"][0]["id"], offer.id: body["phases"][2]["id"]}


def test_patching_the_framework_without_a_phase_map_applies_the_guess(
    client: FlaskClient, create_campaign: Callable[..., Campaign]
) -> None:
    campaign = create_campaign()

    response = client.patch(f"/api/campaigns/{campaign.id}", json={"framework": "aida-loyalty"})

    assert response.status_code == 200
    assert [p["name"] for p in response.get_json()["phases"]] == ["Awareness", "Interest", "Decision", "Action", "Loyalty"]


@pytest.mark.parametrize(("change", "field"), [
    ({"framework": "nine-phase"}, "framework"),
    ({"framework": "four-phase", "phase_map": []}, "phase_map"),
    ({"framework": "four-phase", "phase_map": {}}, "phase_map.{0}"),  # every phase must be mapped
    ({"framework": "four-phase", "phase_map": "PHASES:7"}, "phase_map.{0}"),  # index 7: four-phase has 4
    ({"framework": "four-phase", "phase_map": "PHASES:x"}, "phase_map.{0}"),
    ({"framework": "four-phase", "phase_map": "PHASES:true"}, "phase_map.{0}"),
    ({"framework": "four-phase", "phase_map": "PHASES:0", "name": ""}, "name"),
])
def test_a_bad_framework_switch_is_refused_and_changes_nothing(
    client: FlaskClient, create_campaign: Callable[..., Campaign], create_touchpoint: Callable[..., Any],
    change: dict[str, Any], field: str,
) -> None:
    campaign = create_campaign()
    create_touchpoint(campaign, 1, kind="newsletter", name="Tips")
    ids = [p.id for p in campaign.phases]
    if isinstance(change.get("phase_map"), str):
        value = change["phase_map"].removeprefix("PHASES:")
        value = {"true": True, "x": "x"}.get(value, value if not value.isdigit() else int(value))
        change = {**change, "phase_map": {str(i): value for i in ids}}
    before = database_rows()

    response = client.patch(f"/api/campaigns/{campaign.id}", json=change)

    assert response.status_code == 422
    assert field.format(ids[0]) in error_of(response)["fields"]
    assert database_rows() == before


@pytest.mark.parametrize("body", [5, [], "framework", ["framework"]])
def test_editing_a_campaign_with_a_body_that_is_not_an_object_is_400(
    client: FlaskClient, create_campaign: Callable[..., Campaign], body: Any
) -> None:
    campaign = create_campaign()

    response = client.patch(f"/api/campaigns/{campaign.id}", json=body)

    assert response.status_code == 400
    assert error_of(response)["message"] == "The request body must be a JSON object."


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"name": "Winback", "sender_email": "foo@"}, "sender_email", None),
        ({"name": "Winback", "goal": ""}, "goal", "This field is required."),
        ({"name": "Winback", "reply_to": "a@b..com"}, "reply_to", None),
        ({"name": "Winback", "locale": "en-US"}, "locale", "Use the form en_US (language_COUNTRY)."),
        ({"name": "Winback", "colour": "blue"}, "colour", "Unknown field."),
        ({"name": "Winback", "name ": "x"}, "name ", "Unknown field."),
    ],
)
def test_an_edit_with_one_bad_field_changes_nothing(
    client: FlaskClient,
    create_campaign: Callable[..., Campaign],
    change: dict[str, Any],
    field: str,
    message: str | None,
) -> None:
    campaign = create_campaign()
    before = database_rows()

    response = client.patch(f"/api/campaigns/{campaign.id}", json=change)

    assert response.status_code == 422
    fields = error_of(response)["fields"]
    assert list(fields) == [field]
    assert fields[field] == message if message else fields[field].startswith("Not a valid email address: ")
    assert database_rows() == before


@pytest.mark.parametrize("escaped", ["\\u0000", "\\ud800"])
def test_text_the_database_cannot_store_is_refused(
    client: FlaskClient, create_campaign: Callable[..., Campaign], escaped: str
) -> None:
    campaign = create_campaign()
    before = database_rows()

    response = client.patch(
        f"/api/campaigns/{campaign.id}", data='{"name": "Trial' + escaped + 'journey"}', content_type="application/json"
    )

    assert response.status_code == 422
    assert set(error_of(response)["fields"]) == {"name"}
    assert database_rows() == before


# --- deleting --------------------------------------------------------------------------------


def test_deleting_a_campaign_deletes_its_phases_touchpoints_and_variants_but_keeps_segments(
    client: FlaskClient,
    create_campaign: Callable[..., Campaign],
    create_segment: Callable[..., Segment],
    create_touchpoint: Callable[..., Touchpoint],
) -> None:
    campaign = create_campaign()
    other = create_campaign(name="Winback")
    segment = create_segment()
    client.put(f"/api/campaigns/{campaign.id}/segments", json={"segment_ids": [segment.id]})
    touchpoint = create_touchpoint(campaign, segment_ids=[segment.id])
    client.put(f"/api/touchpoints/{touchpoint.id}/variants/{segment.id}", json={"subject": "Hi"})

    response = client.delete(f"/api/campaigns/{campaign.id}")

    assert response.status_code == 204
    assert response.get_data() == b""
    rows = database_rows()
    assert [row[0] for row in rows["campaigns"]] == [other.id]
    assert {row[1] for row in rows["phases"]} == {other.id}
    assert rows["touchpoints"] == rows["variants"] == []
    assert rows["campaign_segments"] == rows["touchpoint_segments"] == []
    assert [row[0] for row in rows["segments"]] == [segment.id]


def test_deleting_a_campaign_twice_is_404(client: FlaskClient, create_campaign: Callable[..., Campaign]) -> None:
    campaign_id = create_campaign().id
    client.delete(f"/api/campaigns/{campaign_id}")

    response = client.delete(f"/api/campaigns/{campaign_id}")

    assert response.status_code == 404


# --- targeting segments ----------------------------------------------------------------------


def test_putting_segment_ids_sets_which_segments_a_campaign_targets(
    client: FlaskClient, create_campaign: Callable[..., Campaign], create_segment: Callable[..., Segment]
) -> None:
    campaign = create_campaign()
    founders, students, retirees = (create_segment(name=n) for n in ("Founders", "Students", "Retirees"))
    client.put(f"/api/campaigns/{campaign.id}/segments", json={"segment_ids": [founders.id, students.id]})

    response = client.put(f"/api/campaigns/{campaign.id}/segments", json={"segment_ids": [retirees.id, students.id]})

    assert response.status_code == 200
    assert sorted(response.get_json()["segment_ids"]) == sorted([retirees.id, students.id])
    assert sorted(client.get(f"/api/campaigns/{campaign.id}").get_json()["segment_ids"]) == sorted(
        [retirees.id, students.id]
    )


def test_putting_an_empty_list_targets_no_segment(
    client: FlaskClient, create_campaign: Callable[..., Campaign], create_segment: Callable[..., Segment]
) -> None:
    campaign = create_campaign()
    segment = create_segment()
    client.put(f"/api/campaigns/{campaign.id}/segments", json={"segment_ids": [segment.id]})

    response = client.put(f"/api/campaigns/{campaign.id}/segments", json={"segment_ids": []})

    assert response.status_code == 200
    assert response.get_json() == {"segment_ids": []}
    assert database_rows()["campaign_segments"] == []


def test_targeting_a_segment_that_does_not_exist_is_refused_and_changes_nothing(
    client: FlaskClient, create_campaign: Callable[..., Campaign], create_segment: Callable[..., Segment]
) -> None:
    campaign = create_campaign()
    segment = create_segment()
    missing = unknown_id(Segment)
    before = database_rows()

    response = client.put(f"/api/campaigns/{campaign.id}/segments", json={"segment_ids": [segment.id, missing]})

    assert response.status_code == 422
    assert error_of(response)["fields"] == {"segment_ids": f"No segment with ID {missing}."}
    assert database_rows() == before


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"segment_ids": "1"}, "segment_ids", "Must be a list of IDs (whole numbers from 1 to 2147483647)."),
        ({"segment_ids": ["1"]}, "segment_ids", "Must be a list of IDs (whole numbers from 1 to 2147483647)."),
        ({"segment_ids": [2**70]}, "segment_ids", "Must be a list of IDs (whole numbers from 1 to 2147483647)."),
        ({"segment_ids": list(range(1, 70_000))}, "segment_ids", "At most 1000 IDs."),
        ({}, "segment_ids", "Must be a list of IDs (whole numbers from 1 to 2147483647)."),
        ({"segment_ids": [], "all": True}, "all", "Unknown field."),
    ],
)
def test_targeting_with_a_bad_list_is_refused(
    client: FlaskClient, create_campaign: Callable[..., Campaign], body: dict[str, Any], field: str, message: str
) -> None:
    campaign = create_campaign()

    response = client.put(f"/api/campaigns/{campaign.id}/segments", json=body)

    assert response.status_code == 422
    assert error_of(response)["fields"] == {field: message}


def test_editing_a_campaigns_phases_moves_it_to_the_top_of_the_list(client, create_campaign):
    older = create_campaign(name="Older")
    create_campaign(name="Newer")
    assert [c["name"] for c in client.get("/api/campaigns").get_json()][:2] == ["Newer", "Older"]

    response = client.post(f"/api/campaigns/{older.id}/phases", json={"name": "Win-back"})

    assert response.status_code == 201
    assert [c["name"] for c in client.get("/api/campaigns").get_json()][:2] == ["Older", "Newer"]
