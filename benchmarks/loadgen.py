"""Benchmark tooling: an open-loop load generator and percentile reporting shared by the benchmarks."""
from __future__ import annotations

import concurrent.futures
import dataclasses
import gc
import os
import pathlib
import socket
import statistics
import sys
import threading
import time
from collections.abc import Callable

BIN = pathlib.Path(sys.executable).parent
DURATION = float(os.environ.get("BENCH_SECONDS", "10"))  # measured seconds per row
WARMUP = float(os.environ.get("BENCH_WARMUP_SECONDS", "1"))  # unmeasured seconds at the row's rate before them


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# A timed post's body: an ordinary sentence carrying its post number and its scheduled send time (monotonic clock,
# in microseconds) in consonants. Digits would not do: a timestamp's 16 digits in a row are a phone number to
# automod, which then flags every post for a moderator (measured: 0.46 ms of automod per post instead of 0.13, and
# a flag written and sent on per post), a workload no chat room has.
_LETTERS = "bcdfghjklmnpqrstvwxz"  # no vowels: no word, no name, nothing automod looks for


def _letters(n: int) -> str:
    out = ""
    while True:
        n, digit = divmod(n, len(_LETTERS))
        out = _LETTERS[digit] + out
        if not n:
            return out


def _number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * len(_LETTERS) + _LETTERS.index(ch)
    return n


def timed_body(k: int, scheduled: float) -> str:
    """A post's body carrying post number k and its scheduled send time (time.monotonic())."""
    return f"thanks for listening everyone, today was a bit better ({_letters(k)} {_letters(round(scheduled * 1e6))})"


def read_timed_body(body: str) -> tuple[int, float]:
    """(post number, scheduled send time) from a timed_body."""
    k, t = body[body.rindex("(") + 1:-1].split(" ")
    return _number(k), _number(t) / 1e6


def percentiles(latencies: list[float]) -> str:
    """p50, p99 and max of latencies given in seconds, printed in ms (inclusive quantiles: p99 is never above
    the largest sample, as the default method puts it for small samples)."""
    q = statistics.quantiles(latencies, n=100, method="inclusive")
    return f"p50={q[49] * 1000:7.2f} ms p99={q[98] * 1000:7.2f} ms max={max(latencies) * 1000:7.2f} ms"


def machine_check() -> str:
    """Two figures of the machine itself, so runs on different machines (or hours) can be compared: the CPU
    time of a fixed pure-Python loop, and how late 1 ms sleeps wake (the scheduler's and hypervisor's stalls)."""
    started = time.process_time()
    total = 0
    for i in range(10_000_000):
        total += i
    loop = time.process_time() - started
    late = []
    for _ in range(1000):
        before = time.perf_counter()
        time.sleep(0.001)
        late.append(time.perf_counter() - before - 0.001)
    return f"machine: a 10M-step Python loop takes {loop:.2f} s of CPU; 1 ms sleeps wake late by {percentiles(late)}"


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
POSTGRES_SHARED = ("walwriter", "checkpointer", "background writer")


def postgres_pids(databases, shared: bool = True) -> list[int]:
    """PostgreSQL's backends connected to `databases` (their command line names the database), and its WAL
    writer, checkpointer and background writer: not the postmaster, whose children's time holds that of every
    exited backend of whoever else shares the server (other sessions' tests). A backend that exits mid-row
    (a pool's overflow connection closed) is not counted. `shared=False` leaves out the writers."""
    wanted = tuple(f" {name} " for name in databases) + tuple(f": {name} " for name in POSTGRES_SHARED if shared)
    found = []
    for pid in pids_of("postgres"):
        try:
            command = pathlib.Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode() + " "
        except OSError:
            continue
        if any(w in command for w in wanted):
            found.append(pid)
    return found


def pids_of(*commands: str) -> list[int]:
    """Every running process whose command name is one of `commands` (Linux /proc), e.g. the PostgreSQL server
    and its backends ("postgres") or RabbitMQ ("beam.smp"), which the benchmark does not start itself. Only
    those of this machine's own process namespace: the servers in containers (a compose stack someone else
    runs) are not the ones the benchmark uses."""
    found = []
    namespace = os.readlink("/proc/self/ns/pid")
    for entry in pathlib.Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() in commands and os.readlink(entry / "ns/pid") == namespace:
                    found.append(int(entry.name))
            except OSError:  # exited meanwhile
                pass
    return found


def cpu_seconds(pids) -> float:
    """User + system CPU time the processes have used so far (all their threads), with that of their children
    that have exited (PostgreSQL's backends that ended, counted in the server's own process); a process gone
    counts 0, its parent holding its time instead."""
    total = 0
    for pid in pids:
        try:
            fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(f) for f in fields[11:15])  # utime, stime, cutime, cstime
    return total / CLOCK_TICKS


class CpuMeter:
    """CPU time per call of each process group while a row runs, and what share of the machine's cores the
    row kept busy: where a row's latency is queueing for the two cores, this shows which process to blame.
    `groups` maps a name to its processes, or to a function listing them when they come and go (PostgreSQL's
    backends); the load generator (this process) is added as "load-generator"."""

    def __init__(self, groups: dict[str, list[int] | Callable[[], list[int]]], also: list | None = None):
        self.groups = {**groups, "load-generator": [os.getpid()]}
        self._before: dict[str, dict[int, float]] = {}
        self.also = list(also or [])  # other meters (pgcount.PgMeter) started at the same moment

    def _pids(self, name: str) -> set[int]:
        group = self.groups[name]
        return set(group() if callable(group) else group)

    def start(self) -> None:
        self._started = {name: self._pids(name) for name in self.groups}
        self._before = {name: {pid: cpu_seconds([pid]) for pid in pids} for name, pids in self._started.items()}
        for meter in self.also:
            meter.start()

    def used(self) -> dict[str, float]:
        """CPU seconds each group used since start()."""
        # Those started meanwhile count whole. Those gone count nothing (not minus what they had used before the
        # row, which made PostgreSQL's figure negative when pools closed backends mid-row): their time in the
        # row is lost unless a parent in the group holds it among its children's.
        used = {}
        for name in self.groups:
            before = self._before[name]
            total = 0.0
            for pid in self._started[name] | self._pids(name):
                if pathlib.Path(f"/proc/{pid}").exists():
                    total += cpu_seconds([pid]) - before.get(pid, 0.0)
            used[name] = total
        return used

    def line(self, calls: int, seconds: float, used: dict[str, float] | None = None) -> str:
        used = used if used is not None else self.used()
        busy = sum(used.values()) / seconds / (os.cpu_count() or 1)
        parts = " ".join(f"{name}={used[name] * 1000 / calls:.2f}" for name in self.groups)
        return (f"  CPU ms per call: {parts} total={sum(used.values()) * 1000 / calls:.2f}; "
                f"{busy:.0%} of {os.cpu_count()} cores busy")


def report(name: str, latencies: list[float], extra: str = "") -> None:
    """Prints p50, p99 and max of latencies given in seconds."""
    print(f"{name:<40} {extra}{percentiles(latencies)}")


@dataclasses.dataclass
class Row:
    """What open_loop measured: the latencies (seconds) of the calls that succeeded, the failures, and with a
    CpuMeter each process group's CPU ms per call."""

    latencies: list[float]
    failures: int
    cpu_ms_per_call: dict[str, float] | None = None

    def p99(self) -> float:
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[98]


def open_loop(name: str, rate: float, call, workers: int = 32, cpu: CpuMeter | None = None, *,
              seconds: float | None = None, quiet: bool = False, into: dict | None = None,
              after: Callable[[dict], None] | None = None) -> Row:
    """Sends `rate` calls a second: WARMUP seconds that are not measured (the servers' pools, prepared
    statements and caches settle after the previous row), then DURATION (or `seconds`) seconds that are. Calls
    are numbered from 0 in send order, warm-up included; latency counts from each call's scheduled send time.
    With `cpu`, a second line gives each process's CPU per call over the measured seconds. `into` receives
    the figures (n, failures, latencies, cpu: ms per call by process group); `after(into)` is called right
    after them (to print lines of its own under the row); `quiet` prints nothing. Returns the Row."""
    warm = int(rate * WARMUP)
    total = warm + int(rate * (DURATION if seconds is None else seconds))
    latencies: list[float] = []
    failures = 0
    lock = threading.Lock()
    start = time.perf_counter() + 0.2

    def one(i: int) -> None:
        nonlocal failures
        scheduled = start + i / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        try:
            call(i)
            ok = True
        except Exception:
            ok = False
        with lock:
            if not ok:
                failures += 1
            elif i >= warm:
                latencies.append(time.perf_counter() - scheduled)

    # The generator's own collections would pause its clock, not the server: none run while it measures.
    gc.collect()
    gc.freeze()
    gc.disable()
    measured_from = start + warm / rate
    try:
        with concurrent.futures.ThreadPoolExecutor(workers) as pool:
            if cpu is not None:
                threading.Timer(max(measured_from - time.perf_counter(), 0), cpu.start).start()
            list(pool.map(one, range(total)))
            measured_for = time.perf_counter() - measured_from
    finally:
        gc.enable()
    figures = into if into is not None else {}
    figures.update(n=total - warm, failures=failures, latencies=latencies, seconds=measured_for)
    if cpu is not None:
        used = cpu.used()
        figures["cpu"] = {group: spent * 1000 / (total - warm) for group, spent in used.items()}
    if not quiet:
        report(name, latencies, f"rate={rate:>5.0f}/s n={total - warm:>5} failures={failures} ")
        if cpu is not None:
            print(cpu.line(total - warm, measured_for, used))
    if after is not None:
        after(figures)
    return Row(latencies, failures, figures.get("cpu"))
