"""Reading a CSV file as a spreadsheet wrote it: its encoding, BOM and delimiter found, its rows numbered.

Excel in German-speaking countries writes cp1252 (or Mac Roman) with `;`; other tools write UTF-8, with or
without a BOM, with `,` or tabs. The encoding is UTF-8 when the bytes are UTF-8, else charset-normalizer's
guess among the Western code pages; the delimiter is the one of `,` `;` tab that splits the first lines
most evenly. Both can be given instead. Nothing here writes anything.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from charset_normalizer import from_bytes
from flask_babel import gettext as _

DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}
# What charset-normalizer chooses among, when the file is not UTF-8: the code pages contact lists come in.
CODE_PAGES = ["cp1252", "mac_roman", "cp850", "iso8859_15", "cp1250"]
# What a user may choose, by Python's names for them (as the page and the import record show them).
ENCODINGS = ["utf-8", "utf-16", "cp1252", "mac-roman", "cp850", "iso8859-15", "cp1250", "iso8859-1"]
MAX_CELL = 64 * 1024  # characters in one cell; a longer one rejects its row, never the file
PREVIEW_ROWS = 10
_SIGNATURES = [  # files people upload by mistake, and what they are
    (b"PK\x03\x04", "zip"), (b"\xd0\xcf\x11\xe0", "xls"), (b"%PDF", "pdf"), (b"\x89PNG", "image"),
    (b"\xff\xd8\xff", "image"), (b"GIF8", "image"),
]

csv.field_size_limit(64 * 1024 * 1024)  # cells are measured below (MAX_CELL), with a message per row


class UnreadableFile(ValueError):
    """A file that is no CSV this import can read; the message says what to do about it."""


@dataclass
class CsvFile:
    encoding: str  # as used to decode (utf-8-sig when there was a BOM)
    delimiter: str
    header: list[str]  # the first row, blank and repeated names made distinct
    rows: list[tuple[int, list[str]]]  # (line number in the file, cells), the header not included
    detected_encoding: str = ""
    detected_delimiter: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def preview(self) -> list[tuple[int, list[str]]]:
        return self.rows[:PREVIEW_ROWS]


def read_csv(data: bytes, *, encoding: str | None = None, delimiter: str | None = None) -> CsvFile:
    """The file's header and rows; UnreadableFile when it is empty, binary, not text in the encoding, or has
    no header. `encoding` and `delimiter` override what is detected."""
    if not data.strip():
        raise UnreadableFile(_("The file is empty. Export the list again with its header row and its contacts."))
    _refuse_binary(data)
    detected = detect_encoding(data)
    chosen = _encoding_name(encoding) if encoding else detected
    text = _decode(data, chosen)
    if not encoding and not chosen.startswith("utf-"):
        _refuse_mixed(data)
    if not text.strip():
        raise UnreadableFile(_("The file is empty. Export the list again with its header row and its contacts."))
    found_delimiter = sniff_delimiter(text)
    if delimiter:
        if delimiter not in DELIMITERS:
            raise UnreadableFile(_("Choose a comma, a semicolon or a tab as the delimiter."))
    used = delimiter or found_delimiter
    rows = list(_rows(text, used))
    if not rows:
        raise UnreadableFile(_("The file is empty. Export the list again with its header row and its contacts."))
    (_line, header), body = rows[0], [(line, cells) for line, cells in rows[1:] if "".join(cells).strip()]
    if not any(cell.strip() for cell in header):
        raise UnreadableFile(_("The first line of the file is empty; it should name the columns (e.g. email;name)."))
    return CsvFile(chosen, used, distinct_names(header), body, detected, found_delimiter)


def detect_encoding(data: bytes) -> str:
    """utf-8-sig or utf-16 by their BOM; utf-8 when the bytes are UTF-8; else charset-normalizer's code page."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    results = list(from_bytes(data[:1024 * 1024], cp_isolation=CODE_PAGES))
    if not results:
        return "cp1252"
    # The code pages that read the bytes with the least chaos (several often tie, or read them alike): the
    # first of them in CODE_PAGES, the order in which contact lists come.
    lowest = min(result.chaos for result in results)
    fitting = {name for result in results if result.chaos <= lowest + 0.005
               for name in (result.encoding, *result.could_be_from_charset)}
    return codecs.lookup(next((name for name in CODE_PAGES if name in fitting), results[0].encoding)).name


def _encoding_name(name: str) -> str:
    try:
        known = codecs.lookup(name).name
    except LookupError:
        raise UnreadableFile(_('"%(encoding)s" is no encoding this server knows. Choose one of the list, e.g. '
                               'UTF-8 or Windows-1252.', encoding=name)) from None
    return "utf-8-sig" if known == "utf-8" else known  # a BOM is taken off when there is one


def _decode(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise UnreadableFile(_("The file is not %(encoding)s text: line %(line)s has a byte that encoding does not "
                               "have. Choose the encoding the file was saved in.", encoding=encoding.removesuffix("-sig"),
                               line=line)) from None


def _refuse_binary(data: bytes) -> None:
    for signature, kind in _SIGNATURES:
        if data.startswith(signature):
            if kind in ("zip", "xls"):
                raise UnreadableFile(_("This is a spreadsheet workbook (or another zip file), not a CSV file. In "
                                       "Excel, choose File → Save as → CSV and upload that file."))
            raise UnreadableFile(_("This is a PDF or an image, not a CSV file. Upload the list as a CSV file."))
    if not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and b"\x00" in data[:1024 * 1024]:
        raise UnreadableFile(_("This is a binary file, not a CSV file. Upload the list as a CSV file."))


def _refuse_mixed(data: bytes) -> None:
    """A file whose lines are partly UTF-8, partly another encoding (two lists pasted together) cannot be read
    right in any one encoding: say which lines are which."""
    utf8_line = other_line = None
    for number, line in enumerate(data.split(b"\n"), start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            utf8_line = utf8_line or number
        except UnicodeDecodeError:
            other_line = other_line or number
        if utf8_line and other_line:
            raise UnreadableFile(_("The file mixes encodings: line %(utf8)s is UTF-8, line %(other)s is not. Save "
                                   "the whole list in one encoding (e.g. as CSV UTF-8) and upload it again.",
                                   utf8=utf8_line, other=other_line))


def sniff_delimiter(text: str) -> str:
    """The one of `,` `;` tab that splits the first lines into the same number of cells, most of them."""
    sample = text[:64 * 1024].splitlines()[:20] or [""]
    best, best_score = ",", (0, 0)
    for delimiter in (";", "\t", ","):
        counts = [len(row) - 1 for row in csv.reader(sample, delimiter=delimiter)]
        if not counts or counts[0] == 0:
            continue
        same = sum(1 for count in counts if count == counts[0])
        score = (same, counts[0])
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _rows(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(the line a row starts on, its cells)."""
    text = text.removeprefix("\ufeff")
    if '"' not in text and "\x00" not in text and len(text) < csv.field_size_limit():
        # Without a quote a row is a line, and its cells what the delimiter separates: what csv.reader returns
        # (it ends lines at \r, \n or \r\n, and an empty line is no cells), several times faster.
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        if lines[-1] == "":
            lines.pop()
        for line, content in enumerate(lines, start=1):
            yield line, content.split(delimiter) if content else []
        return
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise UnreadableFile(_("Line %(line)s cannot be read as CSV (%(reason)s). Check its quotes.",
                                   line=line, reason=str(error))) from None
        yield line, row
        line = reader.line_num + 1


_BLANK = re.compile(r"\s+")


def distinct_names(header: list[str]) -> list[str]:
    """The header's column names, trimmed; a blank one named by its place, a repeated one numbered."""
    names: list[str] = []
    for place, cell in enumerate(header, start=1):
        name = _BLANK.sub(" ", cell).strip() or _("Column %(number)s", number=place)
        base, count = name, 2
        while name in names:
            name, count = f"{base} ({count})", count + 1
        names.append(name)
    return names
