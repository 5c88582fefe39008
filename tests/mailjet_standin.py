"""A stand-in for Mailjet's API v3 on loopback: checks every request the way the API would, and answers
like it, so the push is tested against real HTTP without ever reaching Mailjet.

    standin = MailjetStandIn(api_key="key", api_secret="secret", lists={42})
    standin.start()            # 127.0.0.1, a port the system picks
    ...                        # point MAILJET_API_URL at standin.url and push
    standin.requests[0].body   # every request as it arrived
    standin.stop()

It checks the method, the path (and that an ID in it was issued earlier), the Basic auth header, the
query (Limit, Offset and the filters Mailjet has for that resource; any other is refused), and the body:
field names as Mailjet spells them, their types, and required values. It resolves nothing itself: an
unresolved "{{ref:...}}" in a path or an ID field is refused as Mailjet would (not an ID it issued, not a
number). It keeps what it was sent: GET lists it (paged), PUT changes it, and a second contact property,
segment filter or template of the same name is refused as Mailjet refuses it (400, "MJ18 A ... resource
with value ... already exists."). A campaign draft's Title need not be unique, as in Mailjet.

A good POST gets 201 {"Count": 1, "Data": [{"ID": n, ...}], "Total": 1}, a GET or PUT 200 in the same
shape; a bad one 400 (401 for bad credentials, 404 for an unknown ID) with Mailjet's error document
{"ErrorInfo": ..., "ErrorMessage": ..., "StatusCode": ...}.

It can be told to misbehave: `fail_at=k` refuses the k-th write (POST or PUT) with a 400; `fail_times=
{"status": 429, "count": 3, "retry_after": 0}` answers the next `count` requests with that status (and
Retry-After) before handling them; `drop_after=k` closes the connection without an answer on every
request once k writes went through (set `standin.drop_after = None` to let it answer again), as when
the network or the worker goes away halfway through a push; `lose_answer_at=k` carries out the k-th
write and then closes the connection instead of answering, as when the answer is lost on the way back.
"""

from __future__ import annotations

import base64
import csv
import io
import itertools
import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

BASE = "/v3/REST/"
DATA = "/v3/DATA/"
IMPORT_METHODS = {"addforce", "addnoforce", "remove", "unsub"}
LOCALE = re.compile(r"[a-z]{2}_[A-Z]{2}")
PURPOSES = {"marketing", "transactional", "automation"}
MAX_LIMIT = 1000
# The filters Mailjet's API has for each resource we read (besides Limit, Offset and Sort).
FILTERS = {
    "contactmetadata": {"Datatype", "NameSpace"},
    "contactfilter": {"ShowDeleted", "Status"},
    "template": {"EditMode", "Name", "OwnerType", "Purposes", "Categories", "User"},
    "campaigndraft": {"Campaign", "ContactsList", "EditMode", "IsArchived", "IsDeleted", "Segmentation", "Status",
                      "Subject", "Template"},
    "sender": {"Domain", "Email", "LocalPart", "ShowDeleted", "Status"},
    "contactslist": {"Address", "ExcludeID", "IsDeleted", "Name"},
}
# The fields a resource's objects are matched on by each filter.
FILTER_FIELDS = {"ContactsList": "ContactsListID", "Segmentation": "SegmentationID", "Template": "TemplateID"}
UNIQUE_NAMES = {"contactmetadata": "Contactmetadata", "contactfilter": "Contactfilter", "template": "Template"}


@dataclass(frozen=True)
class Arrived:
    """One request as the stand-in received it, and what it answered (status 0: no answer, connection closed)."""

    method: str
    path: str  # below /v3/REST/, without the query
    params: dict[str, str]  # the query string's parameters
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
    lists: dict[int, dict[str, Any]]
    senders: dict[str, str] | None
    fail_at: int | None
    fail_times: dict[str, Any] | None
    drop_after: int | None = None
    lose_answer_at: int | None = None
    hold_after: int | None = None  # writes beyond this many wait until release() (a push seen mid-way)
    released: threading.Event = field(default_factory=threading.Event)
    requests: list[Arrived] = field(default_factory=list)
    # Objects this account has, per resource, by ID; IDs start far from 1 so nothing can assume they do.
    objects: dict[str, dict[int, dict[str, Any]]] = field(default_factory=dict)
    created: dict[str, list[int]] = field(default_factory=dict)  # IDs created by POST, per resource, in order
    contents: dict[tuple[str, int], dict[str, Any]] = field(default_factory=dict)
    counter: itertools.count = field(default_factory=lambda: itertools.count(70_001, 7))
    lock: threading.Lock = field(default_factory=threading.Lock)
    # contacts upload and import: CSV data by DataID ({"list", "csv"}), imports by ID, each list's contacts
    uploads: dict[int, dict[str, Any]] = field(default_factory=dict)
    imports: dict[int, dict[str, Any]] = field(default_factory=dict)
    list_contacts: dict[int, dict[str, dict[str, str]]] = field(default_factory=dict)
    import_polls: int = 1  # how many GETs of a csvimport answer "Importing" before it is "Completed"


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
    def __init__(self, *, api_key: str = "test-key", api_secret: str = "test-secret",
                 lists: set[int] | dict[int, dict[str, Any]] | None = None, senders: dict[str, str] | None = None,
                 fail_at: int | None = None, fail_times: dict[str, Any] | None = None,
                 drop_after: int | None = None, lose_answer_at: int | None = None, hold_after: int | None = None):
        """`lists`: the contact list IDs the account has (or {id: {"Name", "IsDeleted"}}); `senders`: {address
        or "*@domain": status}, None for "every address is an active sender"; `fail_at`, `fail_times` and
        `drop_after`, `lose_answer_at`: see the module's docstring; `hold_after=k`: every write after the k-th
        waits until release() is called (at most 30 s), so a test sees a push while it runs."""
        if lists is None:
            lists = {42}
        if not isinstance(lists, dict):
            lists = {list_id: {"Name": f"List {list_id}", "IsDeleted": False} for list_id in lists}
        self.state = _State(api_key, api_secret, lists, senders, fail_at, dict(fail_times) if fail_times else None,
                            drop_after, lose_answer_at, hold_after)
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
        self.state.released.set()  # a held write ends
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
        if self.thread is not None:
            self.thread.join(timeout=5)

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}/v3/REST"

    def release(self) -> None:
        """Let the writes held by `hold_after` go on."""
        self.state.released.set()

    @property
    def drop_after(self) -> int | None:
        return self.state.drop_after

    @drop_after.setter
    def drop_after(self, value: int | None) -> None:
        with self.state.lock:
            self.state.drop_after = value

    def fail_next(self, status: int, count: int, retry_after: int | str | None = None) -> None:
        with self.state.lock:
            self.state.fail_times = {"status": status, "count": count, "retry_after": retry_after}

    @property
    def requests(self) -> list[Arrived]:
        with self.state.lock:
            return list(self.state.requests)

    def writes(self) -> list[Arrived]:
        """The POSTs and PUTs it answered, in order."""
        return [a for a in self.requests if a.method in ("POST", "PUT") and a.status]

    def ids(self, resource: str) -> list[int]:
        """The IDs of the objects of `resource` created by POST, in order."""
        with self.state.lock:
            return list(self.state.created.get(resource, []))

    def objects(self, resource: str) -> list[dict[str, Any]]:
        with self.state.lock:
            return [dict(o) for o in self.state.objects.get(resource, {}).values()]

    def contacts(self, list_id: int) -> dict[str, dict[str, str]]:
        """The contacts the list holds after its CSV imports, by address, with their properties."""
        with self.state.lock:
            return {email: dict(props) for email, props in self.state.list_contacts.get(list_id, {}).items()}

    def uploads(self) -> list[dict[str, Any]]:
        with self.state.lock:
            return [dict(u) for u in self.state.uploads.values()]

    def content(self, resource: str, object_id: int) -> dict[str, Any] | None:
        with self.state.lock:
            return self.state.contents.get((resource, object_id))


class _Handler(BaseHTTPRequestHandler):
    state: _State
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as they are written, not 40 ms apart

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
        url = urlsplit(self.path)
        path = url.path[len(BASE):] if url.path.startswith(BASE) else url.path
        query = dict(parse_qsl(url.query, keep_blank_values=True))
        body: Any
        if url.path.startswith(DATA):  # the DATA API takes the file's bytes as they are
            body = raw
        else:
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = raw.decode("utf-8", "replace")
        headers: dict[str, str] = {}
        if self.state.hold_after is not None and self.command in ("POST", "PUT"):
            with self.state.lock:
                held = sum(1 for a in self.state.requests if a.method in ("POST", "PUT") and a.status)
            if held >= self.state.hold_after:
                self.state.released.wait(30)
        with self.state.lock:
            state = self.state
            writes = sum(1 for a in state.requests if a.method in ("POST", "PUT") and a.status)
            number = writes + 1 if self.command in ("POST", "PUT") else 0  # the number of this write
            if state.drop_after is not None and writes >= state.drop_after:
                state.requests.append(Arrived(self.command, path, query, self.headers.get("Authorization"),
                                              self.headers.get("Content-Type"), body, 0, {}))
                self.close_connection = True
                self.connection.shutdown(2)  # no answer at all: the client sees the connection break
                return
            try:
                if state.fail_times and state.fail_times.get("count", 0) > 0:
                    state.fail_times["count"] -= 1
                    if state.fail_times.get("retry_after") is not None:
                        headers["Retry-After"] = str(state.fail_times["retry_after"])
                    status = int(state.fail_times["status"])
                    raise Refused("Too many requests" if status == 429 else "Internal server error", "", status)
                status, answer = self._answer(number, path, query, body)
            except Refused as refused:
                status = refused.status
                answer = {"ErrorInfo": refused.info, "ErrorMessage": refused.message, "StatusCode": refused.status}
            state.requests.append(Arrived(
                self.command, path, query, self.headers.get("Authorization"), self.headers.get("Content-Type"),
                body, status, answer,
            ))
            if number and number == state.lose_answer_at:
                self.close_connection = True
                self.connection.shutdown(2)
                return
        payload = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    # --- checks, in the order the API applies them

    def _answer(self, number: int, path: str, query: dict[str, str], body: Any) -> tuple[int, dict[str, Any]]:
        state = self.state
        expected = "Basic " + base64.b64encode(f"{state.api_key}:{state.api_secret}".encode()).decode()
        if self.headers.get("Authorization") != expected:
            raise Refused("API key authentication/authorization failure", "", 401)
        if number and state.fail_at == number:
            raise Refused("The stand-in was told to refuse this request", {"request": number})
        if urlsplit(self.path).path.startswith(DATA):
            return self._data(path, body)
        if not self.path.startswith(BASE):
            raise Refused("Object not found", "", 404)
        if self.command == "GET" and (match := re.fullmatch(r"csvimport/(\d+)", path)):
            return 200, self._import_state(int(match.group(1)))
        if self.command == "GET":
            return 200, self._get(path, query)
        if self.command not in ("POST", "PUT"):
            raise Refused("Method not allowed for this resource", self.command, 405)
        if (self.headers.get("Content-Type") or "").split(";")[0].strip() != "application/json":
            raise Refused("Content type must be application/json")
        if not isinstance(body, dict):
            raise Refused("Request body must be a JSON object")
        if match := re.fullmatch(r"(template|campaigndraft)/(\d+)/detailcontent", path):
            if self.command != "POST":
                raise Refused("Method not allowed for this resource", self.command, 405)
            resource, object_id = match.group(1), int(match.group(2))
            self._existing(resource, object_id)
            self._check_content(body)
            state.contents[(resource, object_id)] = dict(body)
            return 201, {"Count": 1, "Data": [dict(body)], "Total": 1}
        if self.command == "PUT":
            match = re.fullmatch(r"(contactmetadata|contactfilter|template|campaigndraft)/(\d+)", path)
            if match is None:
                raise Refused("Object not found", f"Unknown resource {path!r}", 404)
            resource, object_id = match.group(1), int(match.group(2))
            found = self._existing(resource, object_id)
            self._check(resource, body, updating=object_id)
            found.update(body)
            return 200, {"Count": 1, "Data": [dict(found)], "Total": 1}
        if path == "csvimport" and self.command == "POST":
            return 201, self._csvimport(body)
        if path not in ("contactmetadata", "contactfilter", "template", "campaigndraft"):
            raise Refused("Object not found", f"Unknown resource {path!r}", 404)
        self._check(path, body, updating=None)
        new_id = next(state.counter)
        state.objects.setdefault(path, {})[new_id] = {**body, "ID": new_id}
        state.created.setdefault(path, []).append(new_id)
        return 201, {"Count": 1, "Data": [{**body, "ID": new_id}], "Total": 1}

    def _existing(self, resource: str, object_id: int) -> dict[str, Any]:
        found = self.state.objects.get(resource, {}).get(object_id)
        if found is None:
            raise Refused("Object not found", f"No {resource} with ID {object_id}", 404)
        return found

    # --- reading: one object, or a page of the list

    def _get(self, path: str, query: dict[str, str]) -> dict[str, Any]:
        match = re.fullmatch(r"([a-z]+)(?:/(\d+))?", path)
        if match is None or match.group(1) not in FILTERS:
            raise Refused("Object not found", f"Unknown resource {path!r}", 404)
        resource = match.group(1)
        every = self._all(resource)
        if match.group(2):
            found = [o for o in every if o["ID"] == int(match.group(2))]
            if not found:
                raise Refused("Object not found", "", 404)
            return {"Count": 1, "Data": found, "Total": 1}
        limit, offset = self._paging(query)
        for name, value in query.items():
            if name in ("Limit", "Offset", "Sort"):
                continue
            if name not in FILTERS[resource]:
                raise Refused("Invalid filter", {name: f"{resource} has no filter {name}"})
            every = [o for o in every if self._matches(resource, o, name, value)]
        page = every[offset:offset + limit]
        return {"Count": len(page), "Data": page, "Total": len(page)}

    def _paging(self, query: dict[str, str]) -> tuple[int, int]:
        try:
            limit = int(query.get("Limit", "10"))
            offset = int(query.get("Offset", "0"))
        except ValueError:
            raise Refused("Invalid filter", {"Limit": "Expected a number"}) from None
        if limit < 0 or offset < 0:
            raise Refused("Invalid filter", {"Limit": "Expected a positive number"})
        return (MAX_LIMIT if limit == 0 else min(limit, MAX_LIMIT)), offset

    def _all(self, resource: str) -> list[dict[str, Any]]:
        state = self.state
        if resource == "contactslist":
            return [{"ID": list_id, "Address": f"list{list_id}", "SubscriberCount": 0, **info}
                    for list_id, info in state.lists.items()]
        if resource == "sender":
            senders = state.senders
            if senders is None:  # every address is an active sender: the one asked for is found
                asked = dict(parse_qsl(urlsplit(self.path).query)).get("Email")
                senders = {asked: "Active"} if asked else {}
            return [{"ID": 10_000 + index, "Email": email, "Status": status, "EmailType": "bulk"}
                    for index, (email, status) in enumerate(senders.items())]
        return [dict(o) for o in state.objects.get(resource, {}).values()]

    def _matches(self, resource: str, found: dict[str, Any], name: str, value: str) -> bool:
        if resource == "sender" and name == "Domain":
            return str(found.get("Email", "")).rsplit("@", 1)[-1] == value
        if name in ("ShowDeleted", "OwnerType", "User"):
            return True  # nothing here is deleted or another user's
        field_name = FILTER_FIELDS.get(name, name)
        have = found.get(field_name)
        if isinstance(have, bool):
            return str(have).lower() == value.lower()
        return str(have) == value

    # --- writing: what each resource accepts

    def _check(self, resource: str, body: dict[str, Any], updating: int | None) -> None:
        check = {
            "contactmetadata": self._check_metadata,
            "contactfilter": self._check_filter,
            "template": self._check_template,
            "campaigndraft": self._check_draft,
        }[resource]
        check(body, updating is not None)
        if resource in UNIQUE_NAMES and "Name" in body:
            self._unique_name(resource, body["Name"], updating)

    def _unique_name(self, resource: str, name: str, updating: int | None) -> None:
        fold = (lambda n: n.lower()) if resource == "contactmetadata" else (lambda n: n)
        for object_id, found in self.state.objects.get(resource, {}).items():
            if object_id != updating and fold(str(found.get("Name"))) == fold(name):
                raise Refused(f'MJ18 A {UNIQUE_NAMES[resource]} resource with value "{name}" for Name already exists.')

    def _check_metadata(self, body: dict[str, Any], partial: bool) -> None:
        _require(body, {"Datatype": str, "Name": str, "NameSpace": str},
                 set() if partial else {"Datatype", "Name", "NameSpace"})
        if "Datatype" in body and body["Datatype"] not in {"str", "int", "float", "bool", "datetime"}:
            raise Refused("Object properties invalid", {"Datatype": "Invalid value"})
        if "NameSpace" in body and body["NameSpace"] not in {"static", "historic"}:
            raise Refused("Object properties invalid", {"NameSpace": "Invalid value"})
        if "Name" in body and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", body["Name"]):
            raise Refused("Object properties invalid", {"Name": "Invalid property name"})

    def _check_filter(self, body: dict[str, Any], partial: bool) -> None:
        _require(body, {"Name": str, "Description": str, "Expression": str}, set() if partial else {"Name", "Expression"})
        if "Expression" not in body:
            return
        known = {str(o.get("Name", "")).lower() for o in self.state.objects.get("contactmetadata", {}).values()}
        for name, _value in re.findall(r'\(\s*([A-Za-z_]\w*)\s*=\s*"([^"]*)"\s*\)', body["Expression"]):
            if name.lower() not in known:
                raise Refused("Object properties invalid", {"Expression": f"Unknown contact property {name!r}"})
        if not re.fullmatch(r'\(\s*[A-Za-z_]\w*\s*=\s*"[^"]*"\s*\)', body["Expression"]):
            raise Refused("Object properties invalid", {"Expression": "Invalid expression"})

    def _check_template(self, body: dict[str, Any], partial: bool) -> None:
        _require(
            body,
            {"Name": str, "EditMode": int, "Purposes": list, "Locale": str, "Description": str, "Author": str},
            set() if partial else {"Name"},
        )
        if body.get("EditMode", 4) not in (1, 2, 3, 4):
            raise Refused("Object properties invalid", {"EditMode": "Invalid value"})
        if not partial or "Purposes" in body:
            purposes = body.get("Purposes", [])
            if not purposes or any(p not in PURPOSES for p in purposes):
                raise Refused("Object properties invalid", {"Purposes": "Invalid value"})
        if "Locale" in body and not LOCALE.fullmatch(body["Locale"]):
            raise Refused("Object properties invalid", {"Locale": "Invalid value"})

    def _check_content(self, body: dict[str, Any]) -> None:
        _require(
            body, {"Html-part": str, "Text-part": str, "MJMLContent": str, "Headers": dict}, {"Html-part", "Text-part"}
        )
        headers = body.get("Headers", {})
        _require(headers, {"Subject": str, "From": str, "Reply-to": str}, {"Subject", "From"})
        if not re.fullmatch(r'"(?:[^"\\]|\\.)*" <[^<>@\s]+@[^<>@\s]+>', headers["From"]):
            raise Refused("Object properties invalid", {"From": 'Expected "Name" <address>'})

    def _check_draft(self, body: dict[str, Any], partial: bool) -> None:
        spec = {"Locale": str, "Sender": str, "SenderEmail": str, "SenderName": str, "Subject": str, "Title": str,
                "ContactsListID": int, "SegmentationID": int, "TemplateID": int, "ReplyEmail": str}
        _require(body, spec, set() if partial else {"Locale", "Sender", "SenderEmail", "Subject", "ContactsListID"})
        if "Locale" in body and not LOCALE.fullmatch(body["Locale"]):
            raise Refused("Object properties invalid", {"Locale": "Invalid value"})
        if "ContactsListID" in body and body["ContactsListID"] not in self.state.lists:
            raise Refused("Object properties invalid", {"ContactsListID": "Unknown contacts list"})
        if "SegmentationID" in body and body["SegmentationID"] not in self.state.objects.get("contactfilter", {}):
            raise Refused("Object properties invalid", {"SegmentationID": "Unknown contact filter"})
        if "TemplateID" in body and body["TemplateID"] not in self.state.objects.get("template", {}):
            raise Refused("Object properties invalid", {"TemplateID": "Unknown template"})
        if "SenderEmail" in body and self.state.senders is not None:
            address = body["SenderEmail"]
            domain = "*@" + address.rsplit("@", 1)[-1]
            if "Active" not in (self.state.senders.get(address), self.state.senders.get(domain)):
                raise Refused("Object properties invalid", {"SenderEmail": "Sender is not active"})

    # --- contacts: the DATA API's CSV upload, csvimport and its status

    def _data(self, path: str, body: Any) -> tuple[int, dict[str, Any]]:
        """POST /v3/DATA/contactslist/{id}/CSVData/text:plain with the CSV as the body (text/plain) -> {"ID"}."""
        match = re.fullmatch(r"/v3/DATA/contactslist/(\d+)/CSVData/text:plain", path)
        if match is None or self.command != "POST":
            raise Refused("Object not found", f"Unknown DATA resource {path!r}", 404)
        list_id = int(match.group(1))
        if list_id not in self.state.lists:
            raise Refused("Object not found", f"No contactslist with ID {list_id}", 404)
        if (self.headers.get("Content-Type") or "").split(";")[0].strip() != "text/plain":
            raise Refused("Content type must be text/plain")
        try:
            text = body.decode("utf-8")
        except (AttributeError, UnicodeDecodeError):
            raise Refused("The CSV data must be UTF-8") from None
        if not text.strip():
            raise Refused("The CSV data is empty")
        data_id = next(self.state.counter)
        self.state.uploads[data_id] = {"list": list_id, "csv": text}
        return 200, {"ID": data_id}

    def _csvimport(self, body: dict[str, Any]) -> dict[str, Any]:
        _require(body, {"ContactsListID": int, "DataID": int, "Method": str, "ImportOptions": str},
                 {"ContactsListID", "DataID", "Method"})
        upload = self.state.uploads.get(body["DataID"])
        if upload is None or upload["list"] != body["ContactsListID"]:
            raise Refused("Object properties invalid", {"DataID": "No data uploaded for this contacts list"})
        if body["Method"] not in IMPORT_METHODS:
            raise Refused("Object properties invalid", {"Method": "Invalid value"})
        fields: list[str] | None = None
        if "ImportOptions" in body:
            try:
                options = json.loads(body["ImportOptions"])
            except ValueError:
                raise Refused("Object properties invalid", {"ImportOptions": "Not a JSON string"}) from None
            fields = options.get("FieldNames") if isinstance(options, dict) else None
            if not isinstance(fields, list) or not fields or fields[0] != "email":
                raise Refused("Object properties invalid", {"ImportOptions": "FieldNames must start with email"})
        rows = list(csv.reader(io.StringIO(upload["csv"], newline="")))
        if fields is None:  # without FieldNames the first row names the columns
            fields, rows = rows[0], rows[1:]
        contacts = self.state.list_contacts.setdefault(body["ContactsListID"], {})
        errors = 0
        for row in rows:
            if len(row) != len(fields) or "@" not in row[0]:
                errors += 1
                continue
            contacts[row[0]] = dict(zip(fields, row))
        import_id = next(self.state.counter)
        self.state.imports[import_id] = {**body, "ID": import_id, "Count": len(rows), "Errcount": errors, "polls": 0}
        return {"Count": 1, "Data": [{"ID": import_id, "Status": "Upload", "Count": 0, "Errcount": 0}], "Total": 1}

    def _import_state(self, import_id: int) -> dict[str, Any]:
        found = self.state.imports.get(import_id)
        if found is None:
            raise Refused("Object not found", f"No csvimport with ID {import_id}", 404)
        found["polls"] += 1
        done = found["polls"] > self.state.import_polls
        state = {"ID": import_id, "ContactsListID": found["ContactsListID"], "DataID": found["DataID"],
                 "Method": found["Method"], "Status": "Completed" if done else "Importing",
                 "Count": found["Count"] if done else found["Count"] // 2, "Errcount": found["Errcount"] if done else 0}
        return {"Count": 1, "Data": [state], "Total": 1}
