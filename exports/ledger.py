"""Where a push keeps what it made in an ESP account between runs: the database (DatabaseLedger) for the app's
pushes, a dict (MemoryLedger) for the command, which relies on looking objects up by name instead."""

from __future__ import annotations

import time

import hashlib
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import bindparam

from accounts import current
from journeymail.extensions import db

from .esp.base import Adapter, Credentials
from .models import PushedObject, utcnow


def account_key(credentials: Credentials) -> str:
    """The ESP account as the ledger names it: a SHA-256 of the API key, never the key itself."""
    return hashlib.sha256(credentials.key.encode("utf-8")).hexdigest()


def inputs_key(inputs: Mapping[str, int]) -> str:
    """What the user supplied, as one stable string: "contactslist=42"."""
    return "&".join(f"{name}={inputs[name]}" for name in sorted(inputs))


class DatabaseLedger:
    """The push ledger of one campaign, ESP, account and inputs, in the table pushed_objects.

    It commits nothing. Saves are kept in memory and written by `flush()` in two statements at most (one
    INSERT of the new keys, one UPDATE of the known ones), however large the campaign: the caller flushes
    when the push ends, stopped or not (push_job.push_campaign), and the request's commit hook commits it.
    A background job passes `on_save`: then the saves are flushed and `on_save` called (the job commits
    there) at most every `every` seconds, and again when the push ends, so a worker that stops keeps the
    IDs saved until a few seconds before it stopped (the next run finds the rest in the ESP by name)."""

    def __init__(self, campaign: Any, adapter: Adapter, credentials: Credentials, inputs: Mapping[str, int],
                 on_save: Callable[[], None] | None = None, every: float = 0.0):
        self.scope = {
            "workspace_id": campaign.workspace_id, "campaign_id": campaign.id, "esp": adapter.key,
            "account": account_key(credentials), "inputs": inputs_key(inputs),
        }
        self.on_save, self.every, self.saved_at = on_save, every, time.monotonic()
        query = current.scoped(PushedObject).filter_by(**self.scope)
        rows = db.session.scalars(query).all()
        self.saved: dict[str, tuple[int | None, str]] = {r.key: (r.remote_id, r.fingerprint) for r in rows}
        self.row_ids: dict[str, int | None] = {r.key: r.id for r in rows}  # None: inserted by this ledger
        self.pending: set[str] = set()

    def get(self, key: str) -> tuple[int | None, str] | None:
        return self.saved.get(key)

    def save(self, key: str, remote_id: int | None, fingerprint: str) -> None:
        self.saved[key] = (remote_id, fingerprint)
        self.pending.add(key)
        if self.on_save is not None and time.monotonic() - self.saved_at >= self.every:
            self.saved_at = time.monotonic()
            self.flush()
            self.on_save()

    def flush(self) -> None:
        """Write the saves not written yet into the session's transaction."""
        now = utcnow()
        new = [k for k in self.pending if k not in self.row_ids]
        known = [k for k in self.pending if self.row_ids.get(k) is not None]
        again = [k for k in self.pending if k in self.row_ids and self.row_ids[k] is None]
        table = PushedObject.__table__
        if new:  # one executemany, every row with the same columns
            db.session.execute(table.insert(), [
                {**self.scope, "key": k, "remote_id": self.saved[k][0], "fingerprint": self.saved[k][1],
                 "updated_at": now} for k in new
            ])
        if known:
            by_id = table.update().where(table.c.id == bindparam("row_id")).values(
                remote_id=bindparam("new_remote_id"), fingerprint=bindparam("new_fingerprint"), updated_at=now)
            db.session.execute(by_id, [
                {"row_id": self.row_ids[k], "new_remote_id": self.saved[k][0], "new_fingerprint": self.saved[k][1]}
                for k in known
            ])
        for k in again:  # saved twice by one push: by its unique columns
            db.session.execute(db.update(PushedObject).filter_by(**self.scope, key=k).values(
                remote_id=self.saved[k][0], fingerprint=self.saved[k][1], updated_at=now))
        self.row_ids.update((k, None) for k in new)
        self.pending.clear()


class MemoryLedger:
    """A ledger for one run only: a second run finds what the first made by name."""

    def __init__(self) -> None:
        self.saved: dict[str, tuple[int | None, str]] = {}

    def get(self, key: str) -> tuple[int | None, str] | None:
        return self.saved.get(key)

    def save(self, key: str, remote_id: int | None, fingerprint: str) -> None:
        self.saved[key] = (remote_id, fingerprint)
