"""Abuse limits: failed sign-ins per address and per IP, test sends and pushes per user (Flask-Limiter).

The limits are settings (config.py: SIGN_IN_LIMIT_PER_ADDRESS, SIGN_IN_LIMIT_PER_IP, TEST_SEND_LIMIT,
PUSH_LIMIT), read at each request. The counters live in RATELIMIT_STORAGE_URI: memory:// for one
process, a Redis URL for several gunicorn workers, which must share them. A request over a limit is a
429 (the API's error document, or an error page) saying when to try again, with Retry-After.

- Sign-in (the `sign_in` decorator on the view): only failed sign-ins (answered 401) count, through
  Flask-Limiter's deduct_when; once over, even the right password waits until the window has room.
- Test sends and pushes (`spend`): counted where the service is about to send, after every check, so a
  refused request costs nothing and a 429 sends nothing.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, Response, current_app, request
from flask_babel import gettext as _
from flask_babel import gettext, ngettext
from flask_limiter import Limiter, RateLimitExceeded
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse
from werkzeug.exceptions import TooManyRequests

from journeymail.http import error_response
from . import current

F = TypeVar("F", bound=Callable[..., Any])

# The client's address is request.remote_addr: behind a reverse proxy, set PROXY_FIX_X_FOR (config.py)
# or every client shares the proxy's address and its limit.
limiter = Limiter(key_func=get_remote_address)

LIMIT_SETTINGS = ("SIGN_IN_LIMIT_PER_ADDRESS", "SIGN_IN_LIMIT_PER_IP", "TEST_SEND_LIMIT", "PUSH_LIMIT")
# what `spend` counts: the setting
SPENDING = {
    "test_send": "TEST_SEND_LIMIT",
    "push": "PUSH_LIMIT",
}


def register(app: Flask) -> None:
    """Check the limit settings, bind the limiter to `app`, and answer 429s with when to try again."""
    for name in LIMIT_SETTINGS:
        try:
            parse(str(app.config[name]))
        except ValueError:
            raise RuntimeError(
                f'{name} is "{app.config[name]}"; write a limit such as "10 per 15 minutes" or "30 per hour".'
            ) from None
    limiter.init_app(app)
    app.register_error_handler(429, too_many_requests)


# --- signing in ------------------------------------------------------------------------------


def _setting(name: str) -> Callable[[], str]:
    return lambda: str(current_app.config[name])


def _address_signing_in() -> str:
    """The address typed into the sign-in form, as accounts.services compares it."""
    return request.form.get("email", "").strip().lower()[:254] or "(no address)"


def _failed(response: Response) -> bool:
    return response.status_code == 401  # the sign-in view's answer to a wrong address or password


def _sign_in_refusal(setting: str, whose: str) -> Callable[[], str]:
    def message() -> str:
        item = parse(current_app.config[setting])
        if whose == "address":
            return _("There were too many failed sign-ins for this email address (%(count)s in %(window)s).",
                     count=item.amount, window=window_words(item))
        return _("There were too many failed sign-ins from your network (%(count)s in %(window)s).",
                 count=item.amount, window=window_words(item))
    return message


_per_address = limiter.limit(
    _setting("SIGN_IN_LIMIT_PER_ADDRESS"), key_func=_address_signing_in, methods=["POST"], deduct_when=_failed,
    scope="address", error_message=_sign_in_refusal("SIGN_IN_LIMIT_PER_ADDRESS", "address"),
)
_per_ip = limiter.limit(
    _setting("SIGN_IN_LIMIT_PER_IP"), key_func=get_remote_address, methods=["POST"], deduct_when=_failed,
    scope="ip", error_message=_sign_in_refusal("SIGN_IN_LIMIT_PER_IP", "network"),
)


def sign_in(view: F) -> F:
    """Limit failed sign-ins through `view` per address typed and per client IP."""
    return _per_address(_per_ip(view))  # type: ignore[return-value]


# --- test sends and pushes -------------------------------------------------------------------


def spend(kind: str) -> None:
    """Count one `kind` ("test_send", "push") for the acting user; 429 when that is over their limit."""
    if not limiter.enabled:
        return
    setting = SPENDING[kind]
    item = parse(current_app.config[setting])
    user = current.user()
    who = f"user:{user.id}" if user is not None else f"ip:{get_remote_address()}"
    strategy = limiter.limiter
    if strategy.hit(item, kind, who):
        return
    reset_at, _remaining = strategy.get_window_stats(item, kind, who)
    if kind == "push":
        reason = ngettext("You have made %(num)s push in the last %(window)s, the most allowed per person.",
                          "You have made %(num)s pushes in the last %(window)s, the most allowed per person.",
                          item.amount, window=window_words(item))
    else:
        reason = ngettext("You have made %(num)s test send in the last %(window)s, the most allowed per person.",
                          "You have made %(num)s test sends in the last %(window)s, the most allowed per person.",
                          item.amount, window=window_words(item))
    raise TooManyRequests(reason, retry_after=_seconds_until(reset_at))


# --- the answer ------------------------------------------------------------------------------


def too_many_requests(error: TooManyRequests) -> Response:
    """429: the reason, when to try again, and Retry-After in seconds."""
    seconds = _seconds_to_wait(error)
    body, status = error_response(429, _("%(reason)s Try again in %(wait)s.", reason=error.description,
                                         wait=wait_words(seconds)))
    response = current_app.make_response((body, status))
    response.headers["Retry-After"] = str(seconds)
    return response


def _seconds_to_wait(error: TooManyRequests) -> int:
    if isinstance(error, RateLimitExceeded) and limiter.current_limit is not None:
        return _seconds_until(limiter.current_limit.window.reset_time)  # not reset_at, a second later
    if isinstance(error.retry_after, int):
        return max(1, error.retry_after)
    return 60


def _seconds_until(moment: float) -> int:
    return max(1, math.ceil(moment - time.time()))


def window_words(item: RateLimitItem) -> str:
    """ "hour", "15 minutes": the window of a limit, as "in the last ..." reads it (German: „innerhalb von …“)."""
    unit, number = item.GRANULARITY.name, item.multiples
    if number == 1:
        return {
            "second": gettext("second"), "minute": gettext("minute"),
            "hour": gettext("hour"), "day": gettext("day"),
            "month": gettext("month"), "year": gettext("year"),
        }.get(unit, unit)
    return {
        "second": ngettext("%(num)s second", "%(num)s seconds", number),
        "minute": ngettext("%(num)s minute", "%(num)s minutes", number),
        "hour": ngettext("%(num)s hour", "%(num)s hours", number),
        "day": ngettext("%(num)s day", "%(num)s days", number),
        "month": ngettext("%(num)s month", "%(num)s months", number),
        "year": ngettext("%(num)s year", "%(num)s years", number),
    }.get(unit, f"{number} {unit}")


def wait_words(seconds: int) -> str:
    if seconds < 60:
        return ngettext("%(num)s second", "%(num)s seconds", seconds)
    minutes = math.ceil(seconds / 60)
    return ngettext("%(num)s minute", "%(num)s minutes", minutes)
