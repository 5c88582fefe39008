"""The most a campaign holds (config.py: 100 phases, 2,000 touchpoints, 500 targeted segments, 20,000
variants): every way of adding one more, the API, the forms and the import, is refused with 422 naming
the count and the limit, before anything is done."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from api_support import database_rows, error_of
from campaigns import services
from campaigns.models import Campaign, Touchpoint
from exports.documents import FORMAT
from journeymail.extensions import db
from segments.models import Segment

IMPORT = "/api/campaigns/import"


@pytest.fixture
def lower_limits(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """Set some limits lower for one test, so reaching them takes a handful of rows."""

    def lower(**limits: int) -> None:
        for what, most in limits.items():
            monkeypatch.setitem(app.config, f"MAX_{what.upper()}_PER_CAMPAIGN", most)

    return lower


def test_the_documented_limits_are_the_configured_ones(app: Flask) -> None:
    assert {what: services.limit(what) for what in services.LIMITS} == {
        "phases": 100, "touchpoints": 2_000, "segments": 500, "variants": 20_000,
    }


# --- the API and the forms ---------------------------------------------------------------


def test_the_101st_phase_is_refused_naming_the_count_and_the_limit(
    client: FlaskClient, create_campaign: Callable[..., Campaign]
) -> None:
    campaign = create_campaign()  # five phases from its framework
    for number in range(95):
        services.add_phase(campaign, {"name": f"Phase {number}"})
    db.session.commit()
    rows = database_rows()

    response = client.post(f"/api/campaigns/{campaign.id}/phases", json={"name": "One too many"})

    assert response.status_code == 422
    error = error_of(response)
    assert error["message"] == ("The campaign has 100 phases, the most a campaign can hold (the limit is 100). "
                                "Delete one before adding another.")
    assert error["fields"] == {"phases": error["message"]}
    assert database_rows() == rows


def test_the_limit_is_checked_before_the_fields(
    client: FlaskClient, create_campaign: Callable[..., Campaign], lower_limits: Callable[..., None]
) -> None:
    lower_limits(phases=5)
    campaign = create_campaign()

    response = client.post(f"/api/campaigns/{campaign.id}/phases", json={"emotion": 9})

    assert response.status_code == 422
    assert set(error_of(response)["fields"]) == {"phases"}


def test_the_phase_form_shows_the_limit(
    client: FlaskClient, post_form: Callable[..., Any], create_campaign: Callable[..., Campaign],
    lower_limits: Callable[..., None],
) -> None:
    lower_limits(phases=5)
    campaign = create_campaign()

    response = post_form(f"/campaigns/{campaign.id}/phases/new", {"name": "Sixth", "emotion": "0"})

    assert response.status_code == 422
    assert "The campaign has 5 phases, the most a campaign can hold (the limit is 5)." in response.get_data(as_text=True)
    assert len(db.session.get(Campaign, campaign.id).phases) == 5


def test_one_touchpoint_too_many_is_refused(
    client: FlaskClient, post_form: Callable[..., Any], create_campaign: Callable[..., Campaign],
    create_touchpoint: Callable[..., Touchpoint], lower_limits: Callable[..., None],
) -> None:
    lower_limits(touchpoints=2)
    campaign = create_campaign()
    create_touchpoint(campaign, 0, name="One")
    create_touchpoint(campaign, 1, name="Two")
    phase_id = campaign.phases[2].id

    response = client.post(f"/api/campaigns/{campaign.id}/touchpoints",
                           json={"phase_id": phase_id, "kind": "welcome", "name": "Three"})
    page = post_form(f"/campaigns/{campaign.id}/touchpoints/new",
                     {"phase_id": str(phase_id), "kind": "welcome", "name": "Three", "send_offset_days": "0"})

    assert response.status_code == 422
    assert error_of(response)["fields"] == {
        "touchpoints": "The campaign has 2 touchpoints, the most a campaign can hold (the limit is 2). "
                       "Delete one before adding another."
    }
    assert page.status_code == 422 and "the most a campaign can hold (the limit is 2)" in page.get_data(as_text=True)
    assert len(db.session.get(Campaign, campaign.id).touchpoints) == 2


def test_one_variant_too_many_is_refused_but_a_variant_can_still_be_replaced(
    client: FlaskClient, create_campaign: Callable[..., Campaign], create_segment: Callable[..., Segment],
    create_touchpoint: Callable[..., Touchpoint], lower_limits: Callable[..., None],
) -> None:
    lower_limits(variants=1)
    campaign = create_campaign()
    first, second = create_segment(), create_segment()
    services.set_segments(campaign, {"segment_ids": [first.id, second.id]})
    touchpoint = create_touchpoint(campaign)
    services.put_variant(touchpoint, first, {"subject": "For the first"})
    db.session.commit()

    refused = client.put(f"/api/touchpoints/{touchpoint.id}/variants/{second.id}", json={"subject": "Second"})
    replaced = client.put(f"/api/touchpoints/{touchpoint.id}/variants/{first.id}", json={"subject": "Again"})

    assert refused.status_code == 422
    assert error_of(refused)["fields"] == {
        "variants": "The campaign has 1 variant, the most a campaign can hold (the limit is 1). "
                    "Delete one before adding another."
    }
    assert replaced.status_code == 200


def test_targeting_more_segments_than_the_limit_is_refused(
    client: FlaskClient, create_campaign: Callable[..., Campaign], create_segment: Callable[..., Segment],
    lower_limits: Callable[..., None],
) -> None:
    lower_limits(segments=2)
    campaign = create_campaign()
    segments = [create_segment() for _ in range(3)]

    response = client.put(f"/api/campaigns/{campaign.id}/segments", json={"segment_ids": [s.id for s in segments]})
    fits = client.put(f"/api/campaigns/{campaign.id}/segments", json={"segment_ids": [s.id for s in segments[:2]]})

    assert response.status_code == 422
    assert error_of(response)["fields"] == {"segment_ids": "A campaign targets at most 2 segments; these are 3."}
    assert fits.status_code == 200


# --- the import ----------------------------------------------------------------------------


def document(phases: int = 1, touchpoints: int = 0, segments: int = 0, variants_each: int = 0,
             untargeted: int = 0) -> dict[str, Any]:
    names = [f"Limit segment {n}" for n in range(segments + untargeted)]
    return {
        "format": FORMAT, "version": 1,
        "campaign": {"name": "Big", "goal": "Grow", "framework": "five-stage", "sender_name": "Me",
                     "sender_email": "me@example.com"},
        "segments": [{"name": name, "motivation": "m", "action": "a", "obstacle": "o", "targeted": n < segments}
                     for n, name in enumerate(names)],
        "phases": [{"name": f"Phase {n}"} for n in range(phases)],
        "touchpoints": [{"phase": 0, "kind": "welcome", "name": f"Email {n}",
                         "variants": [{"segment": name, "subject": "Hi"} for name in names[:variants_each]]}
                        for n in range(touchpoints)],
    }


@pytest.mark.parametrize(
    ("shape", "message"),
    [
        ({"phases": 101}, "The document has 101 phases; a campaign holds at most 100."),
        ({"touchpoints": 2_001}, "The document has 2,001 touchpoints; a campaign holds at most 2,000."),
        ({"segments": 501}, "The document has 501 targeted segments; a campaign holds at most 500."),
        ({"touchpoints": 41, "segments": 500, "variants_each": 500},
         "The document has 20,500 variants; a campaign holds at most 20,000."),
        ({"untargeted": 501}, "The document lists 501 segments the campaign does not target; "
                              "a document lists at most 500."),
    ],
    ids=["phases", "touchpoints", "segments", "variants", "untargeted segments"],
)
def test_a_document_beyond_a_limit_is_refused_before_it_is_read(
    client: FlaskClient, shape: dict[str, int], message: str
) -> None:
    body = document(**shape)
    body["campaign"]["sender_email"] = "nobody"  # a problem the entries' check would report: it never runs
    rows = database_rows()

    response = client.post(IMPORT, data=json.dumps(body), content_type="application/json")

    assert response.status_code == 422
    error = error_of(response)
    assert message in error["message"] and error["message"].endswith("Nothing was imported.")
    assert len(error["fields"]) == 1 and next(iter(error["fields"].values())) == message
    assert database_rows() == rows


def test_a_document_at_every_limit_imports(client: FlaskClient, lower_limits: Callable[..., None]) -> None:
    lower_limits(phases=3, touchpoints=4, segments=2, variants=8)

    response = client.post(IMPORT, json=document(phases=3, touchpoints=4, segments=2, variants_each=2))
    beyond = client.post(IMPORT, json=document(phases=4))

    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (len(body["phases"]), len(body["touchpoints"]), len(body["segment_ids"])) == (3, 4, 2)
    assert sum(len(t["variants"]) for t in body["touchpoints"]) == 8
    assert beyond.status_code == 422


def test_the_form_names_the_limit_too(client: FlaskClient, post_form: Callable[..., Any]) -> None:
    import io

    body = json.dumps(document(phases=101)).encode()
    response = post_form("/campaigns/import", {"document": (io.BytesIO(body), "big.json")},
                         content_type="multipart/form-data")

    assert response.status_code == 422
    assert "The document has 101 phases; a campaign holds at most 100." in response.get_data(as_text=True)
