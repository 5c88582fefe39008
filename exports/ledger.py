"""Where a push keeps what it made in an ESP account between runs: the database (DatabaseLedger) for the app's
pushes, a dict (MemoryLedger) for the command, which relies on looking objects up by name instead."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from typing import Any

from accounts import current
from journeymail.extensions import db

from .esp.base import Adapter, Credentials
from .models import PushedObject


def account_key(credentials: Credentials) -> str:
    """The ESP account as the ledger names it: a SHA-256 of the API key, never the key itself."""
    return hashlib.sha256(credentials.key.encode("utf-8")).hexdigest()


def inputs_key(inputs: Mapping[str, int]) -> str:
    """What the user supplied, as one stable string: "contactslist=42"."""
    return "&".join(f"{name}={inputs[name]}" for name in sorted(inputs))


class DatabaseLedger:
    """The push ledger of one campaign, ESP, account and inputs, in the table pushed_objects.

    It commits nothing: each save is flushed into the caller's transaction. In a request the commit hook
    commits it with the request (also when the push stopped: the page says so and the IDs are kept). A
    background job passes `on_save`, called after each flush, to commit there, so a worker that stops
    keeps every ID saved before it stopped."""

    def __init__(self, campaign: Any, adapter: Adapter, credentials: Credentials, inputs: Mapping[str, int],
                 on_save: Callable[[], None] | None = None):
        self.scope = {
            "workspace_id": campaign.workspace_id, "campaign_id": campaign.id, "esp": adapter.key,
            "account": account_key(credentials), "inputs": inputs_key(inputs),
        }
        self.on_save = on_save
        query = current.scoped(PushedObject).filter_by(**self.scope)
        self.rows: dict[str, PushedObject] = {row.key: row for row in db.session.scalars(query)}

    def get(self, key: str) -> tuple[int | None, str] | None:
        row = self.rows.get(key)
        return None if row is None else (row.remote_id, row.fingerprint)

    def save(self, key: str, remote_id: int | None, fingerprint: str) -> None:
        row = self.rows.get(key)
        if row is None:
            row = self.rows[key] = PushedObject(**self.scope, key=key)
            db.session.add(row)
        row.remote_id, row.fingerprint = remote_id, fingerprint
        db.session.flush()
        if self.on_save is not None:
            self.on_save()


class MemoryLedger:
    """A ledger for one run only: a second run finds what the first made by name."""

    def __init__(self) -> None:
        self.saved: dict[str, tuple[int | None, str]] = {}

    def get(self, key: str) -> tuple[int | None, str] | None:
        return self.saved.get(key)

    def save(self, key: str, remote_id: int | None, fingerprint: str) -> None:
        self.saved[key] = (remote_id, fingerprint)
