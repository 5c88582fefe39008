"""Personas and the goal questions through the JSON API: personas are created, listed, changed and deleted with
the usual error document; segments and campaigns name their persona; the goal questions are fields of the
campaign, its phases and touchpoints, all optional, so a client that knows none of them works as before."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from api_support import error_of, saved, unknown_id
from campaigns.models import Campaign, Touchpoint
from segments.models import Persona, Segment

MAYA = {
    "name": "Maya, the agency lead",
    "quote": "One plan the whole team can follow.",
    "role": "Head of social media, 34, Hamburg",
    "goals": "Plan a month in an afternoon\nHappy clients",
    "needs": "A quick set-up",
    "motives": "Look competent in front of clients",
    "sources": "Twelve interviews, spring 2026",
}


def test_a_persona_is_created_listed_read_changed_and_deleted(client: FlaskClient) -> None:
    created = client.post("/api/personas", json=MAYA)

    assert created.status_code == 201
    persona = created.get_json()
    assert persona == {"id": persona["id"], **MAYA}
    assert client.get("/api/personas").get_json() == [persona]
    assert client.get(f"/api/personas/{persona['id']}").get_json() == persona

    changed = client.patch(f"/api/personas/{persona['id']}", json={"quote": "Less spreadsheets, please."})

    assert changed.status_code == 200
    assert changed.get_json() == {**persona, "quote": "Less spreadsheets, please."}
    assert client.delete(f"/api/personas/{persona['id']}").status_code == 204
    assert client.get("/api/personas").get_json() == []
    assert saved(Persona, persona["id"]) is None


def test_a_persona_needs_only_a_name(client: FlaskClient) -> None:
    persona = client.post("/api/personas", json={"name": "Jonas"}).get_json()

    assert persona == {"id": persona["id"], "name": "Jonas", "quote": "", "role": "", "goals": "", "needs": "",
                       "motives": "", "sources": ""}


@pytest.mark.parametrize(("body", "field", "message"), [
    ({}, "name", "This field is required."),
    ({"name": "  "}, "name", "This field is required."),
    ({"name": "A\nB"}, "name", "Must be a single line."),
    ({"name": "x" * 81}, "name", "At most 80 characters (this has 81)."),
    ({"name": "Maya", "quote": 5}, "quote", "Must be text."),
    ({"name": "Maya", "goals": "x" * 2001}, "goals", "At most 2000 characters (this has 2001)."),
    ({"name": "Maya", "age": 34}, "age", "Unknown field."),
])
def test_a_bad_persona_is_refused_with_the_field_named(client: FlaskClient, body: dict, field: str, message: str) -> None:
    response = client.post("/api/personas", json=body)

    assert response.status_code == 422
    assert error_of(response)["fields"][field] == message
    assert client.get("/api/personas").get_json() == []


def test_persona_names_are_unique_regardless_of_case(client: FlaskClient) -> None:
    client.post("/api/personas", json={"name": "Maya"})
    other = client.post("/api/personas", json={"name": "Jonas"}).get_json()

    for response in (client.post("/api/personas", json={"name": "MAYA"}),
                     client.patch(f"/api/personas/{other['id']}", json={"name": "maya"})):
        assert response.status_code == 409
        assert error_of(response)["fields"] == {"name": "This name is taken; choose another."}


def test_an_unknown_persona_is_404_with_the_error_document(client: FlaskClient) -> None:
    missing = unknown_id(Persona)

    for response in (client.get(f"/api/personas/{missing}"), client.patch(f"/api/personas/{missing}", json={}),
                     client.delete(f"/api/personas/{missing}")):
        assert response.status_code == 404
        error_of(response)


def test_a_body_that_is_not_json_is_415(client: FlaskClient) -> None:
    response = client.post("/api/personas", data="name=Maya", content_type="application/x-www-form-urlencoded")

    assert response.status_code == 415
    error_of(response)


def test_a_segment_belongs_to_a_persona_and_keeps_existing_when_it_is_deleted(
    client: FlaskClient, create_campaign: Callable[..., Campaign]
) -> None:
    persona = client.post("/api/personas", json=MAYA).get_json()
    segment = client.post("/api/segments", json={
        "name": "Engaged evaluators", "motivation": "m", "action": "a", "obstacle": "o", "persona_id": persona["id"],
    }).get_json()
    campaign = client.post("/api/campaigns", json={
        "name": "Trial", "goal": "Start a trial", "framework": "five-stage", "sender_name": "Maya",
        "sender_email": "maya@example.com", "persona_id": persona["id"],
    }).get_json()
    assert (segment["persona_id"], campaign["persona_id"]) == (persona["id"], persona["id"])

    assert client.delete(f"/api/personas/{persona['id']}").status_code == 204

    assert client.get(f"/api/segments/{segment['id']}").get_json()["persona_id"] is None
    assert client.get(f"/api/campaigns/{campaign['id']}").get_json()["persona_id"] is None
    assert saved(Segment, segment["id"]) is not None and saved(Campaign, campaign["id"]) is not None


def test_a_segment_or_campaign_naming_no_persona_of_the_workspace_is_422_and_changes_nothing(
    client: FlaskClient, create_segment: Callable[..., Segment], create_campaign: Callable[..., Campaign]
) -> None:
    segment, campaign = create_segment(name="Browsers"), create_campaign()
    missing = unknown_id(Persona)

    for response in (
        client.patch(f"/api/segments/{segment.id}", json={"persona_id": missing, "name": "Renamed"}),
        client.patch(f"/api/campaigns/{campaign.id}", json={"persona_id": missing, "name": "Renamed"}),
        client.post("/api/segments", json={"name": "New", "motivation": "m", "action": "a", "obstacle": "o",
                                           "persona_id": missing}),
    ):
        assert response.status_code == 422
        assert error_of(response)["fields"] == {"persona_id": f"No persona with ID {missing}."}
    assert client.get(f"/api/segments/{segment.id}").get_json()["name"] == "Browsers"
    assert client.get(f"/api/campaigns/{campaign.id}").get_json()["name"] == "Trial journey"
    assert [s["name"] for s in client.get("/api/segments").get_json()] == ["Browsers"]
    bad = client.patch(f"/api/segments/{segment.id}", json={"persona_id": "one"})
    assert bad.status_code == 422 and "persona_id" in error_of(bad)["fields"]


def test_a_persona_is_unset_with_null(client: FlaskClient, create_segment: Callable[..., Segment]) -> None:
    persona = client.post("/api/personas", json={"name": "Maya"}).get_json()
    segment = create_segment()
    client.patch(f"/api/segments/{segment.id}", json={"persona_id": persona["id"]})

    response = client.patch(f"/api/segments/{segment.id}", json={"persona_id": None})

    assert response.get_json()["persona_id"] is None


def test_the_goal_questions_are_campaign_phase_and_touchpoint_fields(
    client: FlaskClient, create_campaign: Callable[..., Campaign], create_touchpoint: Callable[..., Touchpoint]
) -> None:
    campaign = create_campaign()
    touchpoint = create_touchpoint(campaign)
    assert client.get(f"/api/campaigns/{campaign.id}").get_json()["goal_kpi"] == ""  # optional: empty by default

    client.patch(f"/api/campaigns/{campaign.id}", json={
        "goal_kpi": "Trial-to-paid conversion", "goal_target": "20 %",
        "touchpoint_effects": "The case study makes the webinar worth it.",
    })
    client.patch(f"/api/phases/{campaign.phases[0].id}", json={"content_needs": "An e-book\nA search ad"})
    client.patch(f"/api/touchpoints/{touchpoint.id}", json={"feeling": "curious, short of time"})

    detail = client.get(f"/api/campaigns/{campaign.id}").get_json()
    assert (detail["goal"], detail["goal_kpi"], detail["goal_target"]) == (
        "Start a free trial", "Trial-to-paid conversion", "20 %")
    assert detail["touchpoint_effects"] == "The case study makes the webinar worth it."
    assert detail["phases"][0]["content_needs"] == "An e-book\nA search ad"
    assert detail["touchpoints"][0]["feeling"] == "curious, short of time"
    summary = client.get("/api/campaigns").get_json()[0]
    assert (summary["goal_kpi"], summary["goal_target"]) == ("Trial-to-paid conversion", "20 %")


@pytest.mark.parametrize(("url", "body", "field", "message"), [
    ("campaign", {"goal_kpi": "x" * 121}, "goal_kpi", "At most 120 characters (this has 121)."),
    ("campaign", {"goal_target": "20\n%"}, "goal_target", "Must be a single line."),
    ("phase", {"content_needs": 3}, "content_needs", "Must be text."),
    ("touchpoint", {"feeling": "x" * 301}, "feeling", "At most 300 characters (this has 301)."),
])
def test_bad_goal_questions_are_refused_by_field(
    client: FlaskClient, create_campaign: Callable[..., Campaign], create_touchpoint: Callable[..., Touchpoint],
    url: str, body: dict, field: str, message: str,
) -> None:
    campaign = create_campaign()
    touchpoint = create_touchpoint(campaign)
    target = {"campaign": f"/api/campaigns/{campaign.id}", "phase": f"/api/phases/{campaign.phases[0].id}",
              "touchpoint": f"/api/touchpoints/{touchpoint.id}"}[url]

    response = client.patch(target, json=body)

    assert response.status_code == 422
    assert error_of(response)["fields"] == {field: message}


def test_a_copywriter_may_not_change_a_touchpoints_feeling_nor_a_viewer_write_personas(
    client_as: Callable[..., FlaskClient], create_campaign: Callable[..., Campaign],
    create_touchpoint: Callable[..., Touchpoint],
) -> None:
    touchpoint = create_touchpoint(create_campaign())

    copywriter = client_as("copywriter")
    assert copywriter.patch(f"/api/touchpoints/{touchpoint.id}", json={"feeling": "bored"}).status_code == 403
    assert copywriter.post("/api/personas", json={"name": "Maya"}).status_code == 403
    viewer = client_as("viewer")
    assert viewer.get("/api/personas").status_code == 200
    assert viewer.post("/api/personas", json={"name": "Maya"}).status_code == 403
    editor = client_as("editor")
    persona = editor.post("/api/personas", json={"name": "Maya"})
    assert persona.status_code == 201
    assert editor.delete(f"/api/personas/{persona.get_json()['id']}").status_code == 403  # owners delete
