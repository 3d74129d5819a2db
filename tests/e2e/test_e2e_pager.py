"""End-to-end: the pager and crisis care over the real processes (identity, two room replicas, moderation's
worker and gRPC): (d) a crisis message brings its author a care notice and pages the on-duty crisis-trained
moderator's console, with no sanction, report or case anywhere; (e) a summons pages the moderator on duty, who
acknowledges it, and a page nobody acknowledges escalates to everyone on duty, then to the admins' consoles
(MODERATION_PAGE_ESCALATION_SECONDS is 3 here); and with nobody on duty, a summons pages the admins at once and
the summoner is told help is coming (in the answer, and by a private notice room lists for them)."""
import json
import queue
import threading
import time

import grpc
import kombu
import pytest
from e2e_helpers import ADMIN
from hearth.identity.v1 import identity_pb2 as ipb
from hearth.moderation.v1 import moderation_pb2 as mpb
from hearth.moderation.v1 import moderation_pb2_grpc
from hearth.room.v1 import room_pb2 as rpb
from hearth.room.v1 import room_pb2_grpc
from test_e2e_live import OPEN_ROOM, People, known_to_room
from test_e2e_moderation import eventually_ok, moderation_stack  # noqa: F401  (fixture)
from test_e2e_rooms import PASSWORD, T, room_stack  # noqa: F401  (fixture)

from hearth_common import testing
from hearth_common.outbox import event_exchange

CRISIS_BADGE = "crisis-response-trained"
CRISIS_WORDS = "I have the pills in front of me and I'm going to take them all tonight"
SANCTIONS = {"sanction_imposed", "report_filed", "case_decided", "warning_issued"}


@pytest.fixture
def moderation_events(amqp_uri):
    """Every event moderation publishes from now on, read from a queue bound to its exchange."""
    connection = kombu.Connection(amqp_uri)
    bound = kombu.Queue("e2e-moderation-events", exchange=event_exchange("moderation"), routing_key="#",
                        durable=True)(connection.channel())
    bound.declare()
    bound.purge()
    got = []

    def read(until, timeout=30.0):
        deadline = time.monotonic() + timeout
        while not until(got):
            assert time.monotonic() < deadline, f"timed out with {[e['event_type'] for e in got]}"
            message = bound.get(no_ack=True)
            if message is None:
                time.sleep(0.05)
            else:
                got.append(json.loads(message.body))
        return got

    yield read
    bound.delete()
    connection.release()


class Console:
    """A moderator console: a StreamPages stream read on a thread."""

    def __init__(self, moderation, md):
        self.updates: queue.Queue = queue.Queue()
        self.call = moderation.StreamPages(mpb.StreamPagesRequest(), metadata=md)
        threading.Thread(target=self._read, daemon=True).start()
        assert not self.updates.get(timeout=T).HasField("page")  # where the stream starts

    def _read(self):
        try:
            for update in self.call:
                self.updates.put(update)
        except grpc.RpcError:
            pass

    def next_page(self, where=lambda page: True, timeout=30):
        deadline = time.monotonic() + timeout
        while True:
            update = self.updates.get(timeout=max(deadline - time.monotonic(), 0.1))
            if where(update.page):
                return update.page

    def close(self):
        self.call.cancel()


def login(people, name):
    token = people.identity.Login(ipb.LoginRequest(username=name, password=PASSWORD), timeout=T).tokens.access_token
    return [("authorization", f"Bearer {token}")]


def on_duty(moderation, md, crisis_trained=False, **scope):
    """Goes on duty once moderation knows the role (and the badge, if wanted)."""

    def shift():
        got = moderation.GoOnDuty(mpb.GoOnDutyRequest(**scope), metadata=md, timeout=T).shift
        return got if got.crisis_trained or not crisis_trained else None

    return eventually_ok(shift, grpc.StatusCode.PERMISSION_DENIED)


@pytest.fixture
def pager_world(moderation_stack):  # noqa: F811  (the fixture imported above)
    identity_target, room_target, _, moderation_target = moderation_stack
    return (People(identity_target), room_pb2_grpc.RoomServiceStub(grpc.insecure_channel(room_target)),
            moderation_pb2_grpc.ModerationServiceStub(grpc.insecure_channel(moderation_target)))


def test_d_a_crisis_message_brings_care_and_a_page_and_never_a_sanction(pager_world, moderation_events):
    people, rooms, moderation = pager_world
    moderator_id = people.moderator("e2e_crisis_mod")
    admin = people.identity.Login(ipb.LoginRequest(username=ADMIN[0], password=ADMIN[1]), timeout=T)
    people.identity.AwardBadge(ipb.AwardBadgeRequest(person_id=moderator_id, badge_slug=CRISIS_BADGE,
                                                     reason="completed the crisis response module",
                                                     idempotency_key="e2e-crisis-badge"),
                               metadata=[("authorization", f"Bearer {admin.tokens.access_token}")], timeout=T)
    moderator_md = login(people, "e2e_crisis_mod")
    on_duty(moderation, moderator_md, crisis_trained=True, room_slugs=[OPEN_ROOM])
    console = Console(moderation, moderator_md)
    author, author_md = people.new("e2e_hurting")
    known_to_room(rooms, author_md)
    rooms.JoinRoom(rpb.JoinRoomRequest(slug=OPEN_ROOM), metadata=author_md, timeout=T)

    posted = rooms.PostMessage(rpb.PostMessageRequest(slug=OPEN_ROOM, body=CRISIS_WORDS), metadata=author_md,
                               timeout=T).message

    page = console.next_page(lambda p: p.message_id == posted.message_id)
    console.close()
    assert page.kind == "crisis" and page.stage == "crisis_trained" and list(page.recipient_ids) == [moderator_id]
    assert page.subject_id == author and page.excerpt == CRISIS_WORDS
    got = moderation_events(lambda es: {"notice_issued", "crisis_flagged", "page_sent"} <= {e["event_type"]
                                                                                             for e in es})
    [notice] = [e["data"] for e in got if e["event_type"] == "notice_issued"]
    assert notice["person_id"] == author and notice["kind"] == "care" and notice["resources"]
    history = rooms.ListMessages(rpb.ListMessagesRequest(slug=OPEN_ROOM), metadata=author_md, timeout=T).messages
    assert any(m.message_id == posted.message_id and m.body == CRISIS_WORDS for m in history), "still posted"
    time.sleep(1)  # anything else moderation would publish about it has had time to go out
    assert not {e["event_type"] for e in moderation_events(lambda es: True)} & SANCTIONS
    queue_now = moderation.ListQueue(mpb.ListQueueRequest(), metadata=moderator_md, timeout=T).cases
    assert not [c for c in queue_now if c.subject.person_id == author]


def test_e_a_summons_is_acknowledged_and_an_unacknowledged_page_escalates(pager_world):
    people, rooms, moderation = pager_world
    first_id, other_id = people.moderator("e2e_duty_mod"), people.moderator("e2e_other_mod")
    first_md, other_md = login(people, "e2e_duty_mod"), login(people, "e2e_other_mod")
    on_duty(moderation, first_md, room_slugs=[OPEN_ROOM])
    on_duty(moderation, other_md, room_slugs=["teen-evening-chat"])
    first_console, other_console = Console(moderation, first_md), Console(moderation, other_md)
    admin_id, admin_console = admin_on_console(people, moderation)
    summoner, summoner_md = people.new("e2e_summoner")
    known_to_room(rooms, summoner_md)
    rooms.JoinRoom(rpb.JoinRoomRequest(slug=OPEN_ROOM), metadata=summoner_md, timeout=T)

    request = mpb.SummonModeratorRequest(room_slug=OPEN_ROOM, reason="troll", note="baiting everyone",
                                         idempotency_key="e2e-summons-1")
    heard = eventually_ok(lambda: moderation.SummonModerator(request, metadata=summoner_md, timeout=T),
                          grpc.StatusCode.FAILED_PRECONDITION).heard
    assert not heard.admins_paged and heard.message
    page = first_console.next_page(lambda p: p.id == heard.page_id)
    assert list(page.recipient_ids) == [first_id]
    taken = moderation.AcknowledgePage(mpb.AcknowledgePageRequest(page_id=page.id), metadata=first_md,
                                       timeout=T).page
    assert taken.acknowledged_by == first_id
    with pytest.raises(grpc.RpcError) as second:
        moderation.AcknowledgePage(mpb.AcknowledgePageRequest(page_id=page.id), metadata=admin_md(people), timeout=T)
    assert second.value.code() == grpc.StatusCode.FAILED_PRECONDITION and first_id in second.value.details()

    unanswered = moderation.SummonModerator(mpb.SummonModeratorRequest(room_slug=OPEN_ROOM, reason="spammer"),
                                            metadata=summoner_md, timeout=T).heard
    escalated = other_console.next_page(lambda p: p.id == unanswered.page_id)
    first_console.close()
    other_console.close()
    assert escalated.stage == "on_duty" and set(escalated.recipient_ids) == {first_id, other_id}
    to_admins = admin_console.next_page(lambda p: p.id == unanswered.page_id)
    admin_console.close()
    assert to_admins.stage == "admins" and admin_id in to_admins.recipient_ids
    assert not to_admins.acknowledged_by


def test_e_with_nobody_on_duty_a_summons_pages_the_admins_at_once_and_the_summoner_is_told(pager_world):
    people, rooms, moderation = pager_world
    admin_id, admin_console = admin_on_console(people, moderation)
    summoner, summoner_md = people.new("e2e_lonely_summoner")
    known_to_room(rooms, summoner_md)
    rooms.JoinRoom(rpb.JoinRoomRequest(slug=OPEN_ROOM), metadata=summoner_md, timeout=T)
    assert not moderation.ListOnDuty(mpb.ListOnDutyRequest(), metadata=admin_md(people), timeout=T).shifts

    request = mpb.SummonModeratorRequest(room_slug=OPEN_ROOM, reason="abusive", idempotency_key="e2e-summons-alone")
    heard = eventually_ok(lambda: moderation.SummonModerator(request, metadata=summoner_md, timeout=T),
                          grpc.StatusCode.FAILED_PRECONDITION).heard
    assert heard.admins_paged and "admins" in heard.message

    page = admin_console.next_page(lambda p: p.id == heard.page_id)
    admin_console.close()
    assert page.stage == "admins" and admin_id in page.recipient_ids and page.kind == "summons"
    assert page.caller_id == summoner

    def told():
        notices = rooms.ListNotices(rpb.ListNoticesRequest(), metadata=summoner_md, timeout=T).notices
        return [n for n in notices if n.kind == "help_coming"]

    [notice] = testing.eventually(told, timeout=30, what="the help-coming notice to reach room")
    assert notice.text == heard.message and notice.room_slug == OPEN_ROOM


def admin_on_console(people, moderation):
    """The bootstrap admin's id, and a console of theirs open once moderation knows their role."""
    admin = people.identity.Login(ipb.LoginRequest(username=ADMIN[0], password=ADMIN[1]), timeout=T)
    md = [("authorization", f"Bearer {admin.tokens.access_token}")]
    eventually_ok(lambda: moderation.ListPages(mpb.ListPagesRequest(), metadata=md, timeout=T),
                  grpc.StatusCode.PERMISSION_DENIED)
    return admin.person.id, Console(moderation, md)


def admin_md(people):
    admin = people.identity.Login(ipb.LoginRequest(username=ADMIN[0], password=ADMIN[1]), timeout=T)
    return [("authorization", f"Bearer {admin.tokens.access_token}")]
