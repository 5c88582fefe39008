"""Test sends: one email of a cell, as its segment receives it, to a few addresses over SMTP.

`send_test_request` is behind both the side-panel form (views.test_send) and the JSON API.
Each recipient gets a message of their own: the test looks like the real send (one address
in To) and colleagues or clients on the list do not see each other's addresses.

Test sends go only to the workspace's members and to the addresses its owners put on the allow-list
(Workspace settings), from the campaign's own sender: no relay for strangers' mail. Each user has
TEST_SEND_LIMIT of them (accounts.limits), counted only when a send is about to go out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from flask import current_app
from flask_babel import gettext as _, lazy_gettext as _l, ngettext

from accounts import audit, limits
from accounts.models import Membership, User, Workspace
from campaigns.content import preview_touchpoint
from campaigns.models import Campaign, Touchpoint
from emails.render import Rendered
from journeymail import mailer
from journeymail.extensions import db
from journeymail.addresses import InvalidAddress, check_address
from journeymail.validation import MAX_ID, Conflict, Integer, Invalid, ValidationError, clean
from segments.models import Segment

from .lookup import lookup


class SMTPNotConfigured(Conflict):
    """No SMTP server in the environment (409: a valid request this server cannot carry out as set up)."""


class SendFailed(Conflict):
    """The SMTP server could not be reached, refused the login, or failed otherwise (409, like the above)."""


@dataclass(frozen=True)
class SentTest:
    sent_to: list[str]
    subject: str  # as the inbox shows it, "[Test] ..." included


@dataclass(frozen=True)
class Recipients:
    """Addresses for a test send: a JSON list, or text separated by commas, semicolons or line breaks.

    Each address is checked as validation.Email checks one (email-validator, deliverability per
    EMAIL_CHECK_DELIVERABILITY), and every bad one is named in the message.
    """

    def parse(self, value: Any, from_form: bool) -> list[str]:
        if value is None:
            value = ""
        if isinstance(value, str):
            items = re.split(r"[,;\s]+", value)  # email-validator refuses spaces in an address anyway
        elif isinstance(value, list) and all(isinstance(item, str) for item in value):
            items = [item.strip() for item in value]
        else:
            raise Invalid(_('Give the addresses as a list, e.g. %(example)s, or as text separated by commas.',
                            example='["ada@example.com"]'))
        items = list(dict.fromkeys(item for item in items if item))
        if not items:
            raise Invalid(_("Enter at least one email address."))
        limit = current_app.config["TEST_SEND_MAX_RECIPIENTS"]
        if len(items) > limit:
            raise Invalid(ngettext("At most %(num)d address per test send (this has %(given)d).",
                                   "At most %(num)d addresses per test send (this has %(given)d).", limit, given=len(items)))
        addresses: list[str] = []
        problems: list[str] = []
        for item in items:
            try:
                checked = check_address(item, deliverability=current_app.config["EMAIL_CHECK_DELIVERABILITY"])
            except InvalidAddress as error:
                shown = item if len(item) <= 80 else item[:79] + "…"
                problems.append(f"{shown} ({error})")
            else:
                addresses.append(checked.normalized)
        if problems:
            raise Invalid(ngettext("Not a valid email address: %(problems)s", "Not valid email addresses: %(problems)s",
                                   len(problems), problems="; ".join(problems)))
        return list(dict.fromkeys(addresses))


TEST_SEND_FIELDS = {
    "touchpoint_id": Integer(1, MAX_ID),
    "segment_id": Integer(1, MAX_ID, required=False),  # none: the base content
    "recipients": Recipients(),
}


def send_test_request(campaign: Campaign, data: Mapping[str, Any], *, from_form: bool = False) -> SentTest:
    """Check a test-send request (form or JSON) field by field, find its email, and send it."""
    values = clean(data, TEST_SEND_FIELDS, from_form=from_form)
    touchpoint, segment = _email_of(campaign, values["touchpoint_id"], values["segment_id"])
    return send_test(campaign, touchpoint, segment, values["recipients"])


def send_test(
    campaign: Campaign, touchpoint: Touchpoint, segment: Segment | None, recipients: list[str] | str
) -> SentTest:
    """Render the touchpoint's email as `segment` receives it and send it to each recipient."""
    try:
        addresses = Recipients().parse(recipients, isinstance(recipients, str))
    except Invalid as error:
        raise ValidationError({"recipients": str(error)}) from None
    outside = outside_workspace(db.session.get(Workspace, campaign.workspace_id), addresses)
    if outside:
        raise ValidationError({"recipients": outside_message(outside)})
    if not touchpoint.is_email:
        kind = touchpoint.kind_info.with_article.capitalize()
        raise ValidationError({"touchpoint_id": _("%(kind)s sends no email, so there is nothing to send.",
                                                  kind=kind)})
    rendered = rendered_email(touchpoint, segment, _l("The email does not render, so it cannot be sent: %(error)s"))
    config = current_app.config
    if not mailer.smtp_configured(config):
        raise SMTPNotConfigured(str(mailer.NOT_CONFIGURED))
    messages = [email_message(campaign, rendered, [address], test=True) for address in addresses]
    limits.spend("test_send")  # 429 beyond TEST_SEND_LIMIT; nothing is sent
    try:
        mailer.send_all(messages, config)
    except mailer.SMTPUTF8Unsupported:
        raise _needs_smtputf8(campaign, addresses) from None
    except mailer.RecipientsRefused as error:
        raise ValidationError({"recipients": error.message}) from None
    except mailer.MailerError as error:
        raise SendFailed(error.message) from None
    audit.record("test-sent", "touchpoint", touchpoint.id, touchpoint.name, campaign=campaign.name,
                 segment=segment.name if segment else None, to=addresses)
    return SentTest(addresses, str(messages[0]["Subject"]))


def allowed_recipients(workspace: Workspace) -> set[str]:
    """Where test sends of `workspace` may go: its members' addresses and its allow-list, in lower case."""
    members = {email.lower() for email in db.session.scalars(
        db.select(User.email).join(Membership).where(Membership.workspace_id == workspace.id))}
    return members | {address.lower() for address in workspace.test_send_allow_list or []}


def outside_workspace(workspace: Workspace | None, addresses: list[str]) -> list[str]:
    """The addresses a test send of `workspace` may not go to."""
    allowed = allowed_recipients(workspace) if workspace is not None else set()
    return [address for address in addresses if address.lower() not in allowed]


def outside_message(outside: list[str]) -> str:
    return ngettext(
        "Test sends go only to the workspace's members and its allow-list. This address is on neither: "
        "%(named)s. Nothing was sent. An owner can add it to the allow-list under Workspace settings.",
        "Test sends go only to the workspace's members and its allow-list. These addresses are on neither: "
        "%(named)s. Nothing was sent. An owner can add them to the allow-list under Workspace settings.",
        len(outside), named=", ".join(outside))


def _needs_smtputf8(campaign: Campaign, recipients: list[str]) -> ValidationError:
    """The 422 for a server without SMTPUTF8, naming each address that needs it (nothing was sent)."""
    named = [address for address in recipients if mailer.needs_smtputf8(address)]
    for label, address in ((_l("the campaign's sender %(address)s"), campaign.sender_email),
                           (_l("the campaign's reply-to address %(address)s"), campaign.reply_to)):
        if address and mailer.needs_smtputf8(address):
            named.append(str(label) % {"address": address})
    message = _("This mail server cannot deliver to addresses with non-ASCII letters before the @: %(named)s. "
                "Use another address, or a mail server that offers SMTPUTF8.", named=", ".join(named))
    return ValidationError({"recipients": message} if named[0] in recipients else {}, message)


def rendered_email(touchpoint: Touchpoint, segment: Segment | None, refusal: Any) -> Rendered:
    """The email as `segment` receives it, from the one renderer; a 422 when it does not render: `refusal`, a
    message with %(error)s (e.g. _l("The email does not render, so it cannot be sent: %(error)s"))."""
    rendered = preview_touchpoint(touchpoint, segment).rendered
    if rendered.error is not None or rendered.html is None or rendered.text is None:
        raise ValidationError({"touchpoint_id": str(refusal) % {"error": rendered.error}})
    return rendered


def email_message(campaign: Campaign, rendered: Rendered, to: list[str], *, test: bool) -> EmailMessage:
    """The one message a rendered email makes, from the campaign's sender: each test send's (test=True, to one
    recipient) and the .eml download's (the email as it would go out, to nobody yet)."""
    return mailer.build_message(
        sender_name=campaign.sender_name, sender_email=campaign.sender_email, reply_to=campaign.reply_to,
        to=to, subject=rendered.subject, html=rendered.html or "", text=rendered.text or "", test=test,
    )


def _email_of(campaign: Campaign, touchpoint_id: int, segment_id: int | None) -> tuple[Touchpoint, Segment | None]:
    """The touchpoint and segment, checked as the preview checks them; errors named after this request's fields."""
    try:
        return lookup(campaign, str(touchpoint_id), None if segment_id is None else str(segment_id))
    except ValidationError as error:
        raise ValidationError({f"{name}_id": message for name, message in error.fields.items()}) from None
