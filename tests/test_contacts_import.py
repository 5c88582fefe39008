"""Importing contact lists through the API and the command: all or nothing, every row accounted for."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from api_support import database_rows, error_of, saved_rows
from contacts.models import Contact, ContactImport, ContactProperty
from contacts_support import GERMAN_ROWS, api_import, csv_text, german_excel
from journeymail.extensions import db


def contacts() -> dict[str, Any]:
    """Every contact as the database holds it, by address, with its properties."""
    found = {}
    for row in saved_rows(Contact):
        props = {p.name: (p.type, p.string_value, p.integer_value, p.decimal_value, p.boolean_value, p.datetime_value)
                 for p in saved_rows(ContactProperty, contact_id=row.id)}
        found[row.email] = (row, props)
    return found


def test_a_german_excel_file_is_imported_with_its_umlauts_numbers_dates_and_statuses(client: FlaskClient) -> None:
    response = api_import(client, german_excel(), policy="skip")

    assert response.status_code == 201
    report = response.get_json()
    assert (report["rows"], report["added"], report["rejected"]) == (3, 3, [])
    held = contacts()
    jurgen, props = held["jürgen.müller@example.com"]
    assert jurgen.name == "Jürgen Müller" and jurgen.status == "subscribed" and jurgen.opens == 3
    assert str(jurgen.opted_in_at).startswith("2024-12-31 00:00")
    assert str(jurgen.last_open_at).startswith("2025-02-01 14:30")
    assert props["umsatz"][0] == "decimal" and float(props["umsatz"][3]) == 12.5
    assert props["stadt"][:2] == ("string", "Köln")
    grete, props = held["grete@example.de"]
    assert grete.status == "unsubscribed" and float(props["umsatz"][3]) == 1234.5
    assert held["strauss@example.at"][0].name == "Hans Strauß"
    record = saved_rows(ContactImport)[0]
    assert (record.encoding, record.delimiter, record.policy, record.file_name) == ("cp1252", ";", "skip", "contacts.csv")
    assert record.mapping["E-Mail"] == "email"


def test_the_bom_variant_imports_the_same(client: FlaskClient) -> None:
    assert api_import(client, german_excel(bom=True), policy="skip").get_json()["added"] == 3
    assert "jürgen.müller@example.com" in contacts()


def test_internationalised_addresses_are_normalised_and_unique(client: FlaskClient) -> None:
    data = csv_text([["email"], ["Zoë@Bücher.Example"], ["zoë@bücher.example"], ["ZOË@BÜCHER.EXAMPLE"]], ",").encode()
    report = api_import(client, data, policy="skip").get_json()

    assert (report["added"], report["duplicates"]) == (1, 2)
    assert list(contacts()) == ["Zoë@bücher.example"]
    assert [r["line"] for r in report["duplicate_rows"]] == [3, 4]
    assert "line 2" in report["duplicate_rows"][0]["reason"]


def test_a_wrongly_detected_encoding_is_overridden(client: FlaskClient) -> None:
    data = german_excel(encoding="mac_roman")
    report = api_import(client, data, policy="skip", encoding="cp1252").get_json()  # on purpose: wrong
    assert report["added"] == 3
    assert "Jürgen Müller" not in [row.name for row, _p in contacts().values()]
    # the same file, read as what it is, by a second import updating the names
    api_import(client, data, policy="update", encoding="mac-roman")
    assert "Jürgen Müller" in [row.name for row, _p in contacts().values()]


def test_tab_separated_utf16_from_excel_unicode_text(client: FlaskClient) -> None:
    data = csv_text([["Email", "Name"], ["ada@example.com", "Ada Løvelace"]], "\t").encode("utf-16")
    assert api_import(client, data, policy="skip").status_code == 201
    assert contacts()["ada@example.com"][0].name == "Ada Løvelace"


def test_the_policy_is_never_a_default(client: FlaskClient) -> None:
    response = api_import(client, german_excel())

    assert response.status_code == 422
    assert "skip them" in error_of(response)["fields"]["policy"]
    assert saved_rows(Contact) == []


def test_skip_leaves_existing_contacts_as_they_are_and_update_changes_them(client: FlaskClient) -> None:
    api_import(client, german_excel(), policy="skip")
    changed = [GERMAN_ROWS[0], ["jürgen.müller@example.com", "Jürgen M.", "99,00", "", "", "7", "", ""],
               ["new@example.com", "Neu", "1,00", "", "", "", "", ""]]

    skipped = api_import(client, german_excel(changed), policy="skip").get_json()
    assert (skipped["added"], skipped["skipped"], skipped["updated"]) == (1, 1, 0)
    jurgen, props = contacts()["jürgen.müller@example.com"]
    assert (jurgen.name, jurgen.opens, float(props["umsatz"][3])) == ("Jürgen Müller", 3, 12.5)

    updated = api_import(client, german_excel(changed), policy="update").get_json()
    assert (updated["added"], updated["skipped"], updated["updated"]) == (0, 0, 2)
    jurgen, props = contacts()["jürgen.müller@example.com"]
    assert (jurgen.name, jurgen.opens, float(props["umsatz"][3])) == ("Jürgen M.", 7, 99.0)
    assert props["stadt"][1] == "Köln"  # an empty cell changes nothing
    assert str(jurgen.opted_in_at).startswith("2024-12-31")


def test_an_update_never_subscribes_an_unsubscribed_contact_again(client: FlaskClient) -> None:
    api_import(client, german_excel(), policy="skip")
    again = [["E-Mail", "Status"], ["grete@example.de", "subscribed"], ["strauss@example.at", "bounced"]]
    report = api_import(client, german_excel(again), policy="update").get_json()

    assert report["status_kept"] == 1
    assert contacts()["grete@example.de"][0].status == "unsubscribed"
    assert contacts()["strauss@example.at"][0].status == "bounced"


def test_every_rejected_row_has_its_line_and_reason_and_the_others_are_imported(client: FlaskClient) -> None:
    rows = [GERMAN_ROWS[0],
            ["good@example.com", "Gut", "1,00", "", "", "", "", ""],
            ["not-an-address", "Schlecht", "", "", "", "", "", ""],
            ["", "Ohne", "", "", "", "", "", ""],
            ["bad-number@example.com", "Zahl", "zwölf", "32.13.2024", "", "", "", ""],
            ["bad-status@example.com", "Status", "", "", "verschollen", "", "", ""],
            ["extra@example.com", "Zu viel", "", "", "", "", "", "", "surplus"],
            ["last@example.com", "Letzte", "", "", "", "", "", ""]]
    mapping = {"E-Mail": "email", "Name": "name", "Umsatz": {"property": "umsatz", "type": "decimal", "comma": True},
               "Angemeldet am": "opted_in_at", "Status": "status"}
    report = api_import(client, german_excel(rows), policy="skip", mapping=json.dumps(mapping)).get_json()

    assert report["added"] == 2
    assert sorted(contacts()) == ["good@example.com", "last@example.com"]
    reasons = {r["line"]: r["reason"] for r in report["rejected"]}
    assert sorted(reasons) == [3, 4, 5, 6, 7]
    assert "must have an @-sign" in reasons[3]
    assert "The email address is empty." in reasons[4]
    assert '"Umsatz": "zwölf" is not a number' in reasons[5] and '"Angemeldet am"' in reasons[5]
    assert "is no status" in reasons[6]
    assert "has 9 values, the header 8" in reasons[7]

    page = client.get(f"/contacts/imports/{report['import_id']}/rejected.csv")
    assert page.status_code == 200 and page.mimetype == "text/csv"
    table = list(csv.reader(io.StringIO(page.get_data().decode("utf-8-sig"))))
    assert table[0] == ["Line", "Email address", "Reason"]
    assert [row[0] for row in table[1:]] == ["3", "4", "5", "6", "7"]


def test_the_rejected_rows_report_is_formula_safe(client: FlaskClient) -> None:
    rows = [["email", "name"], ["=HYPERLINK(\"http://evil.example\")", "x"]]
    report = api_import(client, csv_text(rows, ",").encode(), policy="skip").get_json()
    table = client.get(f"/contacts/imports/{report['import_id']}/rejected.csv").get_data().decode("utf-8-sig")
    assert "'=HYPERLINK" in table


def test_consent_columns_are_imported(client: FlaskClient) -> None:
    rows = [["Email", "Opt-in", "Bestätigt am", "Quelle", "DOI"],
            ["ada@example.com", "01.03.2024 10:00", "01.03.2024 10:05", "Messe Köln", "ja"]]
    api_import(client, german_excel(rows), policy="skip")
    ada = contacts()["ada@example.com"][0]
    assert (ada.consent_source, ada.double_opt_in) == ("Messe Köln", True)
    assert str(ada.confirmed_at).startswith("2024-03-01 10:05")


def test_a_mapping_is_saved_per_source_and_used_next_time(client: FlaskClient) -> None:
    rows = [["Adresse", "Kundennummer"], ["ada@example.com", "007"]]
    mapping = {"Adresse": "email", "Kundennummer": {"property": "kundennr", "type": "string"}}
    api_import(client, german_excel(rows), policy="skip", mapping=json.dumps(mapping), source="Shop")

    more = [["Adresse", "Kundennummer"], ["bob@example.com", "008"]]
    api_import(client, german_excel(more), policy="skip", source="Shop")  # no mapping sent

    assert contacts()["bob@example.com"][1]["kundennr"][:2] == ("string", "008")  # not guessed an integer


def test_a_file_without_an_email_column_is_refused_and_nothing_written(client: FlaskClient) -> None:
    before = database_rows()
    response = api_import(client, german_excel([["Name", "Stadt"], ["Ada", "Köln"]]), policy="skip")

    assert response.status_code == 422
    assert "No column is mapped to the email address" in error_of(response)["message"]
    assert database_rows() == before


@pytest.mark.parametrize("data, message", [
    (b"", "The file is empty"), (b"\x00\x00binary", "binary file"), (b"PK\x03\x04xlsx", "Save as"),
    (b"email\r\n", "no contacts below it"),
])
def test_files_that_cannot_be_imported_write_nothing(client: FlaskClient, data: bytes, message: str) -> None:
    before = database_rows()
    response = api_import(client, data, policy="skip")
    assert response.status_code == 422
    assert message in error_of(response)["fields"]["file"]
    assert database_rows() == before


def test_mapping_problems_are_named(client: FlaskClient) -> None:
    mapping = {"E-Mail": "email", "Umsatz": {"property": "Umsatz!", "type": "decimal"}, "Stadt": "hometown",
               "Missing": "name"}
    response = api_import(client, german_excel(), policy="skip", mapping=json.dumps(mapping))
    fields = error_of(response)["fields"]
    assert response.status_code == 422
    assert set(fields) == {"mapping.Umsatz", "mapping.Stadt", "mapping.Missing"}
    assert "cannot be a property name" in fields["mapping.Umsatz"]
    assert error_of(api_import(client, german_excel(), policy="skip", mapping="{nope"))["fields"]["mapping"]


def test_a_property_keeps_its_type(client: FlaskClient) -> None:
    api_import(client, german_excel(), policy="skip")
    mapping = {"E-Mail": "email", "Umsatz": {"property": "umsatz", "type": "string"}}
    response = api_import(client, german_excel(), policy="update", mapping=json.dumps(mapping))
    assert "holds decimal values already" in error_of(response)["fields"]["mapping.Umsatz"]


def test_an_upload_over_the_limit_is_a_413_naming_it(app: Flask, client: FlaskClient) -> None:
    app.config["CONTACTS_IMPORT_MAX_BYTES"] = 1024 * 1024
    try:
        response = api_import(client, b"email\r\n" + b"a@example.com\r\n" * 80_000, policy="skip")
    finally:
        app.config["CONTACTS_IMPORT_MAX_BYTES"] = 64 * 1024 * 1024
    assert response.status_code == 413
    assert "larger than the 1 MB" in error_of(response)["message"]
    assert saved_rows(Contact) == []


def test_a_list_larger_than_other_requests_is_taken(app: Flask, client: FlaskClient) -> None:
    assert app.config["MAX_CONTENT_LENGTH"] < 3 * 1024 * 1024 < app.config["CONTACTS_IMPORT_MAX_BYTES"]
    data = b"email;notiz\r\n" + b"".join(b"r%06d@example.com;%s\r\n" % (n, b"x" * 60) for n in range(40_000))
    assert len(data) > 3 * 1024 * 1024
    assert api_import(client, data, policy="skip").get_json()["added"] == 40_000


def test_counts_and_long_names_that_do_not_fit_are_rejected(client: FlaskClient) -> None:
    rows = [["email", "name", "opens"], ["a@example.com", "ß" * 200, "3"], ["b@example.com", "", "-1"],
            ["c@example.com", "", "99999999999"]]
    report = api_import(client, csv_text(rows, ",").encode(), policy="skip").get_json()
    assert report["added"] == 1 and [r["line"] for r in report["rejected"]] == [3, 4]
    assert "should be a count from 0" in report["rejected"][0]["reason"]
    assert contacts()["a@example.com"][0].name == "ß" * 200


def test_a_hundred_thousand_bad_rows_and_a_megabyte_line_are_each_reported(client: FlaskClient) -> None:
    rows = ["email;name"] + [f"bad{n};x" for n in range(100_000)] + ["long@example.com;" + "x" * 1_000_000,
                                                                       "fine@example.com;ok"]
    response = api_import(client, ("\r\n".join(rows) + "\r\n").encode(), policy="skip")
    report = response.get_json()
    assert response.status_code == 201
    assert (report["added"], report["rejected_count"]) == (1, 100_001)
    assert "more than the 65536 a cell may have" in report["rejected"][-1]["reason"]
    assert report["rejected"][-1]["line"] == 100_002


def test_undo_removes_what_was_added_and_restores_what_was_updated(client: FlaskClient, post_form: Callable[..., Any]) -> None:
    first = api_import(client, german_excel(), policy="skip").get_json()
    changed = [GERMAN_ROWS[0], ["jürgen.müller@example.com", "Jürgen M.", "99,00", "", "", "7", "", "Bonn"],
               ["new@example.com", "Neu", "1,00", "", "", "", "", ""]]
    second = api_import(client, german_excel(changed), policy="update").get_json()

    refused = post_form(f"/contacts/imports/{first['import_id']}", {}, action=f"/contacts/imports/{first['import_id']}/undo",
                        follow_redirects=True)
    assert "undo the later imports first" in refused.get_data(as_text=True)
    assert len(contacts()) == 4

    undone = post_form(f"/contacts/imports/{second['import_id']}", {},
                       action=f"/contacts/imports/{second['import_id']}/undo", follow_redirects=True)
    assert "The import is undone" in undone.get_data(as_text=True)
    held = contacts()
    assert sorted(held) == sorted(["jürgen.müller@example.com", "grete@example.de", "strauss@example.at"])
    jurgen, props = held["jürgen.müller@example.com"]
    assert (jurgen.name, jurgen.opens, float(props["umsatz"][3]), props["stadt"][1]) == ("Jürgen Müller", 3, 12.5, "Köln")

    post_form(f"/contacts/imports/{first['import_id']}", {}, action=f"/contacts/imports/{first['import_id']}/undo")
    assert contacts() == {}


def test_the_command_imports_and_lists_the_rejected_rows(runner: FlaskCliRunner, tmp_path: Any, workspace: Any) -> None:
    path = tmp_path / "liste.csv"
    path.write_bytes(german_excel([*GERMAN_ROWS, ["kaputt", "", "", "", "", "", "", ""]]))

    result = runner.invoke(args=["contacts", "import", str(path), "--workspace", workspace.name, "--policy", "skip"])

    assert result.exit_code == 0, result.output
    assert "3 added" in result.output and "1 rejected" in result.output
    assert "line 5: kaputt:" in result.output
    assert len(contacts()) == 3
    refused = runner.invoke(args=["contacts", "import", str(path), "--workspace", "Nowhere", "--policy", "skip"])
    assert refused.exit_code != 0 and 'no workspace "Nowhere"' in refused.output


def test_the_command_refuses_a_file_without_contacts(runner: FlaskCliRunner, tmp_path: Any, workspace: Any) -> None:
    path = tmp_path / "leer.csv"
    path.write_bytes(b"")
    result = runner.invoke(args=["contacts", "import", str(path), "--workspace", str(workspace.id), "--policy", "update"])
    assert result.exit_code == 1 and "The file is empty" in result.output
    assert saved_rows(ContactImport) == []


def test_copywriters_and_viewers_read_contacts_but_do_not_import(client_as: Callable[..., FlaskClient]) -> None:
    for role in ("viewer", "copywriter"):
        browser = client_as(role)
        assert browser.get("/api/contacts").status_code == 200
        assert api_import(browser, german_excel(), policy="skip").status_code == 403
    assert api_import(client_as("editor"), german_excel(), policy="skip").status_code == 201


def test_progress_is_reported_and_an_interrupted_import_leaves_the_contacts_as_they_were() -> None:
    from contacts import importing

    rows = [["email"]] + [[f"r{n}@example.com"] for n in range(1_200)]
    seen: list[tuple[int, int, str]] = []

    def stop_after_the_first_chunk(done: int, total: int, step: str) -> None:
        seen.append((done, total, step))
        if step == "importing" and done >= 1_000:
            raise KeyboardInterrupt  # the worker is stopped half-way

    with pytest.raises(KeyboardInterrupt):
        importing.import_file(csv_text(rows, ",").encode(), policy="skip", progress=stop_after_the_first_chunk)
    db.session.rollback()  # what the request hook or the command does with an import that did not finish

    assert seen == [(0, 1_200, "reading"), (500, 1_200, "reading"), (1_000, 1_200, "reading"),
                    (500, 1_200, "importing"), (1_000, 1_200, "importing")]
    assert saved_rows(Contact) == [] and saved_rows(ContactImport) == []
    finished: list[tuple[int, int, str]] = []
    importing.import_file(csv_text(rows, ",").encode(), policy="skip", progress=lambda *a: finished.append(a))
    assert finished[-1] == (1_200, 1_200, "done")


def test_an_upload_not_imported_is_deleted_after_a_day(app: Flask, client: FlaskClient) -> None:
    import os
    import time

    from contacts import services

    token = services.keep_upload(b"email\r\na@example.com\r\n", "old.csv")
    folder = os.path.join(app.config["CONTACTS_UPLOAD_FOLDER"], str(services.current.workspace_id()))
    for name in os.listdir(folder):
        if name.startswith(token):
            os.utime(os.path.join(folder, name), (time.time() - 2 * 86400,) * 2)
    fresh = services.keep_upload(b"email\r\nb@example.com\r\n", "new.csv")  # every upload sweeps the old ones

    assert services.kept_upload(token) is None
    assert services.kept_upload(fresh) == (b"email\r\nb@example.com\r\n", "new.csv")
    services.drop_upload(fresh)
    assert services.kept_upload(fresh) is None
