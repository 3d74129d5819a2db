"""Integration tests of the rota, the pager and crisis care on PostgreSQL: the use cases on the real schema, the
page seq a console resumes from, the escalation timer's SKIP LOCKED, one care per message, concurrent twin
referrals, and the outbox."""
from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import threading

import pytest
import sqlalchemy as sa
from moderation_world import ROOM, World

from hearth_common import errors
from hearth_common.contracts import identity as identity_contract
from hearth_common.fakes import FakeClock
from moderation_service.adapters import orm
from moderation_service.adapters.repository import uow_factory
from moderation_service.domain.crisis import CARE_NOTICE_SENT
from moderation_service.domain.pager import CRISIS_BADGE, REFER_PACE, SUMMON_PACE
from moderation_service.service_layer.pager import PagerService
from moderation_service.service_layer.services import ModerationService

START = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
PLAN = "I have the pills in front of me and I'm going to take them all"


@pytest.fixture
def clock():
    return FakeClock(START)


@pytest.fixture
def service(clean_engine, clock):
    return ModerationService(uow_factory(clean_engine), clock=clock)


@pytest.fixture
def pager(clean_engine, clock):
    return PagerService(uow_factory(clean_engine), clock=clock, poll_interval=0.05)


@pytest.fixture
def world(service, clock):
    return World(service, clock)


def outbox_types(engine):
    with engine.connect() as conn:
        return [row[0] for row in conn.execute(sa.select(orm.outbox.c.event_type).order_by(orm.outbox.c.seq))]


def count(engine, table):
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


def test_a_crisis_message_is_cared_for_once_on_the_real_schema(service, pager, world, clean_engine):
    trained = world.moderator("mo", ROOM)
    world.badge(trained, CRISIS_BADGE)
    pager.go_on_duty(trained, room_slugs=[ROOM])
    author = world.member("sam")
    message_id = world.post(author, PLAN)

    [page] = pager.list_pages(trained, open_only=True)
    assert page["kind"] == "crisis" and page["message_id"] == message_id and page["recipient_ids"] == [trained]
    assert sorted(outbox_types(clean_engine)) == ["crisis_flagged", "notice_issued", "page_sent"]
    assert count(clean_engine, orm.cases) == 0 and count(clean_engine, orm.reports) == 0
    with clean_engine.connect() as conn:
        actions = set(conn.execute(sa.select(orm.audit_log.c.action)).scalars())
    assert actions == {"went_on_duty", "page_sent", "care_notice_sent"}


def test_pages_escalate_acknowledge_and_list_on_the_real_schema(pager, world, clock, clean_engine):
    moderator, other, admin = world.moderator("mo", ROOM), world.moderator("other", "grief-support"), world.admin()
    pager.go_on_duty(moderator)
    pager.go_on_duty(other)
    called = pager.summon(world.member("sam"), ROOM, "abusive", idempotency_key="k1")
    clock.advance(seconds=30)
    assert pager.escalate_until_next() == 90  # the worker's loop sleeps until it is due
    clock.advance(seconds=90)
    assert pager.escalate_due() == 1
    [page] = pager.list_pages(other)
    assert page["stage"] == "on_duty"
    clock.advance(minutes=2)
    assert pager.escalate_due() == 1
    assert pager.list_pages(admin)[0]["stage"] == "admins"
    with pytest.raises(errors.PermissionDenied, match="covers"):  # told of it, but cannot act in the room
        pager.acknowledge(other, called["page_id"])
    taken = pager.acknowledge(moderator, called["page_id"])
    with pytest.raises(errors.FailedPrecondition, match=moderator):
        pager.acknowledge(admin, called["page_id"])
    assert taken["acknowledged_by"] == moderator and pager.list_pages(other, open_only=True) == []
    assert outbox_types(clean_engine).count("page_sent") == 3
    assert outbox_types(clean_engine).count("page_acknowledged") == 1


def test_the_console_stream_resumes_after_its_cursor(pager, world):
    moderator = world.moderator("mo", ROOM)
    pager.go_on_duty(moderator)
    summoner = world.member("sam")

    async def run_blocking(function, *args):
        return await asyncio.get_running_loop().run_in_executor(None, function, *args)

    async def scenario():
        stream = pager.follow(moderator, None, run_blocking)
        start = await anext(stream)
        pager.summon(summoner, ROOM, "troll")
        first = await asyncio.wait_for(anext(stream), 5)
        await stream.aclose()
        pager.summon(summoner, ROOM, "spammer")  # sent while the console was away
        resumed = pager.follow(moderator, first["seq"], run_blocking)
        await anext(resumed)
        missed = await asyncio.wait_for(anext(resumed), 5)
        await resumed.aclose()
        return start, first, missed

    start, first, missed = asyncio.run(scenario())
    assert first["page"]["reason"] == "troll" and first["seq"] > start["seq"]
    assert missed["page"]["reason"] == "spammer"


def test_twin_referrals_of_one_person_by_one_referrer_make_one_page(clean_engine, world, pager):
    live = PagerService(uow_factory(clean_engine))  # a real clock: the transactions truly overlap
    world.admin()
    referrer, friend = world.member("sam"), world.member("friend")
    barrier = threading.Barrier(4)

    def refer(_):
        barrier.wait(timeout=5)
        return live.refer(referrer, room_slug=ROOM, person_id=friend)["page_id"]

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        assert len(set(pool.map(refer, range(4)))) == 1
    assert count(clean_engine, orm.pages) == 1


def test_care_resources_are_stored_per_cohort(pager, world):
    admin = world.admin()
    pager.set_care_resources(admin, "adult", ["Samaritans: call 116 123"])
    assert pager.care_resources(admin, "adult")["lines"] == ["Samaritans: call 116 123"]
    assert pager.care_resources(admin, "teen")["updated_by"] is None


def _concurrently(calls):
    """Runs the calls at once (a barrier lines them up); returns each one's answer or the error it raised."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait(timeout=5)
        try:
            return call()
        except errors.DomainError as exc:
            return exc

    with concurrent.futures.ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def test_concurrent_first_summons_by_one_person_pass_the_pace_only_for_its_burst(clean_engine, world):
    live = PagerService(uow_factory(clean_engine))  # a real clock: the transactions truly overlap
    world.admin()
    summoner = world.member("sam")
    answers = _concurrently([lambda: live.summon(summoner, ROOM, "spammer")] * (SUMMON_PACE.burst + 3))
    assert sum(isinstance(a, dict) for a in answers) == SUMMON_PACE.burst
    assert all(isinstance(a, (dict, errors.ResourceExhausted)) for a in answers)
    assert count(clean_engine, orm.pages) == SUMMON_PACE.burst


def test_concurrent_first_referrals_by_one_person_pass_the_pace_only_for_its_burst(clean_engine, world):
    live = PagerService(uow_factory(clean_engine))
    world.admin()
    referrer = world.member("sam")
    friends = [world.member(f"friend_{i}") for i in range(REFER_PACE.burst + 3)]
    answers = _concurrently([lambda f=f: live.refer(referrer, room_slug=ROOM, person_id=f) for f in friends])
    assert sum(isinstance(a, dict) for a in answers) == REFER_PACE.burst
    assert all(isinstance(a, (dict, errors.ResourceExhausted)) for a in answers)


def test_concurrent_referrals_of_one_person_send_them_one_care_notice(clean_engine, world):
    live = PagerService(uow_factory(clean_engine))
    world.admin()
    friend = world.member("friend")
    referrers = [world.member(f"sam_{i}") for i in range(4)]
    answers = _concurrently([lambda r=r: live.refer(r, room_slug=ROOM, person_id=friend) for r in referrers])
    assert all(isinstance(a, dict) for a in answers)
    with clean_engine.connect() as conn:
        sent = conn.execute(sa.select(sa.func.count()).select_from(orm.audit_log)
                            .where(orm.audit_log.c.action == CARE_NOTICE_SENT)).scalar_one()
    assert sent == 1 and count(clean_engine, orm.pages) == 4


def test_a_page_that_reached_nobody_is_routed_again_on_the_real_schema(pager, world, clock):
    called = pager.summon(world.member("sam"), ROOM, "abusive")
    clock.advance(minutes=2)
    assert pager.escalate_due() == 1  # still nobody
    moderator = world.moderator("mo", ROOM)
    pager.go_on_duty(moderator)
    clock.advance(minutes=2)
    assert pager.escalate_due() == 1
    [page] = pager.list_pages(moderator)
    assert page["id"] == called["page_id"] and page["recipient_ids"] == [moderator]


def test_a_summons_by_staff_takes_the_cohort_of_the_members_present_on_the_real_schema(pager, world):
    teen_mod, adult_mod = world.moderator("teen_mo", ROOM, "teen"), world.moderator("adult_mo", ROOM, "adult")
    pager.go_on_duty(teen_mod)
    pager.go_on_duty(adult_mod)
    world.member("teen_sam", cohort="teen")
    staff = world.person("leader", "adult", "listener")
    world.grant(staff, identity_contract.SUPPORT_SESSION_LEADER)
    world.join(staff)
    pager.summon(staff, ROOM, "troll")
    assert len(pager.list_pages(teen_mod)) == 1 and pager.list_pages(adult_mod) == []
