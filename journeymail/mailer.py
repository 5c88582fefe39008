"""Email over SMTP: build a test message, and send it with errors a marketer can act on.

Only test sends go out from Journeymail itself; campaigns go out through the ESP the plan is
exported to. The SMTP server comes from the environment (SMTP_HOST and friends, see config.py).
"""

from __future__ import annotations

import logging
import smtplib
import socket
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY, SMTPUTF8 as SMTPUTF8_POLICY
from email.utils import make_msgid
from typing import Any

from flask_babel import gettext as _, lazy_gettext as _l, ngettext

from .addresses import InvalidAddress, check_address
from .text import one_line

log = logging.getLogger(__name__)

SUBJECT_PREFIX = "[Test] "
TEST_HEADER = "X-Journeymail-Test"
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
NOT_CONFIGURED = _l(
    "Test sends are off because no SMTP server is configured. Set SMTP_HOST (and, as your mail provider "
    "requires, SMTP_PORT, SMTP_USER, SMTP_PASSWORD and SMTP_TLS) in the server's environment and restart "
    "Journeymail."
)


class MailerError(Exception):
    """Sending failed. `message` says what happened and what to check; `sent` lists who got it anyway."""

    def __init__(self, message: str, sent: Sequence[str] = ()):
        super().__init__(message)
        self.message = message
        self.sent = list(sent)


class SMTPUTF8Unsupported(MailerError):
    """A message has an address with non-ASCII letters before the @, and the server does not offer SMTPUTF8
    (RFC 6531), the only way such an address can travel. Raised before anything is sent."""

    def __init__(self, server: str):
        super().__init__(_("The SMTP server %(server)s does not offer SMTPUTF8.", server=server))


class RecipientsRefused(MailerError):
    """The server refused some recipients (the others were sent); `refused` maps each to the reply."""

    def __init__(self, refused: Mapping[str, str], sent: Sequence[str]):
        reasons = "; ".join(f"{address} ({reply})" for address, reply in refused.items())
        message = _("The SMTP server refused %(reasons)s.", reasons=reasons)
        if sent:
            message += " " + _("The test went to %(sent)s.", sent=", ".join(sent))
        super().__init__(message, sent)
        self.refused = dict(refused)


@dataclass(frozen=True)
class SMTPSettings:
    host: str
    port: int
    tls: str  # starttls, ssl or none
    user: str | None
    password: str
    timeout: float

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> SMTPSettings:
        """The SMTP_* settings, with the usual port for the TLS mode; MailerError if unusable."""
        if not smtp_configured(config):
            raise MailerError(NOT_CONFIGURED)
        tls = str(config.get("SMTP_TLS") or "starttls").lower()
        if tls not in DEFAULT_PORTS:
            raise MailerError(_('SMTP_TLS is "%(tls)s"; set it to starttls, ssl or none.', tls=tls))
        return cls(
            host=config["SMTP_HOST"],
            port=int(config.get("SMTP_PORT") or DEFAULT_PORTS[tls]),
            tls=tls,
            user=config.get("SMTP_USER") or None,
            password=config.get("SMTP_PASSWORD") or "",
            timeout=float(config.get("SMTP_TIMEOUT") or 10),
        )

    @property
    def server(self) -> str:
        return f"{self.host}:{self.port}"


def smtp_configured(config: Mapping[str, Any]) -> bool:
    """Whether test sends can go out: an SMTP host is set."""
    return bool(config.get("SMTP_HOST"))


# --- the message ---------------------------------------------------------------------------


def build_message(
    *,
    sender_name: str,
    sender_email: str,
    reply_to: str | None,
    to: Sequence[str],
    subject: str,
    html: str,
    text: str,
    headers: Mapping[str, str] | None = None,
    test: bool = True,
) -> EmailMessage:
    """An email: multipart/alternative (plain text, then HTML), UTF-8; a test send's is marked as a test
    ([Test] before the subject, X-Journeymail-Test), a downloaded .eml (test=False, maybe no To) is not.

    An address with non-ASCII letters before the @ (jörg@bücher.de) is written as UTF-8 in the headers
    (email.policy.SMTPUTF8), which only a server offering SMTPUTF8 takes; send_all checks that."""
    international = any(needs_smtputf8(address) for address in (sender_email, reply_to, *to) if address)
    # CRLF line ends, as SMTP wants them on the wire; UTF-8 headers only where an address needs them.
    message = EmailMessage(policy=SMTPUTF8_POLICY if international else SMTP_POLICY)
    message["Subject"] = (SUBJECT_PREFIX if test else "") + one_line(subject)
    message["From"] = _header_address(sender_email, one_line(sender_name))
    if to:
        message["To"] = [_header_address(address) for address in to]
    if reply_to:
        message["Reply-To"] = _header_address(reply_to)
    message["Date"] = datetime.now(timezone.utc)
    message["Message-ID"] = make_msgid(domain=smtp_address(sender_email).rpartition("@")[2])
    if test:
        message[TEST_HEADER] = "1"
    for name, value in (headers or {}).items():
        message[name] = value
    # Quoted-printable: readable, and safe through servers that do not announce 8BITMIME.
    message.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    message.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
    for part in message.iter_parts():
        del part["MIME-Version"]  # add_alternative makes its part a whole message; only the top needs it
    return message


def smtp_address(address: str) -> str:
    """An address as SMTP carries it: an internationalised domain in its ASCII (punycode) form; a local
    part with non-ASCII letters stays as it is (it needs SMTPUTF8)."""
    try:
        checked = check_address(address)
    except InvalidAddress:
        return address
    return checked.ascii or f"{checked.local_part}@{checked.ascii_domain}"


def needs_smtputf8(address: str) -> bool:
    """Whether the address has non-ASCII letters before the @, so only a server with SMTPUTF8 carries it."""
    return not smtp_address(address).isascii()


def smtputf8_warning(*addresses: str | None) -> str | None:
    """What to tell whoever saves a campaign whose sender or reply-to has non-ASCII letters before the @:
    valid, but only mail servers with SMTPUTF8 carry it (and many ESPs refuse it as a sender)."""
    named = [address for address in addresses if address and needs_smtputf8(address)]
    if not named:
        return None
    return ngettext(
        "%(addresses)s has non-ASCII letters before the @. Only mail servers that offer SMTPUTF8 can send from "
        "or to such an address, and many ESPs refuse it as a sender: a test send over a server without SMTPUTF8 "
        "will be refused.",
        "%(addresses)s have non-ASCII letters before the @. Only mail servers that offer SMTPUTF8 can send from "
        "or to such addresses, and many ESPs refuse them as senders: a test send over a server without SMTPUTF8 "
        "will be refused.",
        len(named), addresses=named[0] if len(named) == 1 else _("%(first)s and %(last)s", first=", ".join(named[:-1]),
                                                                 last=named[-1]),
    )


def _header_address(address: str, display_name: str = "") -> Address:
    # From its parts: parsing an addr_spec refuses a non-ASCII local part (NonASCIILocalPartDefect).
    username, _at, domain = smtp_address(address).rpartition("@")
    return Address(display_name=display_name, username=username, domain=domain)


# --- sending -------------------------------------------------------------------------------


def send(message: EmailMessage, config: Mapping[str, Any]) -> None:
    """Send one message over the configured SMTP server; MailerError with a user-facing message on failure."""
    send_all([message], config)


def send_all(messages: Sequence[EmailMessage], config: Mapping[str, Any]) -> list[str]:
    """Send each message over one connection and return who got one.

    A refused recipient does not stop the others; refusals are raised together at the end
    (RecipientsRefused). Anything else (no connection, login refused, timeout) stops at once.
    """
    settings = SMTPSettings.from_config(config)
    sent: list[str] = []
    refused: dict[str, str] = {}
    connection: smtplib.SMTP | None = None
    try:
        connection = _connect(settings)
        if any(message.policy.utf8 for message in messages):
            connection.ehlo_or_helo_if_needed()
            if not connection.has_extn("smtputf8"):
                raise SMTPUTF8Unsupported(settings.server)
        for message in messages:
            recipients = _recipients_of(message)
            try:
                # For an address that needs it, send_message says SMTPUTF8 (and BODY=8BITMIME) in MAIL FROM
                # itself and writes the message in UTF-8; naming it here as well would say it twice.
                failed = connection.send_message(message)
            except smtplib.SMTPRecipientsRefused as error:
                failed = error.recipients
            refused.update({address: _reply(*reply) for address, reply in failed.items()})
            sent.extend(address for address in recipients if address not in failed)
    except (OSError, smtplib.SMTPException) as error:  # SMTPException is an OSError; named for the reader
        message = _explain(error, settings)
        log.warning("Test send over %s failed: %s", settings.server, message)
        if sent:
            message += " " + _("The test went to %(sent)s before that.", sent=", ".join(sent))
        raise MailerError(message, sent) from None
    finally:
        if connection is not None:
            _close(connection)
    if refused:
        raise RecipientsRefused(refused, sent)
    return sent


def _connect(settings: SMTPSettings) -> smtplib.SMTP:
    """An open, greeted, secured and logged-in connection; closed again if any step fails."""
    tls_context = ssl.create_default_context()
    # Connecting in the constructor: smtplib closes the socket itself when the greeting fails.
    if settings.tls == "ssl":
        connection: smtplib.SMTP = smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=settings.timeout, context=tls_context
        )
    else:
        connection = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    step = "starttls"
    try:
        if settings.tls == "starttls":
            connection.starttls(context=tls_context)
        if settings.user:
            step = "login"
            connection.login(settings.user, settings.password)
    except smtplib.SMTPNotSupportedError as error:
        connection.close()
        raise _Unsupported(step) from error
    except BaseException:
        connection.close()
        raise
    return connection


class _Unsupported(smtplib.SMTPException):
    """The server lacks an extension a step needs (STARTTLS or AUTH)."""

    def __init__(self, step: str):
        super().__init__(step)
        self.step = step


def _close(connection: smtplib.SMTP) -> None:
    """Say QUIT if the server still listens, and close the socket in any case."""
    try:
        connection.quit()
    except (OSError, smtplib.SMTPException):
        pass
    finally:
        connection.close()


def _recipients_of(message: EmailMessage) -> list[str]:
    """The envelope recipients smtplib derives from the message: To, Cc and Bcc."""
    return [
        address.addr_spec
        for header in ("To", "Cc", "Bcc")
        for field in message.get_all(header, [])
        for address in field.addresses
    ]


def _reply(code: int, text: bytes | str) -> str:
    """An SMTP reply as a person reads it: '550 5.1.1 No such user'."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {' '.join(text.split())}".strip()


def _explain(error: BaseException, settings: SMTPSettings) -> str:
    """What went wrong and which setting to check, in words; never a traceback."""
    server = settings.server
    if isinstance(error, _Unsupported) and error.step == "starttls":
        return _(
            "The SMTP server %(server)s does not offer STARTTLS, so the password and the email would travel "
            "unencrypted. Set SMTP_TLS=ssl if the server expects TLS from the start (usually port 465), or "
            "SMTP_TLS=none for a server without encryption on a trusted network.", server=server
        )
    if isinstance(error, _Unsupported):
        return _(
            "The SMTP server %(server)s does not offer a login (AUTH). Unset SMTP_USER if it needs none; "
            "many servers offer login only over TLS (SMTP_TLS=starttls or ssl).", server=server
        )
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return _("The SMTP server %(server)s refused the login (%(reply)s). Check SMTP_USER and SMTP_PASSWORD.",
                 server=server, reply=_reply(error.smtp_code, error.smtp_error))
    if isinstance(error, smtplib.SMTPSenderRefused):
        return _("The SMTP server refused the sender %(sender)s (%(reply)s). Use a sender email your SMTP account "
                 "may send from.", sender=error.sender, reply=_reply(error.smtp_code, error.smtp_error))
    if isinstance(error, smtplib.SMTPDataError):
        return _("The SMTP server refused the email (%(reply)s).", reply=_reply(error.smtp_code, error.smtp_error))
    if isinstance(error, smtplib.SMTPConnectError):
        return _("The SMTP server %(server)s would not talk to us (%(reply)s).", server=server,
                 reply=_reply(error.smtp_code, error.smtp_error))
    if isinstance(error, smtplib.SMTPResponseException):
        return _("The SMTP server %(server)s answered %(reply)s.", server=server,
                 reply=_reply(error.smtp_code, error.smtp_error))
    if isinstance(error, TimeoutError) or isinstance(error.__context__, TimeoutError):
        return _("The SMTP server %(server)s did not answer within %(seconds)s seconds. Check SMTP_HOST, SMTP_PORT "
                 "and SMTP_TLS, or raise SMTP_TIMEOUT.", server=server, seconds=f"{settings.timeout:g}")
    if isinstance(error, ssl.SSLCertVerificationError):
        return _("The SMTP server %(server)s showed a certificate that could not be verified (%(reason)s). Check "
                 "that SMTP_HOST is the name on the server's certificate.", server=server, reason=error.verify_message)
    if isinstance(error, ssl.SSLError):
        return _("TLS with the SMTP server %(server)s failed (%(reason)s). Check SMTP_TLS: ssl for a server that "
                 "expects TLS from the start (usually port 465), starttls otherwise (usually 587).", server=server,
                 reason=error.reason or error)
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return _("The SMTP server %(server)s closed the connection unexpectedly. Check SMTP_PORT and SMTP_TLS "
                 "(ssl for port 465, starttls for 587).", server=server)
    if isinstance(error, smtplib.SMTPException):
        return _("Sending over the SMTP server %(server)s failed: %(reason)s.", server=server, reason=error)
    if isinstance(error, ConnectionRefusedError):
        return _("Could not connect to the SMTP server %(server)s: the connection was refused. Check SMTP_HOST and "
                 "SMTP_PORT.", server=server)
    if isinstance(error, socket.gaierror):
        return _("The SMTP server name %(host)s could not be found. Check SMTP_HOST.", host=settings.host)
    reason = getattr(error, "strerror", None) or error
    return _("Could not reach the SMTP server %(server)s: %(reason)s. Check SMTP_HOST and SMTP_PORT.", server=server,
             reason=reason)
