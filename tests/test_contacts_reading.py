"""Reading contact lists as spreadsheets write them: encodings, BOMs, delimiters, and files that are no CSV."""

from __future__ import annotations

from decimal import Decimal
from datetime import datetime, timezone

import re

import pytest

from contacts.mapping import Target, guess_mapping, parse_value, property_name
from contacts.reading import UnreadableFile, read_csv
from contacts_support import GERMAN_ROWS, csv_text, german_excel


def test_a_german_excel_file_is_read_as_cp1252_with_semicolons() -> None:
    read = read_csv(german_excel())

    assert (read.encoding, read.delimiter) == ("cp1252", ";")
    assert read.header == GERMAN_ROWS[0]
    assert read.rows[0] == (2, GERMAN_ROWS[1])  # umlauts as written, line numbers as in the file


def test_a_bom_does_not_hide_the_first_column() -> None:
    read = read_csv(german_excel(bom=True))

    assert read.encoding == "utf-8-sig"
    assert read.header[0] == "E-Mail"
    assert read.rows[1][1][1] == "Gräfin Öller"


@pytest.mark.parametrize("delimiter", [",", "\t", ";"])
def test_utf8_with_each_delimiter(delimiter: str) -> None:
    rows = [["email", "name", "city"], ["ada@example.com", "Ada Lovelace", "London"], ["zoë@example.com", "Zoë", "Zürich"]]
    read = read_csv(csv_text(rows, delimiter).encode("utf-8"))

    assert (read.encoding, read.delimiter) == ("utf-8", delimiter)
    assert [cells for _line, cells in read.rows] == rows[1:]


def test_a_comma_inside_quotes_does_not_make_commas_the_delimiter() -> None:
    text = 'email;note\r\nada@example.com;"Hello, world, again"\r\nbob@example.com;"a, b"\r\n'
    assert read_csv(text.encode()).delimiter == ";"


def test_the_encoding_and_delimiter_can_be_overridden() -> None:
    data = german_excel()
    assert read_csv(data, encoding="mac-roman").rows[0][1][1] != "Jürgen Müller"  # read wrongly on purpose
    assert read_csv(data, encoding="cp1252").rows[0][1][1] == "Jürgen Müller"
    assert read_csv(data, delimiter=",").header == [";".join(GERMAN_ROWS[0])]


def test_a_mac_roman_file_is_recognised() -> None:
    assert read_csv(german_excel(encoding="mac_roman")).rows[0][1][1] == "Jürgen Müller"


def test_a_wrong_override_says_which_line_breaks() -> None:
    with pytest.raises(UnreadableFile, match="not utf-8 text: line 1 has a byte"):
        read_csv(german_excel(), encoding="utf-8")


@pytest.mark.parametrize("data, message", [
    (b"", "The file is empty"),
    (b"  \r\n\r\n", "The file is empty"),
    (b"\x00\x01\x02binary\x00", "binary file"),
    (b"PK\x03\x04rest of a workbook", "spreadsheet workbook"),
    (b"%PDF-1.7 ...", "PDF or an image"),
    (";;;\r\nada@example.com;;;\r\n", "first line of the file is empty"),
])
def test_files_that_are_no_csv_are_refused_with_a_reason(data: bytes | str, message: str) -> None:
    with pytest.raises(UnreadableFile, match=message):
        read_csv(data if isinstance(data, bytes) else data.encode())


def test_mixed_encodings_name_their_lines() -> None:
    data = "email;name\r\na@example.com;Jürgen\r\n".encode("utf-8") + "b@example.com;Müller\r\n".encode("cp1252")
    with pytest.raises(UnreadableFile, match="line 2 is UTF-8, line 3 is not"):
        read_csv(data)


def test_the_mapping_is_guessed_from_german_and_english_headers() -> None:
    read = read_csv(german_excel())
    mapping = guess_mapping(read.header, read.rows)

    assert mapping["E-Mail"] == "email"
    assert mapping["Name"] == "name"
    assert mapping["Angemeldet am"] == "opted_in_at"
    assert mapping["Status"] == "status"
    assert mapping["Öffnungen"] == "opens"
    assert mapping["Letzte Öffnung"] == "last_open_at"
    assert mapping["Umsatz"] == {"property": "umsatz", "type": "decimal", "comma": True}
    assert mapping["Stadt"] == {"property": "stadt", "type": "string"}


def test_types_are_guessed_from_the_values() -> None:
    rows = [(2, ["a@example.com", "3", "ja", "2024-01-31", "12.50", "x1"]),
            (3, ["b@example.com", "1.234", "nein", "31.12.2024 14:30", "7", "2"])]
    mapping = guess_mapping(["Mail", "Punkte", "VIP", "Seit", "Preis", "Code"], rows)
    assert mapping["Mail"] == "email"
    assert mapping["VIP"] == {"property": "vip", "type": "boolean"}
    assert mapping["Seit"] == {"property": "seit", "type": "datetime"}
    assert mapping["Preis"] == {"property": "preis", "type": "decimal"}
    assert mapping["Code"] == {"property": "code", "type": "string"}


@pytest.mark.parametrize("text, target, value", [
    ("12,50", Target("property", "decimal", "x", True), Decimal("12.50")),
    ("1.234,50", Target("property", "decimal", "x", True), Decimal("1234.50")),
    ("1,234.50", Target("property", "decimal", "x"), Decimal("1234.50")),
    ("1.234", Target("property", "integer", "x", True), 1234),
    ("31.12.2024", Target("property", "datetime", "x"), datetime(2024, 12, 31, tzinfo=timezone.utc)),
    ("31.12.2024 14:30", Target("property", "datetime", "x"), datetime(2024, 12, 31, 14, 30, tzinfo=timezone.utc)),
    ("2024-12-31T14:30:00+01:00", Target("property", "datetime", "x"), datetime(2024, 12, 31, 13, 30, tzinfo=timezone.utc)),
    ("Ja", Target("property", "boolean", "x"), True),
    ("abgemeldet", Target("status", "status"), "unsubscribed"),
    ("Hard bounce", Target("status", "status"), "bounced"),
])
def test_values_are_read_the_german_and_the_english_way(text: str, target: Target, value: object) -> None:
    assert parse_value(text, target) == value


@pytest.mark.parametrize("text, target, reason", [
    ("zwölf", Target("property", "decimal", "x", True), "is not a number (written like 1.234,50)"),
    ("1,5", Target("property", "integer", "x", True), "is not a whole number"),
    ("32.13.2024", Target("property", "datetime", "x"), "is not a date"),
    ("vielleicht", Target("property", "boolean", "x"), "is not yes or no"),
    ("gone", Target("status", "status"), "is no status"),
])
def test_values_that_do_not_fit_say_why(text: str, target: Target, reason: str) -> None:
    with pytest.raises(ValueError, match=re.escape(reason)):
        parse_value(text, target)


def test_property_names_are_what_mailjet_takes() -> None:
    assert property_name("Größe (cm)") == "groesse_cm"
    assert property_name("2. Adresse") == "p_2_adresse"
