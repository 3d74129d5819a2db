"""Benchmark tooling: a process's PostgreSQL round trips, counted at its psycopg2 connections.

`python benchmarks/pgcount.py COUNTS_FILE package.module:function` runs that entry point (room-grpc's
`room_service.entrypoints.grpc_server:main`, or course-grpc's) with every psycopg2 connection it opens counting what
goes over the wire: each statement executed (a PREPARE and an EXECUTE are two), each BEGIN psycopg2 sends
before the first statement of a transaction, and each COMMIT or ROLLBACK of an open transaction. The counts
live in COUNTS_FILE (memory-mapped; `PgCounts` reads them from the benchmark's process while the row runs),
so nothing in the service's code changes and nothing runs between calls. Liveness pings count as the
statements they are. A driver other than psycopg2 would count nothing: `PgCounts.counted` says so.
"""
from __future__ import annotations

import importlib
import mmap
import os
import pathlib
import struct
import sys
import threading

FIELDS = ("statements", "begins", "ends")
LAYOUT = struct.Struct("<3q")


def _install(path: str) -> None:
    import psycopg2
    import psycopg2.extensions as ext

    fd = os.open(path, os.O_RDWR)
    counts = mmap.mmap(fd, LAYOUT.size)
    lock = threading.Lock()

    def add(statements: int = 0, begins: int = 0, ends: int = 0) -> None:
        with lock:
            s, b, e = LAYOUT.unpack_from(counts)
            LAYOUT.pack_into(counts, 0, s + statements, b + begins, e + ends)

    def statement(connection, n: int = 1) -> None:
        opens = not connection.autocommit and connection.info.transaction_status == ext.TRANSACTION_STATUS_IDLE
        add(statements=n, begins=int(opens))

    class CountingCursor(ext.cursor):
        def execute(self, query, vars=None):
            statement(self.connection)
            return super().execute(query, vars)

        def executemany(self, query, vars_list):
            vars_list = list(vars_list)
            statement(self.connection, len(vars_list))
            return super().executemany(query, vars_list)

        def callproc(self, procname, parameters=None):
            statement(self.connection)
            return super().callproc(procname, parameters)

    class CountingConnection(ext.connection):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.cursor_factory = CountingCursor

        def commit(self):
            if self.info.transaction_status != ext.TRANSACTION_STATUS_IDLE:
                add(ends=1)
            return super().commit()

        def rollback(self):
            if self.info.transaction_status != ext.TRANSACTION_STATUS_IDLE:
                add(ends=1)
            return super().rollback()

    connect = psycopg2.connect

    def counting_connect(*args, **kwargs):
        kwargs.setdefault("connection_factory", CountingConnection)
        return connect(*args, **kwargs)

    psycopg2.connect = counting_connect


class PgCounts:
    """The counts file of one or more processes run through pgcount (each its own file)."""

    def __init__(self, directory: pathlib.Path, name: str):
        self.path = directory / f"pgcount-{name}.bin"
        self.path.write_bytes(b"\0" * LAYOUT.size)

    def command(self, entry_point: str) -> list[str]:
        return [sys.executable, __file__, str(self.path), entry_point]

    def read(self) -> dict[str, int]:
        return dict(zip(FIELDS, LAYOUT.unpack(self.path.read_bytes()[: LAYOUT.size]), strict=True))

    @staticmethod
    def round_trips(counts: dict[str, int]) -> int:
        return counts["statements"] + counts["begins"] + counts["ends"]


class PgMeter:
    """Round trips per call of a set of counted processes between start() and per_call()."""

    def __init__(self, counters: list[PgCounts]):
        self.counters = counters

    def total(self) -> dict[str, int]:
        sums = dict.fromkeys(FIELDS, 0)
        for counter in self.counters:
            for field, value in counter.read().items():
                sums[field] += value
        return sums

    def start(self) -> None:
        self.before = self.total()

    def per_call(self, calls: int) -> dict[str, float]:
        now = self.total()
        delta = {field: now[field] - self.before[field] for field in FIELDS}
        delta["round_trips"] = PgCounts.round_trips(delta)
        return {field: value / max(calls, 1) for field, value in delta.items()}

    def line(self, what: str, calls: int, target: float | None = None, process: str = "room-grpc") -> str:
        per = self.per_call(calls)
        if not any(counter.read()["statements"] for counter in self.counters):
            return f"  PG round trips per {what}: not counted (no psycopg2 statement seen)"
        goal = f" (target <= {target:g})" if target is not None else ""
        return (f"  PG round trips per {what} ({process}): {per['round_trips']:.2f}{goal} = "
                f"{per['statements']:.2f} statements + {per['begins']:.2f} BEGIN + {per['ends']:.2f} COMMIT/ROLLBACK")


if __name__ == "__main__":
    counts_file, entry_point = sys.argv[1], sys.argv[2]
    _install(counts_file)
    sys.argv = [entry_point.split(":")[0]]
    module, _, function = entry_point.partition(":")
    sys.exit(getattr(importlib.import_module(module), function)())
