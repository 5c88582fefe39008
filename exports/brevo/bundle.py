"""The Brevo bundle: a campaign as the ordered list of Brevo API v3 requests that recreate it there.

What goes out is decided as for Mailjet (exports/mailjet/bundle.py: the emails each segment receives,
one template per distinct email, the checks that leave nothing to send); this module writes it in
Brevo's words: merge tags in its template language (tags.py), its field names, its sender rules.
Pure functions of a Campaign; nothing here talks to the network (the adapter, exports/esp/brevo.py).

The bundle document (format "journeymail.brevo-bundle", version 2):

    {"format": "journeymail.brevo-bundle", "version": 2,
     "campaign": {"id": ..., "name": ..., "locale": ...},
     "inputs": {},
     "requests": [
       {"method": "POST", "path": "contacts/attributes/normal/SEGMENT", "body": {"type": "text"},
        "ref": "attribute.SEGMENT", "name": "SEGMENT"},
       {"method": "POST", "path": "contacts/folders", "body": {"name": "Journeymail"},
        "ref": "folder", "name": "Journeymail"},
       {"method": "POST", "path": "contacts/lists", "body": {"name": "Trial journey / Busy founders",
        "folderId": "{{ref:folder}}"}, "ref": "list.busy-founders", "name": "Trial journey / Busy founders"},
       {"method": "POST", "path": "smtp/templates", "body": {"templateName": ..., "subject": ...,
        "sender": {"name": ..., "email": ...}, "htmlContent": ..., "isActive": true, "tag": ...},
        "ref": "template.welcome.busy-founders", "name": "Trial journey / Welcome / Busy founders"},
       {"method": "POST", "path": "emailCampaigns", "body": {"name": ..., "subject": ..., "sender": ...,
        "htmlContent": ..., "recipients": {"listIds": ["{{ref:list.busy-founders}}"]}, "tag": ...},
        "ref": "campaign.monthly-tips.busy-founders", "name": "Trial journey / Monthly tips / Busy founders"}]}

A path is relative to the API base (https://api.brevo.com/v3). `name` is the object's name in Brevo,
stable from one export to the next and unique among the bundle's objects of its kind: the push looks
an object up by it before creating it, since Brevo itself allows two templates or campaigns of one name.
A body refers to what an earlier request made: a list to its folder (`folderId`), an email campaign to its
segment's list (`recipients.listIds`).

Each targeted segment gets a contact list of its own, "<campaign> / <segment>", in the folder "Journeymail":
Brevo's API cannot create segments, and one list for every segment would send each contact every segment's
version of an email. The lists start empty; the user fills each with that segment's contacts, or asks for
the bundle with its contacts (brevo.json?contacts=1, a push with contacts): then, after the lists, each segment's
contacts come as POST contacts/import requests into its list (exports/audience.py with_brevo_contacts: a CSV
fileBody with ";" and Brevo's attribute names in capitals, one request per 8 MB, a ref and name each), and
JOURNEY_PHASE joins the attributes. Those requests have the shape of every other one, so the version stays 2;
a bundle without them is the same document as before.

Each email campaign carries its HTML (htmlContent) rather than naming its template: Brevo copies a
template into a campaign only from an active template and only for its RSS feature. The HTML holds the
preheader already (the engine writes it as the email's preview text), so no `previewText` is sent;
Brevo takes no text part, and derives its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext, lazy_gettext as _l, ngettext

from campaigns.kinds import KINDS
from campaigns.models import Campaign
from journeymail.addresses import InvalidAddress, check_address
from journeymail.text import one_line, slugify

from ..mailjet import bundle as shared
from ..mailjet.bundle import Problem, bundle_chunks, ref
from .tags import BrevoTags, attribute_name

FORMAT = "journeymail.brevo-bundle"
VERSION = 2  # 1 sent every segment's campaign to one list the user supplied
FOLDER_REF = "folder"
FOLDER_NAME = "Journeymail"  # the contacts folder that holds the campaigns' lists, in every account the same
SEGMENT_ATTRIBUTE = "SEGMENT"  # the contact attribute whose value is the slug of the contact's segment
# Brevo attribute names: letters, digits and underscores, starting with a letter (it writes them in capitals).
ATTRIBUTE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,99}")
# Not attributes: the address is the contact itself ({{ contact.EMAIL }} reads it all the same).
BUILT_IN = frozenset({"EMAIL"})

__all__ = ["FOLDER_NAME", "FOLDER_REF", "FORMAT", "VERSION", "BundleRefused", "Problem", "build_bundle",
           "bundle_chunks", "bundle_filename", "problems", "readiness"]


class BundleRefused(shared.BundleRefused):
    """The campaign cannot be exported to Brevo as it is; nothing is exported half-broken."""

    def __init__(self, problems: list[Problem]):
        Exception.__init__(self, ngettext("The Brevo bundle was not exported: %(num)d problem to fix.",
                                          "The Brevo bundle was not exported: %(num)d problems to fix.",
                                          len(problems)))
        self.message = str(self)
        self.problems = problems


# The checks that stop the export, said with the reason where that reason is Brevo's.
_BREVO_WORDS = {"subject-empty": _l("The subject is empty; Brevo needs one.")}


# --- sender and attributes ----------------------------------------------------------------


@dataclass(frozen=True)
class Sender:
    name: str
    email: str
    reply_to: str | None

    def as_brevo(self) -> dict[str, str]:
        return {"name": self.name, "email": self.email}


_ADDRESS_MISSING = {
    "sender_email": _l("The campaign has no sender address; Brevo needs one. Add it in the campaign settings."),
}
_ADDRESS_REFUSED = {
    "sender_email": _l("The sender address %(value)s is not an address Brevo accepts: %(reason)s"),
    "reply_to": _l("The reply-to address %(value)s is not an address Brevo accepts: %(reason)s"),
}


def _address(value: str | None, field_name: str, found: list[Problem]) -> str | None:
    if not value or not value.strip():
        if field_name in _ADDRESS_MISSING:
            found.append(Problem(str(_ADDRESS_MISSING[field_name]), field_name=field_name))
        return None
    try:
        checked = check_address(value.strip(), smtputf8=False)  # Brevo's senders are plain ASCII addresses
    except InvalidAddress as error:
        message = str(_ADDRESS_REFUSED[field_name]) % {"value": repr(value), "reason": error}
        found.append(Problem(message, field_name=field_name))
        return None
    return checked.ascii or checked.normalized


def _sender(campaign: Campaign, found: list[Problem]) -> Sender | None:
    """The campaign's sender as Brevo needs it; problems are added for a missing or invalid address."""
    before = len(found)
    name = one_line(campaign.sender_name or "")
    if not name:
        found.append(Problem(gettext("The campaign has no sender name; Brevo needs one. Add it in the campaign "
                                     "settings."), field_name="sender_name"))
    email = _address(campaign.sender_email, "sender_email", found)
    reply_to = _address(campaign.reply_to, "reply_to", found)
    if len(found) > before or email is None:
        return None
    return Sender(name, email, reply_to)


def _attribute_names(tag_names: list[str]) -> list[str]:
    """The contact attributes the bundle defines: SEGMENT first, then each merge tag's, in capitals, once."""
    names = [SEGMENT_ATTRIBUTE]
    for tag_name in tag_names:
        name = attribute_name(tag_name)
        if ATTRIBUTE_NAME.fullmatch(tag_name) and name not in names and name not in BUILT_IN:
            names.append(name)
    return names


def _attribute_problems(tag_names: list[str]) -> list[Problem]:
    return [
        Problem(gettext("The merge tag %(tag)s cannot become a Brevo contact attribute: use only ASCII letters, "
                        "digits and _ in merge-tag names, starting with a letter.", tag=f"{{{{ {name} }}}}"),
                field_name="merge_tags")
        for name in tag_names if not ATTRIBUTE_NAME.fullmatch(name)
    ]


# --- readiness ----------------------------------------------------------------------------


def _readiness(campaign: Campaign) -> tuple[Sender | None, shared._Export, list[Problem]]:
    """The sender, the emails rendered with Brevo's tags, and everything that stops the export: the sender
    first, then the attributes, then each email and segment."""
    found: list[Problem] = []
    sender = _sender(campaign, found)
    export = shared._export(campaign, BrevoTags(), _BREVO_WORDS)
    return sender, export, found + _attribute_problems(export.tag_names) + export.problems


def problems(campaign: Campaign) -> list[Problem]:
    """Everything that stops the Brevo export, in the order the refusal lists it."""
    return _readiness(campaign)[2]


def readiness(campaign: Campaign) -> list[str]:
    """Blocking problems for the Brevo export, as sentences for the export page; empty when ready."""
    return [str(p) for p in problems(campaign)]


# --- the bundle ---------------------------------------------------------------------------


def build_bundle(campaign: Campaign) -> dict[str, Any]:
    """The campaign as the ordered Brevo requests; raises BundleRefused listing every problem.

    The contact attributes first, then one template per distinct email (segments that receive an email
    unchanged share it), then an email campaign per broadcast email and segment it reaches, sent to that
    segment's list: the folder and a list per targeted segment come after the attributes."""
    sender, export, found = _readiness(campaign)
    if found or sender is None:
        raise BundleRefused(found)
    tag = slugify(campaign.name, f"campaign-{campaign.id}")
    segment_slug = shared.segment_slugs(campaign)
    email_slug = shared.touchpoint_slugs(campaign)
    requests = [_attribute_request(name) for name in _attribute_names(export.tag_names)]
    requests.append(_request("contacts/folders", {"name": FOLDER_NAME}, FOLDER_REF, FOLDER_NAME))
    list_names = shared._Names()
    for segment in campaign.segments:
        list_name = list_names.unique(f"{campaign.name} / {segment.name}")
        requests.append(_request("contacts/lists", {"name": list_name, "folderId": ref(FOLDER_REF)},
                                 list_ref(segment_slug[segment.id]), list_name))
    names, refs = shared._Names(), shared._Names("-{}")
    for email in export.emails:
        template_ref = refs.unique(shared._template_ref(email, email_slug, segment_slug))
        name = names.unique(shared._template_name(campaign, email))
        requests.append(_template_request(email, name, template_ref, sender, tag))
    titles = shared._Names()
    for segment, email in export.deliveries:
        if KINDS[email.touchpoint.kind].broadcast:
            key = f"{email_slug[email.touchpoint.id]}.{segment_slug[segment.id]}"
            title = titles.unique(f"{campaign.name} / {email.touchpoint.name} / {segment.name}")
            requests.append(_campaign_request(email, title, key, list_ref(segment_slug[segment.id]), sender, tag))
    return {
        "format": FORMAT,
        "version": VERSION,
        "campaign": {"id": campaign.id, "name": campaign.name, "locale": campaign.locale},
        "inputs": {},
        "requests": requests,
    }


def _request(path: str, body: dict[str, Any], ref_name: str, name: str) -> dict[str, Any]:
    return {"method": "POST", "path": path, "body": body, "ref": ref_name, "name": name}


def _attribute_request(name: str) -> dict[str, Any]:
    return _request(f"contacts/attributes/normal/{name}", {"type": "text"}, f"attribute.{name}", name)


def _template_request(email: shared.ExportEmail, name: str, template_ref: str, sender: Sender,
                      tag: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "templateName": name,
        "subject": email.subject,
        "sender": sender.as_brevo(),
        "htmlContent": email.html,
        "isActive": True,
        "tag": tag,
    }
    if sender.reply_to:
        body["replyTo"] = sender.reply_to
    return _request("smtp/templates", body, template_ref, name)


def list_ref(segment_slug: str) -> str:
    """The ref of a segment's contact list."""
    return f"list.{segment_slug}"


def _campaign_request(email: shared.ExportEmail, title: str, key: str, list_of_segment: str, sender: Sender,
                      tag: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": title,
        "subject": email.subject,
        "sender": sender.as_brevo(),
        "htmlContent": email.html,
        "recipients": {"listIds": [ref(list_of_segment)]},
        "tag": tag,
    }
    if sender.reply_to:
        body["replyTo"] = sender.reply_to
    return _request("emailCampaigns", body, f"campaign.{key}", title)


def bundle_filename(campaign: Campaign) -> str:
    return f"{slugify(campaign.name, f'campaign-{campaign.id}')}-brevo.json"
