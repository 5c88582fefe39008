"""Check messages in the reader's language: the engine (emails.checks) words them in English and keeps each
one's msgid and values (Check.text); pages (the check_message filter) and the API translate them here."""

from __future__ import annotations

from typing import Any

from emails.checks import Check
from journeymail.i18n import say


def check_message(check: Check) -> str:
    """The check's message in the request's language (a message from the compiler stays as it came)."""
    return check.message if check.text is None else say(check.text)


def preview_dict(preview: Any) -> dict[str, Any]:
    """A preview as the API returns it, its checks' messages in the request's language."""
    found = preview.to_dict()
    found["checks"] = [{**c.to_dict(), "message": check_message(c)} for c in preview.checks]
    return found
