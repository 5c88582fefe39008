"""One commit per request (journeymail.http): a request that fails or is refused leaves the database as it was,
even when its service had already flushed changes.

The services validate everything before they change anything, so no refusal in the app comes after a flush
today. These tests make one happen on purpose (a refusal found late, a crash, another request saving the same
name between our check and our write) and check that only the hook's rollback stands between the flushed
changes and the database.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

from api_support import database_rows, error_of, saved_rows
from campaigns import services
from campaigns.models import Campaign, Touchpoint, Variant
from exports.documents import export_document
from journeymail.extensions import db
from journeymail.http import CLASH
from journeymail.validation import ValidationError
from segments import services as segment_services
from segments.models import Segment


@pytest.fixture
def campaign(create_campaign, create_segment, create_touchpoint) -> Campaign:
    """A campaign targeting one segment, with one email."""
    segment = create_segment(name="Busy founders")
    campaign = create_campaign(name="Trial journey")
    services.set_segments(campaign, {"segment_ids": [segment.id]})
    create_touchpoint(campaign, 0, name="Welcome", subject="Hello", preheader="A first look at what you get.")
    return campaign


@pytest.fixture
def fail_after_flush(monkeypatch: pytest.MonkeyPatch) -> Callable[..., list[int]]:
    """Make `module.name` do its work and flush it, then raise `error`. Returns a list that receives, for each
    call, how many rows of `model` the request's own session saw after the flush: proof that changes were
    flushed before the failure."""

    def install(module: Any, name: str, error: Exception, model: type) -> list[int]:
        original = getattr(module, name)
        flushed: list[int] = []

        def work_then_fail(*args: Any, **kwargs: Any) -> Any:
            original(*args, **kwargs)
            db.session.flush()
            flushed.append(db.session.scalar(db.select(db.func.count()).select_from(model)))
            raise error

        monkeypatch.setattr(module, name, work_then_fail)
        return flushed

    return install


LATE_REFUSAL = ValidationError({"name": "Refused after the changes were flushed."})


def test_an_import_refused_after_it_flushed_the_campaign_writes_nothing(
    client: FlaskClient, campaign: Campaign, fail_after_flush: Callable[..., list[int]]
) -> None:
    document = export_document(campaign)
    flushed = fail_after_flush(services, "create_whole_campaign", LATE_REFUSAL, Campaign)
    before = database_rows()

    response = client.post("/api/campaigns/import", json=document)

    assert response.status_code == 422
    assert error_of(response)["fields"] == LATE_REFUSAL.fields
    assert flushed == [2]  # the imported campaign was in the request's session
    assert database_rows() == before


def test_an_import_form_refused_after_it_flushed_the_campaign_writes_nothing(
    post_form: Callable[..., Any], campaign: Campaign, fail_after_flush: Callable[..., list[int]]
) -> None:
    body = json.dumps(export_document(campaign)).encode("utf-8")
    flushed = fail_after_flush(services, "create_whole_campaign", LATE_REFUSAL, Campaign)
    before = database_rows()

    response = post_form(
        "/campaigns/import", {"document": (io.BytesIO(body), "campaign.json")}, content_type="multipart/form-data"
    )

    assert response.status_code == 422
    assert "Refused after the changes were flushed." in response.get_data(as_text=True)
    assert flushed == [2]
    assert database_rows() == before


def test_a_button_refused_after_its_service_flushed_redirects_and_writes_nothing(
    client: FlaskClient, post_form: Callable[..., Any], campaign: Campaign,
    fail_after_flush: Callable[..., list[int]],
) -> None:
    """A refused button answers with a redirect, a success status: discard_changes() makes it roll back."""
    [email] = saved_rows(Touchpoint)
    [segment] = saved_rows(Segment)
    flushed = fail_after_flush(services, "put_variant", LATE_REFUSAL, Variant)
    before = database_rows()

    response = post_form(
        f"/touchpoints/{email.id}/email", {}, action=f"/touchpoints/{email.id}/email/variants/{segment.id}"
    )

    assert response.status_code == 302
    assert flushed == [1]  # the new variant was in the request's session
    assert database_rows() == before
    assert "Refused after the changes were flushed." in client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_request_that_crashes_after_its_service_flushed_is_a_500_that_saved_nothing(
    client: FlaskClient, campaign: Campaign, fail_after_flush: Callable[..., list[int]]
) -> None:
    flushed = fail_after_flush(services, "add_touchpoint", RuntimeError("a bug after the flush"), Touchpoint)
    before = database_rows()

    response = client.post(
        f"/api/campaigns/{campaign.id}/touchpoints",
        json={"phase_id": campaign.phases[1].id, "kind": "offer", "name": "Offer"},
    )

    assert response.status_code == 500
    assert error_of(response)["message"] == "Something went wrong on our side. Nothing was saved; please try again."
    assert flushed == [2]
    assert database_rows() == before


@pytest.mark.parametrize("via", ["api", "form"])
def test_a_name_saved_meanwhile_by_another_request_is_a_409_clash_that_saved_nothing(
    client: FlaskClient, post_form: Callable[..., Any], create_segment: Callable[..., Segment],
    monkeypatch: pytest.MonkeyPatch, via: str,
) -> None:
    """Our check found the name free, then another request saved it: the unique index refuses at flush."""
    create_segment(name="Busy founders")
    monkeypatch.setattr(segment_services, "_check_name_free", lambda *_args: None)  # the check ran before theirs
    values = {"name": "Busy founders", "motivation": "Learns", "action": "Reads", "obstacle": "Exams"}
    before = database_rows()

    if via == "api":
        response = client.post("/api/segments", json=values)
        assert error_of(response)["message"] == CLASH
    else:
        response = post_form("/segments/new", {**values, "sample_data": ""})
        assert CLASH in response.get_data(as_text=True)

    assert response.status_code == 409
    assert database_rows() == before
