"""Contact lists as marketers bring them, and the import asked through the API as a script would."""

from __future__ import annotations

import io
from typing import Any

from flask.testing import FlaskClient
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

GERMAN_ROWS = [
    ["E-Mail", "Name", "Umsatz", "Angemeldet am", "Status", "Öffnungen", "Letzte Öffnung", "Stadt"],
    ["jürgen.müller@example.com", "Jürgen Müller", "12,50", "31.12.2024", "abonniert", "3", "01.02.2025 14:30",
     "Köln"],
    ["grete@example.de", "Gräfin Öller", "1.234,50", "15.06.2023 09:05", "abgemeldet", "0", "", "Düsseldorf"],
    ["strauss@example.at", "Hans Strauß", "0,99", "01.01.2024", "", "12", "2025-03-04T10:00:00Z", "Graz"],
]


def csv_text(rows: list[list[str]], delimiter: str = ";") -> str:
    return "\r\n".join(delimiter.join(row) for row in rows) + "\r\n"


def german_excel(rows: list[list[str]] | None = None, *, bom: bool = False, encoding: str = "cp1252") -> bytes:
    """What German Excel's "CSV (Trennzeichen-getrennt)" writes: cp1252, semicolons, CRLF."""
    data = csv_text(rows or GERMAN_ROWS).encode(encoding)
    return ("\ufeff".encode("utf-8") + csv_text(rows or GERMAN_ROWS).encode("utf-8")) if bom else data


def api_import(client: FlaskClient, data: bytes, *, name: str = "contacts.csv", headers: dict[str, str] | None = None,
               **form: Any) -> Any:
    """POST /api/contacts/import with the file and the form fields (policy, encoding, delimiter, mapping...)."""
    fields = {"file": FileStorage(io.BytesIO(data), name), **{k: v for k, v in form.items() if v is not None}}
    # encoded here, in memory: the test client would spool a large body to a file it leaves open
    boundary, body = encode_multipart(MultiDict(fields))
    return client.post("/api/contacts/import", data=body, content_type=f"multipart/form-data; boundary={boundary}",
                       headers=headers or {})
