"""Large campaign documents: every document the export writes imports back, past MAX_CONTENT_LENGTH and
gzipped too (a zip bomb is refused with 413); and the import issues as many SQL statements for a large
document as for a small one."""

from __future__ import annotations

import gzip
import io
import json
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event
from werkzeug.datastructures import FileStorage
from werkzeug.test import stream_encode_multipart

from api_support import database_rows, error_of
from campaigns.models import Campaign
from api_support import csrf_token_from
from exports import uploads
from exports.documents import FORMAT
from journeymail.extensions import db

IMPORT = "/api/campaigns/import"
PARAGRAPH = "Plan the week before it plans you: one calendar, every channel, one place to see it all. "
MJML = """<mjml><mj-body><mj-section><mj-column>
  <mj-text>{{ firstname | default("Hello") }}, NUMBER: TEXT</mj-text>
  <mj-button href="https://plannery.example/NUMBER">Read more</mj-button>
  <mj-text><a href="{{ unsubscribe_url }}">Unsubscribe</a></mj-text>
</mj-column></mj-section></mj-body></mjml>"""


def document(phases: int, emails: int, segments: int, *, body_chars: int = 200) -> dict[str, Any]:
    """A document with `emails` emails in each of `phases` phases, `segments` segments (the last one not
    targeted), a variant of each email for every other segment, every third email limited to one segment."""
    names = [f"Scale segment {n}" for n in range(segments)]
    text = (PARAGRAPH * (body_chars // len(PARAGRAPH) + 1))[:body_chars]
    touchpoints = []
    for p in range(phases):
        touchpoints.append({"phase": p, "kind": "landing_page", "name": f"Page {p}"})
        for e in range(emails):
            number = p * emails + e
            touchpoints.append({
                "phase": p, "kind": ("welcome", "newsletter", "offer")[number % 3], "name": f"Email {number}",
                "send_offset_days": e, "subject": f"Email {number}", "preheader": "A preheader long enough to pass.",
                "mjml": MJML.replace("NUMBER", str(number)).replace("TEXT", text),
                "segments": names[:1] if number % 3 == 0 else [],
                "variants": [{"segment": name, "subject": f"Email {number} for {name}"} for name in names[::2]],
            })
    return {
        "format": FORMAT, "version": 1,
        "campaign": {"name": f"Scale {phases}x{emails}x{segments}", "goal": "Grow", "framework": "five-stage",
                     "sender_name": "Maya", "sender_email": "maya@plannery.example"},
        "segments": [{"name": name, "motivation": "m", "action": "a", "obstacle": "o",
                      "targeted": n < segments - 1} for n, name in enumerate(names)],
        "phases": [{"name": f"Phase {p}"} for p in range(phases)],
        "touchpoints": touchpoints,
    }


def upload(client: FlaskClient, data: bytes, filename: str) -> Any:
    """Post a file to the import form as a browser would. Encoded in memory: the test client would spool a
    large body to a file that it never closes."""
    token = csrf_token_from(client.get("/campaigns/import").get_data(as_text=True))
    body, _, boundary = stream_encode_multipart(
        {"document": FileStorage(io.BytesIO(data), filename), "csrf_token": token}, use_tempfile=False
    )
    return client.post("/campaigns/import", data=body.getvalue(), content_type=f"multipart/form-data; boundary={boundary}")


def exported(client: FlaskClient, campaign_id: int) -> bytes:
    response = client.get(f"/campaigns/{campaign_id}/export/campaign.json")
    assert response.status_code == 200
    return response.data


def comparable(data: bytes) -> dict[str, Any]:
    return {k: v for k, v in json.loads(data).items() if k != "exported_at"}


def imported_beside(data: bytes) -> dict[str, Any]:
    """What an import of this export is beside the campaign it came from: equal, but called "… (imported)"."""
    document = comparable(data)
    document["campaign"]["name"] += " (imported)"
    return document


@pytest.fixture
def large(client: FlaskClient, app: Flask) -> bytes:
    """The export of a campaign whose document is past MAX_CONTENT_LENGTH (made in the database directly)."""
    body = json.dumps(document(6, 4, 3, body_chars=110_000)).encode()
    created = client.post(IMPORT, data=body, content_type="application/json")
    assert created.status_code == 201, created.get_data(as_text=True)[:300]
    data = exported(client, created.get_json()["id"])
    assert len(data) > app.config["MAX_CONTENT_LENGTH"] > 2_000_000 - 1
    return data


# --- past MAX_CONTENT_LENGTH -------------------------------------------------------------


def test_an_export_past_two_megabytes_imports_back_into_an_equal_campaign(
    client: FlaskClient, large: bytes
) -> None:
    response = client.post(IMPORT, data=large, content_type="application/json")

    assert response.status_code == 201, response.get_data(as_text=True)[:300]
    assert comparable(exported(client, response.get_json()["id"])) == imported_beside(large)


def test_the_upload_form_takes_it_too(client: FlaskClient, large: bytes) -> None:
    response = upload(client, large, "big-campaign.json")

    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    newest = db.session.scalar(db.select(Campaign).order_by(Campaign.id.desc()))
    assert comparable(exported(client, newest.id)) == imported_beside(large)


def test_other_requests_keep_the_usual_limit(client: FlaskClient, app: Flask) -> None:
    body = json.dumps({"name": "x" * app.config["MAX_CONTENT_LENGTH"]})

    response = client.post("/api/campaigns", data=body, content_type="application/json")

    assert response.status_code == 413
    assert error_of(response)["message"] == "The request is larger than the 2048 KB this server accepts."


# --- gzip ----------------------------------------------------------------------------------


def test_a_gzipped_document_imports(client: FlaskClient, large: bytes) -> None:
    packed = gzip.compress(large)
    assert len(packed) < len(large) // 10

    response = client.post(IMPORT, data=packed, content_type="application/json",
                           headers={"Content-Encoding": "gzip"})

    assert response.status_code == 201, response.get_data(as_text=True)[:300]
    assert comparable(exported(client, response.get_json()["id"])) == imported_beside(large)


def test_a_json_gz_file_uploads(client: FlaskClient, large: bytes) -> None:
    response = upload(client, gzip.compress(large), "campaign.json.gz")

    assert response.status_code == 302


def test_a_zip_bomb_is_refused_with_413_and_writes_nothing(
    client: FlaskClient, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "IMPORT_MAX_BYTES", 1024 * 1024)
    bomb = gzip.compress(b" " * (64 * 1024 * 1024))  # 64 MB of spaces in about 64 KB
    assert len(bomb) < app.config["IMPORT_MAX_BYTES"] // 4
    rows = database_rows()

    api = client.post(IMPORT, data=bomb, content_type="application/json", headers={"Content-Encoding": "gzip"})
    form = upload(client, bomb, "bomb.json.gz")

    assert api.status_code == 413
    assert error_of(api)["message"] == (
        "The campaign document is larger than the 1024 KB this server accepts, once decompressed."
    )
    assert form.status_code == 413 and "once decompressed" in form.get_data(as_text=True)
    assert database_rows() == rows


@pytest.mark.parametrize(
    ("data", "encoding", "status"),
    [
        (b'{"not": "gzip"}', "gzip", 400),
        (gzip.compress(b'{"format": "journeymail.campaign"}')[:-12], "gzip", 400),
        (b"{}", "br", 415),
    ],
    ids=["not gzip", "cut short", "another encoding"],
)
def test_a_body_that_is_not_what_its_encoding_says_is_refused(
    client: FlaskClient, data: bytes, encoding: str, status: int
) -> None:
    response = client.post(IMPORT, data=data, content_type="application/json", headers={"Content-Encoding": encoding})

    assert response.status_code == status
    error_of(response)


def test_gunzip_reads_every_member_and_stops_at_the_limit() -> None:
    two = gzip.compress(b"abc") + gzip.compress(b"def")

    assert uploads.gunzip(two, 6) == b"abcdef"
    with pytest.raises(uploads.TooLarge):
        uploads.gunzip(two, 5)
    with pytest.raises(uploads.NotGzip):
        uploads.gunzip(two + b"trailing", 100)
    with pytest.raises(uploads.NotGzip):
        uploads.gunzip(zlib.compress(b"zlib, not gzip"), 100)


# --- SQL statements ------------------------------------------------------------------------


@contextmanager
def counted(app: Flask) -> Iterator[list[str]]:
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_the_import_issues_as_many_statements_for_a_large_document_as_for_a_small_one(
    client: FlaskClient, app: Flask
) -> None:
    def statements(body: dict[str, Any]) -> list[str]:
        db.session.commit()
        with counted(app) as seen:
            response = client.post(IMPORT, json=body)
        assert response.status_code == 201, response.get_json()
        return seen

    small = statements(document(2, 1, 3))
    large = statements(document(12, 5, 9))
    again = statements(document(12, 5, 9))  # every segment exists now: reused, none created

    assert len(large) == len(small), "\n".join(large)
    assert len(again) == len(small) - 2  # no INSERT of segments, no SELECT of their IDs
    queries = [s for s in small if not s.startswith(("PRAGMA ", "BEGIN"))]  # SQLite's write lock: not the import's
    assert len(queries) <= 21, "\n".join(queries)  # incl. who is asking and the audit entry


def test_touchpoints_are_placed_in_their_phases_in_document_order(client: FlaskClient) -> None:
    body = document(3, 0, 0)
    body["touchpoints"] = [{"phase": p, "kind": "welcome", "name": f"{p}-{n}"} for n, p in enumerate([2, 0, 2, 1, 0, 2])]

    response = client.post(IMPORT, json=body)

    assert response.status_code == 201
    placed = [(t["name"], t["position"]) for t in response.get_json()["touchpoints"]]
    assert placed == [("0-1", 0), ("0-4", 1), ("1-3", 0), ("2-0", 0), ("2-2", 1), ("2-5", 2)]
