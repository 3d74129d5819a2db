"""Helpers for tests/compose: docker compose and psql against the stack `make test-compose` brought up, and a
small load client (posts and resumed streams) that the fault tests run while they break things."""
import collections
import os
import shlex
import subprocess
import threading
import time
import uuid

import grpc

from hearth_common.clients.room_stream import RoomStream

COMPOSE = shlex.split(os.environ.get("COMPOSE", "docker-compose"))


def compose(*args: str, check: bool = True, timeout: float = 120) -> str:
    result = subprocess.run([*COMPOSE, *args], capture_output=True, text=True, timeout=timeout)
    if check and result.returncode != 0:
        raise AssertionError(f"{' '.join(args)} failed: {result.stderr}")
    return result.stdout


def psql(sql: str, database: str = "identity", user: str = "postgres") -> str:
    return compose("exec", "-T", "postgres", "psql", "-U", user, "-d", database, "-tAc", sql).strip()


# --- where the gRPC replicas are ------------------------------------------------------------------------------

def container_ids(service: str) -> list[str]:
    """The running containers of a compose service, oldest first."""
    ids = compose("ps", "-q", service).split()
    if not ids:
        return []
    out = subprocess.run(["docker", "inspect", "-f", "{{.State.Running}} {{.Created}} {{.Id}}", *ids],
                         capture_output=True, text=True, check=True, timeout=30).stdout
    return [cid for running, _, cid in sorted(line.split() for line in out.splitlines()) if running == "true"]


def host_port(container: str, port: int) -> int:
    """The host port a container's `port` is published on (it changes when the container is re-created)."""
    out = subprocess.run(["docker", "port", container, f"{port}/tcp"], capture_output=True, text=True,
                         check=True, timeout=30).stdout
    return int(out.splitlines()[0].rsplit(":", 1)[1])


def replica_targets(service: str, port: int) -> list[str]:
    """host:port of every running replica of `service` (e.g. "identity-grpc", 50051)."""
    return [f"127.0.0.1:{host_port(c, port)}" for c in container_ids(service)]


def port_range(variable: str, default: str) -> list[int]:
    """The host ports a scaled service's replicas take theirs from (IDENTITY_GRPC_HOST_PORTS and the like)."""
    low, _, high = os.environ.get(variable, default).partition("-")
    return list(range(int(low), int(high or low) + 1))


# --- a client that rides out replicas coming and going ----------------------------------------------------------
# The shipped clients (hearth_common.clients): a channel over every replica with the documented settings
# (round robin, retries on UNAVAILABLE, waitForReady), RoomStream (resumes with after_seq), and an idempotency
# key on every post so that a retry of a post whose answer was lost stores it once.

class CallStats:
    """What the calls of a load met: each failed attempt by status code, and each call given up on."""

    def __init__(self):
        self.lock = threading.Lock()
        self.attempt_errors: collections.Counter = collections.Counter()
        self.failed: collections.Counter = collections.Counter()
        self.ok = 0

    def summary(self) -> dict:
        with self.lock:
            return {"ok": self.ok, "failed": sum(self.failed.values()), "failed_by_code": dict(self.failed),
                    "retried_attempts": dict(self.attempt_errors)}


def call_with_retry(method, request, stats: CallStats, budget: float = 20.0, timeout: float = 5.0, **kwargs):
    """Calls `method`, retrying UNAVAILABLE (with backoff) until `budget` seconds have passed.

    Returns the response, or None once given up (counted in stats.failed, by the last status code)."""
    deadline = time.monotonic() + budget
    delay = 0.1
    while True:
        try:
            response = method(request, timeout=timeout, **kwargs)
        except grpc.RpcError as exc:
            code = exc.code()
            with stats.lock:
                stats.attempt_errors[code.name] += 1
            if code == grpc.StatusCode.UNAVAILABLE and time.monotonic() + delay < deadline:
                time.sleep(delay)
                delay = min(delay * 2, 1.0)
                continue
            with stats.lock:
                stats.failed[code.name] += 1
            return None
        with stats.lock:
            stats.ok += 1
        return response


class ResumingSubscriber:
    """Follows a room's stream on a thread through hearth_common's RoomStream (it subscribes again with
    after_seq = the last seq received whenever the stream breaks). Records every timeline item (seq, kind,
    message id) and each break's status code."""

    def __init__(self, stub, slug: str, metadata, after_seq: int):
        self.stream = RoomStream(stub, slug, metadata, after_seq=after_seq, max_retries=100, max_backoff=1.0)
        self.items: list[tuple[int, str, str]] = []
        self.error: str | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    @property
    def last_seq(self) -> int:
        return self.stream.last_seq

    @property
    def breaks(self) -> dict:
        return dict(self.stream.breaks, **({"gave_up": self.error} if self.error else {}))

    def start(self) -> "ResumingSubscriber":
        self.thread.start()
        return self

    def _run(self) -> None:
        try:
            for item in self.stream:
                if item.kind != "subscribed" and item.seq:
                    self.items.append((item.seq, item.kind, item.message.message_id))
        except grpc.RpcError as exc:
            self.error = exc.code().name
        except ValueError:  # the channel was closed under it: the test is over
            return

    def stop(self) -> None:
        self.stream.cancel()
        self.thread.join(timeout=10)


class PostingLoad:
    """Posts `rate` messages a second from one thread, round robin over several writers (room allows each
    person a few posts per 10 s), each with a unique body and its own idempotency key, sent again with every
    retry (as README asks of clients): a retried post that had been committed is answered, not stored twice.
    Heartbeats keep the writers present."""

    def __init__(self, stub, slug: str, writers: list, rate: float = 3.0, budget: float = 20.0):
        self.stub, self.slug, self.writers, self.rate, self.budget = stub, slug, writers, rate, budget
        self.stats = CallStats()
        self.acked: dict[str, tuple[int, str]] = {}  # body -> (seq, message id)
        self.unacked: list[str] = []  # bodies of posts given up on (committed or not: unknown)
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.tag = uuid.uuid4().hex[:8]

    def start(self) -> "PostingLoad":
        self.thread.start()
        return self

    def _run(self) -> None:
        try:
            self._post()
        except ValueError:  # the channel was closed under it: the test is over
            pass

    def _post(self) -> None:
        from hearth.room.v1 import room_pb2 as rpb

        n = 0
        beats = CallStats()  # heartbeats are not the measured calls
        next_at = time.monotonic()
        while not self.stopping.is_set():
            writer = self.writers[n % len(self.writers)]
            if n % (len(self.writers) * 10) < len(self.writers):
                call_with_retry(self.stub.Heartbeat, rpb.HeartbeatRequest(slug=self.slug), beats, budget=2,
                                metadata=writer)
            body = f"load {self.tag} #{n}"
            request = rpb.PostMessageRequest(slug=self.slug, body=body, idempotency_key=str(uuid.uuid4()))
            response = call_with_retry(self.stub.PostMessage, request, self.stats, budget=self.budget,
                                       metadata=writer)
            if response is None:
                self.unacked.append(body)
            else:
                self.acked[body] = (response.message.seq, response.message.message_id)
            n += 1
            next_at += 1 / self.rate
            self.stopping.wait(max(0.0, next_at - time.monotonic()))

    def stop(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=self.budget + 10)


def history(stub, slug: str, metadata, after_seq: int) -> list:
    """Every message of the room after `after_seq`, oldest first (ListMessages pages, forwards)."""
    from hearth.room.v1 import room_pb2 as rpb

    messages, cursor = [], after_seq
    while True:
        page = stub.ListMessages(rpb.ListMessagesRequest(slug=slug, after_seq=cursor, limit=100), metadata=metadata,
                                 timeout=10).messages
        messages.extend(page)
        if len(page) < 100:
            return messages
        cursor = page[-1].seq


def audit(load: PostingLoad, messages: list, subscribers: list[ResumingSubscriber], start_seq: int) -> dict:
    """Compares what the load was told (acknowledged posts) with history and with every resumed stream.

    lost: acknowledged posts missing from history or from a stream; duplicated: a body stored more than once,
    or a seq received twice on a stream; gaps: seqs missing on a stream between start_seq and its last one."""
    mine = [m for m in messages if m.body.startswith(f"load {load.tag} ")]
    stored = collections.Counter(m.body for m in mine)
    by_seq = {m.seq: m for m in mine}
    result = {
        "posted_ok": len(load.acked),
        "lost_in_history": sorted(b for b in load.acked if stored[b] == 0),
        "wrong_seq_in_history": sorted(b for b, (seq, mid) in load.acked.items()
                                       if stored[b] == 1 and by_seq.get(seq) is None),
        "duplicated_in_history": sorted(b for b, k in stored.items() if k > 1),
        "unacked_but_stored": sorted(b for b in load.unacked if stored[b]),
        "streams": [],
    }
    for sub in subscribers:
        seqs = [s for s, _, _ in sub.items]
        got = collections.Counter(mid for _, kind, mid in sub.items if kind == "message_posted")
        last = seqs[-1] if seqs else start_seq
        result["streams"].append({
            "items": len(seqs),
            "breaks": dict(sub.breaks),
            "duplicated_seqs": sorted(s for s, k in collections.Counter(seqs).items() if k > 1),
            "out_of_order": sum(1 for a, b in zip(seqs, seqs[1:]) if b <= a),
            "gaps": sorted(set(range(start_seq + 1, last + 1)) - set(seqs)),
            "lost_posts": sorted(b for b, (_, mid) in load.acked.items() if got[mid] == 0),
            "duplicated_posts": sorted(mid for mid, k in got.items() if k > 1),
        })
    return result
