"""The contacts pages in German: the list, the upload, the preview with its mapping, and the import report,
with no English UI text left; the same for a signed-in user whose language is German, whatever the browser says."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from accounts.models import User
from contacts_support import GERMAN_ROWS, api_import, csv_text, german_excel
from html_tree import Element, parse
from journeymail.extensions import db
from test_contacts_pages import mapping_fields, preview_url, upload

DE = {"Accept-Language": "de"}


def page(response: Any) -> Element:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return parse(response.get_data(as_text=True))


def german(client: FlaskClient, url: str, says: list[str], never: list[str], headers: dict[str, str] = DE) -> str:
    """The page's text in German: it says every one of `says` and none of the English `never`."""
    text = page(client.get(url, headers=headers)).text()
    for words in says:
        assert words in text, words
    for words in never:
        assert words not in text, words
    return text


def test_the_empty_contacts_list_is_german(client: FlaskClient) -> None:
    german(client, "/contacts", [
        "Kontakte", "Kontakte importieren", "E-Mail-Adresse oder Name beginnt mit", "Jeder Status", "Suchen",
        "Noch keine Kontakte", "0 Kontakte.",
    ], [
        "Import contacts", "Email address or name starts with", "Any status", "Search", "No contacts yet",
        "The people behind your segments", "Import a CSV file",
    ])


def test_the_contacts_list_with_contacts_and_imports_is_german(client: FlaskClient) -> None:
    rows = [["email", "name", "status", "opens"]] + [[f"p{n:03}@example.com", f"Person {n}", "subscribed", "1234"]
                                                     for n in range(60)]
    rows.append(["weg@example.com", "Weg", "unsubscribed", "0"])
    api_import(client, csv_text(rows, ",").encode(), name="kunden.csv", policy="skip")

    text = german(client, "/contacts", [
        "61 Kontakte, Seite 1 von 2.", "E-Mail-Adresse", "Status", "Öffnungen", "Klicks", "Letzte Öffnung",
        "Eigenschaften", "Abonniert", "1.234", "Weiter", "Letzte Importe", "kunden.csv",
    ], [
        "61 contacts", "page 1 of", "Email address", "Opens", "Clicks", "Last open", "Properties", "Subscribed",
        "Next", "Recent imports", "1,234",
    ])
    assert "Abgemeldet" in german(client, "/contacts?status=unsubscribed", ["1 Kontakt."], ["1 contact."])
    assert "Zurück" in german(client, "/contacts?page=2", ["Seite 2 von 2"], ["Previous", "page 2 of"])
    assert "Kontakte" in text


def test_the_upload_page_is_german(client: FlaskClient) -> None:
    german(client, "/contacts/import", [
        "Kontakte importieren", "Datei hochladen", "Spalten prüfen und zuordnen", "Bericht", "CSV-Datei",
        "Quelle (optional)", "Hochladen und Vorschau ansehen", "Abbrechen",
    ], [
        "Import contacts", "Upload the file", "Check and map the columns", "Report", "CSV file", "Source (optional)",
        "Upload and preview", "Cancel", "Exported from your ESP", "Where the list comes from",
    ])


def test_a_refused_upload_says_why_in_german(client: FlaskClient) -> None:
    response = upload(client, b"PK\x03\x04 eine Arbeitsmappe", name="liste.xlsx", headers=DE)
    assert response.status_code == 422
    text = parse(response.get_data(as_text=True)).text()
    assert "CSV-Datei" in text and "Upload and preview" not in text and "Save as" not in text


def test_the_preview_and_its_mapping_are_german(client: FlaskClient) -> None:
    url = preview_url(upload(client, german_excel(), headers=DE))
    text = german(client, url, [
        "Spalten prüfen und zuordnen", "Zeichenkodierung", "Trennzeichen", "Erkennen", "Erneut lesen",
        "Wohin jede Spalte gehört", "Spalte", "Kommt nach", "Name der Eigenschaft", "Dezimalkomma", "Weglassen",
        "Eigenschaft", "Bereits vorhandene Kontakte", "Kontakte importieren", "Abbrechen", "Zeile", "Jürgen Müller",
        "3 Zeilen unter der Kopfzeile.",
    ], [
        "Check and map the columns", "Encoding", "Delimiter", "Detect", "Read again", "Where each column goes",
        "Goes to", "Property name", "Decimal comma", "Leave out", "Contacts that exist already", "Skip them",
        "Update them", "Cancel", "rows below the header", "Read as", "Nothing is imported yet",
    ])
    assert "Semikolon" in text  # the delimiter as read, in words


def test_a_refused_import_says_why_in_german(client: FlaskClient) -> None:
    url = preview_url(upload(client, german_excel(), headers=DE))
    fields = mapping_fields(client.get(url, headers=DE).get_data(as_text=True))
    refused = client.post("/contacts/import/preview", data={**fields, "step": "import"}, headers=DE)
    assert refused.status_code == 422
    text = parse(refused.get_data(as_text=True)).text()
    assert "Nichts wurde importiert:" in text and "Wählen Sie, was mit bereits vorhandenen Kontakten geschieht" in text
    assert "Nothing was imported" not in text and "Choose what happens" not in text


def test_the_import_report_is_german(client: FlaskClient) -> None:
    rows = [*GERMAN_ROWS, ["kaputt", "Ohne Adresse", "", "", "", "", "", ""]]
    report = api_import(client, german_excel(rows), name="Kunden.csv", policy="skip").get_json()

    german(client, f"/contacts/imports/{report['import_id']}", [
        "Importbericht", "Zeilen", "Hinzugefügt", "Aktualisiert", "Übersprungen (bereits vorhanden)",
        "Duplikate in der Datei", "Abgelehnt", "Nicht importierte Zeilen", "Als CSV herunterladen", "Grund",
        "Diesen Import rückgängig machen", "Zurück zu den Kontakten", "Kunden.csv",
    ], [
        "Import report", "Rows", "Added", "Updated", "Skipped", "Duplicates in the file", "Rejected",
        "Rows not imported", "Download as CSV", "Reason", "Undo this import", "Back to the contacts", "imported",
        "read as",
    ])


def test_a_german_user_gets_the_contacts_pages_in_german_whatever_the_browser_says(
        client: FlaskClient, owner: User) -> None:
    owner.locale = "de"
    db.session.commit()
    english = {"Accept-Language": "en-US,en;q=0.9"}
    german(client, "/contacts", ["Kontakte importieren", "Noch keine Kontakte"], ["Import contacts"], headers=english)
    german(client, "/contacts/import", ["CSV-Datei", "Hochladen und Vorschau ansehen"], ["CSV file"], headers=english)
