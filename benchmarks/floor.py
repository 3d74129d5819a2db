"""Benchmark tooling: the floor, an empty grpc.aio unary call served the way room-grpc serves its calls.

A grpc.aio server on its own event-loop thread whose one plain (not coroutine) handler returns empty bytes
from a 4-thread pool (room-grpc's ROOM_GRPC_WORKERS), in a process of its own; no interceptor, no token,
no database. Its server CPU per call is what no call of Hearth's can go below on this machine at this
moment: every room row prints its own server CPU per call as a multiple of it (`Floor.ratio`), measured
in the same sitting, since this machine's speed drifts by 2x within an hour.

Each room benchmark measures it first (BENCH_FLOOR_SECONDS at the fixed rate, as long again with 16 in flight)
and prints it above its rows; run alone (`python benchmarks/floor.py`) it prints the floor rows. The rows with a
target (join, page, each rate of the chat ladder) measure it again at the fixed rate just before and just after
themselves (`Around`; BENCH_FLOOR_AROUND=0: not) and divide by the mean of the two: within one hour's rounds the
floor measured 0.59 to 0.81 ms a call, so a floor measured minutes before a row is not that row's.

The stream-write floor (`measure_writes`, printed by the chat ladder and by this script alone): the server CPU
of one item written to one Subscribe-like stream on the same kind of server, a coroutine per stream awaiting
`context.write` of bytes already encoded, items handed to the streams on the loop five at a time (a post's
item to its room's streams on one replica) at BENCH_FLOOR_WRITE_RATE (500) writes a second over
BENCH_FLOOR_STREAMS (100) streams: a replica's share of the ladder's 100 posts/s row. A post in a room of ten
streams cannot cost less than the empty call and ten of these (`WriteFloor.least_for`).
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import dataclasses
import json
import math
import os
import random
import subprocess
import sys
import threading
import time

import grpc
from loadgen import CpuMeter, cpu_seconds, free_port, open_loop, percentiles

WORKERS = int(os.environ.get("ROOM_GRPC_WORKERS", "4"))  # room-grpc's thread pool
RATE = float(os.environ.get("BENCH_FLOOR_RATE", "300"))  # the join and history rows' rate
IN_FLIGHT = 16
SECONDS = float(os.environ.get("BENCH_FLOOR_SECONDS", "5"))  # per measurement (two of them)
AROUND = os.environ.get("BENCH_FLOOR_AROUND", "1") != "0"  # the floor again around each row with a target
METHOD = "/hearth.bench.Floor/Empty"
FOLLOW = "/hearth.bench.Floor/Follow"
TICK = "/hearth.bench.Floor/Tick"
# The stream-write floor: a replica's share of the chat ladder's 100 posts/s row (100 streams; each post's item
# written to its room's 10 streams, 5 on each replica).
STREAMS = int(os.environ.get("BENCH_FLOOR_STREAMS", "100"))
WRITE_RATE = float(os.environ.get("BENCH_FLOOR_WRITE_RATE", "500"))
FANOUT = 5
WRITTEN = bytes(240)  # about an encoded RoomEvent of an ordinary post


def serve(port: int) -> None:
    """The floor's server process: grpc.aio, a plain handler run in a WORKERS-thread pool (as GrpcServer does
    with asyncio=True), until stdin closes. It also serves the stream-write floor (`measure_writes`): `Follow`
    streams, each a coroutine writing what its queue gets, and `Tick`, which answers how many streams are open
    and (given "rate fanout") has the loop hand an item to `fanout` random streams `rate / fanout` times a second,
    as room's live hub hands a post's item to its room's streams (given b"": stops)."""
    pool = concurrent.futures.ThreadPoolExecutor(WORKERS, thread_name_prefix="grpc")
    loop = asyncio.new_event_loop()
    threading.Thread(target=loop.run_forever, daemon=True).start()
    followers: list[asyncio.Queue] = []
    ticking: list[asyncio.TimerHandle] = []

    async def follow(request, context):
        queue: asyncio.Queue = asyncio.Queue()
        followers.append(queue)
        try:
            while True:
                await context.write(await queue.get())
        finally:
            followers.remove(queue)

    def tick(due: float, interval: float, fanout: int) -> None:
        for queue in random.sample(followers, min(fanout, len(followers))):
            queue.put_nowait(WRITTEN)
        ticking[:] = [loop.call_at(due + interval, tick, due + interval, interval, fanout)]

    async def control(request: bytes, context) -> bytes:
        for handle in ticking:
            handle.cancel()
        ticking.clear()
        if request:
            rate, fanout = request.split()
            tick(loop.time(), int(fanout) / float(rate), int(fanout))
        return str(len(followers)).encode()

    async def start():
        server = grpc.aio.server(migration_thread_pool=pool)
        handler = grpc.unary_unary_rpc_method_handler(lambda request, context: b"")  # bytes in, bytes out
        server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler("hearth.bench.Floor", {
            "Empty": handler,
            "Follow": grpc.unary_stream_rpc_method_handler(follow),
            "Tick": grpc.unary_unary_rpc_method_handler(control),
        }),))
        server.add_insecure_port(f"127.0.0.1:{port}")
        await server.start()
        return server

    server = asyncio.run_coroutine_threadsafe(start(), loop).result()  # kept: a collected server stops
    print("ready", flush=True)
    sys.stdin.read()
    del server


@dataclasses.dataclass
class Floor:
    """Server CPU (ms) per empty call at RATE/s and with IN_FLIGHT calls in flight, and the client's view."""

    server_ms: float  # at the fixed rate: the figure rows are divided by
    server_ms_in_flight: float
    fixed_rate_line: str
    in_flight_line: str

    def ratio(self, label: str, server_ms: float, what: str = "call", target: float | None = None) -> str:
        """"room-grpc 1.62 ms/post = 4.1x floor (target <= 4x)"."""
        goal = f" (target <= {target:g}x)" if target is not None else ""
        return f"{label} {server_ms:.2f} ms/{what} = {server_ms / self.server_ms:.1f}x floor{goal}"

    def beside(self, label: str, server_ms: float, what: str, target: float | None, source: str = "") -> str:
        """ratio(), then this floor's own figure (and `source`: where it came from)."""
        return f"{self.ratio(label, server_ms, what, target)} (floor {self.server_ms:.2f} ms/call server CPU{source})"

    def lines(self) -> list[str]:
        return [self.fixed_rate_line, self.in_flight_line]


def fast_path(floor: Floor, figures: dict, what: str, target: float | None = None, pg=None,
              pg_target: float | None = None, server: str = "room-grpc") -> None:
    """Prints a row's server CPU per call beside the floor's (figures: open_loop's `into`, with a CpuMeter) and,
    with `pg` (a pgcount.PgMeter started with that CpuMeter), the server's PostgreSQL round trips per call."""
    print("  " + floor.beside(server, figures["cpu"][server], what, target), flush=True)
    if pg is not None:
        print(pg.line(what, figures["n"], pg_target, process=server), flush=True)


class Around:
    """The floor at the fixed rate measured just before a row (when made) and just after it (`report`), for the
    row's ratio: to the mean of the two, both printed. With BENCH_FLOOR_AROUND=0, the benchmark's first floor.
    Given the benchmark's first stream-write floor (`first_writes`), the same for it (`least`)."""

    def __init__(self, first: Floor, first_writes: WriteFloor | None = None):
        self.first = first
        self.before = measure(in_flight=False, quiet=True) if AROUND else first
        self.first_writes = first_writes
        self.writes_before = measure_writes(quiet=True) if AROUND and first_writes is not None else first_writes
        self.row: dict = {}
        self.pg_line: str | None = None
        self.floor = first  # the floor the row was divided by, once ratio() has run

    def capture(self, what: str, pg=None, pg_target: float | None = None, server: str = "room-grpc"):
        """open_loop's `after`: keeps the row's figures, and reads its round trips at once (pgcount's counts
        also gather the background statements sent meanwhile)."""

        def after(figures: dict) -> None:
            self.row = figures
            if pg is not None:
                self.pg_line = pg.line(what, figures["n"], pg_target, process=server)

        return after

    def ratio(self, label: str, server_ms: float, what: str, target: float | None) -> str:
        """Floor.ratio against the mean of the floors measured before and after the row (now), both printed; the
        first floor with BENCH_FLOOR_AROUND=0."""
        if not AROUND:
            self.floor = self.first
            return self.first.beside(label, server_ms, what, target)
        after = measure(in_flight=False, quiet=True)
        self.floor = dataclasses.replace(self.first, server_ms=(self.before.server_ms + after.server_ms) / 2)
        return self.floor.beside(label, server_ms, what, target,
                                 f": {self.before.server_ms:.2f} before the row, {after.server_ms:.2f} after")

    def least(self, server_ms: float, writes: int) -> str:
        """After ratio(): grpc.aio's least for the row's call (WriteFloor.least_for, the write floor measured
        around the row as the floor is) and what the server spent beyond it, both against the row's floor."""
        write_floor, source = self.first_writes, ""
        if AROUND:
            after = measure_writes(quiet=True)
            write_floor = WriteFloor((self.writes_before.server_ms + after.server_ms) / 2)
            source = f" (a write {self.writes_before.server_ms:.3f} ms before the row, {after.server_ms:.3f} after)"
        least, floor = write_floor.least_for(self.floor, writes), self.floor.server_ms
        return (f"of which grpc.aio's least (the empty call and {writes} stream writes): {least:.2f} ms = "
                f"{least / floor:.1f}x floor; beyond it {server_ms - least:.2f} ms = {(server_ms - least) / floor:.1f}x"
                f"{source}")

    def report(self, what: str, target: float | None = None, server: str = "room-grpc") -> None:
        """Prints the captured row's server CPU per call against the floor around it, then its round trips."""
        print("  " + self.ratio(server, self.row["cpu"][server], what, target), flush=True)
        if self.pg_line is not None:
            print(self.pg_line, flush=True)


def _closed_loop(target: str, in_flight: int, seconds: float) -> tuple[list[float], int]:
    """`in_flight` grpc.aio calls always outstanding for `seconds`; returns latencies and failures."""

    async def run():
        channel = grpc.aio.insecure_channel(target)
        call = channel.unary_unary(METHOD)
        latencies: list[float] = []
        failures = 0
        end = time.perf_counter() + seconds

        async def worker():
            nonlocal failures
            while time.perf_counter() < end:
                started = time.perf_counter()
                try:
                    await call(b"", timeout=5)
                    latencies.append(time.perf_counter() - started)
                except grpc.aio.AioRpcError:
                    failures += 1

        await asyncio.gather(*(worker() for _ in range(in_flight)))
        await channel.close()
        return latencies, failures

    return asyncio.run(run())


def measure(seconds: float = SECONDS, rate: float = RATE, quiet: bool = False, in_flight: bool = True) -> Floor:
    """Starts the floor's server, measures it at `rate`/s (open loop, the room rows' load generator) and with
    IN_FLIGHT calls in flight (unless not `in_flight`), stops it. Prints its rows unless `quiet`."""
    with _floor_server() as (target, server):
        channel = grpc.insecure_channel(target)
        empty = channel.unary_unary(METHOD)
        for _ in range(200):  # warm-up: the connection, the pool's threads
            empty(b"", timeout=5)
        cpu = CpuMeter({"floor-server": [server.pid]})
        used: dict = {}
        open_loop("floor", rate, lambda i: empty(b"", timeout=5), cpu=cpu, seconds=seconds, quiet=True, into=used)
        fixed_ms = used["cpu"]["floor-server"]
        fixed_line = (f"{'floor: empty grpc.aio call (' + str(WORKERS) + ' threads)':<40} rate={rate:>5.0f}/s "
                      f"n={used['n']:>5} failures={used['failures']} {percentiles(used['latencies'])}; "
                      f"server CPU {fixed_ms:.3f} ms/call, client {used['cpu']['load-generator']:.3f} ms/call")
        if not in_flight:
            return Floor(fixed_ms, math.nan, fixed_line, "")
        before = cpu_seconds([server.pid])
        started = time.perf_counter()
        latencies, failures = _closed_loop(target, IN_FLIGHT, seconds)
        elapsed = time.perf_counter() - started
        in_flight_ms = (cpu_seconds([server.pid]) - before) * 1000 / max(len(latencies), 1)
        label = f"floor: the same, {IN_FLIGHT} in flight"
        in_flight_line = (f"{label:<40} rate={len(latencies) / elapsed:>5.0f}/s "
                          f"n={len(latencies):>5} failures={failures} {percentiles(latencies)}; "
                          f"server CPU {in_flight_ms:.3f} ms/call")
        floor = Floor(fixed_ms, in_flight_ms, fixed_line, in_flight_line)
        if not quiet:
            for line in floor.lines():
                print(line, flush=True)
        return floor


@contextlib.contextmanager
def _floor_server():
    """The floor's server process, started: yields its address and its Popen; stopped on leaving."""
    port = free_port()
    server = subprocess.Popen([sys.executable, __file__, "--serve", str(port)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout.readline().strip() == "ready", "the floor's server did not start"
        yield f"127.0.0.1:{port}", server
    finally:
        server.stdin.close()
        server.wait(10)


@dataclasses.dataclass
class WriteFloor:
    """Server CPU (ms) per stream write on the floor's server: STREAMS open streams, WRITE_RATE writes a second
    handed out FANOUT at a time on the loop, each a coroutine's `await context.write` of WRITTEN (bytes, no
    serialising). What no fan-out of Hearth's over grpc.aio streams can go below, per stream written."""

    server_ms: float

    def least_for(self, floor: Floor, writes: int) -> float:
        """grpc.aio's least server CPU (ms) for a call that `writes` stream writes follow: one empty call's and
        `writes` stream writes'."""
        return floor.server_ms + writes * self.server_ms


def measure_writes(seconds: float = SECONDS, streams: int = STREAMS, rate: float = WRITE_RATE,
                   quiet: bool = False) -> WriteFloor:
    """Starts the floor's server, opens `streams` Follow streams to it, has it write `rate` items a second over
    them for `seconds` (after one unmeasured second), counts what arrives; returns the figure, printed unless
    `quiet`."""

    async def run(target: str, pid: int) -> tuple[int, float, float]:
        channel = grpc.aio.insecure_channel(target)
        tick = channel.unary_unary(TICK)
        follow = channel.unary_stream(FOLLOW)
        received = 0

        async def read(call) -> None:
            nonlocal received
            async for _ in call:
                received += 1

        calls = [follow(b"") for _ in range(streams)]
        readers = [asyncio.create_task(read(call)) for call in calls]
        while int(await tick(b"", timeout=5)) < streams:
            await asyncio.sleep(0.05)
        await tick(f"{rate} {FANOUT}".encode(), timeout=5)
        await asyncio.sleep(1)  # unmeasured: every stream's first writes
        count, cpu, started = received, cpu_seconds([pid]), time.perf_counter()
        await asyncio.sleep(seconds)
        count, cpu, elapsed = received - count, cpu_seconds([pid]) - cpu, time.perf_counter() - started
        await tick(b"", timeout=5)
        for call in calls:
            call.cancel()
        await asyncio.gather(*readers, return_exceptions=True)
        await channel.close()
        return count, cpu, elapsed

    with _floor_server() as (target, server):
        writes, cpu, elapsed = asyncio.run(run(target, server.pid))
    per_write = cpu * 1000 / max(writes, 1)
    label = f"floor: a grpc.aio stream write ({streams} streams)"
    if not quiet:
        print(f"{label:<40} rate={writes / elapsed:>5.0f}/s n={writes:>5}, {FANOUT} at a time; "
              f"server CPU {per_write:.3f} ms/write", flush=True)
    return WriteFloor(per_write)


def measured_once() -> Floor:
    """The floor for this benchmark: read from BENCH_FLOOR_FILE when that file exists (measured earlier in the
    same sitting), else measured now (and written there when the variable is set). Prints its rows either way."""
    path = os.environ.get("BENCH_FLOOR_FILE")
    if path and os.path.exists(path):
        floor = Floor(**json.loads(open(path).read()))
        for line in floor.lines():
            print(line + " (measured earlier this sitting)")
        return floor
    floor = measure()
    if path:
        with open(path, "w") as f:
            f.write(json.dumps(dataclasses.asdict(floor)))
    return floor


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--serve":
        serve(int(sys.argv[2]))
    else:
        from loadgen import machine_check
        print(machine_check())
        measure()
        measure_writes()
