"""Importing a German Excel list in a real browser: upload, see the rows as read, fix the encoding, map a
column, choose the policy, import, read the report, undo."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from api_support import saved_rows
from contacts.models import Contact
from contacts_support import GERMAN_ROWS, german_excel

pytestmark = pytest.mark.browser


def test_upload_map_and_import_a_german_excel_list(page: Page, live_server: str, tmp_path: Path) -> None:
    rows = [*GERMAN_ROWS, ["kaputt", "Ohne Adresse", "", "", "", "", "", ""]]
    file = tmp_path / "Kunden.csv"
    file.write_bytes(german_excel(rows))

    page.goto(f"{live_server}/campaigns")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Contacts").click()
    page.get_by_role("link", name="Import contacts").click()
    page.get_by_label("CSV file").set_input_files(str(file))
    page.get_by_label("Source (optional)").fill("Shop")
    page.get_by_role("button", name="Upload and preview").click()

    expect(page.get_by_role("heading", name="Check and map the columns")).to_be_visible()
    preview = page.locator("#preview")
    expect(preview).to_contain_text("Jürgen Müller")
    page.get_by_label("Encoding").select_option("mac-roman")  # a wrong choice shows at once in the rows
    page.get_by_role("button", name="Read again").click()
    expect(page.locator("#preview")).not_to_contain_text("Jürgen Müller")
    page.get_by_label("Encoding").select_option("cp1252")
    page.get_by_role("button", name="Read again").click()
    expect(page.locator("#preview")).to_contain_text("Jürgen Müller")

    expect(page.locator("#target-0")).to_have_value("email")
    page.locator("#target-7").select_option("")  # leave "Stadt" out
    page.get_by_role("button", name="Import").click()
    expect(page.locator("#policy .field-error")).to_contain_text("Choose what happens")
    assert saved_rows(Contact) == []

    page.get_by_role("radio", name=re.compile("Skip them")).check()
    page.get_by_role("button", name="Import").click()

    expect(page.get_by_role("heading", name="Import report")).to_be_visible()
    expect(page.locator("#count-added")).to_have_text("3")
    expect(page.locator("#count-rejected")).to_have_text("1")
    expect(page.locator("#rejected")).to_contain_text("kaputt")
    expect(page.locator("#rejected")).to_contain_text("5")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as CSV").click()
    assert "kaputt" in Path(download.value.path()).read_text(encoding="utf-8-sig")

    page.get_by_role("link", name="Back to the contacts").click()
    expect(page.locator("#contacts-count")).to_have_text("3 contacts.")
    expect(page.locator(".contacts-table")).to_contain_text("Gräfin Öller")
    expect(page.locator(".contacts-table")).not_to_contain_text("Köln")  # the column left out

    page.get_by_role("link", name="Kunden.csv").click()
    page.get_by_role("button", name="Undo this import").click()
    expect(page.locator("#undone")).to_be_visible()
    assert saved_rows(Contact) == []


def test_a_large_list_is_imported_by_a_job_whose_page_links_the_report(
        page: Page, live_server: str, tmp_path: Path, app: Any, worker: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from contacts import importing
    from jobs_support import gate

    read_row = importing._read_row

    def held_at_line_150(plan: Any, line: int, cells: list[str]) -> Any:
        if line == 150:
            assert gate("browser-import").wait(timeout=20)
        return read_row(plan, line, cells)

    monkeypatch.setattr(importing, "_read_row", held_at_line_150)
    file = tmp_path / "Grosse Liste.csv"
    file.write_text("email;name\r\n" + "".join(f"r{n:04}@example.com;Reader {n}\r\n" for n in range(300)),
                    encoding="utf-8")
    app.config["CONTACTS_IMPORT_JOB_ROWS"] = 100
    try:
        page.goto(f"{live_server}/contacts/import")
        page.get_by_label("CSV file").set_input_files(str(file))
        page.get_by_role("button", name="Upload and preview").click()
        page.get_by_role("radio", name=re.compile("Skip them")).check()
        page.get_by_role("button", name="Import").click()
    finally:
        app.config["CONTACTS_IMPORT_JOB_ROWS"] = 1_000_000

    expect(page.get_by_role("heading", name="Import of Grosse Liste.csv")).to_be_visible()
    expect(page.locator("[data-job-state]")).to_have_text("Running")
    expect(page.get_by_role("link", name="Open the import report")).to_be_hidden()
    gate("browser-import").set()
    expect(page.locator("[data-job-state]")).to_have_text("Done", timeout=15_000)  # by the page's script
    report = page.get_by_role("link", name="Open the import report")
    expect(report).to_be_visible()
    expect(page.locator("[data-job-summary]")).to_have_text("Imported: 300 added, 0 updated, 0 skipped, 0 rejected.")
    assert page.locator("[data-job-result] dt").count() == 0  # the sentence and the link, not the raw values
    report.click()
    expect(page.get_by_role("heading", name="Import report")).to_be_visible()
    expect(page.locator("#count-added")).to_have_text("300")
    assert len(saved_rows(Contact)) == 300
