"""The replay engine every ESP shares: a bundle's requests in order, made idempotent and resumable.

For each request of the bundle:
- a creating request (one with a `ref`): the ID the ledger saved for its ref is reused (and the object
  updated when the body changed since); else the adapter looks the object up by its stable `name`
  (reused and brought in line when found); else it is created. Running the same bundle twice creates
  nothing new, and a push stopped anywhere resumes after the last request that went through.
- a content request (no `ref`): sent when its body differs from the one the ledger last saw.
The ledger is told after each request that succeeded. Every call goes through one httpx client that
retries 429, 5xx and a broken connection with exponential backoff, waiting as long as Retry-After says,
at most `max_retries` times; a creating request that is retried is looked up by name first, so a POST
whose answer was lost never makes a duplicate. The adapter's preflight runs before the first write: its
problems stop the push with nothing written.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import httpx
from flask_babel import gettext as _

from .base import NO_ID, Adapter, Credentials, Ledger, Progress, PushError, PushResult, Step

REF = re.compile(r"\{\{ref:([A-Za-z0-9_.-]+)\}\}")
RETRIED = {429, 500, 502, 503, 504}
MAX_WAIT = 300.0  # seconds: a Retry-After beyond this is waited only this long
LOOPBACK = {"127.0.0.1", "::1", "localhost"}


def fingerprint(method: str, path: str, body: Mapping[str, Any]) -> str:
    """A stable hash of a request as sent (refs resolved): what the ledger compares between runs."""
    canonical = json.dumps([method, path, body], sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def content_key(request: Mapping[str, Any]) -> str:
    """The ledger key of a content request: its method and path as the bundle writes them (refs unresolved)."""
    return f"{request['method']} {request['path']}"


class Refused(PushError):
    """The ESP refused a request (4xx, or 5xx after every retry); `status` is its HTTP status."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


class _Gone(Exception):
    """A creating request's object turned up by name while its POST was being retried."""

    def __init__(self, remote_id: int):
        self.remote_id = remote_id


class RetryingClient:
    """httpx with the ESP's headers, no redirects (the credentials go to the configured API only), and
    bounded retries with backoff; implements base.Client for the adapters."""

    def __init__(self, adapter: Adapter, credentials: Credentials, *, sleep: Callable[[float], None],
                 max_retries: int, backoff: float, transport: httpx.BaseTransport | None = None):
        host = urlsplit(credentials.api_url).hostname or ""
        self.adapter, self.url = adapter, credentials.api_url
        self.sleep, self.max_retries, self.backoff = sleep, max_retries, backoff
        self.http = httpx.Client(
            base_url=credentials.api_url.rstrip("/") + "/", headers=adapter.headers(credentials),
            timeout=credentials.timeout, follow_redirects=False,
            trust_env=host not in LOOPBACK,  # a local stand-in is never behind the environment's proxy
            transport=transport,
        )
        self.waits: list[float] = []  # every backoff waited, in seconds, for the record

    def close(self) -> None:
        self.http.close()

    def get(self, path: str, params: Mapping[str, Any] | None = None, *, what: str) -> Any | None:
        return self._call("GET", path, params=params, what=what, missing_ok=True)

    def send(self, method: str, path: str, body: Mapping[str, Any], *, what: str,
             before_retry: Callable[[], int | None] | None = None) -> Any:
        return self._call(method, path, body=body, what=what, before_retry=before_retry)

    def upload(self, url: str, content: Callable[[], Any], *, length: int, content_type: str, what: str) -> Any:
        """POST a file's bytes (not JSON) to an absolute URL (Mailjet's DATA API), retried like every call;
        `content()` gives the body afresh for each attempt (a file rewound), so nothing is held in memory."""
        headers = {"Content-Type": content_type, "Content-Length": str(length)}
        return self._call("POST", url, what=what, content=content, headers=headers)

    def _call(self, method: str, path: str, *, what: str, params: Mapping[str, Any] | None = None,
              body: Mapping[str, Any] | None = None, missing_ok: bool = False,
              before_retry: Callable[[], int | None] | None = None, content: Callable[[], Any] | None = None,
              headers: Mapping[str, str] | None = None) -> Any:
        esp = self.adapter.label
        for attempt in range(self.max_retries + 1):
            if attempt and before_retry is not None and (found := before_retry()) is not None:
                raise _Gone(found)
            last = attempt == self.max_retries
            try:
                if content is not None:
                    response = self.http.request(method, path, content=content(), headers=headers)
                else:
                    response = self.http.request(method, path, params=params, json=body)
            except httpx.TimeoutException:
                if last:
                    raise PushError(_("The %(esp)s API at %(url)s did not answer %(what)s within %(seconds)s s, "
                                      "%(times)d times. Try the push again later: it resumes where it stopped.",
                                      esp=esp, url=self.url, what=what, seconds=f"{self.http.timeout.read:g}",
                                      times=attempt + 1)) from None
                self._wait(attempt, None)
                continue
            except httpx.TransportError as error:
                if last:
                    raise PushError(_("Could not reach the %(esp)s API at %(url)s for %(what)s: %(reason)s.",
                                      esp=esp, url=self.url, what=what, reason=str(error) or type(error).__name__)) from None
                self._wait(attempt, None)
                continue
            status = response.status_code
            if status in RETRIED and not last:
                self._wait(attempt, response.headers.get("Retry-After"))
                continue
            if status == 404 and missing_ok:
                return None
            if status >= 300:
                reason = self.adapter.error_text(status, response.content)
                if status in RETRIED:
                    raise Refused(_("%(esp)s answered %(what)s with HTTP %(status)d %(times)d times: %(reason)s "
                                    "Try the push again later: it resumes where it stopped.", esp=esp, what=what,
                                    status=status, times=attempt + 1, reason=reason), status)
                raise Refused(_("%(esp)s refused %(what)s: %(reason)s", esp=esp, what=what, reason=reason), status)
            try:
                return response.json() if response.content else None
            except ValueError:
                raise PushError(_("%(esp)s answered %(what)s with something that is not JSON.", esp=esp,
                                  what=what)) from None
        raise AssertionError("unreachable")  # the last attempt returns or raises

    def _wait(self, attempt: int, retry_after: str | None) -> None:
        seconds = _retry_after(retry_after)
        if seconds is None:
            seconds = self.backoff * 2**attempt
        seconds = min(max(seconds, 0.0), MAX_WAIT)
        self.waits.append(seconds)
        self.sleep(seconds)


def _retry_after(value: str | None) -> float | None:
    """Retry-After in seconds: a number of seconds, or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max((when - datetime.now(timezone.utc)).total_seconds(), 0.0)


def resolve(request: Mapping[str, Any], ids: Mapping[str, int], id_fields: tuple[str, ...] = ()) -> tuple[str, dict[str, Any]]:
    """The request's path and body with each ref replaced by the ID it stands for: anywhere in the path, and in
    the body wherever a value under an ID key (named in `id_fields`, else ending in "ID") is exactly a placeholder
    or a list of them, at any depth (Brevo's recipients.listIds)."""
    path = REF.sub(lambda m: str(ids[m.group(1)]), request["path"])

    def is_id(key: str) -> bool:
        return key in id_fields if id_fields else key.endswith("ID")

    def filled(value: Any, under_id: bool) -> Any:
        if isinstance(value, dict):
            return {key: filled(item, is_id(key)) for key, item in value.items()}
        if isinstance(value, list):
            return [filled(item, under_id) for item in value]
        match = REF.fullmatch(value) if under_id and isinstance(value, str) else None
        return ids[match.group(1)] if match else value

    return path, filled(request["body"], False)


def push(
    adapter: Adapter,
    bundle: dict[str, Any],
    *,
    credentials: Credentials,
    inputs: Mapping[str, int],
    ledger: Ledger,
    progress: Progress | None = None,
    sleep: Callable[[float], None] = time.sleep,
    max_retries: int = 5,
    backoff: float = 1.0,
    transport: httpx.BaseTransport | None = None,
) -> PushResult:
    """Replay the bundle against the ESP; raises PushError (with the result so far) where it stops."""
    adapter.check_bundle(bundle, inputs)
    client = RetryingClient(adapter, credentials, sleep=sleep, max_retries=max_retries, backoff=backoff,
                            transport=transport)
    result = PushResult()
    try:
        problems = adapter.preflight(client, bundle, inputs)
        if problems:
            raise PushError(" ".join(problems), result)
        _replay(adapter, bundle, client, inputs, ledger, progress, result)
    except PushError as error:
        error.result = result
        raise
    finally:
        client.close()
    return result


def _replay(adapter: Adapter, bundle: dict[str, Any], client: RetryingClient, inputs: Mapping[str, int],
            ledger: Ledger, progress: Progress | None, result: PushResult) -> None:
    ids: dict[str, int] = dict(inputs)
    labels: dict[str, str] = {}  # ref -> how people know the object ("template \"Welcome\""), for content requests
    requests = bundle["requests"]
    total = len(requests)
    for index, request in enumerate(requests, 1):
        path, body = resolve(request, ids, adapter.id_fields())
        ref_name, name = request.get("ref"), request.get("name")
        noun = adapter.noun(path)
        parent = next((labels[r] for r in REF.findall(request["path"]) if r in labels), None)
        label = quoted(name) if name else (_("content of %(parent)s", parent=parent) if parent else None)
        what = _("request %(index)d of %(count)d (%(where)s)", index=index, count=total,
                 where=f"{request['method']} {path}" + (f", {label}" if label else ""))
        fp = fingerprint(request["method"], path, body)
        resolved = {**request, "path": path, "body": body}
        if ref_name:
            step = _object(adapter, client, resolved, index, fp, ledger.get(ref_name), what)
            ids[ref_name] = step.id  # type: ignore[assignment]
            ledger.save(ref_name, step.id, fp)
            labels[ref_name] = named(noun, name) if name else f"{noun} {step.id}"
        else:
            key = content_key(request)
            saved = ledger.get(key)
            if saved is not None and saved[1] == fp:
                step = Step(index, None, None, path, "unchanged")
            else:
                client.send(request["method"], path, body, what=what)
                step = Step(index, None, None, path, "updated" if saved is not None else "created")
                ledger.save(key, None, fp)
        result.steps.append(step)
        if progress is not None:
            progress(index, total, describe(step, noun, parent))


def _object(adapter: Adapter, client: RetryingClient, request: dict[str, Any], index: int, fp: str,
            saved: tuple[int | None, str] | None, what: str) -> Step:
    """Reuse, update or create the object of one creating request."""
    ref_name, name, path, body = request.get("ref"), request.get("name"), request["path"], request["body"]
    remote_id = saved[0] if saved is not None else None
    if remote_id is not None and saved is not None and saved[1] == fp:
        return Step(index, ref_name, name, path, "reused", remote_id)
    if remote_id is None:
        remote_id = adapter.find(client, request)
        if remote_id is None:
            return _create(adapter, client, request, index, what)
    change = adapter.update(request, remote_id, body)
    if change is None:
        return Step(index, ref_name, name, path, "reused", remote_id)
    method, update_path, update_body = change
    try:
        client.send(method, update_path, update_body, what=what)
    except Refused as refused:
        if refused.status != 404 or saved is None:
            raise
        # The ID the ledger kept is gone (deleted in the ESP since): look the object up by name, or make it anew.
        found = adapter.find(client, request)
        if found is None:
            return _create(adapter, client, request, index, what)
        change = adapter.update(request, found, body)
        if change is None:
            return Step(index, ref_name, name, path, "reused", found)
        client.send(change[0], change[1], change[2], what=what)
        return Step(index, ref_name, name, change[1], "updated", found)
    return Step(index, ref_name, name, update_path, "updated", remote_id)


def _create(adapter: Adapter, client: RetryingClient, request: dict[str, Any], index: int, what: str) -> Step:
    ref_name, name, path = request.get("ref"), request.get("name"), request["path"]
    try:
        answer = client.send(request["method"], path, request["body"], what=what,
                             before_retry=lambda: adapter.find(client, request))
    except _Gone as gone:  # the POST went through before its answer was lost
        return Step(index, ref_name, name, path, "reused", gone.remote_id)
    new_id = NO_ID if adapter.named_only(request) else adapter.id_in(answer)
    if new_id is None:
        raise PushError(_("%(esp)s's answer to %(what)s holds no ID, so the requests after it cannot refer to it.",
                          esp=adapter.label, what=what))
    return Step(index, ref_name, name, path, "created", new_id)


def quoted(name: str) -> str:
    """A name in the quotation marks of the request's language: "Welcome", „Willkommen“."""
    return _('"%(name)s"', name=name)


def named(noun: str, name: str) -> str:
    """An object by its kind and name: template "Welcome"."""
    return _('%(noun)s "%(name)s"', noun=noun, name=name)


def describe(step: Step, noun: str, parent: str | None = None) -> str:
    """One line for people about what a step did, e.g. 'Created template "Welcome" (ID 70001)'."""
    what = named(noun, step.name) if step.name else noun
    if step.ref is None:
        target = parent or step.path
        if step.outcome == "unchanged":
            return _("The content of %(target)s is unchanged", target=target)
        return _("Sent the content of %(target)s", target=target)
    if step.id == NO_ID:  # known by its name alone
        return _("Created %(what)s", what=what) if step.outcome == "created" else _("Found %(what)s", what=what)
    if step.outcome == "created":
        return _("Created %(what)s (ID %(id)s)", what=what, id=step.id)
    if step.outcome == "updated":
        return _("Updated %(what)s (ID %(id)s)", what=what, id=step.id)
    return _("Found %(what)s (ID %(id)s)", what=what, id=step.id)
