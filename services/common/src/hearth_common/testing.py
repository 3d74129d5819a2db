"""Cross-cutting test support: throwaway PostgreSQL databases and RabbitMQ vhosts on the real servers."""
from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import urllib.parse
import uuid
from collections.abc import Callable, Iterator

import sqlalchemy as sa

ADMIN_DATABASE_URL = os.environ.get(
    "HEARTH_TEST_ADMIN_DATABASE_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres"
)
AMQP_URI = os.environ.get("HEARTH_TEST_AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/")


def create_database(prefix: str) -> str:
    """Creates an empty database and returns its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(ADMIN_DATABASE_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return sa.engine.make_url(ADMIN_DATABASE_URL).set(database=name).render_as_string(hide_password=False)


@contextlib.contextmanager
def migrated_database(prefix: str, upgrade: Callable[[str], None]) -> Iterator[str]:
    """A throwaway database brought to the latest schema by `upgrade(url)`, dropped afterwards."""
    url = create_database(prefix)
    try:
        upgrade(url)
        yield url
    finally:
        drop_database(url)


def drop_database(url: str) -> None:
    name = sa.engine.make_url(url).database
    admin = sa.create_engine(ADMIN_DATABASE_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def truncate_all(engine, keep=("alembic_version_identity",)) -> None:
    with engine.begin() as conn:
        names = [
            r[0]
            for r in conn.execute(sa.text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))
            if r[0] not in keep and not r[0].startswith("alembic_version")
        ]
        if names:
            conn.execute(sa.text("TRUNCATE " + ", ".join(f'"{n}"' for n in names) + " RESTART IDENTITY CASCADE"))


class RabbitVhost:
    """A private vhost on the real broker (created with rabbitmqctl) so tests never see each other's queues."""

    def __init__(self, prefix: str = "hearth_test"):
        self.name = f"{prefix}_{uuid.uuid4().hex[:10]}"
        self.ctl = shutil.which("rabbitmqctl") or "/usr/sbin/rabbitmqctl"
        parts = urllib.parse.urlsplit(AMQP_URI)
        self.user = urllib.parse.unquote(parts.username or "guest")
        self.uri = urllib.parse.urlunsplit((parts.scheme, parts.netloc, "/" + self.name, "", ""))

    def _ctl(self, *args: str) -> None:
        subprocess.run([self.ctl, "-q", *args], check=True, capture_output=True, timeout=60)

    def create(self) -> RabbitVhost:
        self._ctl("add_vhost", self.name)
        self._ctl("set_permissions", "-p", self.name, self.user, ".*", ".*", ".*")
        self.service_users: list[str] = []
        return self

    def service_user_uri(self, service: str, permissions: tuple[str, str, str] = (".*", ".*", ".*"),
                         topic_permissions: dict[str, tuple[str, str]] | None = None) -> str:
        """The URI of a new broker user of `service` on this vhost, named by service_rpc's convention
        (`<service>.<suffix>`: users are not per vhost, so parallel runs need their own); deleted with the vhost.
        `permissions` are (configure, write, read); `topic_permissions` maps an exchange to (write, read)."""
        user, password = f"{service}.test-{uuid.uuid4().hex[:10]}", uuid.uuid4().hex
        self._ctl("add_user", user, password)
        self.service_users.append(user)
        self._ctl("set_permissions", "-p", self.name, user, *permissions)
        for exchange, (write, read) in (topic_permissions or {}).items():
            self._ctl("set_topic_permissions", "-p", self.name, user, exchange, write, read)
        parts = urllib.parse.urlsplit(self.uri)
        netloc = f"{urllib.parse.quote(user, safe='')}:{password}@{parts.hostname}:{parts.port or 5672}"
        return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, "", ""))

    def delete(self) -> None:
        for user in getattr(self, "service_users", ()):
            self._ctl("delete_user", user)
        self._ctl("delete_vhost", self.name)


def outbox_data(engine, event_type: str) -> list[dict]:
    """The data of each event of this type in a service's outbox table, in the order they were written."""
    import sqlalchemy as sa

    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT payload FROM outbox WHERE event_type = :event_type ORDER BY seq"),
                            {"event_type": event_type}).scalars()
        return [payload["data"] for payload in rows]


def unpublished_events(db_url: str) -> int:
    """How many rows of a service's outbox its relay has not published yet (a connection of its own)."""
    engine = sa.create_engine(db_url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text("SELECT count(*) FROM outbox WHERE published_at IS NULL")).scalar()
    finally:
        engine.dispose()


@contextlib.contextmanager
def running_worker(container_factory, service_cls, amqp_uri: str, max_workers: int = 10, local_caller: bool = True):
    """A nameko worker class started in a container (nameko's container_factory fixture) for a test; the local
    broker's default user may call its RPCs unless `local_caller` is False."""
    container = container_factory(service_cls, {"AMQP_URI": amqp_uri, "max_workers": max_workers,
                                                "HEARTH_RPC_LOCAL_CALLER": local_caller})
    container.start()
    yield container
    container.stop()


def eventually(check: Callable[[], object], timeout: float = 20.0, interval: float = 0.05, what: str = "condition"):
    """Calls `check` until it returns something true, and returns that; fails the test after `timeout` seconds.
    For what happens after the call that caused it (an event delivered, a log line written after a commit)."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(interval)


def wait_consuming(amqp_uri: str, queue: str, timeout: float = 30.0,
                   alive: Callable[[], str | None] = lambda: None) -> None:
    """Waits until someone consumes from `queue` (events published before that would not reach it).

    `alive()` returns None while the consuming process runs, or a description of why it stopped.
    """
    import time

    import kombu

    deadline = time.monotonic() + timeout
    with kombu.Connection(amqp_uri) as conn:
        while True:
            stopped = alive()
            assert stopped is None, stopped
            try:
                if conn.channel().queue_declare(queue, passive=True)[2]:
                    return
            except Exception:  # the queue does not exist yet (and the failed passive declare closed that channel)
                pass
            assert time.monotonic() < deadline, f"nobody consumes {queue} after {timeout:.0f}s"
            time.sleep(0.1)


def stop_processes(procs, grace: float = 30.0) -> None:
    """Stops the processes a test or benchmark started: SIGTERM to all, then SIGKILL to whichever has not exited
    after `grace` seconds (a worker stuck retrying, say)."""
    import subprocess

    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
    for proc in procs:
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
