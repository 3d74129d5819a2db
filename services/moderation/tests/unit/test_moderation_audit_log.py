"""Unit tests: who may read the audit log and a moderator's figures, and how it is filtered and paged."""
import datetime as dt

import pytest
from moderation_world import OTHER_ROOM, ROOM

from hearth_common import errors
from moderation_service.domain import audit


def write(uow_factory, *entries):
    with uow_factory() as uow:
        for e in entries:
            uow.audit.append(e)
        uow.commit()


@pytest.fixture
def people(world):
    return {"admin": world.admin(), "mod": world.moderator("mod_mo", ROOM), "other_mod": world.moderator("mod_ola",
                                                                                                      OTHER_ROOM),
            "member": world.member("member_max")}


@pytest.fixture
def logged(uow_factory, clock, people):
    entries = [audit.entry("warning_issued", clock() + dt.timedelta(minutes=i), audit.MODERATOR,
                           actor_id=people["mod"] if i % 2 else people["other_mod"], target_id=people["member"],
                           room_slug=ROOM if i % 2 else OTHER_ROOM, reason="unkind") for i in range(6)]
    entries.append(audit.entry(audit.APPEAL_OVERTURNED, clock() + dt.timedelta(minutes=7), audit.MODERATOR,
                               actor_id=people["admin"], target_id=people["member"], room_slug=ROOM,
                               details={audit.OVERTURNED_ACTOR_KEY: people["mod"]}))
    write(uow_factory, *entries)
    return entries


def test_an_admin_reads_the_whole_log_newest_first_page_by_page(audit_log, people, logged):
    first = audit_log.list(people["admin"], limit=4)
    assert [e["id"] for e in first["entries"]] == [e.id for e in reversed(logged)][:4]
    rest = audit_log.list(people["admin"], limit=4, page_token=first["next_page_token"])
    assert [e["id"] for e in rest["entries"]] == [e.id for e in reversed(logged)][4:]
    assert rest["next_page_token"] == ""


def test_a_moderator_reads_the_rooms_they_moderate_and_their_own_actions_only(audit_log, people, logged):
    mod = people["mod"]
    in_room = audit_log.list(mod, room_slug=ROOM)["entries"]
    assert {e["room_slug"] for e in in_room} == {ROOM} and len(in_room) == 4
    assert {e["actor_id"] for e in audit_log.list(mod, moderator_id=mod)["entries"]} == {mod}
    for refused in (dict(room_slug=OTHER_ROOM), dict(moderator_id=people["other_mod"]), {},
                    dict(target_id=people["member"])):
        with pytest.raises(errors.PermissionDenied, match="audit log is read by admins"):
            audit_log.list(mod, **refused)
    with pytest.raises(errors.PermissionDenied):
        audit_log.list(people["member"], moderator_id=people["member"])


def test_filters_combine_person_room_moderator_and_time(audit_log, people, logged, clock):
    found = audit_log.list(people["admin"], target_id=people["member"], moderator_id=people["mod"],
                           since=clock() + dt.timedelta(minutes=2), until=clock() + dt.timedelta(minutes=6))
    assert [e["at"] for e in found["entries"]] == [clock() + dt.timedelta(minutes=5), clock() + dt.timedelta(minutes=3)]


@pytest.mark.parametrize("bad, field", [(dict(page_token="not-a-token"), "page_token"),
                                        (dict(target_id="nobody"), "person_id"),
                                        (dict(room_slug="Not A Slug"), "room_slug")])
def test_a_malformed_query_is_refused_naming_the_field(audit_log, people, bad, field):
    with pytest.raises(errors.InvalidArgument, match=field):
        audit_log.list(people["admin"], **bad)


def test_a_window_that_ends_before_it_starts_is_refused(audit_log, people, clock):
    with pytest.raises(errors.InvalidArgument, match="until must be after since"):
        audit_log.list(people["admin"], since=clock(), until=clock())


def test_figures_count_a_moderators_actions_and_the_appeals_that_overturned_them(audit_log, people, logged):
    figures = audit_log.figures(people["mod"], people["mod"])
    assert figures == {"moderator_id": people["mod"], "actions": {"warning_issued": 3}, "total_actions": 3,
                       "appeals_overturned": 1}
    assert audit_log.figures(people["admin"], people["other_mod"])["appeals_overturned"] == 0
    with pytest.raises(errors.PermissionDenied, match="figures"):
        audit_log.figures(people["mod"], people["other_mod"])


def test_an_entry_by_a_moderator_must_name_them_and_sources_are_known():
    with pytest.raises(ValueError, match="names the moderator"):
        audit.entry("warning_issued", dt.datetime.now(dt.timezone.utc), audit.MODERATOR)
    with pytest.raises(ValueError, match="source"):
        audit.entry("warning_issued", dt.datetime.now(dt.timezone.utc), "robot")
