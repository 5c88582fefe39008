"""The plan in German: campaign list, campaign form, journey map (also of the German demo), phase and touchpoint
forms, the framework chooser and /api/frameworks, with no English UI text left; an API message in German."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from campaigns.demo_de import create_demo_de
from campaigns.models import Campaign, Touchpoint
from html_tree import Element, parse
from journeymail.extensions import db

DE = {"Accept-Language": "de"}


def page(response: Any) -> Element:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return parse(response.get_data(as_text=True))


def german(client: FlaskClient, url: str, says: list[str], never: list[str]) -> str:
    """The page's text in German: it says every one of `says` and none of the English `never`."""
    text = page(client.get(url, headers=DE)).text()
    for words in says:
        assert words in text, words
    for words in never:
        assert words not in text, words
    return text


@pytest.fixture
def planned(create_campaign, create_segment, create_touchpoint) -> tuple[Campaign, Touchpoint]:
    campaign = create_campaign(framework="five-stage")
    segment = create_segment(name="Gründer:innen")
    campaign.segments = [segment]
    db.session.commit()
    welcome = create_touchpoint(campaign, 0, name="Willkommen", trigger="meldet sich an")
    create_touchpoint(campaign, 0, kind="follow_up", name="Nachfassen", follows_id=welcome.id, send_offset_days=3)
    create_touchpoint(campaign, 1, kind="signup_form", name="Formular")
    return campaign, welcome


def test_the_campaign_list_is_german_with_plural_counts(client: FlaskClient, planned) -> None:
    german(client, "/campaigns", [
        "Kampagnen", "Kampagne importieren", "Neue Kampagne", "Ziel", "Funnel in fünf Stufen", "5 Phasen",
        "3 Touchpoints", "1 Segment ·", "Soll-Zustand",
    ], [
        "Import a campaign", "New campaign", "Goal", "Five-stage funnel", "phases", "touchpoints", "Future state",
        "Each campaign maps its emails",
    ])


def test_the_empty_campaign_list_is_german(client: FlaskClient) -> None:
    german(client, "/campaigns", ["Noch keine Kampagnen", "Erste Kampagne erstellen"],
           ["No campaigns yet", "Create your first campaign", "Start one from a journey framework"])


def test_the_new_campaign_form_is_german_with_german_frameworks(client: FlaskClient) -> None:
    html = client.get("/campaigns/new", headers=DE).get_data(as_text=True)
    german(client, "/campaigns/new", [
        "Neue Kampagne", "Der Plan", "Phasenmodell", "Lebenszyklus in sieben Phasen", "AIDA mit Loyalität",
        "Vier-Phasen-Modell", "Absender", "Sprache und Land", "Standardwerte", "Ist-Zustand", "Soll-Zustand",
        "Kampagne erstellen", "Abbrechen", "Sympathie", "Kaufabsicht", "Weiterempfehlung",
    ], [
        "New campaign", "The plan", "Journey framework", "Seven-phase lifecycle", "Sender name", "Sender email",
        "Locale", "Default values", "Current state", "Future state", "Create campaign", "Cancel", "Favorability",
        "What your team calls this campaign.",
    ])
    assert 'lang="de"' in html


def test_a_refused_new_campaign_says_why_in_german(post_form) -> None:
    response = post_form("/campaigns/new", {"name": "", "framework": "five-stage"}, headers=DE)
    assert response.status_code == 422
    text = parse(response.get_data(as_text=True)).text()
    assert "Neue Kampagne" in text and "Create campaign" not in text


def test_the_journey_map_is_german(client: FlaskClient, planned) -> None:
    campaign, _ = planned
    text = german(client, f"/campaigns/{campaign.id}", [
        "Journey Map des Soll-Zustands", "Funnel in fünf Stufen", "Einstellungen", "Segmente der Kampagne",
        "Duplizieren", "Phase hinzufügen", "Touchpoint hinzufügen", "Phasen", "Lücken", "Nur Erfassung",
        "Ziel der Kundschaft", "Emotion", "Pain Points", "Chancen", "Versandfolge", "Tag +3",
        "Willkommens-E-Mail", "Anmeldeformular", "Follow-up", "Auslöser:",
        "E-Mail planen", "Keine E-Mail – Lücke", "Matrix Segment × Phase", "3 Tage nach Willkommen",
    ], [
        "Future state map", "Settings", "Segments targeting", "Duplicate", "Add phase", "Add touchpoint", "Gaps",
        "Capture only", "Customer goal", "Pain points", "Opportunities", "Sequence", "Day +3", "Welcome",
        "Signup form", "Plan an email", "No email — gap", "Segment × phase matrix", "Edit email", "Preview",
        "days after", "Five-stage funnel",
    ])
    assert "Motivation" in text and "Verhalten" in text and "Hindernis" in text


def test_the_german_demo_map_is_german(client: FlaskClient) -> None:
    campaign = create_demo_de()
    db.session.commit()
    german(client, f"/campaigns/{campaign.id}", [
        "Kompass Mentoring: Journey zur Beförderung", "Versandfolge", "Willkommens-E-Mail", "Segmente",
        "Ziel der Kundschaft", "Vorschau",
    ], [
        "Sequence", "Customer goal", "Pain points", "Opportunities", "Add touchpoint", "Welcome", "Day ",
        "Future state", "Current state", "Capture only", "Edit email", "delighted", "frustrated", "uneasy",
        "Journey map of",
    ])


def test_the_phase_form_is_german(client: FlaskClient, planned) -> None:
    campaign, _ = planned
    german(client, f"/campaigns/{campaign.id}/phases/new", [
        "Neue Phase", "Ziel der Kundschaft", "Emotion", "+2 begeistert", "−2 frustriert", "Pain Points",
        "Chancen", "Eine pro Zeile.", "Phase hinzufügen", "Abbrechen",
    ], ["New phase", "Customer goal", "delighted", "Pain points", "Opportunities", "One per line.", "Add phase",
        "Cancel"])
    german(client, f"/phases/{campaign.phases[0].id}/edit", [
        "Phase: Awareness", "Diese Phase enthält 2 Touchpoints", "Phase löschen …", "Speichern",
    ], ["This phase holds", "Delete phase", "Save"])


def test_the_touchpoint_forms_are_german(client: FlaskClient, planned) -> None:
    campaign, welcome = planned
    html = client.get(f"/campaigns/{campaign.id}/touchpoints/new", headers=DE).get_data(as_text=True)
    assert 'label="Erfasst eine E-Mail-Adresse"' in html and 'label="Versendet eine E-Mail"' in html
    assert "Captures an address" not in html and "Sends an email" not in html
    german(client, f"/campaigns/{campaign.id}/touchpoints/new", [
        "Neuer Touchpoint", "Wo und wann", "Art",
        "Anmeldeformular", "Landingpage", "Bewertungsanfrage", "Empfehlungsanfrage", "Reaktivierung", "Auslöser",
        "Folgt auf", "Versandabstand (in Tagen)", "Call to Action (CTA)", "Zielgruppe", "Posteingangszeile",
        "Betreff", "Preheader", "Touchpoint hinzufügen", "Sein Auslöser (die Tage zählen ab dem Auslöser)",
    ], [
        "New touchpoint", "Where and when", "Captures an address", "Sends an email", "Signup form", "Review request",
        "Trigger", "Sends after", "Send after (days)", "Call to action", "Sent to", "Inbox line", "Subject",
        "Add touchpoint", "Its trigger",
    ])
    german(client, f"/touchpoints/{welcome.id}/edit", [
        "Touchpoint: Willkommen", "E-Mail-Editor öffnen", "Speichern", "Löschen …",
    ], ["Open the email editor", "Save", "Delete…"])
    german(client, f"/touchpoints/{welcome.id}/delete", [
        "„Willkommen“ löschen?", "Ein Touchpoint folgt auf diesen.", "folgt jetzt 3 Tage nach „Willkommen“",
        "Touchpoint löschen", "Behalten", "Das lässt sich nicht rückgängig machen.",
    ], ["Delete “Willkommen”?", "One touchpoint sends", "now sends", "Delete touchpoint", "Keep it",
        "This cannot be undone."])


def test_the_framework_chooser_and_switch_are_german(client: FlaskClient, planned) -> None:
    campaign, _ = planned
    german(client, f"/campaigns/{campaign.id}/framework", [
        "Phasenmodell wechseln", "Aktuelles Phasenmodell", "Phasen neu zuordnen", "Zu „AIDA mit Loyalität“ wechseln",
        "E-Mail-Journey", "Kundenbindung", "Nach dem Kauf", "5 Phasen",
    ], ["Switch framework", "Current framework", "Map the phases again", "Switch to", "Email journey", "Retention",
        "Post-purchase", "phases goes"])
    german(client, f"/campaigns/{campaign.id}/framework/four-phase", [
        "Zu „Vier-Phasen-Modell“ wechseln", "Phase bisher", "Kommt nach", "Vorschau", "als eigene Phase behalten",
    ], ["Switch to", "Phase now", "Goes to", "Preview", "as a phase of its own", "Four-phase"])


def test_api_frameworks_follow_accept_language(client: FlaskClient) -> None:
    german_names = [f["name"] for f in client.get("/api/frameworks", headers=DE).get_json()]
    english_names = [f["name"] for f in client.get("/api/frameworks", headers={"Accept-Language": "en"}).get_json()]
    assert "Lebenszyklus in sieben Phasen" in german_names and "Seven-phase lifecycle" in english_names
    phases = client.get("/api/frameworks", headers=DE).get_json()[0]["phases"]
    assert [p["name"] for p in phases][:2] == ["Awareness", "Sympathie"]


def test_an_api_validation_message_is_german(client: FlaskClient, planned) -> None:
    campaign, _ = planned
    response = client.post(f"/api/campaigns/{campaign.id}/touchpoints", headers=DE,
                           json={"phase_id": 2_000_000, "kind": "welcome", "name": "X"})
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"]["phase_id"] == "Die Kampagne hat keine Phase mit der ID 2000000."
    english = client.post(f"/api/campaigns/{campaign.id}/touchpoints", headers={"Accept-Language": "en"},
                          json={"phase_id": 2_000_000, "kind": "welcome", "name": "X"})
    assert english.get_json()["error"]["fields"]["phase_id"] == "The campaign has no phase with ID 2000000."


def test_a_limit_message_formats_numbers_the_german_way(app, client: FlaskClient, planned, monkeypatch) -> None:
    campaign, _ = planned
    monkeypatch.setitem(app.config, "MAX_SEGMENTS_PER_CAMPAIGN", 999)  # for this test only
    ids = list(range(1, 1001))
    response = client.put(f"/api/campaigns/{campaign.id}/segments", headers=DE, json={"segment_ids": ids})
    assert response.status_code == 422
    assert "höchstens 999 Segmente; dies sind 1.000." in response.get_json()["error"]["message"]


def test_the_maps_script_gets_its_messages_and_language_from_the_page(client: FlaskClient, planned) -> None:
    campaign, _ = planned
    html = client.get(f"/campaigns/{campaign.id}", headers=DE).get_data(as_text=True)
    assert 'data-move-failed="Der Touchpoint konnte nicht verschoben werden (HTTP %s)."' in html
    assert "Der Server war nicht erreichbar" in html


def test_the_settings_targeting_and_delete_pages_are_german(client: FlaskClient, planned) -> None:
    campaign, _ = planned
    german(client, f"/campaigns/{campaign.id}/edit", [
        "Einstellungen der Kampagne", "Phasenmodell", "Funnel in fünf Stufen", "Phasenmodell wechseln …",
        "Kampagne löschen …", "Speichern", "Antwortadresse",
    ], ["Campaign settings", "Journey framework", "Switch framework", "Delete campaign", "Save", "Reply-to"])
    german(client, f"/campaigns/{campaign.id}/segments", [
        "An wen sich diese Kampagne richtet", "Segmente speichern", "Neues Segment …",
    ], ["Who this campaign targets", "Save targeting", "New segment", "Each targeted segment"])
    german(client, f"/campaigns/{campaign.id}/delete", [
        "„Trial journey“ löschen?", "mit ihren 5 Phasen, 3 Touchpoints", "Kampagne löschen", "Behalten",
    ], ["Delete “Trial journey”?", "This removes the campaign", "Delete campaign", "Keep it"])
    german(client, f"/phases/{campaign.phases[0].id}/delete", [
        "Die Phase „Awareness“ löschen?", "enthält noch 2 Touchpoints und kann daher noch nicht gelöscht werden",
        "Zurück zur Journey Map",
    ], ["Delete the phase", "still holds", "Back to the map"])
    german(client, f"/phases/{campaign.phases[4].id}/delete", [
        "Die Phase verschwindet aus der Journey von „Trial journey“ und mit ihr ihr Ziel der Kundschaft.",
        "Das lässt sich nicht rückgängig machen.",
    ], ["The phase leaves", "This cannot be undone."])


def test_flash_messages_are_german(client: FlaskClient, post_form, planned) -> None:
    campaign, _ = planned
    response = post_form(f"/campaigns/{campaign.id}/phases/new", {"name": "Nachkauf", "emotion": "0"}, headers=DE)
    assert response.status_code == 302
    text = page(client.get(response.headers["Location"], headers=DE)).text()
    assert "Phase „Nachkauf“ hinzugefügt." in text and "added" not in text
