"""Cross-cutting test support: throwaway PostgreSQL databases and RabbitMQ vhosts on the real servers."""
from __future__ import annotations

import contextlib
import datetime as dt
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
            # A test's teardown empties append-only tables too (moderation's audit log refuses TRUNCATE by a
            # trigger): triggers do not fire for a superuser's session in replica mode.
            conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
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


def eventually_answered(call: Callable[[], object], *codes, timeout: float = 30.0, what: str = "the answer"):
    """`call`'s answer once the events it relies on have reached the service: a gRPC error with one of `codes`
    (e.g. NOT_FOUND, PERMISSION_DENIED while a read model catches up) means not yet; any other error fails."""
    import grpc

    def attempt():
        try:
            return call()
        except grpc.RpcError as exc:
            if exc.code() not in codes:
                raise
            return None

    return eventually(attempt, timeout=timeout, what=what)


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


class TcpProxy:
    """A TCP proxy on loopback in front of a real server (the local PostgreSQL), for tests of what a service
    does when that server becomes unreachable, without touching the server itself.

    `refuse()`: its port is closed (connects are refused at once) and the connections through it are reset,
    as when the server's process stops. `blackhole()`: the connections through it are reset and new ones are
    accepted but get no byte back (a connect waits for its timeout), as behind a host that vanished.
    `restore()`: forwards again, on the same port. A userspace proxy cannot drop packets: a connection it
    holds is still acknowledged by the kernel, so a client's tcp_user_timeout and keepalives (what finds a
    vanished host under an open connection) are not exercised here."""

    def __init__(self, host: str, port: int):
        import threading

        self.target = (host, port)
        self.port = 0
        self.mode = "forward"
        self._lock = threading.Lock()
        self._sockets: set = set()
        self._listener = None

    @classmethod
    def in_front_of(cls, url: str) -> TcpProxy:
        """A started proxy in front of the server of database `url`."""
        parsed = sa.engine.make_url(url)
        return cls(parsed.host or "127.0.0.1", parsed.port or 5432).start()

    def url(self, url: str) -> str:
        """`url` with its host and port replaced by the proxy's."""
        return sa.engine.make_url(url).set(host="127.0.0.1", port=self.port).render_as_string(hide_password=False)

    def start(self) -> TcpProxy:
        self._listen()
        return self

    def refuse(self) -> None:
        with self._lock:
            self.mode = "refuse"
            listener, self._listener = self._listener, None
        if listener is not None:
            import socket

            try:
                listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept(), which would keep it listening
            except OSError:
                pass
            listener.close()
        self._reset_all()

    def blackhole(self) -> None:
        with self._lock:
            self.mode = "blackhole"
        self._reset_all()
        if self._listener is None:
            self._listen()

    def restore(self) -> None:
        with self._lock:
            held = self.mode == "blackhole"
            self.mode = "forward"
        if held:
            self._reset_all()  # the connections it held got nothing; their clients gave up on them
        if self._listener is None:
            self._listen()

    def close(self) -> None:
        self.refuse()

    def _listen(self) -> None:
        import socket
        import threading

        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(256)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True, name="tcp-proxy").start()

    def _accept(self, listener) -> None:
        import socket
        import threading

        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # closed by refuse()
            if self.mode != "forward":
                self._track(client)
                threading.Thread(target=self._pump, args=(client, None), daemon=True).start()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                client.close()
                continue
            self._track(client, upstream)
            for src, dst in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(src, dst), daemon=True).start()

    def _track(self, *socks) -> None:
        with self._lock:
            self._sockets.update(socks)

    def _pump(self, src, dst) -> None:
        """Copies src to dst while forwarding; drops what arrives otherwise (dst None: a held connection)."""
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                if dst is not None and self.mode == "forward":
                    dst.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (src, dst):
                if sock is not None:
                    self._drop(sock, reset=False)

    def _reset_all(self) -> None:
        with self._lock:
            socks = list(self._sockets)
        for sock in socks:
            self._drop(sock, reset=True)

    def _drop(self, sock, *, reset: bool) -> None:
        import socket
        import struct

        with self._lock:
            if sock not in self._sockets:
                return
            self._sockets.discard(sock)
        try:
            if reset:  # an RST, not a FIN: the peer learns at once that the connection is gone
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            sock.shutdown(socket.SHUT_RD)  # wakes the thread blocked reading it
        except OSError:
            pass
        sock.close()


# --- scenario (g): every RPC refuses a missing, expired or forged token, and changes nothing ----------------------


def table_fingerprints(engine) -> dict[str, str]:
    """Each table of the public schema, its rows hashed (count and an md5 of the rows in order): two equal
    fingerprints mean no row was added, changed or removed in between."""
    with engine.connect() as conn:
        names = sorted(conn.execute(sa.text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars())
        return {name: conn.execute(sa.text(
            f"SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, ',' ORDER BY t::text)), '') "
            f'FROM "{name}" t')).scalar_one() for name in names}


def refused_bearers(sign: Callable[[dict], str], claims: dict) -> dict[str, list[tuple[str, str]] | None]:
    """The metadata of three callers a server must refuse UNAUTHENTICATED: no token; a token `sign` signs (the
    key the server trusts) that expired an hour ago; and one for the same claims and key id, signed by another
    key (forged). `claims` names the caller (sub, iss, aud, roles...); iat and exp are set here."""
    import jwt
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    now = int(dt.datetime.now(dt.timezone.utc).timestamp())
    fresh = {**claims, "iat": now, "exp": now + 300}
    kid = jwt.get_unverified_header(sign(fresh))["kid"]
    forged = jwt.encode(fresh, Ed25519PrivateKey.generate(), algorithm="EdDSA", headers={"kid": kid})
    expired = sign({**claims, "iat": now - 3600, "exp": now - 3300})
    return {"no token": None,
            "an expired token": [("authorization", f"Bearer {expired}")],
            "a token signed by another key": [("authorization", f"Bearer {forged}")]}


def grpc_status(stub, method, request, metadata=None, timeout: float = 5.0) -> tuple[object, str]:
    """Calls a method (a method descriptor of the stub's service) and returns its status code and details (OK
    when answered); a server-streaming call is read until its first response, then cancelled."""
    import grpc

    assert not method.client_streaming, f"{method.name}: a client-streaming call is not supported here"
    try:
        if method.server_streaming:
            responses = getattr(stub, method.name)(request, metadata=metadata, timeout=timeout)
            next(responses, None)
            responses.cancel()
        else:
            getattr(stub, method.name)(request, metadata=metadata, timeout=timeout)
    except grpc.RpcError as error:
        return error.code(), error.details()
    return grpc.StatusCode.OK, ""
