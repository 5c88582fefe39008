"""The segment API: create, list, read, edit and delete the segments every campaign can target."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

from api_support import database_rows, error_of, unknown_id
from campaigns.models import Campaign, Touchpoint
from journeymail.extensions import db
from segments.models import Segment

NEW_SEGMENT = {
    "name": "Busy founders",
    "motivation": "Follows us actively as a resource",
    "action": "Clicks through for more information",
    "obstacle": "Has no time to read long emails",
}


def test_creating_a_segment_answers_201_with_it(client: FlaskClient) -> None:
    response = client.post(
        "/api/segments",
        json={
            **NEW_SEGMENT,
            "opportunity": "Short emails with one clear action",
            "description": "Founders of companies under 20 people",
            "sample_data": {"firstname": "Ada", "company": "Lovelace Ltd", "employees": 12},
        },
    )

    assert response.status_code == 201
    segment = response.get_json()
    assert isinstance(segment["id"], int)
    assert segment == {
        "id": segment["id"],
        **NEW_SEGMENT,
        "opportunity": "Short emails with one clear action",
        "description": "Founders of companies under 20 people",
        "sample_data": {"firstname": "Ada", "company": "Lovelace Ltd", "employees": 12},
        "persona_id": None,
    }
    assert db.session.get(Segment, segment["id"]).sample_data["company"] == "Lovelace Ltd"


def test_optional_segment_fields_default_to_empty(client: FlaskClient) -> None:
    segment = client.post("/api/segments", json=NEW_SEGMENT).get_json()

    assert (segment["opportunity"], segment["description"], segment["sample_data"]) == ("", "", {})


def test_segments_are_listed_by_name_regardless_of_case(
    client: FlaskClient, create_segment: Callable[..., Segment]
) -> None:
    for name in ("students", "Busy founders", "Retirees"):
        create_segment(name=name)

    response = client.get("/api/segments")

    assert response.status_code == 200
    assert [s["name"] for s in response.get_json()] == ["Busy founders", "Retirees", "students"]


def test_a_segment_reads_by_id(client: FlaskClient, create_segment: Callable[..., Segment]) -> None:
    segment = create_segment(name="Busy founders")

    response = client.get(f"/api/segments/{segment.id}")

    assert response.status_code == 200
    assert (response.get_json()["id"], response.get_json()["name"]) == (segment.id, "Busy founders")


SEGMENT_REFUSALS = [
    ({"name": ""}, "name", "This field is required."),
    ({"name": "x" * 81}, "name", "At most 80 characters (this has 81)."),
    ({"name": 123}, "name", "Must be text."),
    ({"name": "Two\nlines"}, "name", "Must be a single line."),
    ({"motivation": ""}, "motivation", "This field is required."),
    ({"motivation": "x" * 301}, "motivation", "At most 300 characters (this has 301)."),
    ({"action": None}, "action", "This field is required."),
    ({"obstacle": ["a"]}, "obstacle", "Must be text."),
    ({"opportunity": "x" * 2001}, "opportunity", "At most 2000 characters (this has 2001)."),
    ({"sample_data": ["Ada"]}, "sample_data", 'Sample data must be an object of names and values, e.g. {"firstname": "Ada"}.'),
    ({"sample_data": "not json"}, "sample_data", "Line 1, column 1: expected a value: text in double quotes, a number, true, false, null, {…} or […]."),
    ({"sample_data": "[" * 100_000}, "sample_data", "Not valid JSON: nested too deeply."),
    (
        {"sample_data": {"First Name": "Ada"}},
        "sample_data",
        '"First Name" is not a merge-tag name: use letters, digits and _, starting with a letter or _.',
    ),
    ({"sample_data": {"firstname": {"a": 1}}}, "sample_data", 'The value of "firstname" must be text or a number.'),
    ({"sample_data": {"vip": True}}, "sample_data", 'The value of "vip" must be text or a number.'),
    ({"colour": "blue"}, "colour", "Unknown field."),
    ({"id": 1}, "id", "Unknown field."),
]


@pytest.mark.parametrize(("change", "field", "message"), SEGMENT_REFUSALS)
def test_creating_a_segment_with_a_bad_field_is_refused_and_writes_nothing(
    client: FlaskClient, change: dict[str, Any], field: str, message: str
) -> None:
    response = client.post("/api/segments", json={**NEW_SEGMENT, **change})

    assert response.status_code == 422
    assert error_of(response) == {"message": message, "fields": {field: message}}
    assert database_rows()["segments"] == []


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity"])
def test_sample_data_that_is_not_a_real_number_is_refused(client: FlaskClient, value: str) -> None:
    body = '{"name": "Busy founders", "motivation": "m", "action": "a", "obstacle": "o", "sample_data": {"score": %s}}'

    response = client.post("/api/segments", data=body % value, content_type="application/json")

    assert response.status_code == 422
    assert error_of(response)["fields"] == {"sample_data": 'The value of "score" must be text or a number.'}
    assert database_rows()["segments"] == []


@pytest.mark.parametrize("name", ["Busy founders", "busy founders", "BUSY FOUNDERS", "  Busy Founders  "])
def test_a_segment_name_already_taken_in_any_case_is_refused_with_409(
    client: FlaskClient, create_segment: Callable[..., Segment], name: str
) -> None:
    create_segment(name="Busy founders")
    before = database_rows()

    response = client.post("/api/segments", json={**NEW_SEGMENT, "name": name})

    assert response.status_code == 409
    assert error_of(response) == {
        "message": f'A segment named "{name.strip()}" already exists.',
        "fields": {"name": "This name is taken; choose another."},
    }
    assert database_rows() == before


@pytest.mark.parametrize(("taken", "name"), [("Ärzte", "ärzte"), ("Straße", "STRASSE"), ("Élèves", "élèves")])
def test_names_compare_without_case_beyond_ascii(
    client: FlaskClient, create_segment: Callable[..., Segment], taken: str, name: str
) -> None:
    create_segment(name=taken)

    response = client.post("/api/segments", json={**NEW_SEGMENT, "name": name})

    assert response.status_code == 409
    assert len(database_rows()["segments"]) == 1


# --- editing ---------------------------------------------------------------------------------


def test_editing_a_segment_changes_only_the_fields_sent(
    client: FlaskClient, create_segment: Callable[..., Segment]
) -> None:
    segment = create_segment(name="Busy founders")

    response = client.patch(
        f"/api/segments/{segment.id}",
        json={"obstacle": "Reads on the phone only", "sample_data": {"firstname": "Grace"}},
    )

    assert response.status_code == 200
    body = response.get_json()
    assert (body["name"], body["obstacle"], body["sample_data"]) == (
        "Busy founders",
        "Reads on the phone only",
        {"firstname": "Grace"},
    )
    db.session.expire_all()
    assert db.session.get(Segment, segment.id).obstacle == "Reads on the phone only"


def test_a_segment_may_keep_its_name_in_another_case(
    client: FlaskClient, create_segment: Callable[..., Segment]
) -> None:
    segment = create_segment(name="Busy founders")

    response = client.patch(f"/api/segments/{segment.id}", json={"name": "Busy Founders"})

    assert response.status_code == 200
    assert response.get_json()["name"] == "Busy Founders"


def test_renaming_a_segment_to_a_taken_name_is_refused_with_409(
    client: FlaskClient, create_segment: Callable[..., Segment]
) -> None:
    create_segment(name="Busy founders")
    students = create_segment(name="Students")
    before = database_rows()

    response = client.patch(f"/api/segments/{students.id}", json={"name": "busy founders", "obstacle": "Exams"})

    assert response.status_code == 409
    assert error_of(response)["fields"] == {"name": "This name is taken; choose another."}
    assert database_rows() == before


@pytest.mark.parametrize(("change", "field", "message"), SEGMENT_REFUSALS)
def test_editing_a_segment_with_a_bad_field_changes_nothing(
    client: FlaskClient, create_segment: Callable[..., Segment], change: dict[str, Any], field: str, message: str
) -> None:
    segment = create_segment(name="Busy founders")
    before = database_rows()
    good = {"description": "Founders"} if field != "description" else {"name": "Founders"}  # not saved either

    response = client.patch(f"/api/segments/{segment.id}", json={**good, **change})

    assert response.status_code == 422
    assert error_of(response)["fields"] == {field: message}
    assert database_rows() == before


def test_editing_a_segment_that_does_not_exist_is_404(client: FlaskClient) -> None:
    response = client.patch(f"/api/segments/{unknown_id(Segment)}", json={"name": "Students"})

    assert response.status_code == 404
    assert error_of(response)["fields"] == {}


# --- deleting --------------------------------------------------------------------------------


def test_deleting_a_segment_untargets_it_and_deletes_its_variants_and_audience_entries(
    client: FlaskClient,
    create_campaign: Callable[..., Campaign],
    create_segment: Callable[..., Segment],
    create_touchpoint: Callable[..., Touchpoint],
) -> None:
    campaign = create_campaign()
    founders, students = create_segment(name="Busy founders"), create_segment(name="Students")
    client.put(f"/api/campaigns/{campaign.id}/segments", json={"segment_ids": [founders.id, students.id]})
    touchpoint = create_touchpoint(campaign, segment_ids=[founders.id, students.id])
    for segment in (founders, students):
        client.put(f"/api/touchpoints/{touchpoint.id}/variants/{segment.id}", json={"subject": "Hi"})
    founders_id, students_id = founders.id, students.id

    response = client.delete(f"/api/segments/{founders_id}")

    assert response.status_code == 204
    rows = database_rows()
    assert [row[0] for row in rows["segments"]] == [students_id]
    assert [row[1] for row in rows["campaign_segments"]] == [students_id]
    assert [row[1] for row in rows["touchpoint_segments"]] == [students_id]
    assert [row[2] for row in rows["variants"]] == [students_id]
    body = client.get(f"/api/campaigns/{campaign.id}").get_json()
    assert body["segment_ids"] == [students_id]
    assert [v["segment_id"] for v in body["touchpoints"][0]["variants"]] == [students_id]


def test_deleting_a_segment_keeps_the_campaigns_and_emails(
    client: FlaskClient,
    create_campaign: Callable[..., Campaign],
    create_segment: Callable[..., Segment],
    create_touchpoint: Callable[..., Touchpoint],
) -> None:
    campaign = create_campaign()
    segment = create_segment()
    client.put(f"/api/campaigns/{campaign.id}/segments", json={"segment_ids": [segment.id]})
    touchpoint = create_touchpoint(campaign)
    before = database_rows()

    client.delete(f"/api/segments/{segment.id}")

    after = database_rows()
    assert after["campaigns"] == before["campaigns"]
    assert after["phases"] == before["phases"]
    assert [row[0] for row in after["touchpoints"]] == [touchpoint.id]


def test_deleting_a_segment_that_does_not_exist_is_404(client: FlaskClient) -> None:
    response = client.delete(f"/api/segments/{unknown_id(Segment)}")

    assert response.status_code == 404
    assert error_of(response)["fields"] == {}


def test_deleting_the_only_segment_an_email_is_meant_for_is_refused_and_writes_nothing(
    client: FlaskClient,
    create_campaign: Callable[..., Campaign],
    create_segment: Callable[..., Segment],
    create_touchpoint: Callable[..., Touchpoint],
) -> None:
    # Without it, the email's audience would be empty (= every segment) and reach everyone.
    campaign = create_campaign(name="Spring")
    founders, students = create_segment(name="Busy founders"), create_segment(name="Students")
    client.put(f"/api/campaigns/{campaign.id}/segments", json={"segment_ids": [founders.id, students.id]})
    create_touchpoint(campaign, name="Founders-only offer", segment_ids=[founders.id])
    rows = database_rows()

    response = client.delete(f"/api/segments/{founders.id}")

    assert response.status_code == 409
    assert '"Founders-only offer" (Spring)' in error_of(response)["message"]
    assert database_rows() == rows
