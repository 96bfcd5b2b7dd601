"""Login attempts per client address: a small in-memory sliding window."""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from collections.abc import Callable


class SlidingWindowLimiter:
    """At most ``limit`` attempts per ``window`` seconds for each key.

    An attempt is counted before the password is checked, so parallel attempts cannot
    slip past the limit; a successful one clears the key. Memory is bounded: the keys
    seen longest ago are dropped beyond ``max_keys``.
    """

    def __init__(
        self,
        limit: int = 5,
        window: float = 15 * 60,
        *,
        max_keys: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.window = window
        self.max_keys = max_keys
        self._clock = clock
        self._hits: OrderedDict[str, deque[float]] = OrderedDict()

    def _recent(self, key: str) -> deque[float]:
        hits = self._hits.get(key)
        if hits is None:
            hits = deque()
            self._hits[key] = hits
            while len(self._hits) > self.max_keys:
                self._hits.popitem(last=False)
        horizon = self._clock() - self.window
        while hits and hits[0] <= horizon:
            hits.popleft()
        return hits

    def try_acquire(self, key: str) -> float:
        """Count an attempt; return 0 if allowed, else the seconds until the next one is."""
        hits = self._recent(key)
        if len(hits) >= self.limit:
            return max(hits[0] + self.window - self._clock(), 1.0)
        hits.append(self._clock())
        self._hits.move_to_end(key)
        return 0.0

    def reset(self, key: str) -> None:
        """Forget a key's attempts (after a successful login)."""
        self._hits.pop(key, None)
