"""Integration tests of section 6 on PostgreSQL: one appeal per warning or sanction however many are filed at
once, an overturn voiding the warning and lifting the mute it brought in the decision's own transaction (all of
it or none of it), concurrent decisions of one appeal (one wins), and the audit log's figures counting the
overturn against the moderator who acted."""
from __future__ import annotations

import concurrent.futures
import threading

import pytest
import sqlalchemy as sa
import test_moderation_sanctions_persistence as section2
from moderation_world import ROOM

from hearth_common import errors
from moderation_service.adapters import orm
from moderation_service.adapters.repository import uow_factory
from moderation_service.domain import audit
from moderation_service.service_layer import appeals as appeals_module
from moderation_service.service_layer.appeals import AppealsService
from moderation_service.service_layer.audit_log import AuditLogQueries

# Section 2's fixtures (a fake clock, its SanctionsService, the world), used here as they are there.
clock, sanctions, world = section2.clock, section2.sanctions, section2.world


@pytest.fixture
def appeals(clean_engine, clock, sanctions):
    return AppealsService(uow_factory(clean_engine), clock=clock, sanctions=sanctions)


@pytest.fixture
def muted(world, sanctions):
    """sam, muted for 24 hours by the ladder on mod_mia's third warning; mod_oli and an admin."""
    mod, sam = world.moderator("mod_mia"), world.member("sam")
    third = [sanctions.issue_warning(mod, sam, reason, None, ROOM) for reason in ("unkind", "spam", "other")][-1]
    return {"mod": mod, "sam": sam, "other_mod": world.moderator("mod_oli"), "admin": world.admin(),
            "warning": third, "mute": third["sanction"]}


def outbox_types(engine) -> list[str]:
    with engine.connect() as conn:
        return conn.execute(sa.select(orm.outbox.c.event_type).order_by(orm.outbox.c.seq)).scalars().all()


def audit_actions(engine) -> list[str]:
    with engine.connect() as conn:
        return conn.execute(sa.select(orm.audit_log.c.action)).scalars().all()


def test_one_appeal_per_warning_however_many_are_filed_at_once(clean_engine, muted):
    live = AppealsService(uow_factory(clean_engine))  # a real clock: the transactions truly overlap
    barrier = threading.Barrier(4)

    def file(n):
        barrier.wait(timeout=5)
        try:
            return live.file(muted["sam"], "warning", muted["warning"]["id"], f"appeal {n}", f"key-{n}")
        except errors.FailedPrecondition as refused:
            return refused

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        results = list(pool.map(file, range(4)))
    filed = [r for r in results if isinstance(r, dict)]
    assert len(filed) == 1 and all("appealed already" in str(r) for r in results if r not in filed)
    with clean_engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(orm.appeals)).scalar_one() == 1
    assert audit_actions(clean_engine).count("appeal_filed") == 1


def test_an_overturn_voids_the_warning_and_lifts_its_mute_in_the_decisions_transaction(
        clean_engine, muted, appeals, sanctions, clock):
    appeal = appeals.file(muted["sam"], "warning", muted["warning"]["id"], "I was quoting the guidelines back.")
    before = outbox_types(clean_engine)
    appeals.decide(muted["other_mod"], appeal["id"], "overturned", "quoting is fine")
    added = outbox_types(clean_engine)[len(before):]
    assert added == ["warning_voided", "notice_issued", "sanction_lifted", "notice_issued", "appeal_decided",
                     "notice_issued"]
    with clean_engine.connect() as conn:
        warning = conn.execute(sa.select(orm.warnings).where(orm.warnings.c.id == muted["warning"]["id"])).one()
        mute = conn.execute(sa.select(orm.sanctions).where(orm.sanctions.c.id == muted["mute"]["id"])).one()
        stored = conn.execute(sa.select(orm.appeals)).one()
    assert warning.voided_by == muted["other_mod"] and (mute.status, mute.lifted_by) == ("lifted", muted["other_mod"])
    assert (stored.status, stored.decided_by, stored.acted_by) == ("overturned", muted["other_mod"], muted["mod"])
    assert sanctions.record(muted["admin"], muted["sam"])["active_warnings"] == 2
    figures = AuditLogQueries(uow_factory(clean_engine), clock=clock).figures(muted["admin"], muted["mod"])
    assert figures["appeals_overturned"] == 1 and figures["actions"]["warning_issued"] == 3


def test_an_overturn_that_fails_part_way_changes_nothing(clean_engine, muted, appeals, sanctions, monkeypatch):
    appeal = appeals.file(muted["sam"], "warning", muted["warning"]["id"], "please look again")
    before = (outbox_types(clean_engine), sorted(audit_actions(clean_engine)))

    def broken(_appeal):  # the last step of the decision fails, after the void and the lift were written
        raise RuntimeError("the broker's contract library is broken")

    monkeypatch.setattr(appeals_module.events, "appeal_decided", broken)
    with pytest.raises(RuntimeError):
        appeals.decide(muted["other_mod"], appeal["id"], "overturned", "quoting is fine")
    assert (outbox_types(clean_engine), sorted(audit_actions(clean_engine))) == before
    record = sanctions.record(muted["admin"], muted["sam"])
    assert record["active_warnings"] == 3 and record["sanctions"][0]["in_force"]
    assert appeals.list(muted["sam"])[0]["status"] == "open"


def test_concurrent_decisions_of_one_appeal_make_one_decision(clean_engine, muted, appeals, world):
    everywhere = world.moderator("mod_all", None)  # the ladder's mute is in every room: theirs or an admin's to lift
    appeal = appeals.file(muted["sam"], "sanction", muted["mute"]["id"], "24 hours is too long")
    live = AppealsService(uow_factory(clean_engine))
    barrier = threading.Barrier(2)

    def decide(who_and_decision):
        who, decision = who_and_decision
        barrier.wait(timeout=5)
        try:
            return live.decide(who, appeal["id"], decision, "reviewed")["status"]
        except errors.FailedPrecondition:
            return "refused"

    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        results = list(pool.map(decide, [(everywhere, "overturned"), (muted["admin"], "upheld")]))
    assert results.count("refused") == 1
    [won] = [r for r in results if r != "refused"]
    with clean_engine.connect() as conn:
        status = conn.execute(sa.select(orm.sanctions.c.status).where(orm.sanctions.c.id == muted["mute"]["id"])
                              ).scalar_one()
    assert status == ("lifted" if won == "overturned" else "active")
    decided = [a for a in audit_actions(clean_engine) if a in (audit.APPEAL_OVERTURNED, "appeal_upheld")]
    assert len(decided) == 1
