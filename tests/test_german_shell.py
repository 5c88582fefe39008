"""German for what every page and API call shares: validation messages, JSON mistakes, the CSRF refusal,
email-validator's reasons, IDs in query strings, numbers; and English exactly as before."""

from __future__ import annotations

import pytest
from flask import render_template_string
from flask_babel import refresh

from api_support import error_of
from html_tree import field_text, parse
from journeymail.addresses import reason
from journeymail.http import BUSY, CLASH, race_response
from journeymail.text import number

DE = {"Accept-Language": "de"}
EN = {"Accept-Language": "en"}

NEW_CAMPAIGN = {
    "name": "Probe-Journey",
    "goal": "Ein Coaching buchen",
    "framework": "five-stage",
    "sender_name": "Maya",
    "sender_email": "maya@example.com",
}

NEW_SEGMENT = {
    "name": "Aufstiegswillige",
    "description": "",
    "motivation": "Will befördert werden",
    "action": "Öffnet und liest",
    "obstacle": "Keine Zeit",
    "opportunity": "Ein klarer Button",
    "sample_data": '{"firstname": "Ada"}',
}


# --- API validation messages -----------------------------------------------------------------


def test_each_field_of_a_bad_campaign_is_refused_in_german(client):
    response = client.post("/api/campaigns", headers=DE, json={
        **NEW_CAMPAIGN, "name": "x" * 121, "framework": "waterfall", "sender_email": "maya@",
        "locale": "deutsch", "colour": "blue", "goal": "eins\x00zwei"})

    error = error_of(response)
    assert response.status_code == 422
    assert error["message"] == "Bitte korrigieren Sie die markierten Felder."
    assert error["fields"] == {
        "name": "Höchstens 120 Zeichen (hier sind es 121).",
        "framework": "Wählen Sie einen dieser Werte: seven-phase, email-journey, five-stage, aida-loyalty, four-phase.",
        "sender_email": "Keine gültige E-Mail-Adresse: Nach dem @-Zeichen muss etwas stehen.",
        "locale": "Verwenden Sie die Schreibweise en_US (language_COUNTRY).",
        "colour": "Unbekanntes Feld.",
        "goal": "Darf keine NUL-Zeichen enthalten.",
    }


def test_the_same_refusal_stays_english_in_english(client):
    response = client.post("/api/campaigns", headers=EN, json={
        **NEW_CAMPAIGN, "name": "x" * 121, "framework": "waterfall", "sender_email": "maya@",
        "locale": "deutsch", "colour": "blue", "goal": "eins\x00zwei"})

    error = error_of(response)
    assert error["message"] == "Please correct the marked fields."
    assert error["fields"] == {
        "name": "At most 120 characters (this has 121).",
        "framework": "Choose one of: seven-phase, email-journey, five-stage, aida-loyalty, four-phase.",
        "sender_email": "Not a valid email address: There must be something after the @-sign.",
        "locale": "Use the form en_US (language_COUNTRY).",
        "colour": "Unknown field.",
        "goal": "Must not contain NUL characters.",
    }


def test_a_missing_required_field_is_named_in_german(client):
    response = client.post("/api/campaigns", headers=DE, json={**NEW_CAMPAIGN, "name": "  "})

    assert error_of(response)["message"] == "Bitte füllen Sie dieses Feld aus."
    assert error_of(response)["fields"] == {"name": "Bitte füllen Sie dieses Feld aus."}


@pytest.mark.parametrize(("emotion", "message"), [
    (3, "Muss zwischen -2 und 2 liegen."),
    ("sehr", "Muss eine ganze Zahl sein."),
])
def test_a_bad_whole_number_is_refused_in_german(client, create_campaign, emotion, message):
    campaign = create_campaign()

    response = client.post(f"/api/campaigns/{campaign.id}/phases", headers=DE,
                           json={"name": "Rückgewinnung", "emotion": emotion})

    assert error_of(response)["fields"] == {"emotion": message}


@pytest.mark.parametrize(("segment_ids", "message"), [
    ("1", "Muss eine Liste von IDs sein (ganze Zahlen von 1 bis 2.147.483.647)."),
    (list(range(1, 1002)), "Höchstens 1.000 IDs."),
])
def test_id_lists_are_refused_in_german_with_german_numbers(client, create_campaign, segment_ids, message):
    campaign = create_campaign()

    response = client.put(f"/api/campaigns/{campaign.id}/segments", headers=DE, json={"segment_ids": segment_ids})

    assert error_of(response)["fields"] == {"segment_ids": message}


@pytest.mark.parametrize(("sample_data", "message"), [
    ('{"firstname": "Ada",}', "Zeile 1, Spalte 20: auf das Komma vor } folgt nichts: Entfernen Sie es."),
    ("{'firstname': 'Ada'}", 'Zeile 1, Spalte 2: erwartet wird ein Name in doppelten Anführungszeichen, z. B. '
                             '"firstname" (JSON erlaubt weder einfache Anführungszeichen noch ein Komma am Ende).'),
    ('["Ada"]', 'Beispieldaten müssen ein Objekt aus Namen und Werten sein, z. B. {"firstname": "Ada"}.'),
    ('{"First Name": "Ada"}', "„First Name“ ist kein Merge-Tag-Name: Verwenden Sie Buchstaben, Ziffern und _, "
                              "am Anfang einen Buchstaben oder _."),
    ('{"firstname": ["Ada"]}', "Der Wert von „firstname“ muss Text oder eine Zahl sein."),
    ('{"firstname": "' + "a" * 501 + '"}', "Der Wert von „firstname“ ist länger als 500 Zeichen."),
])
def test_bad_sample_data_is_explained_in_german(client, sample_data, message):
    response = client.post("/api/segments", headers=DE, json={**NEW_SEGMENT, "sample_data": sample_data})

    assert error_of(response)["fields"] == {"sample_data": message}


@pytest.mark.parametrize(("body", "message"), [
    ('{"name": "Probe", ', "Der Inhalt der Anfrage ist kein gültiges JSON."),
    ("[" * 100_000, "Der Inhalt der Anfrage ist zu tief verschachtelt."),
    ('["Probe"]', "Der Inhalt der Anfrage muss ein JSON-Objekt sein."),
])
def test_a_request_body_that_is_no_json_object_is_refused_in_german(client, body, message):
    response = client.post("/api/campaigns", headers=DE, data=body, content_type="application/json")

    assert response.status_code == 400
    assert error_of(response)["message"] == message


# --- forms -----------------------------------------------------------------------------------


def test_a_form_shows_the_german_error_at_its_field_and_the_field_names_it(post_form):
    response = post_form("/segments/new", {**NEW_SEGMENT, "name": "x" * 81, "sample_data": '{"firstname": "Ada"'},
                         headers=DE)

    html = parse(response.get_data(as_text=True))
    assert response.status_code == 422
    assert "Zeile 1, Spalte 20: erwartet wird ein Komma oder }." in field_text(html, "sample_data")
    assert "erwartet wird" not in field_text(html, "opportunity")
    [textarea] = [e for e in html.iter() if e.get("name") == "sample_data" and e.tag in ("textarea", "input")]
    described = (textarea.get("aria-describedby") or "").split()
    assert "sample_data-error" in described and textarea.get("aria-invalid") == "true"
    assert "erwartet wird ein Komma" in html.by_id("sample_data-error").text()
    for name in described:
        assert html.by_id(name) is not None, f"aria-describedby names {name}, which is not on the page"
    assert "Höchstens 80 Zeichen (hier sind es 81)." in field_text(html, "name")
    [alert] = html.select(role="alert")
    assert alert.text().strip() == "Bitte korrigieren Sie die markierten Felder."


def test_the_forms_summary_of_field_errors_reads_german(app):
    class Form:  # a form whose own validators found errors, with no message of the service
        problem = None
        errors = {"name": ["Bitte füllen Sie dieses Feld aus."]}

    page = '{% from "macros/forms.html" import problem %}{{ problem(form) }}'
    with app.test_request_context("/", headers=DE):
        refresh()
        assert "Bitte korrigieren Sie die markierten Felder." in render_template_string(page, form=Form())
    with app.test_request_context("/", headers=EN):
        refresh()
        assert "Please correct the marked fields." in render_template_string(page, form=Form())


def test_a_field_without_error_names_no_error_and_no_missing_help(client):
    html = parse(client.get("/segments/new", headers=DE).get_data(as_text=True))

    for element in html.iter():
        for name in (element.get("aria-describedby") or "").split():
            assert html.by_id(name) is not None, f"aria-describedby names {name}, which is not on the page"
    assert not [e for e in html.iter() if "-error" in (e.get("aria-describedby") or "")]


def test_a_form_without_a_security_token_is_refused_in_german(client):
    response = client.post("/segments/new", headers=DE, data=NEW_SEGMENT)

    text = parse(response.get_data(as_text=True)).text()
    assert response.status_code == 400
    assert "Das Formular wurde ohne gültiges Sicherheitstoken gesendet." in text
    assert "without a valid security token" not in text


def test_an_id_in_the_query_string_is_refused_in_german(client, create_campaign):
    campaign = create_campaign()
    phase = campaign.phases[0].id

    words = client.get(f"/campaigns/{campaign.id}/preview?segment=abc&phase={phase}", headers=DE)
    missing = client.get(f"/campaigns/{campaign.id}/preview?phase={phase}", headers=DE)
    beyond = client.get(f"/campaigns/{campaign.id}/preview?segment=99999999999999999999&phase={phase}", headers=DE)

    assert words.status_code == 422 and "„abc“ ist keine ID für „segment“." in words.get_data(as_text=True)
    assert "Geben Sie für „segment“ eine ID an, z. B. ?segment=12." in missing.get_data(as_text=True)
    assert beyond.status_code == 404
    assert "Für „segment“ gibt es keine ID 99999999999999999999." in beyond.get_data(as_text=True)
    english = client.get(f"/campaigns/{campaign.id}/preview?segment=abc&phase={phase}", headers=EN)
    assert "&#39;abc&#39; is not a segment ID." in english.get_data(as_text=True)


# --- email addresses, numbers ------------------------------------------------------------------


@pytest.mark.parametrize(("english", "german"), [
    ("An email address must have an @-sign.", "Eine E-Mail-Adresse braucht ein @-Zeichen."),
    ("An email address cannot have two periods in a row.",
     "Eine E-Mail-Adresse darf keine zwei Punkte hintereinander enthalten."),
    ("The email address contains invalid characters before the @-sign: SPACE.",
     "Die E-Mail-Adresse enthält vor dem @-Zeichen ungültige Zeichen: SPACE."),
    ("The email address is too long before the @-sign (1 character too many).",
     "Die E-Mail-Adresse ist vor dem @-Zeichen zu lang (1 Zeichen zu viel)."),
    ("The domain name example.invalid does not exist.", "Die Domain example.invalid gibt es nicht."),
    ("Something email-validator says rarely.", "Something email-validator says rarely."),
])
def test_email_validators_reasons_are_german_in_german_and_unchanged_in_english(app, english, german):
    with app.test_request_context("/", headers=DE):
        refresh()  # the tests hold one app context, which keeps the locale it found first
        assert reason(english) == german
    with app.test_request_context("/", headers=EN):
        refresh()
        assert reason(english) == english


def test_an_address_without_at_sign_is_refused_in_german(client):
    response = client.post("/api/campaigns", headers=DE, json={**NEW_CAMPAIGN, "sender_email": "maya.example.com"})

    assert error_of(response)["fields"] == {
        "sender_email": "Keine gültige E-Mail-Adresse: Eine E-Mail-Adresse braucht ein @-Zeichen."}


def test_numbers_are_written_the_german_way_in_german_and_as_before_in_english(app):
    with app.test_request_context("/", headers=DE):
        refresh()  # the tests hold one app context, which keeps the locale it found first
        assert number(1234.5) == "1.234,5"
        assert number(2340) == "2.340"
        assert render_template_string("{{ 1234567|number }} · {{ 0.5|number }}") == "1.234.567 · 0,5"
    with app.test_request_context("/", headers=EN):
        refresh()
        assert number(1234.5) == "1234.5"
        assert render_template_string("{{ 1234567|number }}") == "1234567"


def test_the_emotion_scale_reads_german(app):
    with app.test_request_context("/", headers=DE):
        refresh()  # the tests hold one app context, which keeps the locale it found first
        assert render_template_string("{{ EMOTION_LABELS[2] }} {{ EMOTION_LABELS[-1] }}") == "begeistert verunsichert"
    with app.test_request_context("/", headers=EN):
        refresh()
        assert render_template_string("{{ EMOTION_LABELS[2] }} {{ EMOTION_LABELS[-1] }}") == "delighted uneasy"


# --- refusals of the whole request ---------------------------------------------------------------


def test_a_body_over_the_size_limit_is_refused_in_german_with_a_german_number(app, client):
    limit = app.config["MAX_CONTENT_LENGTH"]

    response = client.post("/api/campaigns", headers=DE, data='{"name": "' + "x" * limit + '"}',
                           content_type="application/json")

    assert response.status_code == 413
    assert error_of(response)["message"] == f"Die Anfrage ist größer als die {number_de(limit // 1024)} KB, die dieser Server annimmt."


def number_de(value: int) -> str:
    return f"{value:,}".replace(",", ".")


@pytest.mark.parametrize(("status", "message"), [
    (409, "Diese Änderung widerspricht Daten, die inzwischen gespeichert wurden. Laden Sie die Seite neu und "
          "versuchen Sie es noch einmal."),
    (503, "Die Datenbank ist mit anderen Änderungen beschäftigt. Es wurde nichts gespeichert; bitte versuchen Sie "
          "es gleich noch einmal."),
])
def test_a_write_that_lost_a_race_is_explained_in_german(app, status, message):
    with app.test_request_context("/api/segments", method="POST", headers=DE):
        refresh()
        response = race_response(status)
    assert response.status_code == status
    assert response.get_json()["error"]["message"] == message
    with app.test_request_context("/api/segments", method="POST", headers=EN):
        refresh()
        assert race_response(status).get_json()["error"]["message"] == (CLASH if status == 409 else BUSY)


@pytest.mark.parametrize("path", ["/login", "/api/campaigns"])
def test_a_request_for_another_host_is_refused_in_german(app, anonymous_client, monkeypatch, path):
    monkeypatch.setitem(app.config, "TRUSTED_HOSTS", ["localhost"])

    refused = anonymous_client.get(path, base_url="http://evil.example.net", headers=DE)

    assert refused.status_code == 400
    assert "Dieser Server antwortet nicht unter diesem Hostnamen (siehe TRUSTED_HOSTS)." in refused.get_data(as_text=True)
