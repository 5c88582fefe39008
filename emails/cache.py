"""A cache of results keyed by the content that decides them, shared by the compile and preview caches."""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable
from threading import Lock
from typing import Generic, TypeVar

T = TypeVar("T")


class ContentCache(Generic[T]):
    """Results keyed by a hash of the content that determines them (least recently used go first),
    so an edit, which changes the content, can never be answered with a stale result."""

    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict[bytes, T] = OrderedDict()
        self._lock = Lock()
        self.hits = self.misses = 0  # for `make bench` and the tests that prove a repeat is not redone

    def get_or_make(self, content: str, make: Callable[[], T]) -> T:
        key = hashlib.blake2b(content.encode("utf-8"), digest_size=20).digest()
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                return self._items[key]
            self.misses += 1
        made = make()
        with self._lock:
            self._items[key] = made
            if len(self._items) > self.size:
                self._items.popitem(last=False)
        return made

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.hits = self.misses = 0
