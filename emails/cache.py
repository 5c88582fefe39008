"""Caches of results keyed by the content that decides them, bounded together by bytes, not by entries.

Every cache of the engine (parsed sources, compiled MJML, checks of a source, text parts, previews) is
a ContentCache drawing on one MemoryBudget: the entries of all of them together stay under its limit,
and when a new entry needs room, the least recently used entries go first, whichever cache holds
them. An entry's size is what its key and value hold: their strings (sys.getsizeof) and an estimate
for the objects around them. A long string held by several entries (the HTML of a preview is the
compiled MJML's, the source in a preview's key is the parse's) is counted once, while any entry holds
it: the budget's `used` is the bytes the caches really keep alive, as near as it can be estimated.

A key is the content itself (a string, or a tuple of strings and flags), compared in full on a hit:
an edit, which changes the content, can never be answered with a stale result, and no digest has to
be computed. A campaign's working set stays warm as long as it fits in the budget, whatever the number
of its emails; and entries that a warm request no longer reads (the parse and the compile behind a
cached preview) age, and make room first. The limit is JOURNEYMAIL_RENDER_CACHE_MB megabytes (default
768), or BUDGET.resize(bytes) at run time.

Sizing: an email and what is behind its preview take about 20 KB for a starter-sized email and 70 KB for
one the size of the MJML gallery's (more with letters beyond Latin-1, which Python stores in 2 or 4 bytes
each). 768 MB keeps a campaign of 7,500 gallery-sized emails warm with half as much again to spare.
Past the budget a full pass over more emails than fit finds none of them (least recently used is the
wrong guess for a repeated scan): size the budget for the largest campaign.
"""

from __future__ import annotations

import os
import sys
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from itertools import count
from threading import Lock
from typing import Generic, NamedTuple, TypeVar

T = TypeVar("T")

DEFAULT_BUDGET_MB = 768
ENTRY_BYTES = 256  # what one entry costs besides its value and its key: its place in the order, its record
SHARED_CHARACTERS = 512  # strings at least this long are counted once, however many entries hold them

# What a cached value holds: the bytes of its own objects (dataclasses, lists of checks...), and the
# things whose bytes are measured: strings, numbers, None, and tuples, lists and dicts of them.
Holding = tuple[int, Iterable[object]]


def _budget_from_environment() -> int:
    megabytes = os.environ.get("JOURNEYMAIL_RENDER_CACHE_MB", "").strip()
    try:
        return int(float(megabytes) * 1024 * 1024) if megabytes else DEFAULT_BUDGET_MB * 1024 * 1024
    except ValueError:
        raise ValueError(f"JOURNEYMAIL_RENDER_CACHE_MB must be a number of megabytes, not {megabytes!r}") from None


def measure(things: Iterable[object], shared: list[str]) -> int:
    """The bytes of `things`, but for their long strings, which are put in `shared` to be counted once."""
    size = 0
    for thing in things:
        if isinstance(thing, str):
            if len(thing) >= SHARED_CHARACTERS:
                shared.append(thing)
            else:
                size += sys.getsizeof(thing)
        elif isinstance(thing, (tuple, list)):
            size += sys.getsizeof(thing) + measure(thing, shared)
        elif isinstance(thing, dict):
            size += sys.getsizeof(thing) + measure(thing.keys(), shared) + measure(thing.values(), shared)
        elif thing is not None and not isinstance(thing, (bool, int, float)):
            size += 64  # an object the holding did not describe: a guess
    return size


def key_size(content: Hashable) -> int:
    """The bytes a key holds, every string counted."""
    shared: list[str] = []
    return measure((content,), shared) + sum(sys.getsizeof(s) for s in shared)


class _Entry(NamedTuple):
    cache: ContentCache
    value: object
    own: int  # bytes of this entry alone, its long strings aside
    shared: tuple[str, ...]  # its long strings, counted once in the budget however many entries hold them
    size: int  # bytes of this entry as if it were alone: own and its long strings


class MemoryBudget:
    """The bytes that a group of caches may hold together; least recently used entries are dropped first."""

    def __init__(self, limit: int):
        self.limit = limit
        self.used = 0  # bytes held by the entries, a long string held by several counted once
        self.evictions = 0
        self._entries: OrderedDict[tuple[int, Hashable], _Entry] = OrderedDict()  # least recently used first
        self._shared: dict[int, list[int]] = {}  # id of a long string held -> [its bytes, entries holding it]
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
        self.used += entry.own
        for string in entry.shared:  # the entry keeps each alive, so its id stays its own meanwhile
            held = self._shared.get(id(string))
            if held is None:
                self._shared[id(string)] = [sys.getsizeof(string), 1]
                self.used += sys.getsizeof(string)
            else:
                held[1] += 1
        entry.cache.entries += 1
        entry.cache.bytes += entry.size
        self._shrink()

    def _shrink(self) -> None:
        while self.used > self.limit and self._entries:
            _, entry = self._entries.popitem(last=False)
            self._forget(entry)
            self.evictions += 1

    def _forget(self, entry: _Entry) -> None:
        self.used -= entry.own
        for string in entry.shared:
            held = self._shared[id(string)]
            held[1] -= 1
            if held[1] == 0:
                del self._shared[id(string)]
                self.used -= held[0]
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
    caches; `holds` says what one result holds (its key is measured besides)."""

    def __init__(self, name: str, holds: Callable[[T], Holding], *, budget: MemoryBudget = BUDGET):
        self.name = name
        self.holds = holds
        self.budget = budget
        self._number = next(_numbers)  # equal content in two caches is two keys
        self.hits = self.misses = 0  # for `make bench` and the tests that prove a repeat is not redone
        self.entries = self.bytes = 0  # what this cache holds now, each entry as if alone (kept by the budget)

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
        overhead, things = self.holds(made)
        shared: list[str] = []
        own = ENTRY_BYTES + overhead + measure((content,), shared) + measure(things, shared)
        size = own + sum(sys.getsizeof(s) for s in shared)
        with budget.lock:
            budget._put(key, _Entry(self, made, own, tuple(shared), size))
        return made

    def __contains__(self, content: Hashable) -> bool:
        with self.budget.lock:
            return (self._number, content) in self.budget._entries

    def clear(self) -> None:
        """Drop every entry of this cache (the others keep theirs) and zero its counters."""
        with self.budget.lock:
            self.budget._drop(self)
            self.hits = self.misses = 0
