"""Login attempts: a delay that grows with failures per address, and an account-wide slowdown.

Why not a lockout: organisers share the shop's address with the public Wi-Fi. A hard
lockout per address lets anyone there lock every organiser out; a lockout per account lets
anyone anywhere do it. Instead each address gets a few free attempts, then must wait
1, 2, 4 ... seconds between attempts (at most ``cap``), and once the whole account sees a
burst of attempts, checks are spaced by ``account_spacing`` seconds for everyone. Guessing
stays slow; an organiser is held back at most ``cap`` seconds at a shared address and
``account_spacing`` seconds elsewhere. The state is in memory (one process): a restart
forgets it, which only gives an attacker a few more free attempts.
"""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(slots=True)
class _Failures:
    count: int
    last: float


class LoginThrottle:
    """Whether a password may be checked now, per client address and for the account.

    An attempt is counted before the password is checked (parallel attempts cannot slip
    past); a success clears its address. Refused attempts are not counted: waiting is
    enough to try again. Memory is bounded: the addresses seen longest ago are dropped
    beyond ``max_keys``.
    """

    def __init__(
        self,
        *,
        free: int = 5,
        base: float = 1.0,
        cap: float = 60.0,
        forget_after: float = 15 * 60,
        account_burst: int = 30,
        account_window: float = 60.0,
        account_spacing: float = 2.0,
        max_keys: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.free = free
        self.base = base
        self.cap = cap
        self.forget_after = forget_after
        self.account_burst = account_burst
        self.account_window = account_window
        self.account_spacing = account_spacing
        self.max_keys = max_keys
        self.clock = clock
        self._failures: OrderedDict[str, _Failures] = OrderedDict()
        self._account: deque[float] = deque()

    def delay(self, failures: int) -> float:
        """The wait after ``failures`` counted attempts from one address."""
        if failures < self.free:
            return 0.0
        return min(self.base * 2 ** (failures - self.free), self.cap)

    def _address_wait(self, key: str, now: float) -> float:
        failures = self._failures.get(key)
        if failures is None:
            return 0.0
        if now - failures.last >= self.forget_after:
            del self._failures[key]
            return 0.0
        return max(failures.last + self.delay(failures.count) - now, 0.0)

    def _account_wait(self, now: float) -> float:
        while self._account and self._account[0] <= now - self.account_window:
            self._account.popleft()
        if len(self._account) < self.account_burst:
            return 0.0
        return max(self._account[-1] + self.account_spacing - now, 0.0)

    def try_acquire(self, key: str) -> float:
        """Count an attempt; return 0 if allowed, else the seconds to wait (not counted)."""
        now = self.clock()
        wait = max(self._address_wait(key, now), self._account_wait(now))
        if wait > 0:
            return wait
        failures = self._failures.pop(key, None) or _Failures(0, now)
        self._failures[key] = _Failures(failures.count + 1, now)
        while len(self._failures) > self.max_keys:
            self._failures.popitem(last=False)
        self._account.append(now)
        return 0.0

    def reset(self, key: str) -> None:
        """Forget an address's attempts (after a successful login)."""
        self._failures.pop(key, None)
