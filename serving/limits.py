"""Request budgets per key (a token, an address, a user name): sliding one-minute windows in memory.

One rule for every door: the serving API (requests per token and per address, 429 with Retry-After)
and the sign-in forms (failed attempts per user and per address, then a lockout). In memory means
per process: each API worker or Streamlit server counts its own callers, which bounds a brute force
by workers x budget; a shared store is the step when the API runs on more than one machine.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque


class Budget:
    """At most `limit` events per `window_s` per key; `retry_after(key)` says when the next is allowed."""

    def __init__(self, limit: int, window_s: float = 60.0, clock=time.monotonic):
        self.limit, self.window_s, self.clock = limit, window_s, clock
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _trim(self, key: str, now: float) -> deque[float]:
        q = self._events.setdefault(key, deque())
        while q and q[0] <= now - self.window_s:
            q.popleft()
        return q

    def retry_after(self, key: str) -> int:
        """Seconds until `key` may act again (0: now)."""
        with self._lock:
            now = self.clock()
            q = self._trim(key, now)
            return 0 if len(q) < self.limit else max(1, math.ceil(q[0] + self.window_s - now))

    def take(self, key: str) -> int:
        """Count one event; returns 0 if it was within the budget, else the seconds to wait (not counted)."""
        with self._lock:
            now = self.clock()
            q = self._trim(key, now)
            if len(q) >= self.limit:
                return max(1, math.ceil(q[0] + self.window_s - now))
            q.append(now)
            if len(self._events) > 100_000:  # forget idle keys, so a scan of addresses cannot grow memory without end
                for k in [k for k, v in self._events.items() if not v or v[-1] <= now - self.window_s]:
                    del self._events[k]
            return 0

    def reset(self, key: str) -> None:
        with self._lock:
            self._events.pop(key, None)


class SignInGuard:
    """Failed sign-ins: after `per_user` failures for one user name, or `per_address` from one address,
    within `window_s`, no password is checked for that user or address until the oldest failure ages
    out (a lockout window). A success clears the user's failures, not the address's."""

    def __init__(self, per_user: int = 5, per_address: int = 20, window_s: float = 900.0, clock=time.monotonic):
        self.users = Budget(per_user, window_s, clock)
        self.addresses = Budget(per_address, window_s, clock)

    def wait(self, user: str, address: str) -> int:
        """Seconds before this user may try again from this address (0: now)."""
        return max(self.users.retry_after(user.strip().lower()), self.addresses.retry_after(address))

    def failed(self, user: str, address: str) -> None:
        self.users.take(user.strip().lower())
        self.addresses.take(address)

    def succeeded(self, user: str) -> None:
        self.users.reset(user.strip().lower())
