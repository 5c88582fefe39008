"""The export page (formats, the checks that block a clean export or deserve a look) and the import form."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import FileStorage
from werkzeug.test import stream_encode_multipart

from api_support import database_rows, saved, saved_rows, unknown_id
from email_bodies import FINISHED_MJML
from campaigns import services
from exports.documents import export_document
from campaigns.models import Campaign, Phase, Touchpoint, campaign_segments
from html_tree import Element, parse
from journeymail.extensions import db
from segments.models import Segment

PREHEADER = "Everything you need for the first week, in one place."


def page(response: Any) -> Element:
    return parse(response.get_data(as_text=True))


@pytest.fixture
def checked(
    create_campaign: Callable[..., Campaign],
    create_segment: Callable[..., Segment],
    create_touchpoint: Callable[..., Touchpoint],
) -> Campaign:
    """One email with an error for every segment (no subject), one with a warning (no preheader), one clean."""
    founders = create_segment(name="Busy founders")
    agencies = create_segment(name="Agencies")
    campaign = create_campaign()
    services.set_segments(campaign, {"segment_ids": [founders.id, agencies.id]})
    create_touchpoint(campaign, 0, name="No subject", subject="", preheader=PREHEADER, mjml=FINISHED_MJML)
    create_touchpoint(campaign, 1, name="No preheader", subject="Hello", preheader="", segment_ids=[agencies.id],
                      mjml=FINISHED_MJML)
    create_touchpoint(campaign, 2, name="Clean", subject="Hello", preheader=PREHEADER, mjml=FINISHED_MJML)
    create_touchpoint(campaign, 2, kind="landing_page", name="Pricing page")
    return campaign


# --- the export page ---------------------------------------------------------------------


def test_the_export_page_lists_each_format_with_a_download(client: FlaskClient, checked: Campaign) -> None:
    html = page(client.get(f"/campaigns/{checked.id}/export"))

    for format_id, title in (("format-mailjet", "Mailjet bundle"), ("format-plan-csv", "Plan CSV"),
                             ("format-campaign-json", "Campaign JSON")):
        card = html.by_id(format_id)
        assert card is not None and title in card.text()
        assert card.select("p"), f"{title} has an explanation"
    csv_form = html.by_id("format-plan-csv").select("form")[0]
    assert csv_form.get("action") == f"/campaigns/{checked.id}/export/plan.csv"
    assert (csv_form.get("method") or "get").lower() == "get"
    assert {i.get("value") for i in csv_form.select("input", name="delimiter")} == {"comma", "semicolon"}
    assert csv_form.select("input", name="bom", value="1", type="checkbox")
    assert "Send offset (days)" in html.by_id("plan-csv-columns").text()
    json_links = [a.get("href") for a in html.by_id("format-campaign-json").select("a")]
    assert f"/campaigns/{checked.id}/export/campaign.json" in json_links
    assert "/campaigns/import" in json_links


def test_the_mailjet_card_offers_the_bundle_the_contacts_template_and_the_push(
    client: FlaskClient, checked: Campaign
) -> None:
    card = page(client.get(f"/campaigns/{checked.id}/export")).by_id("format-mailjet")

    links = [a.get("href") for a in card.select("a")]
    assert links == [f"/campaigns/{checked.id}/export/mailjet.json",
                     f"/campaigns/{checked.id}/export/contacts-template.csv"]
    push = card.select("form")[0]
    assert (push.get("method"), push.get("action")) == ("post", f"/campaigns/{checked.id}/push/mailjet")
    assert push.select("input", name="list_id") and push.select("input", name="csrf_token", type="hidden")
    readiness = card.select("div", id="mailjet-readiness")[0]
    assert "Not ready for Mailjet yet" in readiness.text()
    assert "No subject" in readiness.text(), "the email without a subject stops the bundle"


def test_errors_are_listed_per_email_and_segment(client: FlaskClient, checked: Campaign) -> None:
    html = page(client.get(f"/campaigns/{checked.id}/export"))

    errors = html.by_id("export-errors")
    assert errors is not None
    assert "2 of 5 emails block a clean export" in errors.text()
    items = errors.select("li", class_="check-item")
    assert [item.select("p")[0].text() for item in items] == [
        "No subject for Agencies · Stage 1 · base email".replace("Stage 1", checked.phases[0].name),
        "No subject for Busy founders · Stage 1 · base email".replace("Stage 1", checked.phases[0].name),
    ]
    assert all("The subject is empty." in item.text() for item in items)
    assert "No preheader" not in errors.text() and "Clean" not in errors.text()
    link = urlsplit(items[1].select("a")[0].get("href"))
    founders = next(s for s in checked.segments if s.name == "Busy founders")
    assert link.path == f"/campaigns/{checked.id}/preview"
    assert parse_qs(link.query) == {"segment": [str(founders.id)], "phase": [str(checked.phases[0].id)]}
    no_subject = next(t for t in checked.touchpoints if t.name == "No subject")
    assert link.fragment == f"email-{no_subject.id}"
    assert client.get(items[1].select("a")[0].get("href")).status_code == 200


def test_warnings_are_in_a_collapsed_list(client: FlaskClient, checked: Campaign) -> None:
    warnings = page(client.get(f"/campaigns/{checked.id}/export")).by_id("export-warnings")

    assert warnings is not None and warnings.tag == "details" and "open" not in warnings.attrs
    assert "1 of 5 emails has warnings" in warnings.select("summary")[0].text()
    assert "No preheader for Agencies" in warnings.text()
    assert "There is no preheader" in warnings.text()


def test_a_clean_campaign_says_nothing_blocks_the_export(
    client: FlaskClient, checked: Campaign
) -> None:
    for touchpoint in list(checked.touchpoints):
        if touchpoint.name != "Clean":
            services.delete_touchpoint(touchpoint)
    db.session.commit()

    html = page(client.get(f"/campaigns/{checked.id}/export"))

    assert html.by_id("export-errors") is None and html.by_id("export-warnings") is None
    assert "All 2 emails are finished and render without errors" in html.by_id("export-clean").text()
    assert html.by_id("mailjet-readiness") is None and html.by_id("mailjet-ready") is not None


def test_the_mailjet_card_never_says_ready_while_emails_have_errors(client: FlaskClient, checked: Campaign) -> None:
    # Only the clean email stays, and it loses its unsubscribe link: it still builds, but has an error.
    for touchpoint in list(checked.touchpoints):
        if touchpoint.name != "Clean":
            services.delete_touchpoint(touchpoint)
        else:
            services.update_touchpoint(touchpoint, {"mjml": touchpoint.mjml.replace("{{ unsubscribe_url }}", "https://plannery.example/u")})
    db.session.commit()

    html = page(client.get(f"/campaigns/{checked.id}/export"))

    assert html.by_id("export-errors") is not None
    assert html.by_id("mailjet-readiness") is None and html.by_id("mailjet-ready") is None
    assert "still have errors" in html.by_id("mailjet-builds-with-errors").text()


def test_a_campaign_without_segments_is_told_to_choose_some(
    client: FlaskClient, create_campaign: Callable[..., Campaign]
) -> None:
    campaign = create_campaign()

    html = page(client.get(f"/campaigns/{campaign.id}/export"))

    assert "targets no segments yet" in html.text()
    assert html.select("a", href=f"/campaigns/{campaign.id}/segments")


@pytest.mark.parametrize("suffix", ["", "/plan.csv", "/plan.csv?delimiter=semicolon&bom=1", "/campaign.json"])
def test_every_export_url_of_an_unknown_campaign_is_404(client: FlaskClient, suffix: str) -> None:
    assert client.get(f"/campaigns/{unknown_id(Campaign)}/export{suffix}").status_code == 404


def test_the_map_links_to_the_export_page(client: FlaskClient, checked: Campaign) -> None:
    html = page(client.get(f"/campaigns/{checked.id}"))

    assert html.select("a", href=f"/campaigns/{checked.id}/export")


# --- the import form ---------------------------------------------------------------------


def form_token(client: FlaskClient) -> str:
    """The CSRF token of the import form, as a browser holding the page would send it."""
    return page(client.get("/campaigns/import")).select("input", name="csrf_token")[0].get("value") or ""


def journey_as_saved(campaign_id: int) -> list[tuple[str, list[tuple[str, str, str | None, str | None]]]]:
    """Each phase with its touchpoints (name, kind, subject, preheader) in journey order, read on a connection
    of its own."""
    phases = sorted(saved_rows(Phase, campaign_id=campaign_id), key=lambda p: p.position)
    return [
        (phase.name, [(t.name, t.kind, t.subject, t.preheader)
                      for t in sorted(saved_rows(Touchpoint, phase_id=phase.id), key=lambda t: t.position)])
        for phase in phases
    ]


def upload(body: bytes, token: str, name: str = "campaign.json") -> dict[str, Any]:
    return {"document": (io.BytesIO(body), name), "csrf_token": token}


def test_the_campaign_list_links_to_the_import_form(client: FlaskClient) -> None:
    assert page(client.get("/campaigns")).select("a", href="/campaigns/import")


def test_uploading_a_campaign_file_creates_the_campaign(client: FlaskClient, checked: Campaign) -> None:
    body = json.dumps(export_document(checked)).encode("utf-8")
    token = form_token(client)

    response = client.post("/campaigns/import", data=upload(body, token), content_type="multipart/form-data")

    assert response.status_code == 302
    new = db.session.scalars(db.select(Campaign).where(Campaign.id != checked.id)).one()
    assert response.headers["Location"].endswith(f"/campaigns/{new.id}")
    assert [t.name for t in new.touchpoints_in_order()] == [t.name for t in checked.touchpoints_in_order()]
    assert "Imported" in page(client.get(f"/campaigns/{new.id}")).text()
    assert (saved(Campaign, new.id).name, saved(Campaign, new.id).sender_email) == (
        f"{checked.name} (imported)", checked.sender_email)
    assert journey_as_saved(new.id) == journey_as_saved(checked.id)
    targeted = {row.segment_id for row in saved_rows(campaign_segments, campaign_id=new.id)}
    assert targeted == {s.id for s in checked.segments}  # the existing segments, not copies
    assert len(saved_rows(Segment)) == 2


def test_a_file_with_a_byte_order_mark_imports_too(client: FlaskClient, checked: Campaign) -> None:
    body = b"\xef\xbb\xbf" + json.dumps(export_document(checked)).encode("utf-8")
    token = form_token(client)

    response = client.post("/campaigns/import", data=upload(body, token), content_type="multipart/form-data")

    assert response.status_code == 302
    assert [row.name for row in saved_rows(Campaign)] == [checked.name, f"{checked.name} (imported)"]


def test_the_form_refuses_a_post_without_its_security_token(client: FlaskClient, checked: Campaign) -> None:
    body = json.dumps(export_document(checked)).encode("utf-8")
    rows = database_rows()

    response = client.post("/campaigns/import", data={"document": (io.BytesIO(body), "campaign.json")},
                           content_type="multipart/form-data")

    assert response.status_code == 400
    assert database_rows() == rows


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        (b"not json at all", 400, "The file is not JSON: line 1, column 1: expected a value: text in double quotes, a number, true, false, null, {…} or […]."),
        (b"\xff\xfe{}", 400, "The file is not UTF-8 text"),
        (b'{"format": "journeymail.campaign", "version": 3}', 422, "version This Journeymail reads version 1"),
        (b'["journeymail.campaign"]', 422, "document Must be a JSON object"),
    ],
    ids=["not JSON", "not UTF-8", "unknown version", "not an object"],
)
def test_an_unusable_file_is_refused_on_the_form_and_writes_nothing(
    client: FlaskClient, checked: Campaign, body: bytes, status: int, message: str
) -> None:
    token = form_token(client)
    rows = database_rows()

    response = client.post("/campaigns/import", data=upload(body, token), content_type="multipart/form-data")

    assert response.status_code == status
    assert message in page(response).text()
    assert database_rows() == rows


def test_every_problem_of_a_file_is_listed(client: FlaskClient, checked: Campaign) -> None:
    document = export_document(checked)
    document["touchpoints"][0]["phase"] = 42
    document["campaign"]["sender_email"] = "nobody"
    token = form_token(client)
    rows = database_rows()

    response = client.post(
        "/campaigns/import", data=upload(json.dumps(document).encode(), token), content_type="multipart/form-data"
    )

    assert response.status_code == 422
    problems = page(response).by_id("import-problems")
    assert problems is not None
    texts = [li.text() for li in problems.select("li")]
    assert any(t.startswith("campaign.sender_email Not a valid email address") for t in texts)
    assert "touchpoints[0].phase No phase 42: the phases are numbered 0 to 4." in texts
    assert "Nothing was imported: the file has 2 problems." in page(response).text()
    assert database_rows() == rows


def test_posting_without_a_file_asks_for_one(client: FlaskClient) -> None:
    token = form_token(client)

    response = client.post("/campaigns/import", data={"csrf_token": token}, content_type="multipart/form-data")

    assert response.status_code == 422
    assert "Choose a campaign file (.json) to import." in page(response).text()


def test_a_file_over_the_size_limit_is_413(
    app: Flask, client: FlaskClient, checked: Campaign, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "IMPORT_MAX_BYTES", 256 * 1024)  # the import's own limit, not MAX_CONTENT_LENGTH
    token = form_token(client)
    rows = database_rows()

    # Encoded in memory: the test client would spool a body this large to a file the refused request never closes.
    big = FileStorage(io.BytesIO(b" " * app.config["IMPORT_MAX_BYTES"]), "campaign.json")
    body, _, boundary = stream_encode_multipart({"document": big, "csrf_token": token}, use_tempfile=False)

    response = client.post("/campaigns/import", data=body.getvalue(), content_type=f"multipart/form-data; boundary={boundary}")

    assert response.status_code == 413
    assert "larger than the 256 KB this server accepts for a campaign document" in page(response).text()
    assert database_rows() == rows


def test_an_existing_segment_with_another_definition_is_reported_after_the_import(
    client: FlaskClient, checked: Campaign
) -> None:
    document = export_document(checked)
    document["segments"][0]["obstacle"] = "Another obstacle"
    token = form_token(client)

    response = client.post("/campaigns/import", data=upload(json.dumps(document).encode(), token),
                           content_type="multipart/form-data", follow_redirects=True)

    assert response.status_code == 200
    assert 'The segment "Agencies" already exists and differs from the document\'s (obstacle)' in page(response).text()
