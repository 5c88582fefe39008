"""Segments, export and import in German: a German browser gets German pages, messages and plan CSV, with no
English UI text left on them."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

from api_support import error_of
from campaigns import services
from campaigns.models import Campaign, Touchpoint
from email_bodies import FINISHED_MJML
from exports.documents import export_document
from html_tree import Element, parse
from segments.models import Segment

GERMAN = {"Accept-Language": "de"}


def page(response: Any) -> Element:
    assert response.status_code == 200, response.status_code
    return parse(response.get_data(as_text=True))


def assert_german(text: str, german: list[str], english: list[str]) -> None:
    for phrase in german:
        assert phrase in text, f"missing German text: {phrase!r}"
    for phrase in english:
        assert phrase not in text, f"English left on the page: {phrase!r}"


@pytest.fixture
def targeted(
    create_campaign: Callable[..., Campaign],
    create_segment: Callable[..., Segment],
    create_touchpoint: Callable[..., Touchpoint],
) -> Campaign:
    """A campaign targeting two segments: an email without a subject (an error), one without a preheader (a
    warning), and a landing page."""
    founders = create_segment(name="Busy founders", opportunity="One clear button per email",
                              sample_data={"firstname": "Ada"})
    agencies = create_segment(name="Agencies")
    campaign = create_campaign()
    services.set_segments(campaign, {"segment_ids": [founders.id, agencies.id]})
    create_touchpoint(campaign, 0, name="No subject", subject="", preheader="Alles für die erste Woche",
                      mjml=FINISHED_MJML)
    create_touchpoint(campaign, 1, name="No preheader", subject="Hallo", preheader="", mjml=FINISHED_MJML)
    create_touchpoint(campaign, 2, kind="landing_page", name="Pricing page")
    return campaign


# --- segments ----------------------------------------------------------------------------


def test_the_segment_list_is_german(client: FlaskClient, targeted: Campaign) -> None:
    text = page(client.get("/segments", headers=GERMAN)).text()

    assert_german(
        text,
        ["Segmente", "Neues Segment", "Wer uns liest", "Motivation", "Verhalten", "Hindernis", "Chance",
         "Werte für die Vorschau", "Bearbeiten", "Alle Kampagnen nutzen dieselben Segmente."],
        ["New segment", "Who reads us", "Obstacle", "Opportunity", "Preview values", "Edit",
         "Segments are shared by all campaigns", "what stops them"],
    )
    assert "Busy founders" in text and "One clear button per email" in text  # user data stays as written


def test_the_empty_segment_list_invites_in_german(client: FlaskClient) -> None:
    text = page(client.get("/segments", headers=GERMAN)).text()

    assert_german(text, ["Noch keine Segmente", "Beginnen Sie mit der häufigsten.", "Segment anlegen"],
                  ["No segments yet", "Describe one group", "Define a segment", "Start with the most common"])


def test_the_segment_form_is_german_with_german_suggestions(client: FlaskClient) -> None:
    html = page(client.get("/segments/new", headers=GERMAN))
    text = html.text()

    assert_german(
        text,
        ["Neues Segment", "Name", "Beschreibung", "Verhalten", "Hindernis", "Chance", "Beispieldaten",
         "Warum lesen diese Personen unsere E-Mails?", "Was wir gegen das Hindernis tun.",
         "z. B. „Vielbeschäftigte Gründer:innen“", "Diese Werte füllen die Merge-Tags", "Segment erstellen",
         "Abbrechen"],
        ["New segment", "Description", "Obstacle", "Opportunity", "Sample data", "Why do they read",
         "What we will do about", "A short handle", "These values fill", "Create segment", "Cancel"],
    )
    suggestions = [o.get("value") for o in html.by_id("suggest-action").select("option")]
    assert suggestions == ["Klickt sich weiter zu mehr Informationen und Angeboten",
                           "Öffnet und liest, klickt aber nicht", "Reagiert überhaupt nicht"]
    motivations = [o.get("value") for o in html.by_id("suggest-motivation").select("option")]
    assert "Folgt uns aktiv als Informationsquelle und sucht den direkten Kontakt" in motivations
    assert "Follows us actively as a resource and wants direct contact" not in motivations


def test_creating_a_segment_is_confirmed_in_german(client: FlaskClient, post_form: Callable[..., Any]) -> None:
    client.get("/segments", headers=GERMAN)  # the session now holds nothing; each request says its language
    response = post_form("/segments/new", {
        "name": "Ärzte", "motivation": "Will Zeit sparen", "action": "Öffnet und liest, klickt aber nicht",
        "obstacle": "Kennt uns noch zu wenig", "sample_data": "{}",
    }, headers=GERMAN)
    assert response.status_code == 302

    text = page(client.get("/segments", headers=GERMAN)).text()

    assert "Segment „Ärzte“ erstellt." in text
    assert 'Segment "Ärzte" created.' not in text


def test_the_delete_page_is_german(client: FlaskClient, targeted: Campaign) -> None:
    founders = next(s for s in targeted.segments if s.name == "Busy founders")

    text = page(client.get(f"/segments/{founders.id}/delete", headers=GERMAN)).text()

    assert_german(
        text,
        ["Das Segment „Busy founders“ löschen?", "1 Kampagne richtet sich an dieses Segment und hört damit auf:",
         "Das lässt sich nicht rückgängig machen.", "Segment löschen", "Behalten"],
        ["Delete the segment", "targets it", "will stop doing so", "This cannot be undone", "Delete segment",
         "Keep it"],
    )


def test_the_api_says_a_taken_segment_name_in_german(client: FlaskClient, create_segment: Callable[..., Segment]
                                                     ) -> None:
    create_segment(name="Busy founders")
    body = {"name": "BUSY FOUNDERS", "motivation": "a", "action": "b", "obstacle": "c"}

    german = client.post("/api/segments", json=body, headers=GERMAN)
    english = client.post("/api/segments", json=body, headers={"Accept-Language": "en"})

    assert german.status_code == 409
    assert error_of(german)["message"] == "Ein Segment namens „BUSY FOUNDERS“ gibt es bereits."
    assert error_of(german)["fields"]["name"] == "Dieser Name ist vergeben; wählen Sie einen anderen."
    assert error_of(english)["message"] == 'A segment named "BUSY FOUNDERS" already exists.'


# --- export ------------------------------------------------------------------------------


def test_the_export_page_is_german(client: FlaskClient, targeted: Campaign) -> None:
    html = page(client.get(f"/campaigns/{targeted.id}/export", headers=GERMAN))
    text = html.text()

    assert_german(
        text,
        ["Vor dem Export", "2 von 4 E-Mails verhindern einen fehlerfreien Export", "Formate", "Mailjet-Paket",
         "mailjet.json herunterladen", "CSV-Vorlage für Kontakte", "ID der Mailjet-Kontaktliste",
         "An Mailjet übertragen", "Plan als CSV", "Trennzeichen", "Semikolon", "Kampagnendatei importieren",
         "Plan als CSV: was jede Spalte enthält", "Versandabstand (Tage)", "Tag ab Auslöser", "Zurück zur Journey Map",
         "für Busy founders", "Basis-E-Mail"],
        ["Before you export", "blocks a clean export", "Formats", "Mailjet bundle", "Download", "Contacts CSV",
         "Push to Mailjet", "Separator", "Semicolon", "Import a campaign file", "what each column holds",
         "Send offset", "Back to the map", "base email", "deserve a look", "Every email is checked"],
    )
    warnings = html.by_id("export-warnings").select("summary")[0].text()
    assert "4 von 4 E-Mails haben Warnungen" in warnings and "die einen Blick verdienen" in warnings
    readiness = html.by_id("mailjet-readiness").text()
    assert '"No subject" für Agencies: Der Betreff ist leer; Mailjet braucht einen.' in readiness
    # the checks each email is listed with, in German too
    assert "Der Betreff ist leer." in text and "The subject is empty." not in text
    # German Excel reads semicolons: the German page offers them first.
    semicolon = [i for i in html.select("input", name="delimiter") if i.get("value") == "semicolon"][0]
    assert "checked" in semicolon.attrs


def test_the_plan_csv_has_german_headers_and_values(client: FlaskClient, targeted: Campaign) -> None:
    response = client.get(f"/campaigns/{targeted.id}/export/plan.csv?delimiter=semicolon", headers=GERMAN)

    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True)), delimiter=";"))
    assert rows[0] == ["Phase", "Schritt", "Touchpoint", "Art", "Segment", "Inhalt", "Betreff", "Preheader",
                       "Versandabstand (Tage)", "Auslöser", "Call to Action (CTA)", "Fehler", "Warnungen", "Folgt auf",
                       "Gezählt ab", "Tag ab Auslöser"]
    assert {row[5] for row in rows[1:]} == {"Basis-E-Mail", ""}
    english = client.get(f"/campaigns/{targeted.id}/export/plan.csv", headers={"Accept-Language": "en"})
    assert english.data.startswith(b"Phase,Step,Touchpoint,Kind,Segment,Content,")


def test_a_bad_plan_csv_option_is_refused_in_german(client: FlaskClient, targeted: Campaign) -> None:
    response = client.get(f"/campaigns/{targeted.id}/export/plan.csv?delimiter=tab", headers=GERMAN)

    assert response.status_code == 422
    assert 'Schreiben Sie "comma" oder "semicolon", nicht „tab“.' in response.get_data(as_text=True).replace(
        "&#34;", '"')


# --- import ------------------------------------------------------------------------------


def test_the_import_page_is_german_with_german_numbers(client: FlaskClient) -> None:
    text = " ".join(page(client.get("/campaigns/import", headers=GERMAN)).text().split())

    assert_german(
        text,
        ["Kampagne importieren", "Kampagnendatei", "Segmente werden über ihren Namen zugeordnet.",
         "Zuerst wird die ganze Datei geprüft", "Dateien bis 64 MB", "höchstens 100 Phasen, 2.000 Touchpoints, "
         "500 Segmente und 20.000 Varianten", "Import", "Abbrechen"],
        ["Import a campaign", "Campaign file", "Segments are matched by name", "The whole file is checked",
         "Files up to", "2,000", "20,000", "A campaign holds at most", "Cancel"],
    )


def upload(client: FlaskClient, body: bytes) -> Any:
    html = page(client.get("/campaigns/import", headers=GERMAN))
    token = html.select("input", name="csrf_token")[0].get("value")
    return client.post("/campaigns/import", data={"document": (io.BytesIO(body), "campaign.json"),
                                                  "csrf_token": token},
                       content_type="multipart/form-data", headers=GERMAN)


def test_an_import_problem_is_named_in_german(client: FlaskClient, targeted: Campaign) -> None:
    document = export_document(targeted)
    document["touchpoints"][0]["phase"] = 9

    response = upload(client, json.dumps(document).encode("utf-8"))

    assert response.status_code == 422
    text = " ".join(parse(response.get_data(as_text=True)).text().split())
    assert "Es wurde nichts importiert: Die Datei hat 1 Problem." in text
    assert "Keine Phase 9: Die Phasen sind von 0 bis 4 nummeriert." in text
    assert "Nothing was imported" not in text and "No phase 9" not in text


def test_a_file_that_is_not_json_is_refused_in_german(client: FlaskClient) -> None:
    response = upload(client, b"\xff\xfe not text")

    assert response.status_code == 400
    text = parse(response.get_data(as_text=True)).text()
    assert "Die Datei ist kein UTF-8-Text und kann daher keine Kampagnendatei sein." in text


def test_a_successful_import_is_confirmed_in_german(client: FlaskClient, targeted: Campaign) -> None:
    response = upload(client, json.dumps(export_document(targeted)).encode("utf-8"))
    assert response.status_code == 302

    text = page(client.get(response.headers["Location"], headers=GERMAN)).text()

    assert "„Trial journey (imported)“ mit 3 Touchpoints importiert." in text


def test_the_import_api_answers_in_german(client: FlaskClient) -> None:
    response = client.post("/api/campaigns/import", json={"format": "something else"}, headers=GERMAN)

    assert response.status_code == 422
    message = error_of(response)["message"]
    assert message.startswith('format: Keine Journeymail-Kampagnendatei: "format" muss "journeymail.campaign" sein.')
    assert message.endswith("Es wurde nichts importiert.")


def test_a_refused_mailjet_bundle_is_explained_in_german(client: FlaskClient, targeted: Campaign) -> None:
    response = client.get(f"/campaigns/{targeted.id}/export/mailjet.json", headers=GERMAN)

    assert response.status_code == 422
    text = " ".join(parse(response.get_data(as_text=True)).text().split())
    assert_german(
        text,
        ["Das Mailjet-Paket wurde nicht exportiert", "Beheben Sie diese 2 Probleme", "Fehlerhafte E-Mails",
         "Der Betreff ist leer; Mailjet braucht einen.", "Zurück"],
        ["The Mailjet bundle was not exported", "Nothing was exported", "Emails that fail", "Mailjet needs one",
         "Back"],
    )
