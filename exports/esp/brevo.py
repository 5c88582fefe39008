"""Brevo (API v3) behind the adapter interface: its bundle, its `api-key` header, how its objects are found
by name and updated, what is checked before the first write, and its answers and errors.

- Lookup by name, paging with limit and offset (each list's largest page): a contacts folder among
  GET contacts/folders (50), a contact list among its folder's lists, GET contacts/folders/{id}/lists (50), a
  template among GET smtp/templates (1000), an email campaign among GET emailCampaigns (100). A contact
  attribute is found in GET contacts/attributes, whatever the case of its name: Brevo gives attributes no ID,
  so an existing one is found as NO_ID and no request refers to it.
- Update with PUT: templates and email campaigns. A folder or list found by its name is as the bundle wants it
  (the name is all it has); an attribute keeps its type, which preflight checks.
- Preflight: every sender address is an active sender of the account, and no attribute the bundle defines
  exists with a type other than text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from flask_babel import gettext

from ..brevo import bundle, push as brevo_push
from . import register
from .base import NO_ID, Adapter, Client, Credentials

DEFAULT_API_URL = "https://api.brevo.com/v3"
# (list path, key of the items in the answer, largest page): GET contacts/folders and .../lists take up to 50,
# GET smtp/templates up to 1000, GET emailCampaigns up to 100.
FOLDERS = ("contacts/folders", "folders", 50)
TEMPLATES = ("smtp/templates", "templates", 1000)
CAMPAIGNS = ("emailCampaigns", "campaigns", 100)
LISTS_PAGE = 50


class BrevoAdapter(Adapter):
    key = "brevo"
    label = "Brevo"
    inputs = ()  # the bundle makes its own folder and lists
    refused = bundle.BundleRefused
    missing_credentials = brevo_push.CREDENTIALS_MISSING

    def build_bundle(self, campaign: Any) -> dict[str, Any]:
        return bundle.build_bundle(campaign)

    def check_bundle(self, bundle_: Any, inputs: Mapping[str, int]) -> None:
        brevo_push.check_bundle(bundle_, inputs)

    def summary(self, steps: Any, outcome: str | None = None) -> str:
        return brevo_push.summary(steps, outcome)

    def noun(self, resource: str) -> str:
        kind = brevo_push.kind_of(re.sub(r"/\d+$", "", resource))  # an update's path ends in the ID
        return str(brevo_push.NOUNS[kind]) if kind else resource

    def credentials(self, config: Mapping[str, Any]) -> Credentials | None:
        key = config.get("BREVO_API_KEY")
        if not key:
            return None
        return Credentials(api_url=config.get("BREVO_API_URL") or DEFAULT_API_URL, key=key,
                           timeout=float(config.get("BREVO_TIMEOUT") or 30.0))

    def headers(self, credentials: Credentials) -> dict[str, str]:
        return {"api-key": credentials.key, "accept": "application/json", "content-type": "application/json",
                "user-agent": "Journeymail"}

    # --- before the first write

    def preflight(self, client: Client, bundle_: dict[str, Any], inputs: Mapping[str, int]) -> list[str]:
        """The senders are active senders of the account, and the attributes the bundle would reuse hold text."""
        found: list[str] = []
        answer = client.get("senders", what=gettext("the account's senders"))
        senders = {str(s.get("email", "")).lower(): s for s in _items(answer, "senders")}
        for address in sorted({body["sender"]["email"] for body in _bodies(bundle_) if "sender" in body}):
            sender = senders.get(address.lower())
            if sender is None:
                found.append(gettext("The sender address %(address)s is not a sender of this Brevo account. Add it "
                                     "under Senders, Domains & Dedicated IPs, or change the campaign's sender.",
                                     address=address))
            elif not sender.get("active"):
                found.append(gettext("The sender address %(address)s is not yet active in Brevo. Confirm it from the "
                                     "email Brevo sent to it, then push again.", address=address))
        existing = {str(a.get("name", "")).upper(): a for a in self._attributes(client)}
        for request in bundle_["requests"]:
            held = existing.get(str(request.get("name") or "").upper()) if self._is_attribute(request) else None
            if held is not None and held.get("type") not in ("text", None):
                found.append(gettext("The Brevo contact attribute %(name)s exists with the type %(type)s; the "
                                     "campaign needs it to hold text. Rename the merge tag, or change the attribute "
                                     "in Brevo.", name=request["name"], type=held.get("type")))
        return found

    def _attributes(self, client: Client) -> list[dict[str, Any]]:
        return _items(client.get("contacts/attributes", what=gettext("the contact attributes")), "attributes")

    # --- finding and updating what exists

    def find(self, client: Client, request: dict[str, Any]) -> int | None:
        """The ID of the folder, list, template or email campaign of this name, NO_ID for a contact attribute
        that exists (whatever the case of its name); None when Brevo has none."""
        name, kind = request.get("name"), brevo_push.kind_of(request["path"])
        what = gettext('the %(noun)s "%(name)s"', noun=self.noun(request["path"]), name=name)
        if kind == "import":
            return None  # an import is a process, not an object to look up: it is sent again (Brevo upserts)
        if kind == "attribute":
            wanted = str(name or "").upper()
            return NO_ID if any(str(a.get("name") or "").upper() == wanted for a in self._attributes(client)) else None
        if kind == "list":
            folder = request["body"].get("folderId")
            if not isinstance(folder, int):
                return None
            place = (f"contacts/folders/{folder}/lists", "lists", LISTS_PAGE)
        else:
            place = {"folder": FOLDERS, "template": TEMPLATES, "campaign": CAMPAIGNS}[str(kind)]
        extra = {"excludeHtmlContent": "true"} if kind == "campaign" else {}
        for item in _pages(client, *place, extra, what):
            if item.get("name") == name and isinstance(item.get("id"), int):
                return item["id"]
        return None

    def update(self, request: dict[str, Any], remote_id: int, body: dict[str, Any]) -> tuple[str, str, dict[str, Any]] | None:
        kind = brevo_push.kind_of(request["path"])
        if kind in ("template", "campaign"):
            return "PUT", f"{request['path']}/{remote_id}", body
        if kind == "import":
            return "POST", request["path"], body  # the contacts changed since: import them again
        return None  # a folder or list found by name is all it should be; an attribute keeps its type

    def named_only(self, request: dict[str, Any]) -> bool:
        return self._is_attribute(request)

    @staticmethod
    def _is_attribute(request: Mapping[str, Any]) -> bool:
        return brevo_push.kind_of(str(request.get("path"))) == "attribute"

    # --- answers

    def id_in(self, answer: Any) -> int | None:
        """{"id": 12} from a created folder, list, template or campaign; {"processId": 78} from a contacts import."""
        if isinstance(answer, Mapping) and isinstance(answer.get("id"), int) and not isinstance(answer["id"], bool):
            return answer["id"]
        if isinstance(answer, Mapping) and isinstance(answer.get("processId"), int) \
                and not isinstance(answer["processId"], bool):
            return answer["processId"]
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
        return brevo_push.ID_FIELDS  # a list's folderId, an email campaign's recipients.listIds


def _items(answer: Any, key: str) -> list[dict[str, Any]]:
    items = answer.get(key) if isinstance(answer, Mapping) else None
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []


def _pages(client: Client, path: str, key: str, limit: int, extra: Mapping[str, str], what: str) -> Iterator[dict[str, Any]]:
    """Every item of a Brevo list, oldest first, a page (limit, offset) at a time; none when the list is gone."""
    offset = 0
    while True:
        answer = client.get(path, {"limit": limit, "offset": offset, "sort": "asc", **extra}, what=what)
        items = _items(answer, key)
        yield from items
        offset += len(items)
        total = answer.get("count") if isinstance(answer, Mapping) else None
        if not items or not isinstance(total, int) or offset >= total:
            return


def _bodies(bundle_: dict[str, Any]) -> Iterator[dict[str, Any]]:
    return (r["body"] for r in bundle_["requests"] if isinstance(r.get("body"), dict))


adapter = register(BrevoAdapter())
