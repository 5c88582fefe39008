"""Mailjet (API v3 REST) behind the ESP interface: the bundle of exports/mailjet, looked up, updated and checked
the way Mailjet's API allows.

- Lookup by name (GET, paged with Limit and Offset): a template by its `Name` filter; a contact property,
  a segment filter and a campaign draft by reading the account's list (Mailjet filters these by other
  fields only: contactmetadata by Datatype or NameSpace, contactfilter by Status, campaigndraft by
  ContactsList, which narrows the drafts to the list the push sends to).
- Update with PUT (Mailjet's PUT changes only the fields sent): segment filters, templates and campaign
  drafts. A contact property is never updated: the bundle's are all text ("str"), and one that exists
  with another type is a preflight problem rather than a type change under the contacts' data.
- Preflight: the sender address is an active sender of the account (the address itself, or its domain
  validated as "*@domain"), the contact list exists and is not deleted, and no property the bundle
  defines exists with another type.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from flask_babel import gettext as _

from exports.mailjet import bundle as mailjet_bundle, push as mailjet_push

from . import register
from .base import Adapter, Client, Credentials

ADDRESS = re.compile(r"<([^<>\s]+@[^<>\s]+)>\s*$")


class Mailjet(Adapter):
    key = "mailjet"
    label = "Mailjet"
    inputs = (mailjet_bundle.LIST_REF,)
    refused = mailjet_bundle.BundleRefused
    missing_credentials = mailjet_push.CREDENTIALS_MISSING
    page_size = 1000  # Mailjet's largest Limit

    def build_bundle(self, campaign: Any) -> dict[str, Any]:
        return mailjet_bundle.build_bundle(campaign)

    def check_bundle(self, bundle: Any, inputs: Mapping[str, int]) -> None:
        mailjet_push.check_bundle(bundle, inputs)

    def summary(self, steps: Any, outcome: str | None = None) -> str:
        return mailjet_push.summary(steps, outcome)

    def noun(self, resource: str) -> str:
        resource = resource.split("/")[0]  # template/70001/detailcontent: the template's content
        return str(mailjet_push.NOUNS.get(resource, resource))

    def credentials(self, config: Mapping[str, Any]) -> Credentials | None:
        key, secret = config.get("MAILJET_API_KEY"), config.get("MAILJET_API_SECRET")
        if not key or not secret:
            return None
        return Credentials(config.get("MAILJET_API_URL") or "https://api.mailjet.com/v3/REST", key, secret,
                           float(config.get("MAILJET_TIMEOUT", 30.0)))

    def headers(self, credentials: Credentials) -> dict[str, str]:
        pair = f"{credentials.key}:{credentials.secret or ''}".encode()
        return {"Authorization": "Basic " + base64.b64encode(pair).decode("ascii"), "Accept": "application/json",
                "Content-Type": "application/json", "User-Agent": "Journeymail"}

    # --- before the first write

    def preflight(self, client: Any, bundle: dict[str, Any], inputs: Mapping[str, int]) -> list[str]:
        problems = [message for address in senders(bundle) if (message := self._sender_problem(client, address))]
        list_id = inputs.get(mailjet_bundle.LIST_REF)
        if list_id is not None:
            problems += self._list_problems(client, list_id)
        problems += self._property_problems(client, bundle)
        return problems

    def _sender_problem(self, client: Client, address: str) -> str | None:
        what = _("the sender %(address)s", address=address)
        found = _data(client.get("sender", {"Email": address, "Limit": self.page_size}, what=what))
        if any(s.get("Status") == "Active" for s in found):
            return None
        domain = address.rsplit("@", 1)[-1]
        whole_domain = _data(client.get("sender", {"Domain": domain, "Limit": self.page_size}, what=what))
        if any(s.get("Email") == f"*@{domain}" and s.get("Status") == "Active" for s in whole_domain):
            return None
        if not found:
            return _("The sender address %(address)s is not a sender of this Mailjet account. Add it in Mailjet "
                     "(Account settings > Sender domains & addresses), confirm it, then push again; or change the "
                     "campaign's sender address to one Mailjet knows.", address=address)
        return _('The sender address %(address)s is not active in Mailjet (its status is "%(status)s"). Confirm it '
                 "with the link Mailjet sent to it, or validate its domain (Account settings > Sender domains & "
                 "addresses), then push again.", address=address, status=found[0].get("Status") or "?")

    def _list_problems(self, client: Client, list_id: int) -> list[str]:
        what = _("the contact list %(id)s", id=list_id)
        found = _data(client.get(f"contactslist/{list_id}", what=what))
        if not found:
            return [_("This Mailjet account has no contact list with ID %(id)s. Look the ID up in Mailjet (Contacts > "
                      "Contact lists) and enter it again.", id=list_id)]
        if found[0].get("IsDeleted"):
            return [_('The contact list %(id)s ("%(name)s") is deleted in Mailjet. Choose another list and enter its ID.',
                      id=list_id, name=found[0].get("Name") or "")]
        return []

    def _property_problems(self, client: Client, bundle: dict[str, Any]) -> list[str]:
        wanted = {r["body"]["Name"].lower(): r["body"] for r in bundle["requests"] if r["path"] == "contactmetadata"}
        if not wanted:
            return []
        problems = []
        for found in _pages(client, "contactmetadata", {}, _("the contact properties"), self.page_size):
            body = wanted.get(str(found.get("Name", "")).lower())
            if body is not None and found.get("Datatype") != body["Datatype"]:
                problems.append(_('The contact property "%(name)s" exists in Mailjet with the type "%(type)s"; the '
                                  'campaign needs it as text ("%(wanted)s"). Rename the merge tag, or delete the '
                                  "property in Mailjet (Contacts > Contact properties) if it holds nothing.",
                                  name=found.get("Name"), type=found.get("Datatype"), wanted=body["Datatype"]))
        return problems

    # --- looking up, updating

    def find(self, client: Any, request: dict[str, Any]) -> int | None:
        resource, body, name = request["path"], request["body"], request.get("name")
        what = _("the %(noun)s \"%(name)s\"", noun=self.noun(resource), name=name)
        size = self.page_size
        if resource == "contactmetadata":
            return _first(_pages(client, resource, {}, what, size),
                          lambda o: str(o.get("Name", "")).lower() == str(name).lower())
        if resource == "contactfilter":
            return _first(_pages(client, resource, {}, what, size), lambda o: o.get("Name") == name)
        if resource == "template":
            return _first(_pages(client, resource, {"Name": name, "OwnerType": "user"}, what, size),
                          lambda o: o.get("Name") == name)
        if resource == "campaigndraft":
            params = {"ContactsList": body["ContactsListID"]} if isinstance(body.get("ContactsListID"), int) else {}
            return _first(_pages(client, resource, params, what, size), lambda o: o.get("Title") == name)
        return None

    def update(self, request: dict[str, Any], remote_id: int, body: dict[str, Any]) -> tuple[str, str, dict[str, Any]] | None:
        resource = request["path"]
        if resource in ("contactfilter", "template", "campaigndraft"):
            return "PUT", f"{resource}/{remote_id}", body
        return None  # contactmetadata: its type is checked before the push (preflight)

    def id_in(self, answer: Any) -> int | None:
        """The ID Mailjet gave the new object: {"Count": 1, "Data": [{"ID": ...}], "Total": 1}."""
        try:
            value = answer["Data"][0]["ID"]
        except (KeyError, IndexError, TypeError):
            return None
        if isinstance(value, str) and value.isdigit():
            value = int(value)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def error_text(self, status: int, body: bytes) -> str:
        """Mailjet's error document ({"ErrorMessage", "ErrorInfo", "StatusCode"}) as one sentence."""
        try:
            document = json.loads(body or b"null")
        except ValueError:
            document = None
        if not isinstance(document, dict):
            return f"HTTP {status}."
        message = str(document.get("ErrorMessage") or "").strip()
        info = document.get("ErrorInfo")
        info_text = json.dumps(info, ensure_ascii=False) if isinstance(info, (dict, list)) else str(info or "").strip()
        details = message + (f" ({info_text})" if info_text else "")
        return f"HTTP {status}: {details}" if details else f"HTTP {status}."

    def id_fields(self) -> tuple[str, ...]:
        return ("ContactsListID", "SegmentationID", "TemplateID")


def senders(bundle: dict[str, Any]) -> list[str]:
    """The sender addresses the bundle sends from: each draft's SenderEmail and each content's From address."""
    found: list[str] = []
    for request in bundle["requests"]:
        body = request["body"]
        address = body.get("SenderEmail") if request["path"] == "campaigndraft" else None
        if address is None and isinstance(body.get("Headers"), dict):
            match = ADDRESS.search(str(body["Headers"].get("From", "")))
            address = match.group(1) if match else None
        if isinstance(address, str) and address not in found:
            found.append(address)
    return found


def _data(answer: Any) -> list[dict[str, Any]]:
    data = answer.get("Data") if isinstance(answer, dict) else None
    return [item for item in data if isinstance(item, dict)] if isinstance(data, list) else []


def _pages(client: Client, resource: str, params: Mapping[str, Any], what: str, size: int) -> Iterator[dict[str, Any]]:
    """Every object of a resource that matches the filters, a page (Limit, Offset) at a time."""
    offset = 0
    while True:
        page = _data(client.get(resource, {**params, "Limit": size, "Offset": offset}, what=what))
        yield from page
        if len(page) < size:
            return
        offset += size


def _first(objects: Iterator[dict[str, Any]], matches: Any) -> int | None:
    for found in objects:
        if matches(found) and isinstance(found.get("ID"), int):
            return found["ID"]
    return None


register(Mailjet())
