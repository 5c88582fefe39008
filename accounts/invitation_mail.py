"""The invitation email: the link to join a workspace, sent over the SMTP settings when there are any."""

from __future__ import annotations

from flask import current_app, request
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import escape

from journeymail import mailer
from journeymail.i18n import LANGUAGES, language

from .models import Invitation
from .roles import role_with_article


def sender_address() -> str:
    """Whom invitations come from: MAIL_FROM, else an address at this server's host name."""
    configured = current_app.config.get("MAIL_FROM")
    return configured or "journeymail@" + request.host.partition(":")[0]


def email_invitation(invitation: Invitation, link: str) -> str | None:
    """Send the invitation's link to its address, in the inviter's language. None when it went out (or SMTP is
    not set up: then the owner copies the link), else what went wrong, for the owner to read."""
    config = current_app.config
    if not mailer.smtp_configured(config):
        return None
    inviter = invitation.invited_by
    setting = getattr(inviter, "locale", None)
    with force_locale(setting if setting in LANGUAGES else language()):
        subject, text = _invitation_text(invitation, link)
    html = "".join(f"<p>{escape(paragraph)}</p>" for paragraph in text.split("\n\n"))
    html = html.replace(str(escape(link)), f'<a href="{escape(link)}">{escape(link)}</a>')
    message = mailer.build_message(
        sender_name="Journeymail", sender_email=sender_address(),
        reply_to=inviter.email if inviter is not None else None, to=[invitation.email],
        subject=subject, html=html, text=text, test=False,
    )
    try:
        mailer.send(message, config)
    except mailer.MailerError as error:
        return error.message
    return None


def _invitation_text(invitation: Invitation, link: str) -> tuple[str, str]:
    """The invitation email's subject and plain text, in the current language."""
    inviter = invitation.invited_by
    who = inviter.name if inviter is not None else _("An owner")
    workspace = invitation.workspace.name
    days = round((invitation.expires_at - invitation.created_at).total_seconds() / 86400) if invitation.created_at else None
    if days:
        works = ngettext("The link works once and for %(num)s day. If you did not expect it, ignore this email.",
                         "The link works once and for %(num)s days. If you did not expect it, ignore this email.",
                         days)
    else:
        works = _("The link works once. If you did not expect it, ignore this email.")
    paragraphs = [
        _("%(who)s invites you to plan email campaigns with %(workspace)s on Journeymail, as %(role)s.",
          who=who, workspace=workspace, role=role_with_article(invitation.role)),
        _("Open this link to accept:\n%(link)s", link=link),
        works,
    ]
    subject = _("%(who)s invites you to %(workspace)s on Journeymail", who=who, workspace=workspace)
    return subject, "\n\n".join(paragraphs)


def smtp_configured() -> bool:
    return mailer.smtp_configured(current_app.config)
