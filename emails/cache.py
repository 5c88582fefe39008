"""Caches of results keyed by the content that decides them, bounded together by bytes, not by entries.

Every cache of the engine (parsed sources, compiled MJML, checks of a source, text parts, previews) is
a ContentCache drawing on one MemoryBudget: the entries of all of them together stay under its limit,
and when a new entry needs room, the least recently used entries go first, whichever cache holds
them. An entry's size is estimated from the strings it holds, its key included (sys.getsizeof), plus
a fixed overhead; a string shared by two entries is counted twice, so the estimate errs high.

A key is the content itself (a string, or a tuple of strings and flags), compared in full on a hit:
an edit, which changes the content, can never be answered with a stale result, and no digest has to
be computed. A campaign's working set stays warm as long as it fits in the budget, whatever the number
of its emails; and entries that a warm request no longer reads (the parse and the compile behind a
cached preview) age, and make room first. The limit is JOURNEYMAIL_RENDER_CACHE_MB megabytes (default
512), or BUDGET.resize(bytes) at run time.
"""

from __future__ import annotations

import os
import sys
from collections import OrderedDict
from collections.abc import Callable, Hashable
from itertools import count
from threading import Lock
from typing import Generic, NamedTuple, TypeVar

T = TypeVar("T")

DEFAULT_BUDGET_MB = 512
ENTRY_BYTES = 256  # what one entry costs besides its value and its key: its place in the order, its record


def _budget_from_environment() -> int:
    megabytes = os.environ.get("JOURNEYMAIL_RENDER_CACHE_MB", "").strip()
    try:
        return int(float(megabytes) * 1024 * 1024) if megabytes else DEFAULT_BUDGET_MB * 1024 * 1024
    except ValueError:
        raise ValueError(f"JOURNEYMAIL_RENDER_CACHE_MB must be a number of megabytes, not {megabytes!r}") from None


def key_size(content: Hashable) -> int:
    """The bytes a key holds: its strings (a tuple's, one level deep) and the tuple itself."""
    if isinstance(content, tuple):
        return sys.getsizeof(content) + sum(sys.getsizeof(part) for part in content if isinstance(part, str))
    return sys.getsizeof(content)


class _Entry(NamedTuple):
    cache: ContentCache
    value: object
    size: int


class MemoryBudget:
    """The bytes that a group of caches may hold together; least recently used entries are dropped first."""

    def __init__(self, limit: int):
        self.limit = limit
        self.used = 0
        self.evictions = 0
        self._entries: OrderedDict[tuple[int, Hashable], _Entry] = OrderedDict()  # least recently used first
        self.lock = Lock()

    def resize(self, limit: int) -> None:
        """A new limit, in bytes; entries are dropped at once until the caches fit in it."""
        with self.lock:
            self.limit = limit
            self._shrink()

    def __len__(self) -> int:
        return len(self._entries)

    # The caches call these with the lock held.

    def _put(self, key: tuple[int, Hashable], entry: _Entry) -> None:
        old = self._entries.pop(key, None)
        if old is not None:
            self._forget(old)
        if entry.size > self.limit:
            return  # larger than the whole budget: served, never kept
        self._entries[key] = entry
        self.used += entry.size
        entry.cache.entries += 1
        entry.cache.bytes += entry.size
        self._shrink()

    def _shrink(self) -> None:
        while self.used > self.limit and self._entries:
            _, entry = self._entries.popitem(last=False)
            self._forget(entry)
            self.evictions += 1

    def _forget(self, entry: _Entry) -> None:
        self.used -= entry.size
        entry.cache.entries -= 1
        entry.cache.bytes -= entry.size

    def _drop(self, cache: ContentCache) -> None:
        for key in [k for k, e in self._entries.items() if e.cache is cache]:
            self._forget(self._entries.pop(key))


BUDGET = MemoryBudget(_budget_from_environment())
_numbers = count()


class ContentCache(Generic[T]):
    """Results keyed by the content that determines them, so an edit, which changes the content, can
    never be answered with a stale result. Bounded by its budget's bytes, shared with the engine's other
    caches; `sizeof` estimates what one result holds, in bytes (its key is counted besides)."""

    def __init__(self, name: str, sizeof: Callable[[T], int], *, budget: MemoryBudget = BUDGET):
        self.name = name
        self.sizeof = sizeof
        self.budget = budget
        self._number = next(_numbers)  # equal content in two caches is two keys
        self.hits = self.misses = 0  # for `make bench` and the tests that prove a repeat is not redone
        self.entries = self.bytes = 0  # what this cache holds now (kept by the budget)

    def get_or_make(self, content: Hashable, make: Callable[[], T]) -> T:
        """The result for `content` (a string, or a tuple of strings and flags), made if not held."""
        key = (self._number, content)
        budget = self.budget
        with budget.lock:
            entry = budget._entries.get(key)
            if entry is not None:
                budget._entries.move_to_end(key)
                self.hits += 1
                return entry.value  # type: ignore[return-value]
            self.misses += 1
        made = make()
        size = ENTRY_BYTES + key_size(content) + self.sizeof(made)
        with budget.lock:
            budget._put(key, _Entry(self, made, size))
        return made

    def __contains__(self, content: Hashable) -> bool:
        with self.budget.lock:
            return (self._number, content) in self.budget._entries

    def clear(self) -> None:
        """Drop every entry of this cache (the others keep theirs) and zero its counters."""
        with self.budget.lock:
            self.budget._drop(self)
            self.hits = self.misses = 0
