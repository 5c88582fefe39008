"""The invitation email: the link to join a workspace, sent over the SMTP settings when there are any."""

from __future__ import annotations

from flask import current_app, request
from markupsafe import escape

from journeymail import mailer
from journeymail.text import with_article

from .models import Invitation
from .roles import ROLE_NAMES


def sender_address() -> str:
    """Whom invitations come from: MAIL_FROM, else an address at this server's host name."""
    configured = current_app.config.get("MAIL_FROM")
    return configured or "journeymail@" + request.host.partition(":")[0]


def email_invitation(invitation: Invitation, link: str) -> str | None:
    """Send the invitation's link to its address. None when it went out (or SMTP is not set up: then the
    owner copies the link), else what went wrong, for the owner to read."""
    config = current_app.config
    if not mailer.smtp_configured(config):
        return None
    inviter = invitation.invited_by
    who = inviter.name if inviter is not None else "An owner"
    role = ROLE_NAMES.get(invitation.role, invitation.role).lower()
    days = round((invitation.expires_at - invitation.created_at).total_seconds() / 86400) if invitation.created_at else None
    text = (
        f"{who} invites you to plan email campaigns with {invitation.workspace.name} on Journeymail, "
        f"as {with_article(role)}.\n\n"
        f"Open this link to accept:\n{link}\n\n"
        f"The link works once{f' and for {days} days' if days else ''}. If you did not expect it, ignore this email."
    )
    html = "".join(f"<p>{escape(paragraph)}</p>" for paragraph in text.split("\n\n"))
    html = html.replace(str(escape(link)), f'<a href="{escape(link)}">{escape(link)}</a>')
    message = mailer.build_message(
        sender_name="Journeymail", sender_email=sender_address(),
        reply_to=inviter.email if inviter is not None else None, to=[invitation.email],
        subject=f"{who} invites you to {invitation.workspace.name} on Journeymail", html=html, text=text,
        test=False,
    )
    try:
        mailer.send(message, config)
    except mailer.MailerError as error:
        return error.message
    return None


def smtp_configured() -> bool:
    return mailer.smtp_configured(current_app.config)
