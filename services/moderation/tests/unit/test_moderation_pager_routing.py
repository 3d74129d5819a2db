"""Unit tests of who a page may reach and who may take it (issue 14 section 5, the reviewer's defects): the
`on_duty` stage keeps to the page's cohort and to live roles, acknowledging needs a role covering the room and is
never one's own page, a page that reached nobody is routed again, a summons takes the room's cohort, and a care
notice's cooldown reads the audit log exactly."""
from __future__ import annotations

import datetime as dt
import logging
import uuid

import pytest
from moderation_unit_helpers import OTHER_ROOM, ROOM
from moderation_world import cohort_access_granted

from hearth_common import errors
from hearth_common.contracts import identity as identity_contract
from moderation_service.domain import audit
from moderation_service.domain.crisis import CARE_NOTICE_SENT

CRISIS_WORDS = "I have the pills in front of me and I'm going to take them all tonight"


def revocable_moderator(world, username, room=None, cohort="teen"):
    """A moderator whose grant the test can revoke: returns (person_id, revoke)."""
    person_id, grant_id = world.person(username, cohort, "listener"), str(uuid.uuid4())
    role = identity_contract.CHAT_ROOM_MODERATOR
    world._deliver(identity_contract.RoleGranted(grant_id=grant_id, person_id=person_id, role=role, room_id=room))

    def revoke():
        world._deliver(identity_contract.RoleRevoked(grant_id=grant_id, person_id=person_id, role=role,
                                                     room_id=room))
    return person_id, revoke


def test_escalation_to_everyone_on_duty_keeps_to_the_pages_cohort_and_to_live_roles(pager, world, clock, published):
    covering = world.moderator("teen_here", ROOM, cohort="teen")
    teen_elsewhere = world.moderator("teen_there", OTHER_ROOM, cohort="teen")
    adult_elsewhere = world.moderator("adult_there", OTHER_ROOM, cohort="adult")
    revoked, revoke = revocable_moderator(world, "teen_revoked", OTHER_ROOM)
    expiring = world.person("teen_expiring", "teen", "listener")
    world.grant(expiring, identity_contract.CHAT_ROOM_MODERATOR, OTHER_ROOM,
                expires_at=clock() + dt.timedelta(minutes=1))
    for moderator in (covering, teen_elsewhere, adult_elsewhere, revoked, expiring):
        pager.go_on_duty(moderator)
    revoke()
    teen = world.member("teen_sam", cohort="teen")
    world.post(teen, CRISIS_WORDS)  # a teen's crisis: their words, their id

    clock.advance(minutes=2)
    assert pager.escalate_due() == 1
    [page] = pager.list_pages(covering)
    assert page["stage"] == "on_duty" and set(page["recipient_ids"]) == {covering, teen_elsewhere}
    assert pager.list_pages(adult_elsewhere) == []
    ever_paged = {r for e in published if e.type == "page_sent" for r in e.data["recipient_ids"]}
    assert ever_paged == {covering, teen_elsewhere}


def test_a_revoked_role_stops_pages_at_every_stage(pager, world, clock):
    admin = world.admin()
    moderator, revoke = revocable_moderator(world, "mo", None, cohort="adult")
    pager.go_on_duty(moderator)
    revoke()
    called = pager.summon(world.member("sam"), ROOM, "troll")
    assert called["admins_paged"] is True
    clock.advance(minutes=2)
    pager.escalate_due()
    assert [p["recipient_ids"] for p in pager.list_pages(admin)] == [[admin]]


def test_a_recipient_whose_role_no_longer_covers_the_room_may_not_take_the_page(pager, world):
    moderator, revoke = revocable_moderator(world, "mo", ROOM, cohort="adult")
    other = world.moderator("mo2", ROOM)
    pager.go_on_duty(moderator)
    pager.go_on_duty(other)
    called = pager.summon(world.member("sam"), ROOM, "troll")
    revoke()
    with pytest.raises(errors.PermissionDenied, match="no longer covers room|pages are for moderators and admins"):
        pager.acknowledge(moderator, called["page_id"])
    assert pager.acknowledge(other, called["page_id"])["acknowledged_by"] == other


def test_nobody_takes_a_page_about_themselves_or_one_they_raised_not_even_an_admin(pager, world):
    admin, other_admin = world.admin(), world.admin("admin_bo")
    world.join(admin)
    called = pager.summon(admin, ROOM, "troll")
    with pytest.raises(errors.PermissionDenied, match="you raised"):
        pager.acknowledge(admin, called["page_id"])
    world.post(admin, CRISIS_WORDS)
    [about_admin] = [p for p in pager.list_pages(other_admin) if p["kind"] == "crisis"]
    with pytest.raises(errors.PermissionDenied, match="about you"):
        pager.acknowledge(admin, about_admin["id"])
    assert pager.acknowledge(other_admin, about_admin["id"])["acknowledged_by"] == other_admin


def test_a_page_that_reached_nobody_is_routed_again_until_someone_is_on_duty(pager, world, clock, published, caplog):
    summoner = world.member("sam")
    called = pager.summon(summoner, ROOM, "abusive")
    assert called["admins_paged"] is True
    clock.advance(minutes=2)
    with caplog.at_level(logging.ERROR):
        assert pager.escalate_due() == 1  # looked at again: still nobody, logged
    assert any("reaches nobody" in r.getMessage() for r in caplog.records if r.levelno == logging.ERROR)
    assert pager.escalate_due() == 0  # not again before another interval
    moderator = world.moderator("mo", ROOM)
    pager.go_on_duty(moderator)
    clock.advance(minutes=2)
    assert pager.escalate_due() == 1
    [page] = pager.list_pages(moderator)
    assert page["id"] == called["page_id"] and page["stage"] == "covering" and page["recipient_ids"] == [moderator]
    assert [e.data["recipient_ids"] for e in published if e.type == "page_sent"] == [[], [moderator]]
    clock.advance(minutes=2)
    assert pager.escalate_due() == 1  # now it escalates as any page does


def test_a_summons_by_staff_with_a_cross_cohort_grant_takes_the_rooms_cohort(pager, world, clock):
    teen_mod, adult_mod = world.moderator("teen_mo", ROOM, "teen"), world.moderator("adult_mo", ROOM, "adult")
    pager.go_on_duty(teen_mod)
    pager.go_on_duty(adult_mod)
    world.member("teen_sam", cohort="teen")
    world.member("teen_kim", cohort="teen")
    staff = world.person("leader", "adult", "listener")
    world.grant(staff, identity_contract.SUPPORT_SESSION_LEADER)
    cohort_access_granted(world, staff, ROOM, clock() + dt.timedelta(hours=4), world.admin())
    world.join(staff)

    pager.summon(staff, ROOM, "troll")

    [page] = pager.list_pages(teen_mod)
    assert page["recipient_ids"] == [teen_mod] and pager.list_pages(adult_mod) == []


def test_a_summons_about_someone_takes_their_cohort(pager, world):
    teen_mod, adult_mod = world.moderator("teen_mo", ROOM, "teen"), world.moderator("adult_mo", ROOM, "adult")
    pager.go_on_duty(teen_mod)
    pager.go_on_duty(adult_mod)
    staff = world.person("leader", "adult", "listener")
    world.grant(staff, identity_contract.SUPPORT_SESSION_LEADER)
    world.join(staff)
    pager.summon(staff, ROOM, "troll", person_id=world.member("teen_sam", cohort="teen"))
    assert len(pager.list_pages(teen_mod)) == 1 and pager.list_pages(adult_mod) == []


def test_the_care_notice_cooldown_sees_the_last_notice_however_much_else_is_logged_about_the_person(
        pager, world, published, clock, uow_factory):
    trained = world.moderator("mo", ROOM)
    pager.go_on_duty(trained)
    friend = world.member("friend")
    pager.refer(world.member("sam_0"), room_slug=ROOM, person_id=friend)
    clock.advance(seconds=1)
    with uow_factory() as uow:  # a busy evening: much else logged about the person since their care notice
        for _ in range(250):
            uow.audit.append(audit.entry("page_sent", clock(), audit.SYSTEM, target_id=friend, room_slug=ROOM))
        uow.commit()
    pager.refer(world.member("sam_1"), room_slug=ROOM, person_id=friend)
    cares = [e for e in published if e.type == "notice_issued" and e.data["kind"] == "care"]
    assert len(cares) == 1
    with uow_factory() as uow:
        assert uow.audit.latest(friend, CARE_NOTICE_SENT).target_id == friend


def test_a_shift_whose_role_was_revoked_is_not_listed_as_on_duty(pager, world):
    moderator, revoke = revocable_moderator(world, "mo", ROOM, cohort="adult")
    other = world.moderator("mo2", ROOM)
    pager.go_on_duty(moderator)
    pager.go_on_duty(other)
    assert {s["moderator_id"] for s in pager.who_is_on_duty(other)} == {moderator, other}
    revoke()
    assert [s["moderator_id"] for s in pager.who_is_on_duty(other)] == [other]
