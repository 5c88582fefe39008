"""What every JSON endpoint does with a body it cannot use or an ID that cannot exist: an error, never a 500."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from api_support import NOT_FOUND, TOO_BIG_ID, database_rows, error_of
from campaigns.models import Campaign, Touchpoint
from segments.models import Segment


@pytest.fixture
def endpoints(
    client: FlaskClient,
    create_campaign: Callable[..., Campaign],
    create_segment: Callable[..., Segment],
    create_touchpoint: Callable[..., Touchpoint],
) -> dict[str, tuple[str, str, dict[str, Any]]]:
    """Every endpoint that takes a JSON body, by name: method, URL with real IDs, and a body it accepts."""
    campaign = create_campaign()
    segment = create_segment()
    client.put(f"/api/campaigns/{campaign.id}/segments", json={"segment_ids": [segment.id]})
    touchpoint = create_touchpoint(campaign)
    new_campaign = {
        "name": "Winback",
        "goal": "Win back readers",
        "framework": "four-phase",
        "sender_name": "Maya",
        "sender_email": "maya@example.com",
    }
    new_segment = {"name": "Students", "motivation": "Learns", "action": "Reads", "obstacle": "Exams"}
    return {
        "create campaign": ("post", "/api/campaigns", new_campaign),
        "edit campaign": ("patch", f"/api/campaigns/{campaign.id}", {"name": "Winback"}),
        "target segments": ("put", f"/api/campaigns/{campaign.id}/segments", {"segment_ids": [segment.id]}),
        "add phase": ("post", f"/api/campaigns/{campaign.id}/phases", {"name": "Win-back"}),
        "edit phase": ("patch", f"/api/phases/{campaign.phases[0].id}", {"name": "Discovery"}),
        "add touchpoint": (
            "post",
            f"/api/campaigns/{campaign.id}/touchpoints",
            {"phase_id": campaign.phases[0].id, "kind": "offer", "name": "Offer"},
        ),
        "edit touchpoint": ("patch", f"/api/touchpoints/{touchpoint.id}", {"name": "Hello"}),
        "put variant": ("put", f"/api/touchpoints/{touchpoint.id}/variants/{segment.id}", {"subject": "Hi"}),
        "create segment": ("post", "/api/segments", new_segment),
        "edit segment": ("patch", f"/api/segments/{segment.id}", {"name": "Founders"}),
    }


ENDPOINTS = [
    "create campaign",
    "edit campaign",
    "target segments",
    "add phase",
    "edit phase",
    "add touchpoint",
    "edit touchpoint",
    "put variant",
    "create segment",
    "edit segment",
]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_form_post_is_refused_with_415_and_writes_nothing(
    client: FlaskClient, endpoints: dict[str, tuple[str, str, dict[str, Any]]], endpoint: str
) -> None:
    method, url, _ = endpoints[endpoint]
    before = database_rows()

    response = getattr(client, method)(url, data={"name": "Onboarding"})

    assert response.status_code == 415
    assert error_of(response) == {
        "message": "Send the request body as JSON (Content-Type: application/json).",
        "fields": {},
    }
    assert database_rows() == before


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_json_sent_as_plain_text_is_refused_with_415(
    client: FlaskClient, endpoints: dict[str, tuple[str, str, dict[str, Any]]], endpoint: str
) -> None:
    method, url, _ = endpoints[endpoint]

    response = getattr(client, method)(url, data='{"name": "Onboarding"}', content_type="text/plain")

    assert response.status_code == 415


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("body", ['{"name": "Onboarding",', "", "null", "{'name': 'x'}", b"\xff\xfe"])
def test_a_body_that_does_not_parse_is_refused_with_400_and_writes_nothing(
    client: FlaskClient, endpoints: dict[str, tuple[str, str, dict[str, Any]]], endpoint: str, body: str | bytes
) -> None:
    method, url, _ = endpoints[endpoint]
    before = database_rows()

    response = getattr(client, method)(url, data=body, content_type="application/json")

    assert response.status_code == 400
    assert error_of(response) == {"message": "The request body is not valid JSON.", "fields": {}}
    assert database_rows() == before


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_deeply_nested_body_is_refused_with_400(
    client: FlaskClient, endpoints: dict[str, tuple[str, str, dict[str, Any]]], endpoint: str
) -> None:
    method, url, _ = endpoints[endpoint]

    response = getattr(client, method)(url, data="[" * 100_000, content_type="application/json")

    assert response.status_code == 400
    assert error_of(response)["message"] == "The request body is nested too deeply."


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("body", [[], ["name"], "Onboarding", 5, True])
def test_a_body_that_is_not_a_json_object_is_refused_with_400(
    client: FlaskClient, endpoints: dict[str, tuple[str, str, dict[str, Any]]], endpoint: str, body: Any
) -> None:
    method, url, _ = endpoints[endpoint]
    before = database_rows()

    response = getattr(client, method)(url, json=body)

    assert response.status_code == 400
    assert error_of(response)["message"] == "The request body must be a JSON object."
    assert database_rows() == before


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_body_over_the_size_limit_is_refused_with_413_and_writes_nothing(
    app: Flask, client: FlaskClient, endpoints: dict[str, tuple[str, str, dict[str, Any]]], endpoint: str
) -> None:
    method, url, _ = endpoints[endpoint]
    limit = app.config["MAX_CONTENT_LENGTH"]
    before = database_rows()

    response = getattr(client, method)(url, data='{"name": "' + "x" * limit + '"}', content_type="application/json")

    assert response.status_code == 413
    assert error_of(response) == {
        "message": f"The request is larger than the {limit // 1024} KB this server accepts.",
        "fields": {},
    }
    assert database_rows() == before


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/campaigns/{}"),
        ("patch", "/api/campaigns/{}"),
        ("delete", "/api/campaigns/{}"),
        ("put", "/api/campaigns/{}/segments"),
        ("post", "/api/campaigns/{}/phases"),
        ("post", "/api/campaigns/{}/touchpoints"),
        ("patch", "/api/phases/{}"),
        ("delete", "/api/phases/{}"),
        ("patch", "/api/touchpoints/{}"),
        ("delete", "/api/touchpoints/{}"),
        ("put", "/api/touchpoints/{}/variants/1"),
        ("delete", "/api/touchpoints/{}/variants/1"),
        ("get", "/api/segments/{}"),
        ("patch", "/api/segments/{}"),
        ("delete", "/api/segments/{}"),
    ],
)
def test_an_id_beyond_any_database_integer_is_404(client: FlaskClient, method: str, path: str) -> None:
    response = getattr(client, method)(path.format(TOO_BIG_ID), json={})

    assert response.status_code == 404
    assert error_of(response) == {"message": NOT_FOUND, "fields": {}}


def test_a_variant_for_a_segment_id_beyond_any_database_integer_is_404(
    client: FlaskClient, create_campaign: Callable[..., Campaign], create_touchpoint: Callable[..., Touchpoint]
) -> None:
    touchpoint = create_touchpoint(create_campaign())

    put = client.put(f"/api/touchpoints/{touchpoint.id}/variants/{TOO_BIG_ID}", json={"subject": "Hi"})
    delete = client.delete(f"/api/touchpoints/{touchpoint.id}/variants/{TOO_BIG_ID}")

    assert (put.status_code, delete.status_code) == (404, 404)


def test_an_unknown_api_address_answers_with_a_json_404(client: FlaskClient) -> None:
    response = client.get("/api/journeys")

    assert response.status_code == 404
    assert error_of(response)["fields"] == {}


def test_a_method_an_address_does_not_accept_answers_with_a_json_405(client: FlaskClient) -> None:
    response = client.delete("/api/frameworks")

    assert response.status_code == 405
    assert error_of(response)["message"] == "This address does not accept that method."


ODD_VALUES: list[Any] = [
    None, True, False, 0, -1, 2**31, 2**70, 1.5, float("inf"), "", " ", "x" * 6000, "\x00", "\ud800", "\u202e",
    "<script>alert(1)</script>", "{{ 7*7 }}", [], [1], [None], ["x"], {}, {"a": 1}, {"a": {"b": []}},
]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_no_value_in_any_field_makes_the_server_fail(
    client: FlaskClient, endpoints: dict[str, tuple[str, str, dict[str, Any]]], endpoint: str
) -> None:
    """Each field of an accepted body in turn set to odd values: every answer is a success or a 4xx error document."""
    method, url, good = endpoints[endpoint]
    fields = [
        "name", "goal", "framework", "sender_name", "sender_email", "reply_to", "locale", "map_state", "description",
        "segment_ids", "position", "emotion", "pain_points", "opportunities", "phase_id", "kind", "trigger",
        "send_offset_days", "cta", "subject", "preheader", "mjml", "text_override", "motivation", "action",
        "obstacle", "opportunity", "sample_data", "follows_id",
    ]
    failures = []
    for field in fields:
        for value in ODD_VALUES:
            body = json.dumps({**good, field: value})
            response = getattr(client, method)(url, data=body, content_type="application/json")
            if response.status_code >= 500 or (response.status_code >= 400 and not error_of(response)["message"]):
                failures.append((field, value, response.status_code))
    assert failures == []
