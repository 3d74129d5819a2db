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


def pids_of(*commands: str) -> list[int]:
    """Every running process whose command name is one of `commands` (Linux /proc), e.g. the PostgreSQL server
    and its backends ("postgres") or RabbitMQ ("beam.smp"), which the benchmark does not start itself."""
    found = []
    for entry in pathlib.Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() in commands:
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

    def __init__(self, groups: dict[str, list[int] | Callable[[], list[int]]]):
        self.groups = {**groups, "load-generator": [os.getpid()]}
        self._before: dict[str, float] = {}

    def _pids(self, name: str) -> set[int]:
        group = self.groups[name]
        return set(group() if callable(group) else group)

    def start(self) -> None:
        self._started = {name: self._pids(name) for name in self.groups}
        self._before = {name: cpu_seconds(pids) for name, pids in self._started.items()}

    def used(self) -> dict[str, float]:
        """CPU seconds each group has used since start."""
        # Those started meanwhile count whole; those gone count through their parent's children's time.
        return {name: cpu_seconds(self._started[name] | self._pids(name)) - self._before[name] for name in self.groups}

    def line(self, calls: int, seconds: float, used: dict[str, float] | None = None) -> str:
        used = self.used() if used is None else used
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


def open_loop(name: str, rate: float, call, workers: int = 32, cpu: CpuMeter | None = None,
              seconds: float | None = None) -> Row:
    """Sends `rate` calls a second: WARMUP seconds that are not measured (the servers' pools, prepared
    statements and caches settle after the previous row), then `seconds` (DURATION unless given) that are. Calls
    are numbered from 0 in send order, warm-up included; latency counts from each call's scheduled send time.
    With `cpu`, a second line gives each process's CPU per call over the measured seconds. Returns the Row."""
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
    report(name, latencies, f"rate={rate:>5.0f}/s n={total - warm:>5} failures={failures} ")
    row = Row(latencies, failures)
    if cpu is not None:
        used = cpu.used()
        print(cpu.line(total - warm, measured_for, used))
        row.cpu_ms_per_call = {group: seconds_used * 1000 / (total - warm) for group, seconds_used in used.items()}
    return row
