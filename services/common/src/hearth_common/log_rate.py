"""Cross-cutting: log lines a caller can cause at will, bounded per second: a token bucket for each kind of line.

A flood of refused requests (garbage bytes, oversized fields, missing tokens) must not become a flood of log
lines: each kind may log a burst, then a steady rate; what it holds back is counted and said in one line
("log lines suppressed", with how many) as soon as that kind may log again, or any other line is logged.
"""
from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Callable, Mapping


@dataclasses.dataclass(frozen=True)
class Rate:
    """A burst of `burst` lines, then `per_second` lines a second."""

    burst: float
    per_second: float


@dataclasses.dataclass
class _Bucket:
    rate: Rate
    tokens: float
    updated: float
    suppressed: int = 0
    suppressed_since: float = 0.0


class LogRateLimiter:
    """Logs through `logger` at most the rate of each kind (`rates[kind]`, else `default`); thread-safe."""

    def __init__(
        self,
        logger: logging.Logger,
        rates: Mapping[str, Rate] | None = None,
        default: Rate = Rate(burst=20, per_second=5),
        clock: Callable[[], float] = time.monotonic,
    ):
        self.logger = logger
        self.rates = dict(rates or {})
        self.default = default
        self.clock = clock
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()
        self._held_back = 0  # kinds with suppressed lines not yet reported (read without the lock: a hint)

    def log(self, kind: str, level: int, msg: str, *args, extra: Mapping | None = None, exc_info=None) -> bool:
        """Logs the line unless its kind is over its rate (then counts it); whether it was logged."""
        if not self.logger.isEnabledFor(level):
            return False
        with self._lock:
            now = self.clock()
            bucket = self._bucket(kind, now)
            allowed = bucket.tokens >= 1
            reports = self._due_reports(now)  # this kind's own first, when it may log again
            if allowed:
                bucket.tokens -= 1
            else:
                if bucket.suppressed == 0:
                    bucket.suppressed_since = now
                    self._held_back += 1
                bucket.suppressed += 1
        for report in reports:
            self._report(*report)
        if allowed:
            self.logger.log(level, msg, *args, extra=dict(extra or {}), exc_info=exc_info)
        return allowed

    def flush(self) -> None:
        """Says how many lines were held back, for each kind that may log again (cheap when there are none)."""
        if not self._held_back:
            return
        with self._lock:
            reports = self._due_reports(self.clock())
        for report in reports:
            self._report(*report)

    def _bucket(self, kind: str, now: float) -> _Bucket:
        bucket = self._buckets.get(kind)
        if bucket is None:
            rate = self.rates.get(kind, self.default)
            bucket = self._buckets[kind] = _Bucket(rate, rate.burst, now)
        else:
            elapsed = now - bucket.updated
            bucket.tokens = min(bucket.rate.burst, bucket.tokens + elapsed * bucket.rate.per_second)
            bucket.updated = now
        return bucket

    def _due_reports(self, now: float) -> list[tuple[str, int, float]]:
        """The kinds with suppressed lines that may log again. A report takes no token: there is at most one
        for each run of suppressed lines, and a run starts only once the bucket is empty."""
        if not self._held_back:
            return []
        reports = []
        for kind, bucket in self._buckets.items():
            if bucket.suppressed:
                self._bucket(kind, now)
                if bucket.tokens >= 1:
                    reports.append((kind, bucket.suppressed, now - bucket.suppressed_since))
                    bucket.suppressed = 0
                    self._held_back -= 1
        return reports

    def _report(self, kind: str, count: int, seconds: float) -> None:
        self.logger.warning(
            "log lines suppressed",
            extra={"log_kind": kind, "suppressed": count, "over_seconds": round(seconds, 3)},
        )
