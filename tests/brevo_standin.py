"""A stand-in for Brevo's API v3 on loopback: checks every request the way the API would and answers like it,
so the Brevo bundle and adapter are tested against real HTTP without ever reaching Brevo.

    standin = BrevoStandIn(api_key="key").start()   # 127.0.0.1, any free port
    ...                              # point BREVO_API_URL at standin.url
    standin.fail(429, times=3, retry_after=1)   # the next three requests answer 429 with Retry-After
    standin.requests[0].body         # every request as it arrived
    standin.stop()

It checks the method and path (an ID in a path must be one it issued), the `api-key` header, the
Content-Type, and each body: field names as Brevo spells them, their types, required values, the sender
(one of the account's senders), the folders and the contact lists. An unresolved "{{ref:...}}" is refused as
Brevo would (not a number). Lists page with limit/offset (GET /contacts/folders and a folder's lists up to 50,
GET /smtp/templates up to 1000, GET /emailCampaigns up to 100) in the order asked (`sort`, newest first by
default). Like Brevo, it refuses a second contact attribute of one name (400 duplicate_parameter) but takes
two folders, lists, templates or campaigns of one name (Brevo's reference documents no uniqueness for them),
so only looking up by name keeps a second push from making duplicates.
Errors are Brevo's document {"code": ..., "message": ...}.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

BASE = "/v3/"
ATTRIBUTE_CATEGORIES = {"normal", "transactional", "category", "calculated", "global"}
NORMAL_TYPES = {"text", "date", "float", "boolean", "multiple-choice"}
# The attributes every new Brevo account has.
DEFAULT_ATTRIBUTES = ({"name": "FIRSTNAME", "category": "normal", "type": "text"},
                      {"name": "LASTNAME", "category": "normal", "type": "text"},
                      {"name": "SMS", "category": "normal", "type": "text"})
SENDER = {"name": str, "email": str, "id": int}
TEMPLATE = {"tag": str, "sender": dict, "templateName": str, "htmlContent": str, "htmlUrl": str, "subject": str,
            "replyTo": str, "toField": str, "attachmentUrl": str, "isActive": bool}
RECIPIENTS = {"listIds": list, "segmentIds": list, "exclusionListIds": list, "exclusionSegmentIds": list}
CAMPAIGN = {"tag": str, "sender": dict, "name": str, "htmlContent": str, "htmlUrl": str, "templateId": int,
            "scheduledAt": str, "subject": str, "previewText": str, "replyTo": str, "toField": str,
            "recipients": dict, "attachmentUrl": str, "inlineImageActivation": bool, "mirrorActive": bool,
            "footer": str, "header": str, "utmCampaign": str, "params": dict}


@dataclass(frozen=True)
class Arrived:
    """One request as the stand-in received it, and what it answered."""

    method: str
    path: str  # below /v3/, without the query
    params: dict[str, str]  # the query string's parameters
    api_key: str | None
    content_type: str | None
    body: Any
    status: int
    answer: Any


class Refused(Exception):
    def __init__(self, message: str, code: str = "invalid_parameter", status: int = 400,
                 headers: dict[str, str] | None = None):
        super().__init__(message)
        self.message, self.code, self.status, self.headers = message, code, status, headers or {}


@dataclass
class _Failure:
    status: int
    times: int
    retry_after: int | None
    path: str | None  # only requests below this path, else any


@dataclass
class _State:
    api_key: str
    senders: list[dict[str, Any]]
    lists: dict[int, dict[str, Any]]  # {"name", "folderId"} by list ID
    attributes: list[dict[str, Any]]
    folders: dict[int, dict[str, Any]] = field(default_factory=dict)
    templates: dict[int, dict[str, Any]] = field(default_factory=dict)
    campaigns: dict[int, dict[str, Any]] = field(default_factory=dict)
    failures: list[_Failure] = field(default_factory=list)
    requests: list[Arrived] = field(default_factory=list)
    # IDs start far from 1 and step by 3, so nothing can assume they count from one.
    counter: itertools.count = field(default_factory=lambda: itertools.count(3_001, 3))
    lock: threading.Lock = field(default_factory=threading.Lock)
    # POST contacts/import: each list's contacts by address with their attributes, and every import's body
    list_contacts: dict[int, dict[str, dict[str, str]]] = field(default_factory=dict)
    imports: list[dict[str, Any]] = field(default_factory=list)


def _check(body: Any, spec: dict[str, type], required: set[str], where: str = "") -> None:
    """Brevo's field checks: no unknown field, the required ones present, each of its type."""
    if not isinstance(body, dict):
        raise Refused(f"{where or 'body'} must be an object")
    for name in sorted(set(body) - set(spec)):
        raise Refused(f"{where}{name} is not a valid parameter")
    for name in sorted(required):
        if body.get(name) in (None, ""):
            raise Refused(f"{where}{name} is missing", "missing_parameter")
    for name, value in body.items():
        expected = spec[name]
        if isinstance(value, bool) != (expected is bool) or not isinstance(value, expected):
            raise Refused(f"{where}{name} should be of type {expected.__name__}")


class BrevoStandIn:
    def __init__(self, *, api_key: str = "test-brevo-key", senders: list[dict[str, Any]] | None = None,
                 attributes: list[dict[str, Any]] | None = None):
        """`senders`: the account's senders ({name, email, active}); `attributes`: its contact attributes
        (Brevo's defaults unless given). Folders and lists are seeded with seed("folders"/"lists", body)."""
        if senders is None:
            senders = [{"name": "Maya", "email": "maya@example.com", "active": True}]
        self.state = _State(
            api_key,
            [{"id": index + 1, "ips": [], **sender} for index, sender in enumerate(senders)],
            {},
            [dict(a) for a in (DEFAULT_ATTRIBUTES if attributes is None else attributes)],
        )
        self.server: ThreadingHTTPServer | None = None
        self.thread: threading.Thread | None = None

    # --- lifecycle

    def start(self) -> BrevoStandIn:
        state = self.state

        class Handler(_Handler):
            pass

        Handler.state = state
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server = self.server
        self.thread = threading.Thread(target=lambda: server.serve_forever(poll_interval=0.02),
                                       name="brevo-standin", daemon=True)
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
        return f"http://127.0.0.1:{self.server.server_address[1]}/v3"

    # --- telling it what to do, and what it holds

    def fail(self, status: int, *, times: int = 1, retry_after: int | None = None, path: str | None = None) -> None:
        """Answer the next `times` requests (below `path`, when given) with `status` (429 or a 5xx)."""
        with self.state.lock:
            self.state.failures.append(_Failure(status, times, retry_after, path))

    def seed(self, resource: str, body: dict[str, Any]) -> int:
        """Put a folder, list, template or email campaign into the account, as if made in Brevo's pages; its ID."""
        with self.state.lock:
            new_id = next(self.state.counter)
            getattr(self.state, resource)[new_id] = dict(body)
            return new_id

    @property
    def requests(self) -> list[Arrived]:
        with self.state.lock:
            return list(self.state.requests)

    def contacts(self, list_id: int) -> dict[str, dict[str, str]]:
        """The contacts POST contacts/import put in the list, by address, with their attributes."""
        with self.state.lock:
            return {email: dict(a) for email, a in self.state.list_contacts.get(list_id, {}).items()}

    def writes(self) -> list[Arrived]:
        """The requests that changed something: POST and PUT that were answered 2xx."""
        return [r for r in self.requests if r.method in ("POST", "PUT") and 200 <= r.status < 300]

    @property
    def templates(self) -> dict[int, dict[str, Any]]:
        with self.state.lock:
            return {k: dict(v) for k, v in self.state.templates.items()}

    @property
    def campaigns(self) -> dict[int, dict[str, Any]]:
        with self.state.lock:
            return {k: dict(v) for k, v in self.state.campaigns.items()}

    @property
    def folders(self) -> dict[int, dict[str, Any]]:
        with self.state.lock:
            return {k: dict(v) for k, v in self.state.folders.items()}

    @property
    def lists(self) -> dict[int, dict[str, Any]]:
        with self.state.lock:
            return {k: dict(v) for k, v in self.state.lists.items()}

    @property
    def attributes(self) -> list[dict[str, Any]]:
        with self.state.lock:
            return [dict(a) for a in self.state.attributes]


class _Handler(BaseHTTPRequestHandler):
    state: _State
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        pass

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_PUT(self) -> None:
        self._handle()

    def do_DELETE(self) -> None:
        self._handle()

    def do_PATCH(self) -> None:
        self._handle()

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        url = urlsplit(self.path)
        path = url.path[len(BASE):] if url.path.startswith(BASE) else url.path
        query = {key: values[-1] for key, values in parse_qs(url.query).items()}
        try:
            body: Any = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", "replace")
        headers: dict[str, str] = {}
        with self.state.lock:
            try:
                status, answer = self._answer(url.path, path, query, body, raw)
            except Refused as refused:
                status, answer, headers = refused.status, {"code": refused.code, "message": refused.message}, \
                    refused.headers
            self.state.requests.append(Arrived(self.command, path, query, self.headers.get("api-key"),
                                               self.headers.get("Content-Type"), body, status, answer))
        payload = b"" if answer is None else json.dumps(answer).encode()
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if payload:
            self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    # --- checks, in the order the API applies them

    def _answer(self, full_path: str, path: str, query: dict[str, str], body: Any, raw: bytes) -> tuple[int, Any]:
        state = self.state
        if self.headers.get("api-key") != state.api_key:
            raise Refused("Key not found", "unauthorized", 401)
        for failure in state.failures:
            if failure.times > 0 and (failure.path is None or path.startswith(failure.path)):
                failure.times -= 1
                extra = {"Retry-After": str(failure.retry_after)} if failure.retry_after is not None else {}
                if failure.status == 429:
                    raise Refused("Too many requests", "too_many_requests", 429,
                                  {**extra, "x-sib-ratelimit-reset": str(failure.retry_after or 1)})
                raise Refused("Internal server error", "internal_error", failure.status, extra)
        if not full_path.startswith(BASE):
            raise Refused("Not found", "document_not_found", 404)
        if self.command in ("POST", "PUT"):
            if (self.headers.get("Content-Type") or "").split(";")[0].strip() != "application/json":
                raise Refused("Content-Type must be application/json", "bad_request")
            if not isinstance(body, dict):
                raise Refused("Input must be a JSON object", "bad_request")
        route = self._route(path)
        if route is None:
            raise Refused(f"Invalid path /v3/{path}", "document_not_found", 404)
        handlers, args = route
        handler = handlers.get(self.command)
        if handler is None:
            raise Refused(f"{self.command} is not allowed on /v3/{path}", "method_not_allowed", 405)
        return handler(query, body, *args)

    def _route(self, path: str) -> tuple[dict[str, Any], tuple[Any, ...]] | None:
        table: list[tuple[str, dict[str, Any]]] = [
            (r"senders", {"GET": self._get_senders}),
            (r"contacts/folders", {"GET": self._list_folders, "POST": self._create_folder}),
            (r"contacts/folders/(\d+)/lists", {"GET": self._list_folder_lists}),
            (r"contacts/lists", {"POST": self._create_list}),
            (r"contacts/import", {"POST": self._import_contacts}),
            (r"contacts/lists/(\d+)", {"GET": self._get_list}),
            (r"contacts/attributes", {"GET": self._get_attributes}),
            (r"contacts/attributes/([^/]+)/([^/]+)", {"POST": self._create_attribute}),
            (r"smtp/templates", {"GET": self._list_templates, "POST": self._create_template}),
            (r"smtp/templates/(\d+)", {"GET": self._get_template, "PUT": self._update_template}),
            (r"emailCampaigns", {"GET": self._list_campaigns, "POST": self._create_campaign}),
            (r"emailCampaigns/(\d+)", {"GET": self._get_campaign, "PUT": self._update_campaign}),
        ]
        for pattern, handlers in table:
            if match := re.fullmatch(pattern, path):
                return handlers, match.groups()
        if re.fullmatch(r"(contacts/lists|contacts/folders|smtp/templates|emailCampaigns)/[^/]+(/lists)?", path):
            raise Refused("id should be of type integer", "invalid_parameter")  # e.g. an unresolved ref
        return None

    # --- the account

    def _get_senders(self, query: dict[str, str], body: Any) -> tuple[int, Any]:
        return 200, {"senders": [dict(s) for s in self.state.senders]}

    def _get_list(self, query: dict[str, str], body: Any, list_id: str) -> tuple[int, Any]:
        found = self.state.lists.get(int(list_id))
        if found is None:
            raise Refused("List ID does not exist", "document_not_found", 404)
        return 200, {"id": int(list_id), **found, "totalBlacklisted": 0, "totalSubscribers": 0,
                     "uniqueSubscribers": 0, "createdAt": "2026-01-05T10:00:00.000Z"}

    # --- folders and lists

    def _list_folders(self, query: dict[str, str], body: Any) -> tuple[int, Any]:
        return self._paged(query, self.state.folders, "folders", 50, set())

    def _create_folder(self, query: dict[str, str], body: Any) -> tuple[int, Any]:
        _check(body, {"name": str}, {"name"})
        new_id = next(self.state.counter)
        self.state.folders[new_id] = {"name": body["name"]}
        return 201, {"id": new_id}

    def _list_folder_lists(self, query: dict[str, str], body: Any, folder_id: str) -> tuple[int, Any]:
        if int(folder_id) not in self.state.folders:
            raise Refused("Folder ID does not exist", "document_not_found", 404)
        inside = {k: v for k, v in self.state.lists.items() if v["folderId"] == int(folder_id)}
        return self._paged(query, inside, "lists", 50, set())

    def _create_list(self, query: dict[str, str], body: Any) -> tuple[int, Any]:
        _check(body, {"name": str, "folderId": int}, {"name", "folderId"})
        if body["folderId"] not in self.state.folders:
            raise Refused("Folder ID does not exist", "document_not_found", 404)
        new_id = next(self.state.counter)
        self.state.lists[new_id] = {"name": body["name"], "folderId": body["folderId"]}
        return 201, {"id": new_id}

    def _import_contacts(self, query: dict[str, str], body: Any) -> tuple[int, Any]:
        """POST /v3/contacts/import {fileBody: CSV with ";" and a header of attribute names (EMAIL first), listIds,
        updateExistingContacts, emptyContactsAttributes} -> 202 {"processId"}, as Brevo's docs describe it."""
        _check(body, {"fileBody": str, "fileUrl": str, "jsonBody": list, "listIds": list, "notifyUrl": str,
                      "newList": dict, "emailBlacklist": bool, "smsBlacklist": bool, "updateExistingContacts": bool,
                      "emptyContactsAttributes": bool}, set())
        if not body.get("fileBody"):
            raise Refused("fileBody is missing", "missing_parameter")
        if len(body["fileBody"].encode("utf-8")) > 10 * 1024 * 1024:
            raise Refused("fileBody is larger than 10 MB; use fileUrl", "invalid_parameter")
        lists = body.get("listIds") or []
        if not lists or not all(isinstance(i, int) and not isinstance(i, bool) for i in lists):
            raise Refused("listIds should be a list of integers", "invalid_parameter")
        for list_id in lists:
            if list_id not in self.state.lists:
                raise Refused(f"List ID {list_id} does not exist", "document_not_found", 404)
        rows = list(csv.reader(io.StringIO(body["fileBody"], newline=""), delimiter=";"))
        if not rows or rows[0][:1] != ["EMAIL"]:
            raise Refused("fileBody should start with a header whose first column is EMAIL", "invalid_parameter")
        known = {a["name"] for a in self.state.attributes} | {"EMAIL"}
        unknown = [name for name in rows[0] if name not in known]
        if unknown:
            raise Refused(f"Unknown attributes {unknown}: create them first", "invalid_parameter")
        for list_id in lists:
            contacts = self.state.list_contacts.setdefault(list_id, {})
            for row in rows[1:]:
                contacts[row[0]] = dict(zip(rows[0], row))
        self.state.imports.append(dict(body))
        return 202, {"processId": next(self.state.counter)}

    def _sender(self, sender: Any, where: str) -> None:
        _check(sender, SENDER, set(), where)
        if "id" not in sender and not sender.get("email"):
            raise Refused(f"{where}email is missing", "missing_parameter")
        known = [s for s in self.state.senders if s["email"].lower() == str(sender.get("email", "")).lower()
                 or s["id"] == sender.get("id")]
        if not known:
            raise Refused("Sender is invalid / inactive")
        if not known[0]["active"]:
            raise Refused("Sender is invalid / inactive")

    def _paged(self, query: dict[str, str], items: dict[int, dict[str, Any]], key: str, largest: int,
               extra: set[str]) -> tuple[int, Any]:
        for name in set(query) - {"limit", "offset", "sort", *extra}:
            raise Refused(f"{name} is not a valid parameter")
        try:
            limit, offset = int(query.get("limit", 50)), int(query.get("offset", 0))
        except ValueError:
            raise Refused("limit and offset should be of type integer") from None
        if not 0 <= limit <= largest or offset < 0:
            raise Refused(f"limit should be between 0 and {largest}", "out_of_range")
        if query.get("sort", "desc") not in ("asc", "desc"):
            raise Refused("sort should be asc or desc")
        ordered = sorted(items.items(), reverse=query.get("sort", "desc") == "desc")
        page = [{"id": item_id, **self._overview(body, query)} for item_id, body in ordered[offset:offset + limit]]
        if not items:
            return 200, {"count": 0}  # Brevo leaves the list out when the account has none
        return 200, {key: page, "count": len(items)}

    @staticmethod
    def _overview(body: dict[str, Any], query: dict[str, str]) -> dict[str, Any]:
        shown = {("name" if key == "templateName" else key): value for key, value in body.items()}
        if query.get("excludeHtmlContent") == "true":
            shown["htmlContent"] = ""
        return shown

    # --- contact attributes

    def _get_attributes(self, query: dict[str, str], body: Any) -> tuple[int, Any]:
        return 200, {"attributes": [dict(a) for a in self.state.attributes]}

    def _create_attribute(self, query: dict[str, str], body: Any, category: str, name: str) -> tuple[int, Any]:
        if category not in ATTRIBUTE_CATEGORIES:
            raise Refused(f"attributeCategory should be one of {sorted(ATTRIBUTE_CATEGORIES)}")
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", name):
            raise Refused("Attribute name should contain only alphanumeric characters and underscores")
        _check(body, {"type": str, "value": str, "isRecurring": bool, "enumeration": list,
                      "multiCategoryOptions": list}, {"type"} if category == "normal" else set())
        if category == "normal" and body["type"] not in NORMAL_TYPES:
            raise Refused(f"type should be one of {sorted(NORMAL_TYPES)}")
        if any(a["name"] == name.upper() for a in self.state.attributes):
            raise Refused("Attribute name already exists", "duplicate_parameter")
        self.state.attributes.append({"name": name.upper(), "category": category, "type": body.get("type")})
        return 201, None

    # --- templates

    def _template_body(self, body: dict[str, Any], *, creating: bool) -> None:
        _check(body, TEMPLATE, {"templateName", "subject", "sender"} if creating else set())
        if "sender" in body:
            self._sender(body["sender"], "sender.")
        if creating and not body.get("htmlContent") and not body.get("htmlUrl"):
            raise Refused("htmlContent or htmlUrl is missing", "missing_parameter")

    def _create_template(self, query: dict[str, str], body: Any) -> tuple[int, Any]:
        self._template_body(body, creating=True)
        new_id = next(self.state.counter)
        self.state.templates[new_id] = {"isActive": False, **body}
        return 201, {"id": new_id}

    def _list_templates(self, query: dict[str, str], body: Any) -> tuple[int, Any]:
        return self._paged(query, self.state.templates, "templates", 1000, {"templateStatus"})

    def _get_template(self, query: dict[str, str], body: Any, template_id: str) -> tuple[int, Any]:
        found = self.state.templates.get(int(template_id))
        if found is None:
            raise Refused("Template ID does not exist", "document_not_found", 404)
        return 200, {"id": int(template_id), **self._overview(found, query)}

    def _update_template(self, query: dict[str, str], body: Any, template_id: str) -> tuple[int, Any]:
        if int(template_id) not in self.state.templates:
            raise Refused("Template ID does not exist", "document_not_found", 404)
        self._template_body(body, creating=False)
        self.state.templates[int(template_id)].update(body)
        return 204, None

    # --- email campaigns

    def _campaign_body(self, body: dict[str, Any], *, creating: bool) -> None:
        _check(body, CAMPAIGN, {"name", "sender", "subject"} if creating else set())
        if "sender" in body:
            self._sender(body["sender"], "sender.")
        if creating and not any(body.get(k) for k in ("htmlContent", "htmlUrl", "templateId")):
            raise Refused("htmlContent, htmlUrl or templateId is missing", "missing_parameter")
        if "templateId" in body and body["templateId"] not in self.state.templates:
            raise Refused("Template ID does not exist", "document_not_found", 404)
        if "recipients" in body:
            recipients = body["recipients"]
            _check(recipients, RECIPIENTS, set(), "recipients.")
            for key in ("listIds", "exclusionListIds"):
                for list_id in recipients.get(key, []):
                    if isinstance(list_id, bool) or not isinstance(list_id, int):
                        raise Refused(f"recipients.{key} should be a list of integers")
                    if list_id not in self.state.lists:
                        raise Refused(f"List ID {list_id} does not exist", "document_not_found", 404)
            if creating and not recipients.get("listIds") and not recipients.get("segmentIds"):
                raise Refused("recipients.listIds or recipients.segmentIds is missing", "missing_parameter")

    def _create_campaign(self, query: dict[str, str], body: Any) -> tuple[int, Any]:
        self._campaign_body(body, creating=True)
        new_id = next(self.state.counter)
        self.state.campaigns[new_id] = {**body, "status": "draft", "type": "classic"}
        return 201, {"id": new_id}

    def _list_campaigns(self, query: dict[str, str], body: Any) -> tuple[int, Any]:
        return self._paged(query, self.state.campaigns, "campaigns", 100,
                           {"type", "status", "statistics", "startDate", "endDate", "excludeHtmlContent"})

    def _get_campaign(self, query: dict[str, str], body: Any, campaign_id: str) -> tuple[int, Any]:
        found = self.state.campaigns.get(int(campaign_id))
        if found is None:
            raise Refused("Campaign ID does not exist", "document_not_found", 404)
        return 200, {"id": int(campaign_id), **found}

    def _update_campaign(self, query: dict[str, str], body: Any, campaign_id: str) -> tuple[int, Any]:
        found = self.state.campaigns.get(int(campaign_id))
        if found is None:
            raise Refused("Campaign ID does not exist", "document_not_found", 404)
        if found["status"] == "sent":
            raise Refused("Campaign has already been sent", "campaign_sent")
        self._campaign_body(body, creating=False)
        found.update(body)
        return 204, None
