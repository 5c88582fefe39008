"""CSV files that spreadsheets open safely: every text cell passes the formula guard on its way out.

Spreadsheets run a cell that starts with =, +, -, @, a tab or a line break as a formula. Every text
cell that starts so gets a leading apostrophe (OWASP's advice for CSV injection). Numbers are written
as numbers and never need it. The guard is inside the writer, so no export can forget it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

# A cell starting with one of these is a formula to Excel, LibreOffice or Google Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")

Cell = str | int | float | None


def neutralise(text: str) -> str:
    """Text a spreadsheet shows as written: an apostrophe before a leading formula character."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _safe(cell: Cell) -> Cell:
    return neutralise(cell) if isinstance(cell, str) else cell


def csv_bytes(
    rows: Iterable[Sequence[Cell]], *, delimiter: str = ",", bom: bool = False, quote_all: bool = False
) -> bytes:
    """Rows (the header first) as CSV bytes: UTF-8 (with a BOM if asked), CRLF line ends, every text guarded."""
    buffer = io.StringIO()
    quoting = csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n", quoting=quoting)
    writer.writerows([_safe(cell) for cell in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig" if bom else "utf-8")
