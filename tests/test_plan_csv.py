"""The plan CSV: one row per touchpoint × targeted segment it reaches, in send order, safe in a spreadsheet."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from flask.testing import FlaskClient

from api_support import unknown_id
from campaigns import services
from campaigns.models import Campaign, Touchpoint
from exports.plan_csv import COLUMNS
from journeymail.spreadsheet import FORMULA_STARTS, neutralise
from campaigns.content import preview_touchpoint
from emails.checks import summary
from journeymail.extensions import db
from segments.models import Segment

HEADER = [header for header, _ in COLUMNS]
NUMERIC = {"Step", "Send offset (days)", "Errors", "Warnings", "Day from trigger"}
BOM = b"\xef\xbb\xbf"
SUBJECT = 'Hi {{ firstname | default("there") }}, your plan'
PREHEADER = "Everything you need for the first week, in one place."


def download(client: FlaskClient, campaign: Campaign, query: str = "") -> Any:
    return client.get(f"/campaigns/{campaign.id}/export/plan.csv{query}")


def rows_of(body: bytes, delimiter: str = ",") -> list[list[str]]:
    """The file as a spreadsheet program's CSV reader sees it."""
    text = body.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def records(body: bytes, delimiter: str = ",") -> list[dict[str, str]]:
    header, *rows = rows_of(body, delimiter)
    assert header == HEADER
    assert all(len(row) == len(HEADER) for row in rows)
    return [dict(zip(header, row)) for row in rows]


@pytest.fixture
def planned(
    create_campaign: Callable[..., Campaign],
    create_segment: Callable[..., Segment],
    create_touchpoint: Callable[..., Touchpoint],
) -> Campaign:
    """Two segments; a form, emails out of position order by offset, one email for one segment, one variant."""
    founders = create_segment(name="Busy founders", sample_data={"firstname": "Ada"})
    agencies = create_segment(name="Agencies", sample_data={})
    campaign = create_campaign()
    services.set_segments(campaign, {"segment_ids": [founders.id, agencies.id]})
    create_touchpoint(campaign, 0, kind="signup_form", name="Trial signup", trigger="visits the site", cta="Sign up")
    create_touchpoint(campaign, 0, kind="newsletter", name="Tips", send_offset_days=7, subject=SUBJECT, preheader=PREHEADER)
    welcome = create_touchpoint(campaign, 0, name="Welcome", send_offset_days=0, subject=SUBJECT, trigger="signs up",
                                cta="Start", preheader="")
    create_touchpoint(campaign, 1, kind="offer", name="Founders offer", send_offset_days=2, subject="",
                      preheader=PREHEADER, segment_ids=[founders.id])
    services.put_variant(welcome, agencies, {"subject": "Agencies: your plan"})
    db.session.commit()
    return campaign


# --- rows and their order ----------------------------------------------------------------


def test_one_row_per_touchpoint_and_targeted_segment_it_reaches_in_send_order(
    client: FlaskClient, planned: Campaign
) -> None:
    response = download(client, planned)

    assert response.status_code == 200
    assert [(r["Step"], r["Touchpoint"], r["Segment"]) for r in records(response.data)] == [
        # phase 1: the form (offset 0, first in place), then by send offset: Welcome (0) before Tips (7)
        ("1", "Trial signup", "Agencies"), ("1", "Trial signup", "Busy founders"),
        ("2", "Welcome", "Agencies"), ("2", "Welcome", "Busy founders"),
        ("3", "Tips", "Agencies"), ("3", "Tips", "Busy founders"),
        # phase 2: limited to one segment, so one row
        ("4", "Founders offer", "Busy founders"),
    ]


def test_every_cell_says_what_the_segment_gets(client: FlaskClient, planned: Campaign) -> None:
    rows = records(download(client, planned).data)
    phases = [p.name for p in planned.phases]

    assert rows[0] == {
        "Phase": phases[0], "Step": "1", "Touchpoint": "Trial signup", "Kind": "Signup form", "Segment": "Agencies",
        "Content": "", "Subject": "", "Preheader": "", "Send offset (days)": "0", "Trigger": "visits the site",
        "Call to action": "Sign up", "Errors": "0", "Warnings": "0",
        "Sends after": "", "Counted from": "visits the site", "Day from trigger": "0",
    }
    welcome_agencies, welcome_founders = rows[2], rows[3]
    assert welcome_agencies["Content"] == "variant" and welcome_agencies["Subject"] == "Agencies: your plan"
    assert welcome_founders["Content"] == "base" and welcome_founders["Subject"] == SUBJECT
    assert welcome_founders["Kind"] == "Welcome" and welcome_founders["Trigger"] == "signs up"
    assert welcome_founders["Call to action"] == "Start" and welcome_founders["Preheader"] == ""
    assert rows[4]["Send offset (days)"] == "7" and rows[4]["Preheader"] == PREHEADER
    assert rows[6]["Phase"] == phases[1] and rows[6]["Kind"] == "Offer" and rows[6]["Send offset (days)"] == "2"


def test_check_counts_match_the_previews(client: FlaskClient, planned: Campaign) -> None:
    rows = records(download(client, planned).data)
    segments = {s.name: s for s in planned.segments}
    touchpoints = {t.name: t for t in planned.touchpoints}

    for row in rows:
        touchpoint = touchpoints[row["Touchpoint"]]
        expected = (
            summary(preview_touchpoint(touchpoint, segments[row["Segment"]]).checks)
            if touchpoint.is_email else {"error": 0, "warning": 0}
        )
        assert (int(row["Errors"]), int(row["Warnings"])) == (expected["error"], expected["warning"]), row
    offer = rows[6]
    assert int(offer["Errors"]) >= 1, "an empty subject is an error"
    assert int(rows[3]["Warnings"]) >= 1, "a missing preheader is a warning"


def test_a_campaign_without_segments_has_only_the_header(
    client: FlaskClient, create_campaign: Callable[..., Campaign], create_touchpoint: Callable[..., Touchpoint]
) -> None:
    campaign = create_campaign()
    create_touchpoint(campaign)

    assert rows_of(download(client, campaign).data) == [HEADER]


# --- encoding, delimiter, headers --------------------------------------------------------


def test_utf8_without_bom_and_with_commas_by_default(client: FlaskClient, planned: Campaign) -> None:
    planned.segments[0].name = "Ärzte in München 🎉"
    db.session.commit()

    response = download(client, planned)

    assert not response.data.startswith(BOM)
    assert response.mimetype == "text/csv" and response.mimetype_params["charset"] == "utf-8"
    assert response.headers["Content-Disposition"] == "attachment; filename=trial-journey-plan.csv"
    assert response.data.decode("utf-8").startswith("Phase,Step,Touchpoint,")
    assert "Ärzte in München 🎉" in {r["Segment"] for r in records(response.data)}
    assert response.data.count(b"\r\n") == len(rows_of(response.data)), "CRLF ends every record"


def test_bom_and_semicolons_for_german_excel(client: FlaskClient, planned: Campaign) -> None:
    planned.touchpoints_in_order()[0].name = "Anmeldung; Teil 1"
    db.session.commit()

    response = download(client, planned, "?delimiter=semicolon&bom=1")

    assert response.status_code == 200
    assert response.data.startswith(BOM + b"Phase;Step;Touchpoint;")
    rows = records(response.data, delimiter=";")
    assert rows[0]["Touchpoint"] == "Anmeldung; Teil 1"
    assert [r["Touchpoint"] for r in rows] == [r["Touchpoint"] for r in records(download(client, planned).data)]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?delimiter=tab", 'delimiter: Write "comma" or "semicolon", not "tab".'),
        ("?bom=yes", 'bom: Write 1 for a byte order mark (Excel) or 0 for none, not "yes".'),
    ],
)
def test_unknown_options_are_refused_with_a_message(
    client: FlaskClient, planned: Campaign, query: str, message: str
) -> None:
    response = download(client, planned, query)

    assert response.status_code == 422
    assert message in response.get_data(as_text=True).replace("&#34;", '"')


def test_an_unknown_campaign_is_404(client: FlaskClient) -> None:
    missing = unknown_id(Campaign)

    assert client.get(f"/campaigns/{missing}/export/plan.csv").status_code == 404
    assert client.get(f"/campaigns/{missing}/export/plan.csv?delimiter=tab").status_code == 404


# --- cells a spreadsheet would run, and awkward text -------------------------------------

AWKWARD = ["=1+1", "+SUM(A1:A9)", "-2", "@cmd", '=HYPERLINK("http://evil.example","click")', "\tTab", "\rReturn",
           'Say "hi", friend', "two\nlines", "Ärzte; München"]


@pytest.mark.parametrize("text", AWKWARD)
def test_neutralise_adds_an_apostrophe_only_before_a_formula_start(text: str) -> None:
    expected = "'" + text if text[0] in "=+-@\t\r" else text
    assert neutralise(text) == expected


def awkward_campaign(create_campaign: Callable[..., Campaign], create_segment: Callable[..., Segment]) -> Campaign:
    """Every text column of the CSV holds text that starts like a formula or needs quoting."""
    segments = [create_segment(name=name) for name in ("=1+1", "@cmd", 'Say "hi", friend')]
    campaign = create_campaign()
    services.set_segments(campaign, {"segment_ids": [s.id for s in segments]})
    campaign.phases[0].name = "-2 weeks"
    for index, name in enumerate(AWKWARD):
        services.add_touchpoint(campaign, {
            "phase_id": campaign.phases[0].id, "kind": "welcome", "name": f"Touchpoint {index}",
            "subject": "=1+1", "preheader": "+49 30 1234567 is our hotline, call us any day", "trigger": "@signup",
            "cta": "-50% today", "send_offset_days": index,
        })
    db.session.flush()
    # Names the forms would strip or refuse (leading tab or return, a line break) go in directly.
    for touchpoint, name in zip(campaign.touchpoints_in_order(), AWKWARD):
        touchpoint.name = name
    db.session.commit()
    return campaign


def test_every_cell_is_text_as_written_or_a_number(
    client: FlaskClient, create_campaign: Callable[..., Campaign], create_segment: Callable[..., Segment]
) -> None:
    campaign = awkward_campaign(create_campaign, create_segment)

    for query, delimiter in (("", ","), ("?delimiter=semicolon&bom=1", ";")):
        rows = records(download(client, campaign, query).data, delimiter)
        assert len(rows) == len(AWKWARD) * 3
        assert [r["Touchpoint"] for r in rows[::3]] == [neutralise(name) for name in AWKWARD]
        for row in rows:
            for column, cell in row.items():
                if column in NUMERIC:
                    assert cell.isdigit(), (column, cell)
                else:
                    assert not cell.startswith(FORMULA_STARTS), (column, cell)
        assert {r["Segment"] for r in rows} == {"'=1+1", "'@cmd", 'Say "hi", friend'}
        assert {r["Phase"] for r in rows} == {"'-2 weeks"}
        assert {r["Subject"] for r in rows} == {"'=1+1"}
        assert {r["Preheader"] for r in rows} == {"'+49 30 1234567 is our hotline, call us any day"}
        assert {(r["Trigger"], r["Call to action"]) for r in rows} == {("'@signup", "'-50% today")}
        assert "two\nlines" in {r["Touchpoint"] for r in rows}
        assert "Ärzte; München" in {r["Touchpoint"] for r in rows}
        assert '=HYPERLINK("http://evil.example","click")' not in {r["Touchpoint"] for r in rows}


# --- a real spreadsheet program ----------------------------------------------------------


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        pytest.fail(
            "LibreOffice is needed to prove the plan CSV opens cleanly in a spreadsheet: "
            "apt-get install libreoffice-calc-nogui"
        )
    return found


NS = {"x": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


@pytest.fixture(scope="module")
def office_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home and profile of LibreOffice's own for these tests, so it runs headless as any user (even root)."""
    return tmp_path_factory.mktemp("office")


Table = list[list[tuple[str, str, bool]]]


def open_in_calc(csv_files: list[Path], filter_options: str, home: Path) -> list[Table]:
    """Open each CSV in LibreOffice Calc (headless, one run) and save it as .xlsx: each cell as (text, type, formula?)."""
    out = csv_files[0].parent / "xlsx"
    result = subprocess.run(
        [soffice(), f"-env:UserInstallation=file://{home / 'profile'}", "--headless", "--norestore",
         f"--infilter=CSV:{filter_options}", "--convert-to", "xlsx", "--outdir", str(out), *map(str, csv_files)],
        capture_output=True, text=True, timeout=180, env={**os.environ, "HOME": str(home)},
    )
    tables = []
    for csv_file in csv_files:
        xlsx = out / (csv_file.stem + ".xlsx")
        assert xlsx.exists(), result.stdout + result.stderr
        tables.append(read_sheet(xlsx))
    return tables


def read_sheet(xlsx: Path) -> Table:
    with zipfile.ZipFile(xlsx) as book:
        strings = [
            "".join(t.text or "" for t in si.iter(f"{{{NS['x']}}}t"))
            for si in ElementTree.fromstring(book.read("xl/sharedStrings.xml")).findall("x:si", NS)
        ]
        sheet = ElementTree.fromstring(book.read("xl/worksheets/sheet1.xml"))
    table = []
    for row in sheet.iter(f"{{{NS['x']}}}row"):
        cells = [("", "", False)] * len(HEADER)  # an empty cell is not in the file at all
        for cell in row.findall("x:c", NS):
            value = cell.find("x:v", NS)
            kind = cell.get("t", "n")
            text = "" if value is None else (strings[int(value.text)] if kind == "s" else value.text)
            cells[column_index(cell.get("r"))] = (text or "", kind, cell.find("x:f", NS) is not None)
        table.append(cells)
    return table


def column_index(reference: str) -> int:
    """"C7" -> 2."""
    letters = reference.rstrip("0123456789")
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1


@pytest.mark.parametrize(
    ("query", "filter_options"),
    [("", "44,34,76,1"), ("?delimiter=semicolon&bom=1", "59,34,76,1")],  # separator, quote, UTF-8, first line
    ids=["comma", "semicolon-bom"],
)
def test_libreoffice_opens_every_cell_as_written_and_runs_no_formula(
    client: FlaskClient, create_campaign: Callable[..., Campaign], create_segment: Callable[..., Segment],
    tmp_path: Path, office_home: Path, query: str, filter_options: str,
) -> None:
    campaign = awkward_campaign(create_campaign, create_segment)
    body = download(client, campaign, query).data
    csv_file = tmp_path / "plan.csv"
    csv_file.write_bytes(body)
    # The control: the same conversion does run a formula that is not neutralised.
    control = tmp_path / "control.csv"
    control.write_bytes(body.replace(b"'=1+1", b"=1+1", 1))

    table, control_table = open_in_calc([csv_file, control], filter_options, office_home)

    expected = rows_of(body, ";" if "semicolon" in query else ",")
    assert len(table) == len(expected)
    for sheet_row, csv_row in zip(table, expected):
        for (text, kind, formula), (column, written) in zip(sheet_row, zip(HEADER, csv_row)):
            assert not formula, (column, written)
            if column in NUMERIC and csv_row is not expected[0]:
                assert (kind, text) == ("n", written)
            elif written:  # a spreadsheet keeps a carriage return in a cell as a line break
                assert (kind, text) == ("s", written.replace("\r", "\n")), (column, written)
    assert table[0][0] == ("Phase", "s", False), "no byte order mark in the first cell"
    assert any(cell[0] == "'=1+1" for row in table for cell in row)
    assert any(cell[0] == "Ärzte; München" for row in table for cell in row)
    assert any(formula for row in control_table for _, _, formula in row), "LibreOffice ran no formula at all"
