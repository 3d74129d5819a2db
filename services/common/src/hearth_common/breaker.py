"""Cross-cutting: a circuit breaker that stops calls waiting on a dependency found unreachable (pure: no I/O)."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable


class CircuitBreaker:
    """Whether a dependency (a database) is worth trying, from what the last attempts to reach it found.

    Closed, everything goes through. A failed attempt to connect, or a connection lost while in use, opens
    it: from then on attempts are refused at once (the caller answers "unavailable, retry shortly" instead of
    waiting for a connect timeout on each of its threads), except one probe at a time, allowed once every
    `retry_interval` seconds, to whoever asks first (a call, or the health check). The probe's success
    closes the breaker; its failure keeps it open for another interval.

    A connection lost quickly (the server reset it: a restart) makes the next attempt a probe at once, so that
    a server already back costs no refused calls; one lost after a long wait (a server gone silent) waits the
    interval, so that the caller who waited is not also the one who probes.

    Thread-safe, and spawns nothing: under eventlet its lock is green and nothing here blocks the hub.
    `clock` is for tests (monotonic seconds). `on_change` callbacks run (outside the lock, on the thread that
    saw it) each time it opens or closes: the health watch wakes on them rather than polling.
    """

    def __init__(self, retry_interval: float = 0.5, *, clock: Callable[[], float] = time.monotonic,
                 probe_timeout: float = 30.0):
        self.retry_interval = retry_interval
        self.probe_timeout = probe_timeout  # a probe that never reported back (its thread died) stops counting
        self._clock = clock
        self._lock = threading.Lock()
        self._open = False
        self._next_probe_at = 0.0
        self._probe_started_at: float | None = None
        self.opened_count = 0  # how many times it opened (for logs and tests)
        self.on_change: list[Callable[[], None]] = []

    @property
    def is_open(self) -> bool:
        return self._open

    def allow_attempt(self) -> bool:
        """Whether to try reaching the dependency now: always while closed; while open, True for one probe at
        a time once its interval is up (the caller must then report `succeeded()` or `failed()`)."""
        with self._lock:
            if not self._open:
                return True
            now = self._clock()
            if self._probe_started_at is not None and now - self._probe_started_at < self.probe_timeout:
                return False
            if now < self._next_probe_at:
                return False
            self._probe_started_at = now
            return True

    def succeeded(self) -> None:
        """An attempt reached the dependency: closes the breaker."""
        with self._lock:
            changed = self._open
            self._open = False
            self._probe_started_at = None
        if changed:
            self._changed()

    def failed(self) -> None:
        """An attempt to reach the dependency failed: opens the breaker (or keeps it open) for an interval."""
        with self._lock:
            changed = self._trip(self._clock() + self.retry_interval)
            self._probe_started_at = None
        if changed:
            self._changed()

    def lost(self, *, quickly: bool) -> None:
        """A connection in use was lost: opens the breaker. `quickly` (the loss showed at once: a reset) lets the
        next attempt probe without waiting; otherwise the next probe waits the interval."""
        with self._lock:
            if self._open:
                return  # an older connection of the same outage: the probe schedule stands
            now = self._clock()
            self._trip(now if quickly else now + self.retry_interval)
        self._changed()

    def _trip(self, next_probe_at: float) -> bool:
        opened = not self._open
        if opened:
            self.opened_count += 1
        self._open = True
        self._next_probe_at = next_probe_at
        return opened

    def _changed(self) -> None:
        for callback in list(self.on_change):
            callback()
