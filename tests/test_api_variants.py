"""The variant API: an email's version for one targeted segment, put (created or replaced) and deleted."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

from api_support import database_rows, error_of, unknown_id
from campaigns.models import Campaign, Touchpoint, Variant
from journeymail.extensions import db
from segments.models import Segment


@pytest.fixture
def email(
    client: FlaskClient,
    create_campaign: Callable[..., Campaign],
    create_segment: Callable[..., Segment],
    create_touchpoint: Callable[..., Touchpoint],
) -> tuple[Touchpoint, Segment]:
    """A welcome email in a campaign that targets the segment "Busy founders"."""
    campaign = create_campaign()
    segment = create_segment(name="Busy founders")
    client.put(f"/api/campaigns/{campaign.id}/segments", json={"segment_ids": [segment.id]})
    return create_touchpoint(campaign, subject="Welcome"), segment


def test_putting_a_new_variant_creates_it_with_201(client: FlaskClient, email: tuple[Touchpoint, Segment]) -> None:
    touchpoint, segment = email

    response = client.put(
        f"/api/touchpoints/{touchpoint.id}/variants/{segment.id}",
        json={"subject": "Welcome, founder", "preheader": "Five minutes a week is enough", "mjml": "<mjml></mjml>"},
    )

    assert response.status_code == 201
    assert response.get_json() == {
        "touchpoint_id": touchpoint.id,
        "segment_id": segment.id,
        "subject": "Welcome, founder",
        "preheader": "Five minutes a week is enough",
        "mjml": "<mjml></mjml>",
    }
    variant = db.session.scalar(db.select(Variant).where(Variant.touchpoint_id == touchpoint.id))
    assert (variant.segment_id, variant.subject) == (segment.id, "Welcome, founder")


def test_putting_a_variant_again_replaces_it_with_200(client: FlaskClient, email: tuple[Touchpoint, Segment]) -> None:
    touchpoint, segment = email
    url = f"/api/touchpoints/{touchpoint.id}/variants/{segment.id}"
    client.put(url, json={"subject": "Welcome, founder", "preheader": "Five minutes a week"})

    response = client.put(url, json={"subject": "Hello, founder"})

    assert response.status_code == 200
    # a replacement, not a merge: the preheader left out now inherits the base again
    assert (response.get_json()["subject"], response.get_json()["preheader"]) == ("Hello, founder", None)
    assert len(database_rows()["variants"]) == 1


def test_an_empty_variant_inherits_everything(client: FlaskClient, email: tuple[Touchpoint, Segment]) -> None:
    touchpoint, segment = email

    response = client.put(f"/api/touchpoints/{touchpoint.id}/variants/{segment.id}", json={"subject": "  "})

    assert response.status_code == 201
    assert {k: response.get_json()[k] for k in ("subject", "preheader", "mjml")} == {
        "subject": None,
        "preheader": None,
        "mjml": None,
    }


def test_variants_show_on_their_touchpoint(client: FlaskClient, email: tuple[Touchpoint, Segment]) -> None:
    touchpoint, segment = email
    client.put(f"/api/touchpoints/{touchpoint.id}/variants/{segment.id}", json={"subject": "Welcome, founder"})

    body = client.get(f"/api/campaigns/{touchpoint.campaign_id}").get_json()

    assert body["touchpoints"][0]["variants"] == [
        {
            "touchpoint_id": touchpoint.id,
            "segment_id": segment.id,
            "subject": "Welcome, founder",
            "preheader": None,
            "mjml": None,
        }
    ]


def test_a_variant_for_a_segment_only_another_campaign_targets_is_refused(
    client: FlaskClient,
    create_campaign: Callable[..., Campaign],
    create_segment: Callable[..., Segment],
    email: tuple[Touchpoint, Segment],
) -> None:
    touchpoint, _ = email
    students = create_segment(name="Students")
    other = create_campaign(name="Winback")
    client.put(f"/api/campaigns/{other.id}/segments", json={"segment_ids": [students.id]})
    before = database_rows()

    response = client.put(f"/api/touchpoints/{touchpoint.id}/variants/{students.id}", json={"subject": "Hi"})

    assert response.status_code == 422
    assert error_of(response)["fields"] == {
        "segment_id": 'The campaign does not target the segment "Students". Add it first.'
    }
    assert database_rows() == before


@pytest.mark.parametrize(
    ("kind", "label"),
    [("signup_form", "A signup form"), ("information_form", "An information form"), ("landing_page", "A landing page")],
)
def test_a_variant_of_a_form_or_page_is_refused(
    client: FlaskClient,
    create_touchpoint: Callable[..., Touchpoint],
    email: tuple[Touchpoint, Segment],
    kind: str,
    label: str,
) -> None:
    welcome, segment = email
    form = create_touchpoint(welcome.campaign, kind=kind, name="Signup")
    before = database_rows()

    response = client.put(f"/api/touchpoints/{form.id}/variants/{segment.id}", json={"subject": "Hi"})

    assert response.status_code == 422
    assert error_of(response)["fields"] == {"touchpoint": f"{label} sends no email, so it has no variants."}
    assert database_rows() == before


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"subject": "x" * 201}, "subject", "At most 200 characters (this has 201)."),
        ({"subject": 5}, "subject", "Must be text."),
        ({"preheader": "Two\nlines"}, "preheader", "Must be a single line."),
        ({"mjml": ["<mjml>"]}, "mjml", "Must be text."),
        ({"text_override": "Hi"}, "text_override", "Unknown field."),
        ({"segment_id": 1}, "segment_id", "Unknown field."),
    ],
)
def test_a_variant_with_a_bad_field_is_refused_and_writes_nothing(
    client: FlaskClient, email: tuple[Touchpoint, Segment], body: dict[str, Any], field: str, message: str
) -> None:
    touchpoint, segment = email
    url = f"/api/touchpoints/{touchpoint.id}/variants/{segment.id}"
    client.put(url, json={"subject": "Welcome, founder"})
    before = database_rows()

    response = client.put(url, json={"subject": "Hello, founder", **body})

    assert response.status_code == 422
    assert error_of(response)["fields"] == {field: message}
    assert database_rows() == before


def test_a_variant_of_a_touchpoint_that_does_not_exist_is_404(
    client: FlaskClient, email: tuple[Touchpoint, Segment]
) -> None:
    _, segment = email

    response = client.put(f"/api/touchpoints/{unknown_id(Touchpoint)}/variants/{segment.id}", json={"subject": "Hi"})

    assert response.status_code == 404
    assert error_of(response)["fields"] == {}


def test_a_variant_for_a_segment_that_does_not_exist_is_404(
    client: FlaskClient, email: tuple[Touchpoint, Segment]
) -> None:
    touchpoint, _ = email

    response = client.put(f"/api/touchpoints/{touchpoint.id}/variants/{unknown_id(Segment)}", json={"subject": "Hi"})

    assert response.status_code == 404
    assert database_rows()["variants"] == []


def test_deleting_a_variant_answers_204_and_the_email_falls_back_to_its_base(
    client: FlaskClient, email: tuple[Touchpoint, Segment]
) -> None:
    touchpoint, segment = email
    url = f"/api/touchpoints/{touchpoint.id}/variants/{segment.id}"
    client.put(url, json={"subject": "Welcome, founder"})

    response = client.delete(url)

    assert response.status_code == 204
    assert database_rows()["variants"] == []
    assert client.get(f"/api/campaigns/{touchpoint.campaign_id}").get_json()["touchpoints"][0]["variants"] == []


def test_deleting_a_variant_that_does_not_exist_is_404(client: FlaskClient, email: tuple[Touchpoint, Segment]) -> None:
    touchpoint, segment = email

    response = client.delete(f"/api/touchpoints/{touchpoint.id}/variants/{segment.id}")

    assert response.status_code == 404
    assert error_of(response) == {"message": "This touchpoint has no variant for that segment.", "fields": {}}


def test_deleting_a_variant_of_a_touchpoint_that_does_not_exist_is_404(
    client: FlaskClient, email: tuple[Touchpoint, Segment]
) -> None:
    _, segment = email

    response = client.delete(f"/api/touchpoints/{unknown_id(Touchpoint)}/variants/{segment.id}")

    assert response.status_code == 404
