"""Unit tests of the on-duty rota and the pager (issue 14 section 5): who goes on duty for what, who a page
reaches stage by stage, acknowledgement, escalation, summons and referrals, the console's stream."""
from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from moderation_unit_helpers import OTHER_ROOM, ROOM

from hearth_common import errors
from moderation_service.domain.crisis import CARE_NOTICE_COOLDOWN
from moderation_service.domain.pager import CRISIS_BADGE, REFER_PACE, SUMMON_PACE


def types(published):
    return [e.type for e in published]


def crisis_trained_moderator(world, name="mo_crisis", room=ROOM, cohort="adult"):
    moderator = world.moderator(name, room, cohort)
    world.badge(moderator, CRISIS_BADGE)
    return moderator


def test_a_moderator_goes_on_duty_within_their_role_and_is_listed(pager, world):
    moderator = world.moderator("mo", ROOM)
    shift = pager.go_on_duty(moderator, room_slugs=[ROOM])
    assert shift["room_slugs"] == [ROOM] and shift["crisis_trained"] is False
    [listed] = pager.who_is_on_duty(moderator)
    assert listed["moderator_id"] == moderator and listed["username"] == "mo"
    assert pager.who_is_on_duty(moderator, OTHER_ROOM) == []
    assert pager.go_off_duty(moderator) == {"was_on_duty": True}
    assert pager.who_is_on_duty(moderator) == []


def test_going_on_duty_is_refused_outside_ones_role(pager, world):
    member, moderator = world.member("sam"), world.moderator("mo", ROOM)
    with pytest.raises(errors.PermissionDenied):
        pager.go_on_duty(member)
    with pytest.raises(errors.PermissionDenied):
        pager.go_on_duty(moderator, room_slugs=[OTHER_ROOM])
    with pytest.raises(errors.PermissionDenied, match="cohort"):
        pager.go_on_duty(moderator, cohort="teen")
    with pytest.raises(errors.InvalidArgument, match="cohort"):
        pager.go_on_duty(moderator, cohort="elders")
    with pytest.raises(errors.InvalidArgument, match="room_slugs"):
        pager.go_on_duty(moderator, room_slugs=["Not A Slug!"])
    with pytest.raises(errors.InvalidArgument, match="hours"):
        pager.go_on_duty(moderator, hours=13)


def test_a_summons_pages_the_moderator_on_duty_for_the_room_and_tells_the_summoner_help_is_coming(
        pager, world, published):
    moderator, elsewhere = world.moderator("mo", ROOM), world.moderator("other_mo", OTHER_ROOM)
    pager.go_on_duty(moderator)
    pager.go_on_duty(elsewhere)
    summoner, troll = world.member("sam"), world.member("troll")

    called = pager.summon(summoner, ROOM, "troll", person_id=troll, note="keeps baiting people")

    assert called["admins_paged"] is False and "help is coming" in called["message"].lower()
    [page] = pager.list_pages(moderator)
    assert page["kind"] == "summons" and page["reason"] == "troll" and page["recipient_ids"] == [moderator]
    assert page["caller_id"] == summoner and page["subject_id"] == troll
    assert pager.list_pages(elsewhere) == []
    sent = [e for e in published if e.type == "page_sent"]
    assert sent[0].data["recipient_ids"] == [moderator] and summoner not in str(sent[0].data)
    [notice] = [e for e in published if e.type == "notice_issued"]
    assert notice.data["person_id"] == summoner and notice.data["kind"] == "help_coming"


def test_nobody_on_duty_pages_admins_at_once_and_says_so(pager, world):
    admin, summoner = world.admin(), world.member("sam")
    called = pager.summon(summoner, ROOM, "abusive")
    assert called["admins_paged"] is True and "admins" in called["message"]
    [page] = pager.list_pages(admin)
    assert page["stage"] == "admins" and page["recipient_ids"] == [admin]


def test_a_summons_needs_membership_a_reason_and_is_paced(pager, world):
    outsider, summoner = world.person("out"), world.member("sam")
    with pytest.raises(errors.FailedPrecondition):
        pager.summon(outsider, ROOM, "spammer")
    with pytest.raises(errors.InvalidArgument, match="reason"):
        pager.summon(summoner, ROOM, "bored")
    for _ in range(SUMMON_PACE.burst):
        pager.summon(summoner, ROOM, "spammer")
    with pytest.raises(errors.ResourceExhausted) as refused:
        pager.summon(summoner, ROOM, "spammer")
    assert refused.value.retry_after_seconds > 0


def test_an_idempotency_key_makes_a_retried_summons_one_page(pager, world):
    admin, summoner = world.admin(), world.member("sam")
    first = pager.summon(summoner, ROOM, "spammer", idempotency_key="k1")
    assert pager.summon(summoner, ROOM, "spammer", idempotency_key="k1") == first
    assert len(pager.list_pages(admin)) == 1


def test_one_moderator_acknowledges_and_a_second_is_told_who(pager, world, published):
    first, second = world.moderator("mo", ROOM), world.moderator("mo2", ROOM)
    pager.go_on_duty(first)
    pager.go_on_duty(second)
    pager.summon(world.member("sam"), ROOM, "spammer")
    [page] = pager.list_pages(first)
    assert page["recipient_ids"] == sorted([first, second])

    taken = pager.acknowledge(first, page["id"])
    assert taken["acknowledged_by"] == first
    assert pager.acknowledge(first, page["id"])["acknowledged_by"] == first  # again: the same answer
    with pytest.raises(errors.FailedPrecondition, match=first):
        pager.acknowledge(second, page["id"])
    assert types(published).count("page_acknowledged") == 1
    with pytest.raises(errors.NotFound):
        pager.acknowledge(world.moderator("stranger", OTHER_ROOM), page["id"])


def test_an_unacknowledged_page_escalates_to_everyone_on_duty_then_to_admins(pager, world, clock, published):
    moderator, elsewhere, admin = world.moderator("mo", ROOM), world.moderator("other", OTHER_ROOM), world.admin()
    pager.go_on_duty(moderator)
    pager.go_on_duty(elsewhere)
    pager.summon(world.member("sam"), ROOM, "abusive")

    clock.advance(seconds=119)
    assert pager.escalate_due() == 0
    clock.advance(seconds=1)
    assert pager.escalate_due() == 1
    [page] = pager.list_pages(elsewhere)
    assert page["stage"] == "on_duty" and set(page["recipient_ids"]) == {moderator, elsewhere}
    clock.advance(minutes=2)
    assert pager.escalate_due() == 1
    [page] = pager.list_pages(admin)
    assert page["stage"] == "admins" and admin in page["recipient_ids"]
    clock.advance(minutes=2)
    assert pager.escalate_due() == 0
    stages = [e.data["stage"] for e in published if e.type == "page_sent"]
    assert stages == ["covering", "on_duty", "admins"]


def test_the_worker_loop_is_told_when_the_next_page_falls_due(pager, world, clock):
    """escalate_until_next: the worker's loop sleeps until the earliest open page's next stage is due, not a
    poll interval; nothing open, nothing to wait for."""
    moderator, elsewhere = world.moderator("mo", ROOM), world.moderator("other", OTHER_ROOM)
    world.admin()
    pager.go_on_duty(moderator)
    pager.go_on_duty(elsewhere)
    assert pager.escalate_until_next() is None
    pager.summon(world.member("sam"), ROOM, "abusive")
    clock.advance(seconds=30)
    pager.summon(world.member("kim"), ROOM, "spammer")
    clock.advance(seconds=20)
    assert pager.escalate_until_next() == 70  # the first page's 2 minutes, 50 s of them gone
    clock.advance(seconds=70)
    assert pager.escalate_until_next() == 30  # the first escalated (its next stage in 120); the second's turn
    assert [p["stage"] for p in pager.list_pages(elsewhere)] == ["on_duty"]
    for page in pager.list_pages(moderator):
        pager.acknowledge(moderator, page["id"])
    assert pager.escalate_until_next() is None


def test_an_acknowledged_page_does_not_escalate(pager, world, clock):
    moderator = world.moderator("mo", ROOM)
    world.admin()
    pager.go_on_duty(moderator)
    pager.summon(world.member("sam"), ROOM, "abusive")
    [page] = pager.list_pages(moderator)
    pager.acknowledge(moderator, page["id"])
    clock.advance(minutes=10)
    assert pager.escalate_due() == 0


def test_a_crisis_summons_reaches_crisis_trained_moderators_first(pager, world, clock):
    trained, plain = crisis_trained_moderator(world), world.moderator("plain", ROOM)
    pager.go_on_duty(trained)
    pager.go_on_duty(plain)
    pager.summon(world.member("sam"), ROOM, "suicidal")
    [page] = pager.list_pages(trained)
    assert page["stage"] == "crisis_trained" and page["recipient_ids"] == [trained]
    clock.advance(minutes=2)
    pager.escalate_due()
    [page] = pager.list_pages(plain)
    assert page["stage"] == "covering"


def test_a_moderator_of_the_other_cohort_is_not_paged_for_a_room(pager, world):
    teen_mod = world.moderator("teen_mo", None, cohort="teen")
    adult_mod = world.moderator("adult_mo", None, cohort="adult")
    pager.go_on_duty(teen_mod)
    pager.go_on_duty(adult_mod)
    pager.summon(world.member("teen_sam", cohort="teen"), ROOM, "troll")
    assert len(pager.list_pages(teen_mod)) == 1 and pager.list_pages(adult_mod) == []


def test_a_referral_pages_cares_for_the_person_and_never_opens_a_case(pager, service, world, published):
    trained = crisis_trained_moderator(world)
    pager.go_on_duty(trained)
    referrer, friend = world.member("sam"), world.member("friend", cohort="adult")
    message_id = world.post(friend, "i don't think i can keep going")

    called = pager.refer(referrer, message_id=message_id)
    again = pager.refer(referrer, room_slug=ROOM, person_id=friend)

    assert again["page_id"] == called["page_id"]
    [page] = pager.list_pages(trained)
    assert page["kind"] == "referral" and page["subject_id"] == friend and page["excerpt"].startswith("i don")
    notices = {(e.data["person_id"], e.data["kind"]) for e in published if e.type == "notice_issued"}
    assert notices == {(friend, "care"), (referrer, "help_coming")}
    assert "report_filed" not in types(published) and service.queue(world.admin()) == []
    with pytest.raises(errors.InvalidArgument, match="yourself"):
        pager.refer(friend, message_id=message_id)


def test_several_referrals_page_each_time_but_the_person_gets_one_care_notice_per_half_hour(pager, world, published,
                                                                                          clock):
    trained = crisis_trained_moderator(world)
    pager.go_on_duty(trained)
    friend = world.member("friend")
    referrers = [world.member(f"sam_{i}") for i in range(3)]
    for referrer in referrers[:2]:
        pager.refer(referrer, room_slug=ROOM, person_id=friend)
    world.post(friend, "i have the pills saved up and i'm going to take them all tonight")
    assert len(pager.list_pages(trained)) == 3  # every call for help reaches a human
    cares = lambda: [e for e in published if e.type == "notice_issued" and e.data["kind"] == "care"]  # noqa: E731
    assert [e.data["person_id"] for e in cares()] == [friend]  # one care notice, not three
    clock.advance(CARE_NOTICE_COOLDOWN + dt.timedelta(seconds=1))
    pager.refer(referrers[2], room_slug=ROOM, person_id=friend)
    assert len(cares()) == 2


def test_after_acknowledgement_the_same_referral_pages_anew(pager, world):
    trained = crisis_trained_moderator(world)
    pager.go_on_duty(trained)
    referrer, friend = world.member("sam"), world.member("friend")
    first = pager.refer(referrer, room_slug=ROOM, person_id=friend)
    pager.acknowledge(trained, first["page_id"])
    assert pager.refer(referrer, room_slug=ROOM, person_id=friend)["page_id"] != first["page_id"]


def test_care_resources_default_per_cohort_and_admins_change_them(pager, world):
    admin, moderator = world.admin(), world.moderator("mo", ROOM)
    teen = pager.care_resources(moderator, "teen")
    assert any("Childline" in line or "Teen Line" in line for line in teen["lines"]) and teen["updated_by"] is None
    with pytest.raises(errors.PermissionDenied):
        pager.set_care_resources(moderator, "teen", ["Call a friend"])
    with pytest.raises(errors.InvalidArgument, match="lines"):
        pager.set_care_resources(admin, "teen", [])
    changed = pager.set_care_resources(admin, "teen", ["Teen Line: text TEEN to 839863"])
    assert pager.care_resources(moderator, "teen") == changed


def test_the_console_stream_delivers_pages_as_they_change_and_resumes_after_a_cursor(pager, world):
    moderator = world.moderator("mo", ROOM)
    pager.go_on_duty(moderator)
    summoner = world.member("sam")

    async def run_blocking(function, *args):
        return function(*args)

    async def scenario():
        stream = pager.follow(moderator, None, run_blocking)
        start = await anext(stream)
        pager.summon(summoner, ROOM, "troll")
        sent = await asyncio.wait_for(anext(stream), 2)
        pager.acknowledge(moderator, sent["page"]["id"])
        acked = await asyncio.wait_for(anext(stream), 2)
        await stream.aclose()
        resumed = pager.follow(moderator, sent["seq"], run_blocking)
        assert (await anext(resumed))["seq"] == sent["seq"]
        again = await asyncio.wait_for(anext(resumed), 2)
        await resumed.aclose()
        return start, sent, acked, again

    start, sent, acked, again = asyncio.run(scenario())
    assert start == {"seq": 0}
    assert sent["page"]["reason"] == "troll" and sent["page"]["acknowledged_by"] is None
    assert acked["page"]["acknowledged_by"] == moderator and acked["seq"] > sent["seq"]
    assert again == acked


def test_the_console_is_for_moderators(pager, world):
    member = world.member("sam")

    async def run_blocking(function, *args):
        return function(*args)

    async def scenario():
        await anext(pager.follow(member, None, run_blocking))

    with pytest.raises(errors.PermissionDenied):
        asyncio.run(scenario())
    with pytest.raises(errors.PermissionDenied):
        pager.list_pages(member)


def test_nobody_is_paged_about_themselves(pager, world):
    trained, other = crisis_trained_moderator(world), crisis_trained_moderator(world, "mo_other")
    pager.go_on_duty(trained)
    pager.go_on_duty(other)
    world.join(trained)
    world.post(trained, "I have the pills in front of me and I'm going to take them all tonight")
    [page] = pager.list_pages(other)
    assert page["subject_id"] == trained and page["recipient_ids"] == [other]
    assert pager.list_pages(trained) == []


def test_a_page_every_admin_has_rests_at_the_last_stage_without_a_new_event(pager, world, clock, published):
    admin = world.admin()
    pager.go_on_duty(admin)
    pager.summon(world.member("sam"), ROOM, "troll")
    [page] = pager.list_pages(admin)
    assert page["stage"] == "covering" and page["recipient_ids"] == [admin]
    clock.advance(minutes=2)
    assert pager.escalate_due() == 1
    [page] = pager.list_pages(admin)
    assert page["stage"] == "admins"
    assert types(published).count("page_sent") == 1
    clock.advance(minutes=2)
    assert pager.escalate_due() == 0


def test_referrals_are_paced_but_a_repeat_is_not(pager, world):
    world.admin()
    referrer = world.member("sam")
    friends = [world.member(f"friend_{i}") for i in range(REFER_PACE.burst + 1)]
    for friend in friends[:-1]:
        pager.refer(referrer, room_slug=ROOM, person_id=friend)
    pager.refer(referrer, room_slug=ROOM, person_id=friends[0])  # the same again: the open page, not paced
    with pytest.raises(errors.ResourceExhausted):
        pager.refer(referrer, room_slug=ROOM, person_id=friends[-1])


def test_a_summons_about_an_unknown_message_is_not_found(pager, world):
    with pytest.raises(errors.NotFound):
        pager.summon(world.member("sam"), ROOM, "spammer", message_id="no-such-message")


def test_a_moderator_sees_only_the_shifts_of_their_own_cohort_and_an_admin_every_shift(pager, world):
    """A chat room moderator's shift is of their own cohort: listing it to a moderator of the other cohort would
    tell them a teen moderator's cohort (issue 17 §2). Admins' shifts for every cohort are listed to all."""
    teen_mod = world.moderator("mo_teen", "teen-chat", cohort="teen")
    adult_mod = world.moderator("mo_adult", ROOM, cohort="adult")
    admin = world.admin()
    admin_for_teens = world.admin("admin_teens")
    for who in (teen_mod, adult_mod, admin):
        pager.go_on_duty(who)
    pager.go_on_duty(admin_for_teens, cohort="teen")

    def listed(viewer, room=None):
        return {s["moderator_id"] for s in pager.who_is_on_duty(viewer, room)}

    assert listed(adult_mod) == {adult_mod, admin}
    assert listed(adult_mod, "teen-chat") == {admin}
    assert listed(teen_mod) == {teen_mod, admin, admin_for_teens}
    assert listed(admin) == {teen_mod, adult_mod, admin, admin_for_teens}
