"""Compose, issue 14's scenario (a) across replicas: three members report a message, it is one case, a moderator
agrees and removes it, and it is gone from history and from the live streams on every room-grpc replica.

Everything goes through the stack as deployed: identity and moderation through grpc-lb, room's replicas each
on its own port (a stream on each), moderation's worker learning of people, members and messages from the
brokers' events, and the removal reaching room through moderation's worker."""
import os
import threading
import uuid

import grpc
from compose_helpers import replica_targets
from hearth.identity.v1 import identity_pb2 as pb
from hearth.identity.v1 import identity_pb2_grpc
from hearth.moderation.v1 import moderation_pb2 as mpb
from hearth.moderation.v1 import moderation_pb2_grpc
from hearth.room.v1 import room_pb2 as rpb
from hearth.room.v1 import room_pb2_grpc

from hearth_common import testing
from hearth_common.clients.channel import open_channel

T = 10
PASSWORD = "a long enough password"
ADMIN = ("admin", os.environ.get("IDENTITY_BOOTSTRAP_ADMIN_PASSWORD", ""))


def lb(variable: str, default: str) -> grpc.Channel:
    return open_channel([f"127.0.0.1:{os.environ.get(variable, default)}"])


def login(identity, username, password=PASSWORD):
    token = identity.Login(pb.LoginRequest(username=username, password=password), timeout=T).tokens.access_token
    return [("authorization", f"Bearer {token}")]


def answered(call, *args, **kwargs) -> bool:
    """True once the call succeeds; False while a service has not yet had the events it needs."""
    try:
        call(*args, **kwargs)
        return True
    except grpc.RpcError as exc:
        if exc.code() in (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.FAILED_PRECONDITION,
                          grpc.StatusCode.PERMISSION_DENIED, grpc.StatusCode.UNAVAILABLE):
            return False
        raise


class Watcher:
    """A room stream on one replica, recording the message ids posted and deleted on it. It resumes after seq 0,
    so an item published before the stream was set up on its replica is replayed, not missed (a stream "from
    now" opened just before a post raced it)."""

    def __init__(self, stub, slug, metadata):
        self.posted, self.deleted = set(), set()
        self.call = stub.Subscribe(rpb.SubscribeRequest(slug=slug, after_seq=0), metadata=metadata, timeout=120)
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        try:
            for item in self.call:
                if item.kind == "message_posted":
                    self.posted.add(item.message.message_id)
                elif item.kind == "message_deleted":
                    self.deleted.add(item.deletion.message_id)
        except grpc.RpcError:
            return

    def stop(self):
        self.call.cancel()
        self.thread.join(timeout=10)


def test_three_reports_one_case_removed_and_gone_from_every_room_replica():
    identity_channel = lb("IDENTITY_GRPC_LB_HOST_PORT", "15050")
    moderation_channel = lb("MODERATION_GRPC_LB_HOST_PORT", "15070")
    identity = identity_pb2_grpc.IdentityServiceStub(identity_channel)
    moderation = moderation_pb2_grpc.ModerationServiceStub(moderation_channel)
    replicas = replica_targets("room-grpc", 50052)
    assert len(replicas) >= 2, f"the stack runs room-grpc replicas: {replicas}"
    room_channels = [grpc.insecure_channel(target) for target in replicas]
    rooms = [room_pb2_grpc.RoomServiceStub(channel) for channel in room_channels]
    staff = login(identity, *ADMIN)
    slug = f"adult-reports-{uuid.uuid4().hex[:6]}"
    rooms[0].CreateRoom(rpb.CreateRoomRequest(room=rpb.RoomSpec(
        slug=slug, name=f"Reports {slug[-6:]}", description="Scenario (a) of issue 14.", topic="community",
        audience=rpb.AUDIENCE_ADULT, audience_kind="both", mode=rpb.ROOM_MODE_ALWAYS_OPEN, capacity=30,
        access_policy_json='{"always": true}')), metadata=staff, timeout=T)
    people = {}
    for name in ("author", "rep1", "rep2", "rep3", "watcher1", "watcher2"):
        username = f"{name}_{uuid.uuid4().hex[:6]}"
        identity.Register(pb.RegisterRequest(username=username, password=PASSWORD, date_of_birth="1990-01-01",
                                             kind=pb.PERSON_KIND_MEMBER), timeout=T)
        people[name] = login(identity, username)
        testing.eventually(lambda md=people[name]: answered(rooms[0].JoinRoom, rpb.JoinRoomRequest(slug=slug),
                                                            metadata=md, timeout=T),
                           timeout=60, interval=0.5, what="room to learn of the registration")
    watchers = [Watcher(stub, slug, people[f"watcher{i + 1}"]) for i, stub in enumerate(rooms[:2])]
    try:
        posted = rooms[1].PostMessage(rpb.PostMessageRequest(slug=slug, body="you are all pathetic losers",
                                                             idempotency_key=str(uuid.uuid4())),
                                      metadata=people["author"], timeout=T).message
        testing.eventually(lambda: all(posted.message_id in w.posted for w in watchers), timeout=30,
                           what="the post on the stream of every replica")
        for reporter in ("rep1", "rep2", "rep3"):
            request = mpb.ReportMessageRequest(message_id=posted.message_id, reason="abusive_language")
            testing.eventually(lambda md=people[reporter], r=request: answered(moderation.ReportMessage, r,
                                                                               metadata=md, timeout=T),
                               timeout=60, interval=0.5, what="moderation to learn of the message and members")
        cases = [c for c in moderation.ListQueue(mpb.ListQueueRequest(room_slug=slug), metadata=staff,
                                                 timeout=T).cases]
        assert len(cases) == 1 and cases[0].reporter_count == 3  # three reports, one case
        moderation.DecideCase(mpb.DecideCaseRequest(case_id=cases[0].id, decision="agree", remove_messages=True,
                                                    idempotency_key=str(uuid.uuid4())), metadata=staff, timeout=T)
        testing.eventually(lambda: all(posted.message_id in w.deleted for w in watchers), timeout=60,
                           what="the removal on the live stream of every replica")
        for stub in rooms:
            history = stub.ListMessages(rpb.ListMessagesRequest(slug=slug, limit=50), metadata=people["rep1"],
                                        timeout=T).messages
            shown = [m for m in history if m.message_id == posted.message_id]
            assert not shown or (shown[0].deleted and "pathetic" not in shown[0].body), \
                "the removed message is gone from every replica's history"
    finally:
        for w in watchers:
            w.stop()
        for channel in (*room_channels, identity_channel, moderation_channel):
            channel.close()
