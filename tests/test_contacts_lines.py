"""A file without quotes is split into rows directly, faster than csv.reader: the rows and their line numbers are
the ones csv.reader gives, whatever the line ends."""

from __future__ import annotations

import csv
import io

import pytest

from contacts.reading import _rows

TEXTS = [
    "email;name\r\nada@example.com;Ada\r\ngrete@example.de;Gräfin Öller\r\n",
    "email;name\nada@example.com;Ada\n\n\ngrete@example.de;\n",
    "email;name\rada@example.com;Ada\r\rgrete@example.de;Grete",
    "email;name\r\r\nada@example.com;;;\n\r\n;\r\n  ;  \n",
    "\ufeffemail,name\r\nada@example.com,Ada Lovelace, extra\r\n\r\n",
    "email\ttags\nada@example.com\tx;y,z\n",
    "", "\n", "email", "email;name\r\n\r\n\r\n",
]


def csv_rows(text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), delimiter=delimiter)
    found, line = [], 1
    for row in reader:
        found.append((line, row))
        line = reader.line_num + 1
    return found


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_rows_without_quotes_are_those_csv_reads(text: str, delimiter: str) -> None:
    assert list(_rows(text, delimiter)) == csv_rows(text, delimiter)


def test_a_file_with_quotes_is_read_by_csv() -> None:
    text = 'email;note\r\nada@example.com;"two\r\nlines; and a ""quote"""\r\ngrete@example.de;x\r\n'
    assert list(_rows(text, ";")) == csv_rows(text, ";") == [
        (1, ["email", "note"]), (2, ["ada@example.com", 'two\r\nlines; and a "quote"']), (4, ["grete@example.de", "x"])]
