"""Writing and looking in German: the editor (base email and variant), the matrix, the cell preview, the test-send
form and its refusal, and the checks' messages on a page and in the API."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from flask.testing import FlaskClient

from accounts.models import User
from campaigns import services
from campaigns.models import Campaign, Touchpoint
from html_tree import parse
from journeymail.extensions import db
from segments.models import Segment
from smtp_server import LoopbackSMTPServer

# No preheader and no unsubscribe link: a warning and an error, whose messages the pages show.
BODY = """<mjml>
  <mj-body>
    <mj-section>
      <mj-column>
        <mj-text>Hallo {{ firstname | default("zusammen") }}, Ihr Test beginnt.</mj-text>
        <mj-button href="https://www.acme-coaching.de/start">Loslegen</mj-button>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>
"""
GERMAN = {"Accept-Language": "de"}


@dataclass
class Plan:
    campaign: Campaign
    touchpoint: Touchpoint
    segment: Segment


@pytest.fixture
def plan(owner: User, create_campaign: Callable[..., Campaign], create_segment: Callable[..., Segment],
         create_touchpoint: Callable[..., Touchpoint]) -> Plan:
    """A campaign with one targeted segment and a welcome email that has a variant for it; the owner reads German."""
    campaign = create_campaign(name="Trial journey", sender_name="Maya", sender_email="maya@acme-coaching.de")
    segment = create_segment(name="Busy founders")
    services.set_segments(campaign, {"segment_ids": [segment.id]})
    touchpoint = create_touchpoint(campaign, name="Welcome", subject="Willkommen", preheader="", mjml=BODY)
    services.put_variant(touchpoint, segment, {"subject": "Willkommen, Gründer:innen"})
    owner.locale = "de"
    db.session.commit()
    return Plan(campaign, touchpoint, segment)


def text_of(response: Any) -> str:
    """What a reader sees of the page: its text, titles, labels and placeholders."""
    assert response.status_code == 200, response.status_code
    html = parse(response.get_data(as_text=True))
    words = [html.text()]
    for element in html.iter():
        words += [element.get(name) or "" for name in ("title", "aria-label", "placeholder")]
    return " ".join(" ".join(words).split())


def assert_german(seen: str, german: list[str], english: list[str]) -> None:
    for phrase in german:
        assert phrase in seen, phrase
    # Whole words only: "Legend" is not left on a page that says "Legende".
    left = [phrase for phrase in english if re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", seen)]
    assert not left, f"English left on the German page: {left}"


def test_the_base_email_editor_in_german(client: FlaskClient, plan: Plan) -> None:
    seen = text_of(client.get(f"/touchpoints/{plan.touchpoint.id}/email"))

    assert_german(seen, [
        "Fassung für", "Basis-E-Mail", "Touchpoint-Einstellungen", "Werte der Merge-Tags", "Betreff", "Preheader",
        "E-Mail-Inhalt (MJML)", "Textversion", "E-Mail speichern", "Was jedes Segment ohne Variante erhält",
        "Gespeicherte Fassung", "Prüfungen", "1 Fehler", "1 Warnung", "Breite der Vorschau", "Smartphone",
        "Es gibt keinen Preheader; Posteingänge zeigen stattdessen den ersten Text der E-Mail.",
        "Eine Marketing-E-Mail braucht einen sichtbaren Abmeldelink",
    ], [
        "Campaigns", "Version for", "Base email", "Touchpoint settings", "Merge-tag values", "Subject", "Email body",
        "Plain-text part", "Save email", "Unsaved changes", "What every segment without a variant receives",
        "Saved version", "Checks", "1 error", "1 warning", "Preview width", "Mobile", "There is no preheader",
        "needs a visible unsubscribe link", "inboxes cut it off", "as the reader sees it", "Merge tags:",
    ])


def test_a_variant_in_the_editor_in_german(client: FlaskClient, plan: Plan) -> None:
    seen = text_of(client.get(f"/touchpoints/{plan.touchpoint.id}/email?segment={plan.segment.id}"))

    assert_german(seen, [
        "Variante für Busy founders.", "Sie ändert: Betreff;", "Auf die Basis-E-Mail zurücksetzen",
        "Geändert für Busy founders", "Betreff der Basis-E-Mail verwenden", "Aus der Basis-E-Mail",
        "Variante speichern", "Was Busy founders erhält",
    ], [
        "Variant for", "It changes the", "Reset to the base email", "Changed for", "Use the base's",
        "From the base email", "Save variant", "receives", "Follows the base email", "This deletes",
    ])


def test_the_matrix_in_german(client: FlaskClient, plan: Plan) -> None:
    seen = text_of(client.get(f"/campaigns/{plan.campaign.id}/matrix"))

    assert_german(seen, [
        "Kampagnen", "Segmente der Kampagne", "E-Mail hinzufügen", "Summen", "Erhaltene E-Mails", "Varianten",
        "Lücken", "Nur Erfassung", "Warnungen", "Legende", "verhindert einen sauberen Export", "Keine E-Mail – Lücke",
        "+ E-Mail planen", "1 E-Mail", "Die Betreffs stehen hier so, wie jedes Segment sie erhält",
    ], [
        "Segments targeting", "Add email", "Totals", "Emails received", "Variants", "Gaps", "Capture only",
        "Warnings", "Legend", "blocks a clean export", "deserves a look", "No email — gap", "Plan an email",
        "Subjects are shown as each segment receives them", "Open the email", "Thumbnail of",
    ])


def test_the_cell_preview_and_its_checks_in_german(client: FlaskClient, plan: Plan) -> None:
    phase = plan.campaign.phases[0]
    seen = text_of(client.get(f"/campaigns/{plan.campaign.id}/preview?segment={plan.segment.id}&phase={phase.id}"))

    assert_german(seen, [
        "Phase 1 von", "was dieses Segment erhält", "Andere Zellen", "1 E-Mail in Versandfolge", "E-Mail bearbeiten",
        ".eml herunterladen", "Im Posteingang", "Prüfungen von Welcome", "Fehler", "Warnung",
        "Es gibt keinen Preheader; Posteingänge zeigen stattdessen den ersten Text der E-Mail.",
        "Eine Marketing-E-Mail braucht einen sichtbaren Abmeldelink: Fügen Sie",
        "Textversion", "Zurück zur Matrix", "Test-E-Mail senden",
    ], [
        "what this segment receives", "Other cells", "in send order", "Edit email", "Download .eml",
        "In the inbox", "Checks of", "There is no preheader", "needs a visible unsubscribe link", "Plain-text part",
        "Back to the matrix", "Send a test", "Every check passes", "Neighbouring phases", "on desktop",
    ])


def test_the_test_send_form_and_its_refusal_in_german(
    client: FlaskClient, post_form: Callable[..., Any], smtp_server: LoopbackSMTPServer, plan: Plan
) -> None:
    phase = plan.campaign.phases[0]
    cell = f"/campaigns/{plan.campaign.id}/preview?segment={plan.segment.id}&phase={phase.id}"
    seen = text_of(client.get(cell))
    assert_german(seen, ["Test-E-Mail senden", "Senden an", "durch Kommas getrennt", "Test senden"],
                  ["Send a test", "Send to", "separated by commas", "Send test", "merge tags filled"])

    response = post_form(cell, {"touchpoint_id": plan.touchpoint.id, "segment_id": plan.segment.id,
                                "recipients": "stranger@elsewhere.de", "next": cell},
                         action=f"/campaigns/{plan.campaign.id}/test-send")

    assert response.headers["Location"] == cell
    [note] = [e for e in parse(client.get(cell).get_data(as_text=True)).iter() if "flash-error" in e.classes]
    assert note.text().startswith("Test-E-Mails gehen nur an die Mitglieder des Arbeitsbereichs")
    assert "Diese Adresse steht auf keiner von beiden: stranger@elsewhere.de. Es wurde nichts gesendet." in note.text()
    assert smtp_server.received == []


def test_the_api_gives_check_messages_and_refusals_in_the_language_asked_for(client: FlaskClient, plan: Plan) -> None:
    source = {"mjml": BODY.replace("</mj-column>", "<mj-image src=\"https://www.acme-coaching.de/a.png\" /></mj-column>"),
              "subject": "[Produktname] startet", "preheader": ""}

    german = client.post("/api/preview", json=source, headers=GERMAN).get_json()["checks"]
    english = client.post("/api/preview", json=source, headers={"Accept-Language": "en"}).get_json()["checks"]

    messages = {c["code"]: c["message"] for c in german}
    assert messages["unfinished-content"] == (
        "Im Betreff: „[Produktname]“ ist ein Platzhalter: Schreiben Sie, wofür er steht.")
    assert messages["image-alt-missing"].startswith("Ein Bild hat keinen Alternativtext")
    assert {c["code"]: c["message"] for c in english}["unfinished-content"] == (
        'In the subject: "[Produktname]" is a placeholder: write what it stands for.')
    assert [(c["code"], c["line"]) for c in german] == [(c["code"], c["line"]) for c in english]

    cell = client.get(f"/api/campaigns/{plan.campaign.id}/preview?touchpoint={plan.touchpoint.id}", headers=GERMAN)
    assert "Es gibt keinen Preheader" in " ".join(c["message"] for c in cell.get_json()["checks"])

    refused = client.post(f"/api/campaigns/{plan.campaign.id}/test-send", headers=GERMAN,
                          json={"touchpoint_id": plan.touchpoint.id, "recipients": []})
    assert refused.status_code == 422
    assert refused.get_json()["error"]["fields"]["recipients"] == "Geben Sie mindestens eine E-Mail-Adresse ein."


def test_merge_tag_refusals_in_german_in_the_preview_and_in_a_saved_field(client: FlaskClient, plan: Plan) -> None:
    broken = BODY.replace('{{ firstname | default("zusammen") }}', "{{ kunde.vorname }}")
    preview = client.post("/api/preview", json={"mjml": BODY, "subject": "Hallo {% if x %}"}, headers=GERMAN)
    found = {c["code"]: (c["message"], c["line"]) for c in preview.get_json()["checks"]}
    assert found["merge-tag-invalid"] == ("Im Betreff: Erlaubt sind nur Merge-Tags wie {{ firstname }}, keine Blöcke "
                                          "wie {% ... %}.", None)

    body_only = client.post("/api/preview", json={"mjml": broken, "subject": "Hallo"}, headers=GERMAN).get_json()
    assert {c["code"]: (c["message"], c["line"]) for c in body_only["checks"]}["merge-tag-invalid"] == (
        "Kein erlaubter Merge-Tag: Zugriffe auf Attribute und Elemente sind in einem Merge-Tag nicht erlaubt.", 5)

    refused = client.patch(f"/api/touchpoints/{plan.touchpoint.id}", json={"mjml": broken}, headers=GERMAN)
    assert refused.status_code == 422
    assert refused.get_json()["error"]["fields"]["mjml"] == (
        "Zeile 5: Kein erlaubter Merge-Tag: Zugriffe auf Attribute und Elemente sind in einem Merge-Tag nicht erlaubt.")
    english = client.patch(f"/api/touchpoints/{plan.touchpoint.id}", json={"mjml": broken},
                           headers={"Accept-Language": "en"})
    assert english.get_json()["error"]["fields"]["mjml"] == (
        "Line 5: Not an allowed merge tag: attribute and item access are not allowed in a merge tag.")
    db.session.refresh(plan.touchpoint)
    assert plan.touchpoint.mjml == BODY


def test_compiler_refusals_are_introduced_in_german(client: FlaskClient) -> None:
    checks = client.post("/api/preview", json={"mjml": "<mjml><mj-body><mj-include path=\"x.mjml\" /></mj-body></mjml>",
                                               "subject": "Hallo"}, headers=GERMAN).get_json()["checks"]
    assert {c["code"]: c["message"] for c in checks}["mjml-compile"] == (
        "mj-include ist ausgeschaltet: Fügen Sie den Inhalt stattdessen direkt in die E-Mail ein.")
    broken = client.post("/api/preview", json={"mjml": "<mjml><mj-body>", "subject": "Hallo"}, headers=GERMAN)
    messages = [c["message"] for c in broken.get_json()["checks"] if c["code"] == "mjml-compile"]
    assert messages and all(m.startswith("Das MJML lässt sich nicht kompilieren: ") for m in messages)


def test_english_stays_as_it_was(client: FlaskClient, plan: Plan, owner: User) -> None:
    owner.locale = "en"
    db.session.commit()
    seen = text_of(client.get(f"/touchpoints/{plan.touchpoint.id}/email?segment={plan.segment.id}"))

    assert "Variant for Busy founders." in seen
    assert "It changes the subject; the other fields follow the base email, edits and all." in seen
    assert "There is no preheader; inboxes will show the first text of the email instead." in seen
