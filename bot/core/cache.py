"""A small thread-safe cache with a time-to-live and a size bound (least recently used goes)."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class TTLCache(Generic[K, V]):
    def __init__(
        self, ttl_s: float, max_size: int, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._ttl_s = ttl_s
        self._max_size = max_size
        self._clock = clock
        self._items: OrderedDict[K, tuple[float, V]] = OrderedDict()
        # Slack listeners run on worker threads; OrderedDict moves are not atomic.
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            expires, value = item
            if self._clock() >= expires:
                del self._items[key]
                return None
            self._items.move_to_end(key)
            return value

    def put(self, key: K, value: V) -> None:
        if self._ttl_s <= 0 or self._max_size <= 0:
            return
        with self._lock:
            self._items[key] = (self._clock() + self._ttl_s, value)
            self._items.move_to_end(key)
            while len(self._items) > self._max_size:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)
