"""Compose, issue 14's scenarios (b), (c), (d) and (f) across replicas (test_compose_moderation_reports has (a)).

Identity, moderation and room's room creation go through grpc-lb; every room call that matters is made on each
room-grpc replica by its own port, so each scenario shows that both replicas hold what moderation decided (the
rule set, a mute, a ban and their lifting) in room's read model, as moderation's and room's workers carry it:
 (c) a teen's phone number in a teen room is refused with the explanation on every replica, nothing stored; a rule
     added through moderation's API reaches room's rule set and is enforced on every replica;
 (d) a crisis message brings its author a care notice on their streams on both replicas and pages the on-duty
     crisis-trained moderator's console; no warning, sanction or case;
 (f) a global ban takes a person out of every room and keeps them out on both replicas; lifted, they join again;
 (b) three warnings bring the ladder's mute; both replicas refuse the person's post naming it; an appeal
     overturned by an admin lets them post again on both.
One module-scoped world (rooms, a crisis-trained moderator) serves every scenario; each waits on a condition with
a bounded time and says what it waited for."""
import datetime as dt
import os
import queue
import threading
import time
import uuid
from dataclasses import dataclass

import grpc
import pytest
from compose_helpers import psql, replica_targets
from hearth.identity.v1 import identity_pb2 as pb
from hearth.identity.v1 import identity_pb2_grpc
from hearth.moderation.v1 import moderation_pb2 as mpb
from hearth.moderation.v1 import moderation_pb2_grpc
from hearth.room.v1 import room_pb2 as rpb
from hearth.room.v1 import room_pb2_grpc

from hearth_common import testing
from hearth_common.automod.rules import TEEN_CONTACT
from hearth_common.clients.channel import open_channel

T = 10
WAIT = 60  # the longest any event may take to travel (a busy CI machine), well above what it takes
PASSWORD = "a long enough password"
ADMIN = ("admin", os.environ.get("IDENTITY_BOOTSTRAP_ADMIN_PASSWORD", ""))  # exported by deploy/compose-test.sh
CRISIS_BADGE = "crisis-response-trained"
CRISIS_WORDS = "I have the pills in front of me and I'm going to take them all tonight"


def lb(variable: str, default: str) -> grpc.Channel:
    return open_channel([f"127.0.0.1:{os.environ.get(variable, default)}"])


def years_ago(years: int) -> str:
    today = dt.date.today()
    return today.replace(year=today.year - years, day=min(today.day, 28)).isoformat()


def refusal(call) -> grpc.RpcError | None:
    """The call's gRPC error, or None when it succeeded."""
    try:
        call()
    except grpc.RpcError as exc:
        return exc
    return None


def until_answered(call, what: str, *waiting: grpc.StatusCode):
    """The call's answer once the events it relies on have arrived (until then it fails with one of `waiting`:
    NOT_FOUND and PERMISSION_DENIED by default, a person or role not yet in the callee's read model)."""
    waiting = waiting or (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.PERMISSION_DENIED)

    def attempt():
        try:
            return call()
        except grpc.RpcError as exc:
            if exc.code() not in waiting:
                raise
            return None

    return testing.eventually(attempt, timeout=WAIT, interval=0.2, what=what)


@dataclass
class Person:
    id: str
    md: list


@dataclass
class World:
    identity: identity_pb2_grpc.IdentityServiceStub
    moderation: moderation_pb2_grpc.ModerationServiceStub
    rooms: list  # a RoomServiceStub per room-grpc replica
    admin: list
    adult_room: str
    other_room: str
    teen_room: str
    moderator: Person  # a chat room moderator with the crisis-response badge

    def person(self, name: str, years: int = 30, *slugs: str) -> Person:
        """A new member, joined to `slugs` (once room has learned of them from identity's events)."""
        username = f"{name}_{uuid.uuid4().hex[:6]}"
        registered = self.identity.Register(pb.RegisterRequest(
            username=username, password=PASSWORD, date_of_birth=years_ago(years), kind=pb.PERSON_KIND_MEMBER),
            timeout=T).person
        token = self.identity.Login(pb.LoginRequest(username=username, password=PASSWORD), timeout=T).tokens
        person = Person(registered.id, [("authorization", f"Bearer {token.access_token}")])
        for slug in slugs:
            until_answered(lambda slug=slug: self.rooms[0].JoinRoom(rpb.JoinRoomRequest(slug=slug), metadata=person.md,
                                                                    timeout=T),
                           f"room to learn of {name}'s registration", grpc.StatusCode.NOT_FOUND,
                           grpc.StatusCode.FAILED_PRECONDITION, grpc.StatusCode.PERMISSION_DENIED)
        return person

    def bodies(self, replica, person: Person, slug: str) -> list[str]:
        return [m.body for m in replica.ListMessages(rpb.ListMessagesRequest(slug=slug, limit=100),
                                                     metadata=person.md, timeout=T).messages]


@pytest.fixture(scope="module")
def world():
    identity_channel = lb("IDENTITY_GRPC_LB_HOST_PORT", "15050")
    moderation_channel = lb("MODERATION_GRPC_LB_HOST_PORT", "15070")
    room_lb = lb("ROOM_GRPC_LB_HOST_PORT", "15060")
    replicas = replica_targets("room-grpc", 50052)
    assert len(replicas) >= 2, f"the stack runs room-grpc replicas: {replicas}"
    room_channels = [grpc.insecure_channel(target) for target in replicas]
    identity = identity_pb2_grpc.IdentityServiceStub(identity_channel)
    token = identity.Login(pb.LoginRequest(username=ADMIN[0], password=ADMIN[1]), timeout=T).tokens.access_token
    admin = [("authorization", f"Bearer {token}")]
    tag = uuid.uuid4().hex[:6]
    slugs = {}
    for key, audience in (("adult", rpb.AUDIENCE_ADULT), ("other", rpb.AUDIENCE_ADULT), ("teen", rpb.AUDIENCE_TEEN)):
        prefix = "teen" if audience == rpb.AUDIENCE_TEEN else "adult"
        slugs[key] = f"{prefix}-mod-{key}-{tag}"
        room_pb2_grpc.RoomServiceStub(room_lb).CreateRoom(rpb.CreateRoomRequest(room=rpb.RoomSpec(
            slug=slugs[key], name=f"Moderation {key} {tag}", description="Issue 14's scenarios across replicas.",
            topic="community", audience=audience, audience_kind="both", mode=rpb.ROOM_MODE_ALWAYS_OPEN,
            capacity=30, access_policy_json='{"always": true}')), metadata=admin, timeout=T)
    w = World(identity, moderation_pb2_grpc.ModerationServiceStub(moderation_channel),
              [room_pb2_grpc.RoomServiceStub(c) for c in room_channels], admin, slugs["adult"], slugs["other"],
              slugs["teen"], None)
    w.moderator = w.person("moderator", 30, w.adult_room, w.other_room)
    identity.GrantRole(pb.GrantRoleRequest(person_id=w.moderator.id, role=pb.ROLE_CHAT_ROOM_MODERATOR),
                       metadata=admin, timeout=T)
    identity.AwardBadge(pb.AwardBadgeRequest(person_id=w.moderator.id, badge_slug=CRISIS_BADGE,
                                             reason="completed the crisis response module"), metadata=admin, timeout=T)
    yield w
    for channel in (*room_channels, room_lb, identity_channel, moderation_channel):
        channel.close()


# --- (c) -------------------------------------------------------------------------------------------------------

def test_c_a_teens_phone_number_is_refused_on_every_replica_and_a_new_rule_reaches_them_all(world):
    teen = world.person("teen", 15, world.teen_room)
    for replica in world.rooms:
        error = refusal(lambda replica=replica: replica.PostMessage(rpb.PostMessageRequest(
            slug=world.teen_room, body="text me on 07700 900123 x"), metadata=teen.md, timeout=T))
        assert error is not None and error.code() == grpc.StatusCode.INVALID_ARGUMENT, error
        assert error.details() == TEEN_CONTACT
    for replica in world.rooms:
        assert world.bodies(replica, teen, world.teen_room) == [], "nothing of the refused post is stored"

    # A rule added through moderation's API: room's worker keeps the new version, and each replica's next post
    # is judged by it (no call from room to moderation).
    rule = mpb.AutomodRuleSpec(kind="word", pattern="durian", action="block",
                               explanation="Durian talk is not for this room.", scope=f"room:{world.teen_room}")
    added = until_answered(lambda: world.moderation.CreateAutomodRule(mpb.CreateAutomodRuleRequest(rule=rule),
                                                                      metadata=world.admin, timeout=T),
                           "moderation to know its admin and the room")
    testing.eventually(lambda: int(psql("SELECT coalesce(max(version), 0) FROM automod_rule_set", database="room"))
                       >= added.version, timeout=WAIT, interval=0.5,
                       what=f"room's read model to keep moderation's rule set version {added.version}")
    for replica in world.rooms:
        error = refusal(lambda replica=replica: replica.PostMessage(rpb.PostMessageRequest(
            slug=world.teen_room, body="who likes durian?"), metadata=teen.md, timeout=T))
        assert error is not None and error.details() == "Durian talk is not for this room.", error
    world.rooms[1].PostMessage(rpb.PostMessageRequest(slug=world.teen_room, body="hi everyone"), metadata=teen.md,
                               timeout=T)
    for replica in world.rooms:
        assert world.bodies(replica, teen, world.teen_room) == ["hi everyone"]


# --- (d) -------------------------------------------------------------------------------------------------------

class Stream:
    """A thread reading a server stream into a queue (a room's Subscribe or a console's StreamPages)."""

    def __init__(self, call):
        self.call, self.items = call, queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        try:
            for item in self.call:
                self.items.put(item)
        except grpc.RpcError:
            return

    def next(self, where, what: str, timeout: float = WAIT):
        deadline = time.monotonic() + timeout
        while True:
            try:
                item = self.items.get(timeout=max(deadline - time.monotonic(), 0.01))
            except queue.Empty:
                raise AssertionError(f"timed out waiting for {what}") from None
            if where(item):
                return item

    def close(self):
        self.call.cancel()


def test_d_a_crisis_message_brings_care_on_both_replicas_and_a_page_and_never_a_sanction(world):
    mod = world.moderator
    until_answered(lambda: world.moderation.GoOnDuty(mpb.GoOnDutyRequest(room_slugs=[world.adult_room]),
                                                     metadata=mod.md, timeout=T).shift.crisis_trained or None,
                   "moderation to know the moderator's role and crisis-response badge")
    author = world.person("hurting", 30, world.adult_room)
    console = Stream(world.moderation.StreamPages(mpb.StreamPagesRequest(), metadata=mod.md, timeout=WAIT * 2))
    streams = [Stream(replica.Subscribe(rpb.SubscribeRequest(slug=world.adult_room), metadata=author.md,
                                        timeout=WAIT * 2)) for replica in world.rooms]
    try:
        console.next(lambda u: not u.HasField("page"), "the console's stream to start")
        for stream in streams:
            stream.next(lambda i: i.kind == "subscribed", "the author's stream to start")
        posted = world.rooms[0].PostMessage(rpb.PostMessageRequest(slug=world.adult_room, body=CRISIS_WORDS),
                                            metadata=author.md, timeout=T).message

        page = console.next(lambda u: u.page.message_id == posted.message_id, "the crisis page on the console").page
        assert (page.kind, page.stage, page.subject_id, page.excerpt) == ("crisis", "crisis_trained", author.id,
                                                                          CRISIS_WORDS)
        assert mod.id in page.recipient_ids
        for n, stream in enumerate(streams):
            notice = stream.next(lambda i: i.kind == "notice", f"the care notice on the author's stream on replica {n}"
                                 ).notice
            assert notice.kind == "care" and notice.room_slug == world.adult_room and list(notice.resources)
    finally:
        for stream in (console, *streams):
            stream.close()
    for replica in world.rooms:
        assert CRISIS_WORDS in world.bodies(replica, author, world.adult_room), "the message stays posted"
    record = world.moderation.GetRecord(mpb.GetRecordRequest(person_id=author.id), metadata=mod.md, timeout=T)
    assert record.active_warnings == 0 and list(record.sanctions) == [] and list(record.warnings) == []
    cases = world.moderation.ListQueue(mpb.ListQueueRequest(room_slug=world.adult_room), metadata=mod.md,
                                       timeout=T).cases
    assert not [c for c in cases if c.subject.person_id == author.id], "no case about the author"
    world.rooms[1].PostMessage(rpb.PostMessageRequest(slug=world.adult_room, body="thank you for being here"),
                               metadata=author.md, timeout=T)


# --- (f) -------------------------------------------------------------------------------------------------------

def test_f_a_global_ban_takes_a_person_out_of_every_room_on_both_replicas_until_lifted(world):
    banned = world.person("banned", 30, world.adult_room, world.other_room)
    slugs = (world.adult_room, world.other_room)

    def members(replica, slug):
        return {m.person_id for m in replica.ListMembers(rpb.ListMembersRequest(slug=slug),
                                                         metadata=world.moderator.md, timeout=T).members}

    assert all(banned.id in members(world.rooms[0], slug) for slug in slugs)
    ban = until_answered(lambda: world.moderation.ImposeSanction(mpb.ImposeSanctionRequest(
        person_id=banned.id, kind="ban", reason="threats to other members", idempotency_key=str(uuid.uuid4())),
        metadata=world.admin, timeout=T), "moderation to know the person").sanction
    assert (ban.kind, ban.room_slug, ban.HasField("expires_at")) == ("ban", "", False)
    testing.eventually(lambda: not any(banned.id in members(r, s) for r in world.rooms for s in slugs),
                       timeout=WAIT, interval=0.2, what="room to remove the banned person from every room")
    for n, replica in enumerate(world.rooms):
        for slug in slugs:
            error = refusal(lambda: replica.JoinRoom(rpb.JoinRoomRequest(slug=slug), metadata=banned.md, timeout=T))
            assert error is not None and error.code() == grpc.StatusCode.PERMISSION_DENIED, (n, slug, error)
            assert "banned" in error.details()

    world.moderation.LiftSanction(mpb.LiftSanctionRequest(sanction_id=ban.id, reason="appeal upheld by the admins"),
                                  metadata=world.admin, timeout=T)
    testing.eventually(lambda: refusal(lambda: world.rooms[1].JoinRoom(rpb.JoinRoomRequest(slug=world.other_room),
                                                                       metadata=banned.md, timeout=T)) is None,
                       timeout=WAIT, interval=0.2, what="room to learn the ban was lifted")
    world.rooms[0].JoinRoom(rpb.JoinRoomRequest(slug=world.adult_room), metadata=banned.md, timeout=T)
    assert all(banned.id in members(replica, slug) for replica, slug in zip(world.rooms, slugs))


# --- (b) -------------------------------------------------------------------------------------------------------

def test_b_three_warnings_mute_on_both_replicas_until_an_appeal_overturns_it(world):
    sam = world.person("warned", 30, world.adult_room)
    answers = []
    for reason in ("unkind", "talking_negatively", "abusive_language"):
        request = mpb.IssueWarningRequest(person_id=sam.id, reason=reason, room_slug=world.adult_room,
                                          note="please read the room guidelines", idempotency_key=str(uuid.uuid4()))
        answers.append(until_answered(lambda request=request: world.moderation.IssueWarning(
            request, metadata=world.moderator.md, timeout=T), "moderation to know the person and the moderator"))
    assert [a.active_warnings for a in answers] == [1, 2, 3]
    mute = answers[2].sanction
    assert (mute.kind, mute.room_slug, mute.source) == ("mute", "", "ladder")
    ends = mute.expires_at.ToDatetime(tzinfo=dt.timezone.utc)

    def post(replica):  # a new text each time: the same one thrice in two minutes is spam to automod
        return lambda: replica.PostMessage(rpb.PostMessageRequest(
            slug=world.adult_room, body=f"why was I warned? {uuid.uuid4().hex[:8]}"), metadata=sam.md, timeout=T)

    def refused_as_muted(replica):  # until the mute arrives the posts go through (or are too fast)
        error = refusal(post(replica))
        return error if error is not None and error.code() == grpc.StatusCode.PERMISSION_DENIED else None

    for n, replica in enumerate(world.rooms):
        error = testing.eventually(lambda replica=replica: refused_as_muted(replica), timeout=WAIT, interval=0.3,
                                   what=f"room replica {n} to refuse the muted person's post")
        assert "muted" in error.details() and ends.isoformat(timespec="minutes") in error.details(), error.details()

    appeal = world.moderation.FileAppeal(mpb.FileAppealRequest(
        subject_kind="warning", subject_id=answers[2].warning.id, text="I was quoting the guidelines back to them.",
        idempotency_key=str(uuid.uuid4())), metadata=sam.md, timeout=T).appeal
    decided = world.moderation.DecideAppeal(mpb.DecideAppealRequest(
        appeal_id=appeal.id, decision="overturned", reason="quoting is fine", idempotency_key=str(uuid.uuid4())),
        metadata=world.admin, timeout=T).appeal
    assert decided.status == "overturned"
    def posted(replica) -> bool:  # muted until room learns of the lifting; "too fast" clears within 10 s
        error = refusal(post(replica))
        if error is not None and error.code() not in (grpc.StatusCode.PERMISSION_DENIED,
                                                      grpc.StatusCode.RESOURCE_EXHAUSTED):
            raise AssertionError(f"the post was refused otherwise: {error.code().name} {error.details()}")
        return error is None

    for n, replica in enumerate(world.rooms):
        testing.eventually(lambda replica=replica: posted(replica), timeout=WAIT, interval=0.3,
                           what=f"room replica {n} to let the person post once the mute was lifted")
    record = world.moderation.GetRecord(mpb.GetRecordRequest(person_id=sam.id), metadata=world.moderator.md, timeout=T)
    assert record.active_warnings == 2 and [s.status for s in record.sanctions] == ["lifted"]
