"""Reading and checking a Brevo bundle file, and how its objects are called when a push reports on them.

The push itself is the shared replay engine (exports/esp/replay.py) with the Brevo adapter
(exports/esp/brevo.py); this module says what a well-formed Brevo bundle is.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from flask_babel import lazy_gettext as _l, ngettext

from exports.esp.base import PushError, Step
from exports.esp.replay import REF
from journeymail.http import UnreadableJSON, read_json
from journeymail.text import listed

from .bundle import FORMAT, VERSION

# The requests a bundle may hold, by what they make: what build_bundle writes, and nothing else is ever sent.
KINDS = {
    "attribute": re.compile(r"contacts/attributes/normal/[A-Za-z][A-Za-z0-9_]*"),
    "folder": re.compile(r"contacts/folders"),
    "list": re.compile(r"contacts/lists"),
    "template": re.compile(r"smtp/templates"),
    "campaign": re.compile(r"emailCampaigns"),
    "import": re.compile(r"contacts/import"),
}
NOUNS = {
    "attribute": _l("contact attribute"),
    "folder": _l("contacts folder"),
    "list": _l("contact list"),
    "template": _l("template"),
    "campaign": _l("email campaign"),
    "import": _l("contacts import"),
}
COUNTED: dict[str, Callable[[int], str]] = {
    "attribute": lambda n: ngettext("%(num)d contact attribute", "%(num)d contact attributes", n),
    "folder": lambda n: ngettext("%(num)d contacts folder", "%(num)d contacts folders", n),
    "list": lambda n: ngettext("%(num)d contact list", "%(num)d contact lists", n),
    "template": lambda n: ngettext("%(num)d template", "%(num)d templates", n),
    "campaign": lambda n: ngettext("%(num)d email campaign", "%(num)d email campaigns", n),
    "import": lambda n: ngettext("%(num)d contacts import", "%(num)d contacts imports", n),
}
ID_FIELDS = ("folderId", "listIds")  # the body keys that hold refs to what an earlier request made
CREDENTIALS_MISSING = _l(
    "Pushing to Brevo needs an API key: set BREVO_API_KEY in the server's environment (Brevo: SMTP & API > "
    "API keys) and restart Journeymail."
)


class BundleError(PushError):
    """The file is not a Brevo bundle this version can replay; nothing was sent."""


def kind_of(path: str) -> str | None:
    """What a request to this path makes ("attribute", "folder", "list", "template", "campaign"), else None."""
    return next((kind for kind, pattern in KINDS.items() if pattern.fullmatch(path)), None)


def summary(steps: Iterable[Step], outcome: str | None = None) -> str:
    """e.g. '1 contacts folder, 3 contact lists and 9 templates': the objects among `steps` with that outcome."""
    counts = Counter(kind_of(re.sub(r"/\d+$", "", s.path)) for s in steps
                     if s.ref is not None and outcome in (None, s.outcome))  # an update's path ends in the ID
    parts = [COUNTED[kind](counts[kind]) for kind in NOUNS if counts.get(kind)]
    return listed(parts)


def load_bundle(text: str | bytes) -> dict[str, Any]:
    """Parse and check a Brevo bundle file; raises BundleError saying what is wrong with it."""
    try:
        bundle = read_json(text)
    except UnreadableJSON as error:
        raise BundleError(f"The file is not a JSON document: {error.reason}.") from None
    check_bundle(bundle)
    return bundle


def check_bundle(bundle: Any, inputs: Mapping[str, int] | None = None) -> None:
    """Refuse anything but a well-formed Brevo bundle whose refs each name an earlier request."""
    if not isinstance(bundle, dict) or bundle.get("format") != FORMAT:
        raise BundleError(f'This is not a Journeymail Brevo bundle (expected "format": "{FORMAT}").')
    if bundle.get("version") == 1:
        raise BundleError(
            "This bundle has version 1, from an earlier Journeymail: it sends every segment's email campaigns to "
            "one list, so every contact would get every segment's version. Export the campaign again (flask --app "
            f"wsgi export brevo ID -o FILE) and push the new file (version {VERSION}), which makes a list per segment."
        )
    if bundle.get("version") != VERSION:
        raise BundleError(f"This bundle has version {bundle.get('version')!r}; this Journeymail replays version {VERSION}.")
    requests = bundle.get("requests")
    if not isinstance(requests, list):
        raise BundleError('The bundle has no "requests" list.')
    known = set(inputs or {})
    names: set[tuple[str, str]] = set()
    for index, request in enumerate(requests, 1):
        where = f"Request {index}"
        if not isinstance(request, dict) or set(request) - {"method", "path", "body", "ref", "name"}:
            raise BundleError(f"{where} is not an object with method, path, body, ref and name.")
        path, body, ref_name, name = request.get("path"), request.get("body"), request.get("ref"), request.get("name")
        if request.get("method") != "POST" or not isinstance(path, str) or not isinstance(body, dict):
            raise BundleError(f"{where} needs the method POST, a path and a JSON object as body.")
        kind = kind_of(path)
        if kind is None:
            raise BundleError(f"{where} goes to {path!r}, which a Brevo bundle never does.")
        for used in _refs_in(body):
            if used not in known:
                raise BundleError(f"{where} uses {{{{ref:{used}}}}}, which no earlier request creates.")
        if not isinstance(ref_name, str) or not re.fullmatch(r"[A-Za-z0-9_.-]+", ref_name) or ref_name in known:
            raise BundleError(f"{where} has a ref that is not a new name: {ref_name!r}.")
        if not isinstance(name, str) or not name.strip():
            raise BundleError(f"{where} creates something but has no name to look it up by in Brevo.")
        key = (kind, name.upper() if kind == "attribute" else name)
        if key in names:
            raise BundleError(f"{where} has the name {name!r}, which an earlier {NOUNS[kind]} has.")
        known.add(ref_name)
        names.add(key)


def _refs_in(value: Any, under_id: bool = False) -> Iterator[str]:
    """The refs the engine fills in: exact placeholders under ID_FIELDS, at any depth."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _refs_in(item, key in ID_FIELDS)
    elif isinstance(value, list):
        for item in value:
            yield from _refs_in(item, under_id)
    elif isinstance(value, str) and under_id and (match := REF.fullmatch(value)):
        yield match.group(1)
