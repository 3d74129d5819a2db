"""End-to-end: a rolling redeploy of room-grpc (two replicas as real processes, replaced one at a time) costs a
client on the common channel no failed call, and its live stream resumes on the other replica without gaps."""
import subprocess
import threading
import time
import uuid

import grpc
import pytest
from e2e_helpers import BIN, Proc, free_port, wait_serving
from hearth.room.v1 import room_pb2 as rpb
from hearth.room.v1 import room_pb2_grpc
from test_e2e_live import OPEN_ROOM, People, known_to_room
from test_e2e_rooms import T

from hearth_common import testing
from hearth_common.clients.channel import open_channel
from hearth_common.clients.room_stream import RoomStream

GRACE = 10.0  # ROOM_GRPC_GRACE_SECONDS: a stopping replica may take this long at most


@pytest.fixture
def replicas(stack, e2e_env, tmp_path):
    """identity, room-worker and two room-grpc replicas; `start(target)` starts a replica on an address."""
    env, _, identity_target = e2e_env
    stack.start_grpc()
    stack.start_worker()
    db_url = testing.create_database("hearth_room_e2e_rolling")
    room_env = {**env, "ROOM_DATABASE_URL": db_url, "ROOM_AMQP_URI": env["IDENTITY_AMQP_URI"],
                "ROOM_IDENTITY_GRPC_TARGET": identity_target, "ROOM_GRPC_GRACE_SECONDS": str(GRACE)}
    subprocess.run([str(BIN / "room-migrate")], env=room_env, check=True, capture_output=True, timeout=120)
    procs = [Proc("room-worker", room_env, tmp_path)]
    testing.wait_consuming(
        env["IDENTITY_AMQP_URI"], "evt-identity-person_registered--room.on_person_registered",
        alive=lambda: None if procs[0].process.poll() is None else procs[0].log_path.read_text(),
    )

    def start(target):
        proc = Proc("room-grpc", {**room_env, "ROOM_GRPC_ADDRESS": target}, tmp_path)
        procs.append(proc)
        wait_serving(target, proc)
        return proc

    targets = [f"127.0.0.1:{free_port()}", f"127.0.0.1:{free_port()}"]
    yield identity_target, targets, [start(t) for t in targets], start
    testing.stop_processes([p.process for p in procs])
    testing.drop_database(db_url)


class Poster:
    """Posts four messages a second from one thread, each call with a deadline, in turn as each of `people`
    (under room's limit of 5 messages in 10 s per person); keeps seqs and failures."""

    def __init__(self, rooms, people):
        self.rooms, self.people = rooms, people
        self.seqs, self.failures = [], []
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        n = 0
        while not self.done.is_set():
            try:
                # Keyed, as README asks of creating calls: the channel's own retries on UNAVAILABLE store it once.
                request = rpb.PostMessageRequest(slug=OPEN_ROOM, body=f"rolling {n}", idempotency_key=uuid.uuid4().hex)
                response = self.rooms.PostMessage(request, metadata=self.people[n % len(self.people)], timeout=T)
                self.seqs.append(response.message.seq)
            except grpc.RpcError as exc:
                self.failures.append((n, exc.code(), exc.details()))
            n += 1
            self.done.wait(0.25)

    def stop(self):
        self.done.set()
        self.thread.join(T + 5)


def sigterm_and_time(proc) -> float:
    started = time.monotonic()
    assert proc.terminate(timeout=GRACE + 10) == 0, proc.log_path.read_text()
    return time.monotonic() - started


@pytest.mark.slow
def test_replacing_each_replica_in_turn_fails_no_call_and_the_stream_resumes_without_gaps(replicas):
    identity_target, targets, (first, second), start = replicas
    people = People(identity_target)
    channel = open_channel(targets)
    rooms = room_pb2_grpc.RoomServiceStub(channel)
    posters = [people.new(f"e2e_rolling_poster_{i}")[1] for i in range(12)]
    _, reader_md = people.new("e2e_rolling_reader")
    for md in (*posters, reader_md):
        known_to_room(rooms, md)
        rooms.JoinRoom(rpb.JoinRoomRequest(slug=OPEN_ROOM), metadata=md, timeout=T)

    stream, items = RoomStream(rooms, OPEN_ROOM, reader_md), []

    def read():
        for item in stream:
            items.append(item)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    testing.eventually(lambda: items)  # the stream is open
    poster = Poster(rooms, posters)
    try:
        testing.eventually(lambda: len(poster.seqs) >= 5)
        stop_times = [sigterm_and_time(first)]
        start(targets[0])  # the replacement, on the same address
        posted = len(poster.seqs)
        testing.eventually(lambda: len(poster.seqs) >= posted + 5)
        stop_times.append(sigterm_and_time(second))
        posted = len(poster.seqs)
        testing.eventually(lambda: len(poster.seqs) >= posted + 5)
    finally:
        poster.stop()
    try:
        testing.eventually(lambda: {i.seq for i in items} >= set(poster.seqs), timeout=20)
    finally:
        stream.cancel()
        reader.join(T)
        channel.close()

    assert poster.failures == []
    posted_bodies = [i for i in items if i.kind == "message_posted" and i.message.body.startswith("rolling ")]
    assert [i.seq for i in posted_bodies] == poster.seqs  # every post seen exactly once, in order
    seqs = [i.seq for i in items]
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))  # no gap, no repeat across the resubscriptions
    assert stream.resubscriptions >= 1  # the stream did move replicas
    assert all(took < GRACE for took in stop_times), stop_times  # streams did not hold a replica for its grace
