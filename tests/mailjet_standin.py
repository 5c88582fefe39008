"""A stand-in for Mailjet's API v3 on loopback: checks every request the way the API would, and answers
like it, so the push is tested against real HTTP without ever reaching Mailjet.

    standin = MailjetStandIn(api_key="key", api_secret="secret", lists={42})
    standin.start()            # 127.0.0.1, a port the system picks
    ...                        # point MAILJET_API_URL at standin.url and push
    standin.requests[0].body   # every request as it arrived
    standin.stop()

It checks the method, the path (and that an ID in it was issued earlier), the Basic auth header,
and the body: field names as Mailjet spells them, their types, and required values. It resolves
nothing itself: an unresolved "{{ref:...}}" in a path or an ID field is refused as Mailjet would
(not an ID it issued, not a number). A good request gets
201 {"Count": 1, "Data": [{"ID": n, ...}], "Total": 1}; a bad one 400 (401 for bad credentials) with
Mailjet's error document {"ErrorInfo": ..., "ErrorMessage": ..., "StatusCode": ...}.
"""

from __future__ import annotations

import base64
import itertools
import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

BASE = "/v3/REST/"
LOCALE = re.compile(r"[a-z]{2}_[A-Z]{2}")
PURPOSES = {"marketing", "transactional", "automation"}


@dataclass(frozen=True)
class Arrived:
    """One request as the stand-in received it, and what it answered."""

    method: str
    path: str  # below /v3/REST/
    authorization: str | None
    content_type: str | None
    body: Any
    status: int
    answer: dict[str, Any]


class Refused(Exception):
    def __init__(self, message: str, info: Any = "", status: int = 400):
        super().__init__(message)
        self.message, self.info, self.status = message, info, status


@dataclass
class _State:
    api_key: str
    api_secret: str
    lists: set[int]
    fail_at: int | None
    requests: list[Arrived] = field(default_factory=list)
    # IDs this account has, per resource; they start far from 1 so nothing can assume they do.
    ids: dict[str, list[int]] = field(default_factory=dict)
    names: dict[str, set[str]] = field(default_factory=dict)
    counter: itertools.count = field(default_factory=lambda: itertools.count(70_001, 7))
    lock: threading.Lock = field(default_factory=threading.Lock)


def _require(body: dict[str, Any], spec: dict[str, type | tuple[type, ...]], required: set[str]) -> None:
    unknown = sorted(set(body) - set(spec))
    if unknown:
        raise Refused("Object properties invalid", {name: "Unknown property" for name in unknown})
    for name in required:
        if name not in body or body[name] in ("", None):
            raise Refused("Object properties invalid", {name: "Property is required"})
    for name, value in body.items():
        expected = spec[name]
        if isinstance(value, bool) and bool not in (expected if isinstance(expected, tuple) else (expected,)):
            raise Refused("Object properties invalid", {name: "Invalid type"})
        if not isinstance(value, expected):
            raise Refused("Object properties invalid", {name: "Invalid type"})


class MailjetStandIn:
    def __init__(self, *, api_key: str = "test-key", api_secret: str = "test-secret", lists: set[int] | None = None,
                 fail_at: int | None = None):
        """`lists`: the contact list IDs the account has; `fail_at`: answer request k (1-based) with a 400."""
        self.state = _State(api_key, api_secret, set(lists or {42}), fail_at)
        self.server: ThreadingHTTPServer | None = None
        self.thread: threading.Thread | None = None

    # --- lifecycle

    def start(self) -> MailjetStandIn:
        state = self.state

        class Handler(_Handler):
            pass

        Handler.state = state
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server = self.server
        self.thread = threading.Thread(
            target=lambda: server.serve_forever(poll_interval=0.02), name="mailjet-standin", daemon=True
        )
        self.thread.start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
        if self.thread is not None:
            self.thread.join(timeout=5)

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}/v3/REST"

    @property
    def requests(self) -> list[Arrived]:
        with self.state.lock:
            return list(self.state.requests)

    def ids(self, resource: str) -> list[int]:
        with self.state.lock:
            return list(self.state.ids.get(resource, []))


class _Handler(BaseHTTPRequestHandler):
    state: _State
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        pass

    def do_POST(self) -> None:
        self._handle()

    def do_PUT(self) -> None:
        self._handle()

    def do_GET(self) -> None:
        self._handle()

    def do_DELETE(self) -> None:
        self._handle()

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        path = self.path[len(BASE):] if self.path.startswith(BASE) else self.path
        try:
            body: Any = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", "replace")
        with self.state.lock:
            number = len(self.state.requests) + 1
            try:
                status, answer = 201, self._answer(number, path, body)
            except Refused as refused:
                status = refused.status
                answer = {"ErrorInfo": refused.info, "ErrorMessage": refused.message, "StatusCode": refused.status}
            self.state.requests.append(Arrived(
                self.command, path, self.headers.get("Authorization"), self.headers.get("Content-Type"),
                body, status, answer,
            ))
        payload = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    # --- checks, in the order the API applies them

    def _answer(self, number: int, path: str, body: Any) -> dict[str, Any]:
        state = self.state
        expected = "Basic " + base64.b64encode(f"{state.api_key}:{state.api_secret}".encode()).decode()
        if self.headers.get("Authorization") != expected:
            raise Refused("API key authentication/authorization failure", "", 401)
        if not self.path.startswith(BASE):
            raise Refused("Object not found", "", 404)
        if self.command != "POST":
            raise Refused("Method not allowed for this resource", self.command, 405)
        if (self.headers.get("Content-Type") or "").split(";")[0].strip() != "application/json":
            raise Refused("Content type must be application/json")
        if not isinstance(body, dict):
            raise Refused("Request body must be a JSON object")
        if state.fail_at == number:
            raise Refused("The stand-in was told to refuse this request", {"request": number})
        if match := re.fullmatch(r"(template|campaigndraft)/(\d+)/detailcontent", path):
            resource, object_id = match.group(1), int(match.group(2))
            if object_id not in state.ids.get(resource, []):
                raise Refused("Object not found", f"No {resource} with ID {object_id}", 404)
            self._check_content(body)
            return {"Count": 1, "Data": [dict(body)], "Total": 1}
        check = {
            "contactmetadata": self._check_metadata,
            "contactfilter": self._check_filter,
            "template": self._check_template,
            "campaigndraft": self._check_draft,
        }.get(path)
        if check is None:
            raise Refused("Object not found", f"Unknown resource {path!r}", 404)
        check(body)
        new_id = next(state.counter)
        state.ids.setdefault(path, []).append(new_id)
        return {"Count": 1, "Data": [{**body, "ID": new_id}], "Total": 1}

    def _unique_name(self, resource: str, name: str) -> None:
        names = self.state.names.setdefault(resource, set())
        if name in names:
            raise Refused("Object already exists", {"Name": f"A {resource} named {name!r} already exists"})
        names.add(name)

    def _check_metadata(self, body: dict[str, Any]) -> None:
        _require(body, {"Datatype": str, "Name": str, "NameSpace": str}, {"Datatype", "Name", "NameSpace"})
        if body["Datatype"] not in {"str", "int", "float", "bool", "datetime"}:
            raise Refused("Object properties invalid", {"Datatype": "Invalid value"})
        if body["NameSpace"] not in {"static", "historic"}:
            raise Refused("Object properties invalid", {"NameSpace": "Invalid value"})
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", body["Name"]):
            raise Refused("Object properties invalid", {"Name": "Invalid property name"})
        self._unique_name("contactmetadata", body["Name"].lower())

    def _check_filter(self, body: dict[str, Any]) -> None:
        _require(body, {"Name": str, "Description": str, "Expression": str}, {"Name", "Expression"})
        for name, value in re.findall(r'\(\s*([A-Za-z_]\w*)\s*=\s*"([^"]*)"\s*\)', body["Expression"]):
            if name.lower() not in self.state.names.get("contactmetadata", set()):
                raise Refused("Object properties invalid", {"Expression": f"Unknown contact property {name!r}"})
        if not re.fullmatch(r'\(\s*[A-Za-z_]\w*\s*=\s*"[^"]*"\s*\)', body["Expression"]):
            raise Refused("Object properties invalid", {"Expression": "Invalid expression"})
        self._unique_name("contactfilter", body["Name"])

    def _check_template(self, body: dict[str, Any]) -> None:
        _require(
            body,
            {"Name": str, "EditMode": int, "Purposes": list, "Locale": str, "Description": str, "Author": str},
            {"Name"},
        )
        if body.get("EditMode", 4) not in (1, 2, 3, 4):
            raise Refused("Object properties invalid", {"EditMode": "Invalid value"})
        purposes = body.get("Purposes", [])
        if not purposes or any(p not in PURPOSES for p in purposes):
            raise Refused("Object properties invalid", {"Purposes": "Invalid value"})
        if "Locale" in body and not LOCALE.fullmatch(body["Locale"]):
            raise Refused("Object properties invalid", {"Locale": "Invalid value"})
        self._unique_name("template", body["Name"])

    def _check_content(self, body: dict[str, Any]) -> None:
        _require(
            body, {"Html-part": str, "Text-part": str, "MJMLContent": str, "Headers": dict}, {"Html-part", "Text-part"}
        )
        headers = body.get("Headers", {})
        _require(headers, {"Subject": str, "From": str, "Reply-to": str}, {"Subject", "From"})
        if not re.fullmatch(r'"(?:[^"\\]|\\.)*" <[^<>@\s]+@[^<>@\s]+>', headers["From"]):
            raise Refused("Object properties invalid", {"From": 'Expected "Name" <address>'})

    def _check_draft(self, body: dict[str, Any]) -> None:
        spec = {"Locale": str, "Sender": str, "SenderEmail": str, "SenderName": str, "Subject": str, "Title": str,
                "ContactsListID": int, "SegmentationID": int, "TemplateID": int, "ReplyEmail": str}
        _require(body, spec, {"Locale", "Sender", "SenderEmail", "Subject", "ContactsListID"})
        if not LOCALE.fullmatch(body["Locale"]):
            raise Refused("Object properties invalid", {"Locale": "Invalid value"})
        if body["ContactsListID"] not in self.state.lists:
            raise Refused("Object properties invalid", {"ContactsListID": "Unknown contacts list"})
        if "SegmentationID" in body and body["SegmentationID"] not in self.state.ids.get("contactfilter", []):
            raise Refused("Object properties invalid", {"SegmentationID": "Unknown contact filter"})
        if "TemplateID" in body and body["TemplateID"] not in self.state.ids.get("template", []):
            raise Refused("Object properties invalid", {"TemplateID": "Unknown template"})
