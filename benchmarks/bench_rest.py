"""Benchmark: the whole platform at rest, CPU per second of each process while nothing happens.

Every service runs as real processes (identity gRPC + worker, two room-grpc replicas + room-worker,
moderation gRPC + worker, course gRPC + worker) on throwaway databases and a vhost. After they have started,
the outbox relays have drained and BENCH_REST_SETTLE seconds have passed, nothing is called for
BENCH_REST_SECONDS (default 30); prints the CPU each process used per second, Hearth's processes together
(issue 16's target: <= 5 ms/s), and apart: PostgreSQL (the backends of these databases; its WAL writer,
checkpointer and background writer on a line of their own, since they serve everyone) and RabbitMQ (the
whole broker, shared with whatever else runs here).
"""
from __future__ import annotations

import os
import time

from loadgen import POSTGRES_SHARED, cpu_seconds, machine_check, pids_of, postgres_pids
from stack import more_services, running_stack

SETTLE = float(os.environ.get("BENCH_REST_SETTLE", "10"))
# CPU time is counted in clock ticks (10 ms): over 30 s one tick is 0.33 ms/s.
DURATION = float(os.environ.get("BENCH_REST_SECONDS", "30"))
TARGET_MS_PER_S = 5.0


def main() -> None:
    with running_stack("bench_rest", room_grpc_replicas=2) as stack, more_services(stack, "bench_rest") as more:
        stack.settle()
        time.sleep(SETTLE)
        print(f"at rest: every service's processes running, nothing called; {SETTLE:g} s settled, "
              f"{DURATION:g} s measured")
        print(machine_check())
        ours = {}  # one line per process
        for name, pids in {**stack.processes, **more}.items():
            labels = ["identity-grpc", "identity-worker"] if name == "identity" else [
                f"{name}-{i + 1}" if len(pids) > 1 else name for i in range(len(pids))]
            ours |= {label: [pid] for label, pid in zip(labels, pids, strict=True)}
        groups = {**ours, "postgres": postgres_pids(stack.databases(), shared=False),
                  "postgres-writers": postgres_pids([]), "rabbitmq": pids_of("beam.smp")}
        before = {name: cpu_seconds(pids) for name, pids in groups.items()}
        started = time.perf_counter()
        time.sleep(DURATION)
        elapsed = time.perf_counter() - started
        per_second = {name: (cpu_seconds(pids) - before[name]) * 1000 / elapsed for name, pids in groups.items()}
    for name, pids in groups.items():
        count = f" ({len(pids)} processes)" if len(pids) > 1 else ""
        print(f"  {name + count:<36} {per_second[name]:7.2f} CPU ms/s")
    total = sum(per_second[name] for name in ours)
    print(f"at rest: Hearth's {sum(len(p) for p in ours.values())} processes together {total:.2f} CPU ms/s "
          f"(target <= {TARGET_MS_PER_S:g}); PostgreSQL {per_second['postgres']:.2f} ms/s (these databases' "
          f"backends; its {', '.join(POSTGRES_SHARED)} {per_second['postgres-writers']:.2f} ms/s serve everyone), "
          f"RabbitMQ {per_second['rabbitmq']:.2f} ms/s (shared with whatever else runs here)")


if __name__ == "__main__":
    main()
