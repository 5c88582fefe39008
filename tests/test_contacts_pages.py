"""The contacts pages: the list with search, filter and pages; the import's upload, preview and report."""

from __future__ import annotations

import io
import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from api_support import csrf_token_from, database_rows, saved_rows
from contacts.models import Contact
from contacts_support import GERMAN_ROWS, api_import, csv_text, german_excel

GERMAN = {"Accept-Language": "de"}


def upload(client: FlaskClient, data: bytes, name: str = "liste.csv", source: str = "",
           headers: dict[str, str] | None = None) -> Any:
    token = csrf_token_from(client.get("/contacts/import", headers=headers or {}).get_data(as_text=True))
    fields = MultiDict({"file": FileStorage(io.BytesIO(data), name), "source": source, "csrf_token": token})
    boundary, body = encode_multipart(fields)  # in memory: the test client would leave a spooled file open
    return client.post("/contacts/import", data=body, content_type=f"multipart/form-data; boundary={boundary}",
                       headers=headers or {})


def preview_url(response: Any) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return response.headers["Location"]


def mapping_fields(page: str) -> dict[str, str]:
    """The preview form's fields as a browser would send them: selected options, values, checked boxes."""
    fields: dict[str, str] = {}
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', body)
        fields[name] = chosen.group(1) if chosen else re.search(r'<option value="([^"]*)"', body).group(1)
    for tag in re.findall(r"<input[^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or 'type="radio"' in tag or ('type="checkbox"' in tag and "checked" not in tag):
            continue
        value = re.search(r'value="([^"]*)"', tag)
        fields[name.group(1)] = value.group(1) if value else ""
    return fields


def test_upload_preview_and_import(client: FlaskClient, app: Flask) -> None:
    url = preview_url(upload(client, german_excel()))
    page = client.get(url).get_data(as_text=True)

    assert "Read as cp1252, columns separated by semicolons" in page
    assert "<td>Jürgen Müller</td>" in page and "<td>1.234,50</td>" in page  # the rows as read
    fields = mapping_fields(page)
    assert fields["target-0"] == "email" and fields["target-2"] == "property" and fields["type-2"] == "decimal"
    assert fields["comma-2"] == "1"
    assert 'name="policy" value="skip" checked' not in page and 'value="update" checked' not in page
    assert saved_rows(Contact) == []  # nothing before Import

    before = database_rows()
    refused = client.post("/contacts/import/preview", data={**fields, "step": "import"})
    assert refused.status_code == 422
    assert "Choose what happens to contacts that exist already" in refused.get_data(as_text=True)
    assert database_rows() == before

    done = client.post("/contacts/import/preview", data={**fields, "step": "import", "policy": "skip"})
    assert done.status_code == 302
    report = client.get(done.headers["Location"]).get_data(as_text=True)
    assert 'id="count-added">3<' in report
    assert len(saved_rows(Contact)) == 3
    assert client.get(url, follow_redirects=True).get_data(as_text=True).count("That upload is no longer here") == 1


def test_the_preview_reads_again_with_another_encoding_and_delimiter(client: FlaskClient) -> None:
    url = preview_url(upload(client, german_excel()))
    wrong = client.get(url + "&encoding=mac-roman").get_data(as_text=True)
    assert "Jürgen Müller" not in wrong and "Read as mac-roman" in wrong
    split = client.get(url + "&delimiter=tab").get_data(as_text=True)
    assert "columns separated by tabs" in split
    assert "<th>E-Mail;Name;Umsatz" in split


def test_the_mapping_of_a_source_is_offered_again(client: FlaskClient) -> None:
    rows = [["Adresse", "Kundennummer"], ["ada@example.com", "007"]]
    url = preview_url(upload(client, german_excel(rows), source="Shop"))
    fields = mapping_fields(client.get(url).get_data(as_text=True))
    assert fields["type-1"] == "integer"  # guessed
    fields.update({"type-1": "string", "property-1": "kundennr", "policy": "skip", "step": "import"})
    assert client.post("/contacts/import/preview", data=fields).status_code == 302

    again = client.get(preview_url(upload(client, german_excel(rows), source="shop"))).get_data(as_text=True)
    assert 'id="saved-mapping"' in again
    fields = mapping_fields(again)
    assert (fields["type-1"], fields["property-1"]) == ("string", "kundennr")


def test_a_file_that_is_no_csv_is_refused_on_the_upload_page(client: FlaskClient) -> None:
    response = upload(client, b"PK\x03\x04 a workbook", name="liste.xlsx")
    assert response.status_code == 422
    assert "File → Save as → CSV" in response.get_data(as_text=True)


def test_an_upload_over_the_limit_is_a_413_page(app: Flask, client: FlaskClient) -> None:
    app.config["CONTACTS_IMPORT_MAX_BYTES"] = 1024 * 1024
    try:
        response = upload(client, b"email\r\n" + b"a@example.com\r\n" * 80_000)
    finally:
        app.config["CONTACTS_IMPORT_MAX_BYTES"] = 64 * 1024 * 1024
    assert response.status_code == 413 and response.mimetype == "text/html"
    assert "larger than the 1 MB this server accepts for a contact list" in response.get_data(as_text=True)


def test_the_list_searches_filters_and_pages(client: FlaskClient) -> None:
    rows = [["email", "name", "status"]] + [[f"user{n:03}@example.com", f"Person {n:03}", "subscribed"]
                                            for n in range(120)]
    rows += [["zoe@example.com", "Zoë Müller", "unsubscribed"]]
    api_import(client, csv_text(rows, ",").encode(), policy="skip")

    first = client.get("/contacts").get_data(as_text=True)
    assert "121 contacts, page 1 of 3." in first and "user000@example.com" in first and "user050@" not in first
    assert "user050@example.com" in client.get("/contacts?page=2").get_data(as_text=True)
    assert "1 contact." in client.get("/contacts?q=ZOË").get_data(as_text=True)  # the name's start, in any case
    assert "1 contact." in client.get("/contacts?status=unsubscribed").get_data(as_text=True)
    assert "10 contacts." in client.get("/contacts?q=user11").get_data(as_text=True)  # user110 to user119
    assert client.get("/contacts?page=abc").status_code == 200  # told, not a 500
    api = client.get("/api/contacts?q=zoe&per_page=5").get_json()
    assert api["total"] == 1 and api["items"][0]["name"] == "Zoë Müller"
    assert client.get("/api/contacts?per_page=1000").status_code == 422


def test_a_name_with_markup_is_shown_as_text(client: FlaskClient) -> None:
    rows = [["email", "name"], ["x@example.com", "<script>alert(1)</script>"]]
    report = api_import(client, csv_text(rows, ",").encode(), policy="skip").get_json()
    page = client.get("/contacts").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    rows = [["email", "name"], ["<b>bad</b>", "x"]]
    report = api_import(client, csv_text(rows, ",").encode(), policy="skip").get_json()
    assert "<b>bad</b>" not in client.get(f"/contacts/imports/{report['import_id']}").get_data(as_text=True)


def test_the_pages_in_german(client: FlaskClient) -> None:
    """German numbers, dates and email-validator's reasons; the pages' own words come with the catalog."""
    rows = [*GERMAN_ROWS] + [[f"p{n}@example.com", "", "", "", "", "", "", ""] for n in range(1_300)]
    rows.append(["kaputt", "", "", "", "", "", "", ""])
    report = api_import(client, german_excel(rows), policy="skip", headers=GERMAN).get_json()
    assert "Eine E-Mail-Adresse" in report["rejected"][0]["reason"] or "@-Zeichen" in report["rejected"][0]["reason"]

    listing = client.get("/contacts", headers=GERMAN).get_data(as_text=True)
    assert '<html lang="de">' in listing and "1.303" in listing  # 1,303 in English
    assert "15.06.2023" in client.get("/contacts?q=grete", headers=GERMAN).get_data(as_text=True)
    english = client.get("/contacts", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "1,303 contacts" in english
    page = client.get(f"/contacts/imports/{report['import_id']}", headers=GERMAN).get_data(as_text=True)
    assert "@-Zeichen" in page
