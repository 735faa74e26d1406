"""HTTP for the connectors: timeouts, retries with exponential backoff on what is worth retrying
(connection errors, timeouts, 429, 5xx), and a circuit breaker that stops calling a provider that keeps
failing so a run moves on to the next one instead of waiting out every timeout."""

from __future__ import annotations

import time

import httpx

from ingestion.connectors import SourceUnavailable


class CircuitOpen(SourceUnavailable):
    pass


class CircuitBreaker:
    """Opens after `failures` consecutive failed calls; stays open `reset_after_s`, then lets one call try."""

    def __init__(self, failures: int = 3, reset_after_s: float = 300.0):
        self.failures, self.reset_after_s = failures, reset_after_s
        self.consecutive, self.opened_at = 0, None

    def check(self, name: str) -> None:
        if self.opened_at is not None:
            if time.monotonic() - self.opened_at < self.reset_after_s:
                raise CircuitOpen(f"{name}: circuit open after {self.consecutive} consecutive failures")
            self.opened_at = None  # half-open: one call may try

    def record(self, ok: bool) -> None:
        if ok:
            self.consecutive, self.opened_at = 0, None
        else:
            self.consecutive += 1
            if self.consecutive >= self.failures:
                self.opened_at = time.monotonic()


class RetryingClient:
    def __init__(self, name: str, base_url: str, timeout_s: float = 10.0, retries: int = 3, backoff_s: float = 0.5,
                 headers: dict[str, str] | None = None, auth: tuple[str, str] | None = None,
                 breaker: CircuitBreaker | None = None):
        self.name, self.retries, self.backoff_s, self.breaker = name, retries, backoff_s, breaker
        self.client = httpx.Client(base_url=base_url.rstrip("/"), timeout=timeout_s, headers=headers or {}, auth=auth)

    def request(self, method: str, path: str, **kwargs) -> httpx.Response:
        """The response (2xx-4xx except 429), or SourceUnavailable after the retries, naming the last problem."""
        problem = ""
        for attempt in range(1, self.retries + 1):
            if self.breaker:
                self.breaker.check(self.name)
            try:
                resp = self.client.request(method, path, **kwargs)
                if resp.status_code == 429 or resp.status_code >= 500:
                    problem = f"HTTP {resp.status_code}: {resp.text[:200]}"
                else:
                    if self.breaker:
                        self.breaker.record(True)
                    return resp
            except httpx.TimeoutException:
                problem = f"timed out after {self.client.timeout.read}s"
            except httpx.TransportError as e:
                problem = f"connection failed: {e}"
            if self.breaker:
                self.breaker.record(False)
            if attempt < self.retries:
                time.sleep(self.backoff_s * 2 ** (attempt - 1))
        raise SourceUnavailable(f"{self.name} at {self.client.base_url}{path}: {problem} ({self.retries} tries)")

    def get(self, path: str, **kwargs) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def close(self) -> None:
        self.client.close()
