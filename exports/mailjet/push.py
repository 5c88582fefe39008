"""Reading and checking a Mailjet bundle file, and how a push's outcome is told (the summary, the nouns).

The push itself is the shared replay engine (exports/esp/replay.py) with the Mailjet adapter
(exports/esp/mailjet.py); this module says what a well-formed bundle is and how its objects are called.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from flask_babel import lazy_gettext as _l, ngettext

from exports.esp.base import PushError, Step
from journeymail.http import UnreadableJSON, read_json
from journeymail.text import listed

from .bundle import FORMAT, REF, REPLAYED_VERSIONS, VERSION

# The requests a bundle may hold: what build_bundle writes, and nothing else is ever sent.
ALLOWED = [
    re.compile(r"contactmetadata|contactfilter|template|campaigndraft"),
    re.compile(r"(template|campaigndraft)/(\{\{ref:[A-Za-z0-9_.-]+\}\}|\d+)/detailcontent"),
]
NOUNS = {  # each resource as people call it, in the request's language
    "contactmetadata": _l("contact property"),
    "contactfilter": _l("segment filter"),
    "template": _l("template"),
    "campaigndraft": _l("campaign draft"),
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


class BundleError(PushError):
    """The file is not a bundle this version can replay; nothing was sent."""


def summary(steps: Iterable[Step], outcome: str | None = None) -> str:
    """e.g. '2 contact properties, 3 segment filters, 26 templates and 7 campaign drafts': the objects among
    `steps` (those with an outcome of `outcome`, when given); content requests are not counted."""
    counts = Counter(s.path.split("/")[0] for s in steps if s.ref is not None and outcome in (None, s.outcome))
    parts = []
    for resource in NOUNS:
        if count := counts.get(resource):
            parts.append(COUNTED[resource](count))
    return listed(parts)


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
    if bundle.get("version") == 1:
        raise BundleError(
            "This bundle has version 1, from an earlier Journeymail: its requests carry no names to look "
            "Mailjet's objects up by, so pushing it again would create everything again. Export the campaign "
            f"again (flask --app wsgi export mailjet ID -o FILE) and push the new file (version {VERSION})."
        )
    if bundle.get("version") not in REPLAYED_VERSIONS:
        raise BundleError(
            f"This bundle has version {bundle.get('version')!r}; this Journeymail replays versions "
            f"{', '.join(map(str, REPLAYED_VERSIONS))}."
        )
    requests = bundle.get("requests")
    if not isinstance(requests, list):
        raise BundleError('The bundle has no "requests" list.')
    known = set(bundle.get("inputs") or {}) | set(inputs or {})
    names: set[tuple[str, str]] = set()  # (resource, name) of every creating request
    for index, request in enumerate(requests, 1):
        where = f"Request {index}"
        if not isinstance(request, dict) or set(request) - {"method", "path", "body", "ref", "name"}:
            raise BundleError(f"{where} is not an object with method, path, body and an optional ref and name.")
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
            _check_name(where, request, names)


def _check_name(where: str, request: dict[str, Any], names: set[tuple[str, str]]) -> None:
    """A creating request names its object, once per kind: the push looks it up by that name."""
    name = request.get("name")
    if not isinstance(name, str) or not name.strip():
        raise BundleError(f"{where} creates something but has no name to look it up by in Mailjet.")
    key = (request["path"], name.lower() if request["path"] == "contactmetadata" else name)
    if key in names:
        raise BundleError(f"{where} has the name {name!r}, which an earlier {NOUNS.get(request['path'], 'object')} has.")
    names.add(key)


def _refs_in(request: dict[str, Any]) -> list[str]:
    found = REF.findall(request["path"])
    for key, value in request["body"].items():
        if isinstance(value, str) and key.endswith("ID") and (match := REF.fullmatch(value)):
            found.append(match.group(1))
    return found
