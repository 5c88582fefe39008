"""Email service providers behind one small interface: a third ESP is one more module here.

    from exports import esp
    adapter = esp.adapter("mailjet")          # or "brevo"
    bundle = adapter.build_bundle(campaign)   # raises the adapter's BundleRefused (a list of problems)
    result = esp.replay.push(adapter, bundle, inputs={...}, credentials=..., ledger=..., progress=...)

An adapter knows the ESP's API: how a bundle is built from a campaign, how an object is found by its
stable name, how one is updated, what its answers and errors look like, and what to check before the
first write (preflight). The replay engine (replay.py) is shared: it walks a bundle's requests in
order, asks the ledger for the IDs an earlier run saved, looks each object up by name before creating
it, retries 429 and 5xx with backoff (honouring Retry-After), and reports progress, so that running
the same bundle twice creates nothing new and a stopped push resumes where it stopped.
"""

from __future__ import annotations

import importlib
import importlib.util

from .base import Adapter, Credentials, Ledger, PushError, PushResult, Step

_ADAPTERS: dict[str, Adapter] = {}


def register(adapter: Adapter) -> Adapter:
    _ADAPTERS[adapter.key] = adapter
    return adapter


def adapter(key: str) -> Adapter:
    """The adapter for an ESP key ("mailjet", "brevo"); KeyError for an unknown one."""
    _load()
    return _ADAPTERS[key]


def adapters() -> list[Adapter]:
    _load()
    return list(_ADAPTERS.values())


ESP_MODULES = ("brevo", "mailjet")  # each registers its adapter when imported; this order is the list's


def _load() -> None:
    # A branch may hold only some of them (Mailjet and Brevo are built side by side): import those present.
    for name in ESP_MODULES:
        if importlib.util.find_spec(f"{__name__}.{name}") is not None:
            importlib.import_module(f"{__name__}.{name}")


__all__ = ["Adapter", "Credentials", "Ledger", "PushError", "PushResult", "Step", "adapter", "adapters", "register"]
