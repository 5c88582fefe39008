"""Brevo (API v3) behind the adapter interface: its bundle, its `api-key` header, how its objects are found
by name and updated, what is checked before the first write, and its answers and errors.

`client` is the replay engine's HTTP client: httpx.Client's `get(path, params=...)`, with the API base
and headers() set, answering an httpx.Response (its retries on 429 and 5xx are the engine's).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from flask_babel import gettext

from ..brevo import bundle
from . import register
from .base import Adapter, Credentials, PushError

DEFAULT_API_URL = "https://api.brevo.com/v3"
# Page sizes: the largest each list takes (GET /smtp/templates up to 1000, GET /emailCampaigns up to 100).
TEMPLATES_PAGE = 1000
CAMPAIGNS_PAGE = 100


class BrevoAdapter(Adapter):
    key = "brevo"
    label = "Brevo"
    inputs = (bundle.LIST_REF,)

    def build_bundle(self, campaign: Any) -> dict[str, Any]:
        return bundle.build_bundle(campaign)

    def credentials(self, config: Mapping[str, Any]) -> Credentials | None:
        key = config.get("BREVO_API_KEY")
        if not key:
            return None
        return Credentials(api_url=config.get("BREVO_API_URL") or DEFAULT_API_URL, key=key,
                           timeout=float(config.get("BREVO_TIMEOUT") or 30.0))

    def headers(self, credentials: Credentials) -> dict[str, str]:
        return {"api-key": credentials.key, "accept": "application/json", "content-type": "application/json"}

    # --- before the first write

    def preflight(self, client: Any, bundle_: dict[str, Any], inputs: Mapping[str, int]) -> list[str]:
        """The sender is an active sender of the account, the contact list exists, and the attributes the
        bundle would reuse hold text."""
        found: list[str] = []
        senders = {s.get("email", "").lower(): s for s in _json(self, client.get("senders")).get("senders") or []}
        for address in sorted({body["sender"]["email"] for body in _bodies(bundle_) if "sender" in body}):
            sender = senders.get(address.lower())
            if sender is None:
                found.append(gettext("The sender address %(address)s is not a sender of this Brevo account. Add it "
                                     "under Senders, Domains & Dedicated IPs, or change the campaign's sender.",
                                     address=address))
            elif not sender.get("active"):
                found.append(gettext("The sender address %(address)s is not yet active in Brevo. Confirm it from the "
                                     "email Brevo sent to it, then push again.", address=address))
        list_id = inputs.get(bundle.LIST_REF)
        if list_id is not None:
            answer = client.get(f"contacts/lists/{list_id}")
            if answer.status_code == 404:
                found.append(gettext("There is no contact list with ID %(id)s in this Brevo account. Enter the ID "
                                     "shown under Contacts › Lists.", id=list_id))
            elif not answer.is_success:
                raise PushError(self.error_text(answer.status_code, answer.content))
        existing = {a.get("name", "").upper(): a for a in _json(self, client.get("contacts/attributes")).get(
            "attributes") or []}
        for request in bundle_["requests"]:
            held = existing.get((request.get("name") or "").upper()) if _resource(request) == "attribute" else None
            if held is not None and held.get("type") not in ("text", None):
                found.append(gettext("The Brevo contact attribute %(name)s exists with the type %(type)s; the "
                                     "campaign needs it to hold text. Rename the merge tag, or change the attribute "
                                     "in Brevo.", name=request["name"], type=held.get("type")))
        return found

    # --- finding and updating what exists

    def find(self, client: Any, request: dict[str, Any]) -> int | None:
        """The ID of the template or email campaign of this name (paging through Brevo's list), or 0 for a
        contact attribute that exists (Brevo names attributes, it gives them no ID); None when absent."""
        name = request.get("name")
        kind = _resource(request)
        if kind == "attribute":
            wanted = (name or "").upper()
            held = _json(self, client.get("contacts/attributes")).get("attributes") or []
            return 0 if any((a.get("name") or "").upper() == wanted for a in held) else None
        pages = {"template": ("smtp/templates", "templates", TEMPLATES_PAGE, {}),
                 "campaign": ("emailCampaigns", "campaigns", CAMPAIGNS_PAGE, {"excludeHtmlContent": "true"})}
        path, key, limit, extra = pages[kind]
        for item in self._paged(client, path, key, limit, extra):
            if item.get("name") == name:
                return int(item["id"])
        return None

    def _paged(self, client: Any, path: str, key: str, limit: int, extra: dict[str, str]) -> Iterator[dict[str, Any]]:
        offset = 0
        while True:
            answer = _json(self, client.get(path, params={"limit": limit, "offset": offset, "sort": "asc", **extra}))
            items = answer.get(key) or []
            yield from items
            offset += len(items)
            if not items or offset >= int(answer.get("count") or 0):
                return

    def update(self, request: dict[str, Any], remote_id: int, body: dict[str, Any]) -> tuple[str, str, dict[str, Any]] | None:
        kind = _resource(request)
        if kind == "template":
            return "PUT", f"smtp/templates/{remote_id}", body
        if kind == "campaign":
            return "PUT", f"emailCampaigns/{remote_id}", body
        return None  # an attribute keeps its type

    # --- answers

    def id_in(self, answer: Any) -> int | None:
        """{"id": 12} from a created template or campaign; nothing from a created attribute (201, no body)."""
        if isinstance(answer, Mapping) and isinstance(answer.get("id"), int) and not isinstance(answer["id"], bool):
            return answer["id"]
        return None

    def error_text(self, status: int, body: bytes) -> str:
        """Brevo's error document {"code", "message"} as one sentence."""
        try:
            document = json.loads(body or b"null")
        except ValueError:
            document = None
        if isinstance(document, Mapping) and document.get("message"):
            return gettext("Brevo answered %(status)s (%(code)s): %(message)s", status=status,
                           code=document.get("code") or "error", message=document["message"])
        return gettext("Brevo answered %(status)s without saying why.", status=status)

    def id_fields(self) -> tuple[str, ...]:
        return ("listIds",)  # recipients.listIds: a list of the contact list IDs, inside `recipients`


def _resource(request: Mapping[str, Any]) -> str:
    """What a creating request makes: "attribute", "template" or "campaign"."""
    path = request["path"]
    if path.startswith("contacts/attributes/"):
        return "attribute"
    if path == "smtp/templates":
        return "template"
    if path == "emailCampaigns":
        return "campaign"
    raise ValueError(f"Not a Brevo request this bundle makes: {path!r}")


def _bodies(bundle_: dict[str, Any]) -> Iterator[dict[str, Any]]:
    return (r["body"] for r in bundle_["requests"] if isinstance(r.get("body"), dict))


def _json(adapter: BrevoAdapter, answer: Any) -> dict[str, Any]:
    if not answer.is_success:
        raise PushError(adapter.error_text(answer.status_code, answer.content))
    document = answer.json() if answer.content else {}
    return document if isinstance(document, dict) else {}


adapter = register(BrevoAdapter())
