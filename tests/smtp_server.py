"""A real SMTP server on loopback for tests (aiosmtpd), and what arrived at it.

    server = LoopbackSMTPServer(refuse={"gone@example.com": "550 5.1.1 No such user"},
                                accounts={"maya": "s3cret"}, smtputf8=True)
    server.start()          # listens on 127.0.0.1, on a port the system picks
    ...                     # point SMTP_HOST/SMTP_PORT at server.host/server.port and send
    server.received[0].message["Subject"]
    server.stop()           # stops the thread and closes its event loop
"""

from __future__ import annotations

import email
import email.policy
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


@dataclass(frozen=True)
class Received:
    """One message as the server took it: the envelope, the login used, and the parsed message."""

    mail_from: str
    rcpt_tos: list[str]
    login: str | None
    message: EmailMessage


class _Handler:
    """Accepts every recipient except those in `refuse`, and keeps every message it is given."""

    def __init__(self, refuse: Mapping[str, str]):
        self.refuse = dict(refuse)
        self.received: list[Received] = []

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]) -> str:
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        login = session.login_data.decode() if session.login_data else None
        if envelope.smtp_utf8:  # headers in UTF-8 (RFC 6532), which message_from_bytes reads as ASCII
            message = email.message_from_string(envelope.content.decode("utf-8"), policy=email.policy.default)
        else:
            message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), login, message))
        return "250 Message accepted for delivery"


class _Controller(Controller):
    """aiosmtpd's threaded Controller on a port the system picks (port 0), so runs never clash over one."""

    def _trigger_server(self) -> None:
        assert self.server is not None
        self.port = self.server.sockets[0].getsockname()[1]  # the port bound for port 0
        super()._trigger_server()


class LoopbackSMTPServer:
    """aiosmtpd on 127.0.0.1 without TLS (so it offers no STARTTLS); with `accounts`, it offers AUTH."""

    host = "127.0.0.1"

    def __init__(self, *, refuse: Mapping[str, str] | None = None, accounts: Mapping[str, str] | None = None,
                 smtputf8: bool = False):
        self.handler = _Handler(refuse or {})
        self.accounts = dict(accounts or {})
        options: dict[str, Any] = {"enable_SMTPUTF8": smtputf8}  # SMTPUTF8: addresses like jörg@bücher.de
        if accounts is not None:
            options.update(authenticator=self._authenticate, auth_require_tls=False)
        self.controller = _Controller(
            self.handler, hostname=self.host, port=0, server_hostname="smtp.loopback.test", **options
        )

    @property
    def port(self) -> int:
        return self.controller.port

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()

    def _authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        user, password = auth_data.login.decode(), auth_data.password.decode()
        # handled=False: aiosmtpd itself answers a failure with 535.
        return AuthResult(success=self.accounts.get(user) == password, handled=False, auth_data=auth_data)
