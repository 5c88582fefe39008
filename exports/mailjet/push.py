"""Replays a Mailjet bundle against the API: each request in order, refs filled from earlier answers.

Plain urllib: Basic auth with the API key and secret, JSON both ways, no redirects followed (the
credentials go to the configured API and nowhere else). The first error stops the replay; the error
names the request, and carries what was created before it so the user can clean up or carry on.
"""

from __future__ import annotations

import base64
import json
import re
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask_babel import gettext as _, lazy_gettext as _l, ngettext

from journeymail.http import UnreadableJSON, read_json

from .bundle import FORMAT, REF, VERSION

# The requests a bundle may hold: what build_bundle writes, and nothing else is ever sent.
ALLOWED = [
    re.compile(r"contactmetadata|contactfilter|template|campaigndraft"),
    re.compile(r"(template|campaigndraft)/(\{\{ref:[A-Za-z0-9_.-]+\}\}|\d+)/detailcontent"),
]
NOUNS = {
    "contactmetadata": "contact property",
    "contactfilter": "segment filter",
    "template": "template",
    "campaigndraft": "campaign draft",
}
# A count of each resource as a summary says it, in the request's language.
COUNTED: dict[str, Callable[[int], str]] = {
    "contactmetadata": lambda n: ngettext("%(num)d contact property", "%(num)d contact properties", n),
    "contactfilter": lambda n: ngettext("%(num)d segment filter", "%(num)d segment filters", n),
    "template": lambda n: ngettext("%(num)d template", "%(num)d templates", n),
    "campaigndraft": lambda n: ngettext("%(num)d campaign draft", "%(num)d campaign drafts", n),
}
CREDENTIALS_MISSING = _l(
    "Pushing to Mailjet needs an API key: set MAILJET_API_KEY and MAILJET_API_SECRET in the server's "
    "environment (Mailjet: Account settings > REST API keys) and restart Journeymail."
)


class PushError(Exception):
    """The push stopped; `created` lists what exists in Mailjet from this push all the same."""

    def __init__(self, message: str, created: list[Created] | None = None):
        super().__init__(message)
        self.message = message
        self.created = created or []


class BundleError(PushError):
    """The file is not a bundle this version can replay; nothing was sent."""


@dataclass(frozen=True)
class Created:
    """One request that Mailjet accepted."""

    index: int  # 1-based position in the bundle
    method: str
    path: str  # with refs resolved
    ref: str | None
    id: int | None
    name: str | None  # the Name or Title it was created with, for people

    def describe(self) -> str:
        resource = self.path.split("/")[0]
        noun = NOUNS.get(resource, resource)
        if self.path.endswith("/detailcontent"):
            return f"Added the content to {noun} {self.path.split('/')[1]}"
        label = f' "{self.name}"' if self.name else ""
        return f"Created {noun}{label} (ID {self.id})"


def summary(created: list[Created]) -> str:
    """e.g. '2 contact properties, 3 segment filters, 26 templates and 7 campaign drafts'."""
    counts = Counter(c.path for c in created if "/" not in c.path)
    parts = []
    for resource in NOUNS:
        if count := counts.get(resource):
            parts.append(COUNTED[resource](count))
    if not parts:
        return _("nothing")
    if len(parts) == 1:
        return parts[0]
    return _("%(first)s and %(last)s", first=", ".join(parts[:-1]), last=parts[-1])


# --- reading and checking a bundle -------------------------------------------------------


def load_bundle(text: str | bytes) -> dict[str, Any]:
    """Parse and check a bundle file; raises BundleError saying what is wrong with it."""
    try:
        bundle = read_json(text)
    except UnreadableJSON as error:
        raise BundleError(f"The file is not a JSON document: {error.reason}.") from None
    check_bundle(bundle)
    return bundle


def check_bundle(bundle: Any, inputs: Mapping[str, int] | None = None) -> None:
    """Refuse anything but a well-formed bundle whose refs each name an earlier request or an input."""
    if not isinstance(bundle, dict) or bundle.get("format") != FORMAT:
        raise BundleError(f'This is not a Journeymail Mailjet bundle (expected "format": "{FORMAT}").')
    if bundle.get("version") != VERSION:
        raise BundleError(
            f"This bundle has version {bundle.get('version')!r}; this Journeymail replays version {VERSION}."
        )
    requests = bundle.get("requests")
    if not isinstance(requests, list):
        raise BundleError('The bundle has no "requests" list.')
    known = set(bundle.get("inputs") or {}) | set(inputs or {})
    for index, request in enumerate(requests, 1):
        where = f"Request {index}"
        if not isinstance(request, dict) or set(request) - {"method", "path", "body", "ref"}:
            raise BundleError(f"{where} is not an object with method, path, body and an optional ref.")
        method, path, body, name = request.get("method"), request.get("path"), request.get("body"), request.get("ref")
        if method not in ("POST", "PUT") or not isinstance(path, str) or not isinstance(body, dict):
            raise BundleError(f"{where} needs a method (POST or PUT), a path and a JSON object as body.")
        if not any(pattern.fullmatch(path) for pattern in ALLOWED):
            raise BundleError(f"{where} goes to {path!r}, which a Mailjet bundle never does.")
        for used in _refs_in(request):
            if used not in known:
                raise BundleError(f"{where} uses {{{{ref:{used}}}}}, which no earlier request creates.")
        if name is not None:
            if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9_.-]+", name) or name in known:
                raise BundleError(f"{where} has a ref that is not a new name: {name!r}.")
            known.add(name)


def _refs_in(request: dict[str, Any]) -> list[str]:
    found = REF.findall(request["path"])
    for key, value in request["body"].items():
        if isinstance(value, str) and key.endswith("ID") and (match := REF.fullmatch(value)):
            found.append(match.group(1))
    return found


# --- replaying it ------------------------------------------------------------------------


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a redirect becomes an HTTPError: the credentials never travel elsewhere


def _opener(api_url: str) -> urllib.request.OpenerDirector:
    host = urlsplit(api_url).hostname or ""
    handlers: list[Any] = [_NoRedirects()]
    if host in ("127.0.0.1", "::1", "localhost"):
        handlers.append(urllib.request.ProxyHandler({}))  # a local stand-in is never behind a proxy
    return urllib.request.build_opener(*handlers)


def push(
    bundle: dict[str, Any],
    *,
    api_url: str,
    api_key: str | None,
    api_secret: str | None,
    inputs: Mapping[str, int],
    timeout: float = 30.0,
    on_created: Callable[[Created], None] | None = None,
) -> list[Created]:
    """Send every request of the bundle in order; stop at the first error (PushError)."""
    if not api_key or not api_secret:
        raise PushError(str(CREDENTIALS_MISSING))
    check_bundle(bundle, inputs)
    ids: dict[str, int] = dict(inputs)
    names: dict[str, str] = {}  # ref -> the Name or Title it was created with, to name later requests
    created: list[Created] = []
    requests = bundle["requests"]
    opener = _opener(api_url)
    auth = "Basic " + base64.b64encode(f"{api_key}:{api_secret}".encode()).decode("ascii")
    for index, request in enumerate(requests, 1):
        path, body = _resolved(request, ids)
        name = body.get("Name") or body.get("Title")
        name = name if isinstance(name, str) else None
        parent = next((names[r] for r in REF.findall(request["path"]) if r in names), None)
        label = f'"{name}"' if name else (_("content of %(parent)s", parent=parent) if parent else None)
        where = f'{request["method"]} {path}' + (f", {label}" if label else "")
        what = _("request %(index)d of %(count)d (%(where)s)", index=index, count=len(requests), where=where)
        answer = _send(opener, api_url, request["method"], path, body, auth, timeout, what, created)
        new_id = None
        if request.get("ref"):
            new_id = _id_in(answer, what, created)
            ids[request["ref"]] = new_id
            if name:
                names[request["ref"]] = f'"{name}"'
        done = Created(index, request["method"], path, request.get("ref"), new_id, name)
        created.append(done)
        if on_created:
            on_created(done)
    return created


def _resolved(request: dict[str, Any], ids: Mapping[str, int]) -> tuple[str, dict[str, Any]]:
    """The request's path and body with each ref replaced by the ID it stands for."""
    path = REF.sub(lambda m: str(ids[m.group(1)]), request["path"])
    body = {}
    for key, value in request["body"].items():
        match = REF.fullmatch(value) if isinstance(value, str) and key.endswith("ID") else None
        body[key] = ids[match.group(1)] if match else value
    return path, body


def _send(
    opener: urllib.request.OpenerDirector, api_url: str, method: str, path: str, body: dict[str, Any],
    auth: str, timeout: float, what: str, created: list[Created],
) -> Any:
    url = api_url.rstrip("/") + "/" + path
    http_request = urllib.request.Request(
        url,
        data=json.dumps(body).encode("utf-8"),
        method=method,
        headers={"Authorization": auth, "Content-Type": "application/json", "Accept": "application/json",
                 "User-Agent": "Journeymail"},
    )
    try:
        with opener.open(http_request, timeout=timeout) as response:
            raw = response.read()
    except urllib.error.HTTPError as error:
        raise PushError(_("Mailjet refused %(what)s: %(reason)s", what=what, reason=_error_text(error)),
                        created) from None
    except urllib.error.URLError as error:
        raise PushError(_("Could not reach the Mailjet API at %(url)s for %(what)s: %(reason)s.", url=api_url,
                          what=what, reason=error.reason), created) from None
    except TimeoutError:
        raise PushError(_("The Mailjet API at %(url)s did not answer %(what)s within %(seconds)s s.", url=api_url,
                          what=what, seconds=f"{timeout:g}"), created) from None
    except OSError as error:  # the connection broke mid-answer
        raise PushError(_("The connection to the Mailjet API broke during %(what)s: %(reason)s.", what=what,
                          reason=error), created) from None
    try:
        return json.loads(raw)
    except ValueError:
        raise PushError(_("Mailjet answered %(what)s with something that is not JSON.", what=what), created) from None


def _error_text(error: urllib.error.HTTPError) -> str:
    """Mailjet's error document ({"ErrorMessage", "ErrorInfo", "StatusCode"}) as one sentence."""
    status = f"{error.code} {error.reason}".strip()
    try:
        document = json.loads(error.read() or b"null")
    except (ValueError, OSError):
        document = None
    if not isinstance(document, dict):
        return f"HTTP {status}."
    message = str(document.get("ErrorMessage") or "").strip()
    info = document.get("ErrorInfo")
    info_text = json.dumps(info, ensure_ascii=False) if isinstance(info, (dict, list)) else str(info or "").strip()
    details = message + (f" ({info_text})" if info_text else "")
    return f"HTTP {status}: {details}" if details else f"HTTP {status}."


def _id_in(answer: Any, what: str, created: list[Created]) -> int:
    """The ID Mailjet gave the new object: {"Count": 1, "Data": [{"ID": ...}], "Total": 1}."""
    try:
        value = answer["Data"][0]["ID"]
    except (KeyError, IndexError, TypeError):
        value = None
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise PushError(
            _("Mailjet's answer to %(what)s holds no ID, so the requests after it cannot refer to it.", what=what),
            created,
        )
    return value
