"""Dev tooling: the CPU every Hearth process burns at rest (no calls, no events), per process and per second.

Starts each service's migrate, worker and gRPC processes on throwaway databases and a vhost of the local
PostgreSQL and RabbitMQ, waits until they serve and their outboxes are drained, lets them settle, then reads
each process's utime+stime (/proc/<pid>/stat, every thread) over the measured seconds, and that of the
PostgreSQL backends connected to the stack's databases (found in pg_stat_activity). The broker and PostgreSQL's
own background processes are shared with whatever else runs on the machine: printed apart, as a hint only.

    PYTHONPATH=... .venv/bin/python scripts/measure_at_rest.py [--seconds 30] [--settle 15] [--services ...]
        [--name hearth_atrest]
"""
from __future__ import annotations

import argparse
import os
import pathlib
import socket
import subprocess
import sys
import tempfile
import time

import grpc
import sqlalchemy as sa

from hearth_common import testing

BIN = pathlib.Path(sys.executable).parent
TICK = os.sysconf("SC_CLK_TCK")
ORDER = ("identity", "room", "moderation", "course")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    """utime + stime of every thread of `pid` so far (0 if it has gone)."""
    try:
        fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK  # fields 14 and 15 of stat(5), counted after "(comm)"


def pids_named(command: str) -> list[int]:
    found = []
    for entry in pathlib.Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == command:
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


def backends(database_urls: dict[str, str]) -> dict[str, list[int]]:
    """The PostgreSQL backends connected to each service's database, by service."""
    names = {sa.engine.make_url(url).database: service for service, url in database_urls.items()}
    admin = sa.create_engine(testing.ADMIN_DATABASE_URL, poolclass=sa.pool.NullPool)
    try:
        with admin.connect() as conn:
            rows = conn.execute(sa.text("SELECT pid, datname FROM pg_stat_activity WHERE datname = ANY(:names)"),
                                {"names": list(names)}).all()
    finally:
        admin.dispose()
    found: dict[str, list[int]] = {service: [] for service in database_urls}
    for pid, datname in rows:
        found[names[datname]].append(pid)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="measured seconds")
    parser.add_argument("--settle", type=float, default=15.0, help="seconds at rest before measuring")
    parser.add_argument("--services", nargs="*", default=list(ORDER))
    parser.add_argument("--name", default="hearth_atrest",
                        help="the throwaway vhost's name and its databases' prefix (one a concurrent run does not use)")
    args = parser.parse_args()
    services = [s for s in ORDER if s in args.services]

    vhost = testing.RabbitVhost(args.name).create()
    urls = {service: testing.create_database(f"{args.name}_{service}") for service in services}
    ports = {service: free_port() for service in services}
    log_dir = pathlib.Path(tempfile.mkdtemp(prefix="hearth-atrest-"))
    env = {**os.environ, "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"), "HEARTH_RPC_LOCAL_CALLER": "true",
           "IDENTITY_ARGON2_TIME_COST": "1", "IDENTITY_ARGON2_MEMORY_KIB": "1024",
           "IDENTITY_BOOTSTRAP_ADMIN_USERNAME": "atrest_admin", "IDENTITY_BOOTSTRAP_ADMIN_PASSWORD": "at rest admin pw"}
    for service in services:
        prefix = service.upper()
        env.update({f"{prefix}_DATABASE_URL": urls[service], f"{prefix}_AMQP_URI": vhost.uri,
                    f"{prefix}_GRPC_ADDRESS": f"127.0.0.1:{ports[service]}",
                    f"{prefix}_WORKER_HEARTBEAT_FILE": str(log_dir / f"{service}.heartbeat")})
        if service != "identity" and "identity" in services:
            env[f"{prefix}_IDENTITY_GRPC_TARGET"] = f"127.0.0.1:{ports['identity']}"
    procs: dict[str, subprocess.Popen] = {}
    try:
        for service in services:
            subprocess.run([str(BIN / f"{service}-migrate")], env=env, check=True, capture_output=True, timeout=180)
        for service in services:
            for role in ("worker", "grpc"):
                name = f"{service}-{role}"
                procs[name] = subprocess.Popen([str(BIN / name)], env=env, stdout=subprocess.DEVNULL,
                                               stderr=open(log_dir / f"{name}.log", "w"))
        for service in services:
            grpc.channel_ready_future(grpc.insecure_channel(f"127.0.0.1:{ports[service]}")).result(timeout=60)
        for service in services:
            testing.eventually(lambda url=urls[service]: not testing.unpublished_events(url), timeout=60,
                               interval=0.2, what=f"{service}'s outbox to drain")
        time.sleep(args.settle)
        dead = [name for name, p in procs.items() if p.poll() is not None]
        if dead:
            raise SystemExit(f"exited before measuring: {dead}; logs in {log_dir}")

        pg_pids = backends(urls)
        groups = {name: [p.pid] for name, p in procs.items()}
        groups.update({f"postgres backends ({service})": pids for service, pids in pg_pids.items()})
        shared = {"postgres (all other processes, shared)":
                  [p for p in pids_named("postgres") if p not in {q for v in pg_pids.values() for q in v}],
                  "rabbitmq (whole broker, shared)": pids_named("beam.smp")}
        measured = {**groups, **shared}
        before = {pid: cpu_seconds(pid) for pids in measured.values() for pid in pids}
        started = time.monotonic()
        time.sleep(args.seconds)
        elapsed = time.monotonic() - started
        alive = {pid for pid in before if pathlib.Path(f"/proc/{pid}").exists()}  # an exited pid counts nothing

        rate = {name: sum(cpu_seconds(p) - before[p] for p in pids if p in alive) * 1000 / elapsed
                for name, pids in measured.items()}
        print(f"CPU ms per second at rest over {elapsed:.0f} s (services: {' '.join(services)})")
        for name in measured:
            if name in shared:
                continue
            print(f"  {name:<40} {rate[name]:7.2f}")
        print(f"  {'total (Hearth processes and their backends)':<40} {sum(rate[n] for n in groups):7.2f}")
        for name in shared:
            print(f"  {name:<40} {rate[name]:7.2f}")
        return 0
    finally:
        testing.stop_processes(list(procs.values()))
        for url in urls.values():
            testing.drop_database(url)
        vhost.delete()


if __name__ == "__main__":
    sys.exit(main())
