"""Copies of a campaign: an import beside its original is called "… (imported)", and the map's Duplicate button
makes "… (copy)" with everything the campaign holds. Both go through the campaign document (export, import)."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from werkzeug.datastructures import FileStorage

from api_support import database_rows, saved, saved_rows
from campaigns import services
from campaigns.models import Campaign
from exports.documents import export_document
from html_tree import parse
from journeymail.extensions import db
from segments.models import Segment

IMPORT = "/api/campaigns/import"


@pytest.fixture
def planned(create_campaign: Callable[..., Campaign], create_segment: Callable[..., Segment]) -> Campaign:
    """A campaign with edited phases, a form, emails with an audience and a variant, default values, targeting."""
    founders, agencies, students = (create_segment(name=n) for n in ("Busy founders", "Agencies", "Students"))
    campaign = create_campaign(name="Trial journey", sample_data={"firstname": "there"}, reply_to="team@example.com")
    services.set_segments(campaign, {"segment_ids": [founders.id, agencies.id]})
    services.update_phase(campaign.phases[0], {"name": "Discovery", "emotion": -1, "pain_points": "No time"})
    services.add_touchpoint(campaign, {"phase_id": campaign.phases[0].id, "kind": "information_form",
                                       "name": "E-book", "segment_ids": [agencies.id]})
    welcome = services.add_touchpoint(campaign, {"phase_id": campaign.phases[1].id, "kind": "welcome",
                                                 "name": "Welcome", "subject": "Hi {{ firstname }}",
                                                 "send_offset_days": 2, "segment_ids": [founders.id]})
    services.put_variant(welcome, founders, {"subject": "Hi founder"})
    db.session.commit()
    assert students not in campaign.segments
    return campaign


def same_plan(document: dict[str, Any]) -> dict[str, Any]:
    """A campaign document without what a copy changes: its name and when it was exported."""
    plan = {k: v for k, v in document.items() if k != "exported_at"}
    return {**plan, "campaign": {k: v for k, v in plan["campaign"].items() if k != "name"}}


def document_of(campaign_id: int) -> dict[str, Any]:
    db.session.expire_all()
    return export_document(db.session.get(Campaign, campaign_id))


# --- imports beside the original -----------------------------------------------------------------


def test_an_import_beside_its_original_is_called_imported_then_imported_2(client, planned: Campaign):
    document = export_document(planned)

    first = client.post(IMPORT, json=document)
    second = client.post(IMPORT, json=document)

    assert (first.status_code, second.status_code) == (201, 201)
    assert [first.get_json()["name"], second.get_json()["name"]] == [
        "Trial journey (imported)", "Trial journey (imported 2)"
    ]
    assert same_plan(document_of(first.get_json()["id"])) == same_plan(document)
    assert saved(Campaign, planned.id).name == "Trial journey"


def test_an_import_keeps_its_name_where_no_campaign_has_it(client, planned: Campaign):
    document = export_document(planned)
    services.update_campaign(planned, {"name": "Trial journey 2024"})
    db.session.commit()

    response = client.post(IMPORT, json=document)

    assert response.get_json()["name"] == "Trial journey"


def test_a_name_is_taken_whatever_its_case(client, planned: Campaign):
    document = export_document(planned)
    document["campaign"]["name"] = "TRIAL JOURNEY"

    response = client.post(IMPORT, json=document)

    assert response.get_json()["name"] == "TRIAL JOURNEY (imported)"


def test_a_long_name_is_shortened_to_fit_the_label_within_120_characters(client, planned: Campaign):
    long_name = "Spring " + "x" * 113
    services.update_campaign(planned, {"name": long_name})
    db.session.commit()
    document = export_document(planned)

    names = [client.post(IMPORT, json=document).get_json()["name"] for _ in range(2)]

    assert [len(name) for name in names] == [120, 120]
    assert names[0] == long_name[:108] + "… (imported)"
    assert names[1] == long_name[:106] + "… (imported 2)"


def test_the_import_form_announces_the_name_the_import_got(client, post_form, planned: Campaign):
    body = client.get(f"/campaigns/{planned.id}/export/campaign.json").data

    response = post_form("/campaigns/import", {"document": FileStorage(io.BytesIO(body), "campaign.json")},
                         content_type="multipart/form-data")

    assert response.status_code == 302
    shown = parse(client.get(response.headers["Location"]).get_data(as_text=True))
    assert 'Imported "Trial journey (imported)" with 2 touchpoints.' in shown.text()
    assert shown.select("h1")[0].text() == "Trial journey (imported)"


# --- the Duplicate button ------------------------------------------------------------------------


def duplicate_form(client, campaign: Campaign):
    html = parse(client.get(f"/campaigns/{campaign.id}").get_data(as_text=True))
    forms = [f for f in html.select("form") if f.get("action") == f"/campaigns/{campaign.id}/duplicate"]
    assert len(forms) == 1, "the map has one Duplicate button"
    return forms[0]


def test_the_map_has_a_duplicate_button_that_posts_with_a_csrf_token(client, planned: Campaign):
    form = duplicate_form(client, planned)

    assert form.get("method") == "post"
    assert [b.text() for b in form.select("button")] == ["Duplicate"]
    assert form.select("input", name="csrf_token")[0].get("value")


def test_duplicate_makes_a_copy_with_everything_and_opens_it(client, post_form, planned: Campaign):
    original = export_document(planned)
    segments_before = database_rows()["segments"]

    response = post_form(f"/campaigns/{planned.id}", {}, action=f"/campaigns/{planned.id}/duplicate")

    assert response.status_code == 302
    copy = db.session.scalar(db.select(Campaign).where(Campaign.id != planned.id))
    assert response.headers["Location"].endswith(f"/campaigns/{copy.id}")
    assert copy.name == "Trial journey (copy)"
    assert same_plan(document_of(copy.id)) == same_plan(original)  # phases, touchpoints, variants, audiences
    assert database_rows()["segments"] == segments_before  # the same segments, targeted again, not copied
    assert {s.name for s in copy.segments} == {"Busy founders", "Agencies"}
    shown = parse(client.get(response.headers["Location"]).get_data(as_text=True)).text()
    assert 'Duplicated "Trial journey" as "Trial journey (copy)", with 5 phases, 2 touchpoints and 2 targeted ' \
           "segments." in shown
    assert same_plan(document_of(planned.id)) == same_plan(original)  # the original is untouched


def test_duplicating_again_counts_the_copies(post_form, planned: Campaign):
    for _ in range(2):
        post_form(f"/campaigns/{planned.id}", {}, action=f"/campaigns/{planned.id}/duplicate")

    assert [row.name for row in saved_rows(Campaign)] == [
        "Trial journey", "Trial journey (copy)", "Trial journey (copy 2)"
    ]


def test_a_copy_of_a_long_name_stays_within_120_characters(post_form, planned: Campaign):
    services.update_campaign(planned, {"name": "y" * 120})
    db.session.commit()

    post_form(f"/campaigns/{planned.id}", {}, action=f"/campaigns/{planned.id}/duplicate")

    copy = [row.name for row in saved_rows(Campaign) if row.id != planned.id]
    assert copy == ["y" * 112 + "… (copy)"]


def test_duplicate_without_a_csrf_token_copies_nothing(client, planned: Campaign):
    before = database_rows()

    response = client.post(f"/campaigns/{planned.id}/duplicate")

    assert response.status_code == 400
    assert database_rows() == before


def test_duplicate_answers_only_post(client, planned: Campaign):
    assert client.get(f"/campaigns/{planned.id}/duplicate").status_code == 405
