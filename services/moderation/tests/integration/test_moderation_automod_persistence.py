"""Integration tests of automod on PostgreSQL: versions of the rule set under concurrent changes (serialised, one
number each, none lost), each announced through the outbox with the whole set in the change's transaction, the
first version published once, and flags once per message and rule on the real schema."""
from __future__ import annotations

import concurrent.futures
import dataclasses
import datetime as dt
import threading
import uuid

import pytest
import sqlalchemy as sa
from moderation_world import OTHER_ROOM, ROOM, World

from hearth_common.automod import DEFAULT_RULES, RuleSet
from hearth_common.clock import utcnow
from hearth_common.contracts import moderation as contract
from hearth_common.contracts import room as room_contract
from moderation_service.adapters import orm
from moderation_service.adapters.repository import SqlUnitOfWork, uow_factory
from moderation_service.domain.automod_rules import AUTOMOD
from moderation_service.domain.reports import KnownMessage
from moderation_service.service_layer import services as services_module
from moderation_service.service_layer.services import ModerationService
from moderation_service.service_layer.unit_of_work import UnitOfWork


@pytest.fixture(params=["transactions", "begin with the first statement"])
def service(request, clean_engine, moderation_autocommit_engine):
    """The service on the engine of gRPC servers and tests, and on the worker's autocommit pool."""
    if request.param == "transactions":
        return ModerationService(uow_factory(clean_engine))
    return ModerationService(uow_factory(clean_engine, moderation_autocommit_engine))


@pytest.fixture
def world(service):
    return World(service, utcnow)


def announced(engine) -> list[dict]:
    """The automod_rules_changed payloads in the outbox, in the order they were written."""
    with engine.connect() as conn:
        rows = conn.execute(sa.select(orm.outbox.c.seq, orm.outbox.c.payload).where(
            orm.outbox.c.event_type == contract.AutomodRulesChanged.TYPE).order_by(orm.outbox.c.seq)).all()
        return [contract.parse({**payload, "seq": seq}).payload for seq, payload in rows]


def spec(pattern: str) -> dict:
    return {"kind": "word", "pattern": pattern, "action": "flag", "explanation": "Not here.", "scope": "all"}


def test_concurrent_changes_each_make_one_version_and_none_is_lost(service, world, clean_engine):
    admins = [world.admin(f"admin_{n}") for n in range(6)]
    barrier = threading.Barrier(len(admins))

    def create(n: int) -> dict:
        barrier.wait(timeout=5)
        return service.automod.create_rule(admins[n], spec(f"word{n}"))

    with concurrent.futures.ThreadPoolExecutor(len(admins)) as pool:
        made = list(pool.map(create, range(len(admins))))

    assert sorted(m["version"] for m in made) == list(range(2, 2 + len(admins)))
    events = announced(clean_engine)
    assert [e.version for e in events] == list(range(1, 2 + len(admins)))  # version 1: the defaults, once
    last = RuleSet.from_dict(events[-1].rule_set)
    assert {r.id for r in last.rules} == {r.id for r in DEFAULT_RULES} | {m["rule"]["id"] for m in made}
    # each event holds the whole set as it stood: every version has one rule more than the one before
    assert [len(e.rule_set["rules"]) for e in events] == [len(DEFAULT_RULES) + n for n in range(len(admins) + 1)]
    with clean_engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(orm.automod_rule_sets)).scalar_one() == 7


def test_concurrent_first_publications_write_the_first_version_once(service, clean_engine):
    barrier = threading.Barrier(4)

    def publish(_):
        barrier.wait(timeout=5)
        return service.automod.publish_first_version()

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        assert set(pool.map(publish, range(4))) == {1}
    [first] = announced(clean_engine)
    assert first.changed_by == "moderation" and RuleSet.from_dict(first.rule_set) == RuleSet(1, DEFAULT_RULES)


def test_a_refused_change_writes_no_version_and_no_event(service, world, clean_engine):
    member = world.member("sam")
    with pytest.raises(Exception):  # noqa: B017  (PermissionDenied; what matters is that nothing is written)
        service.automod.create_rule(member, spec("x"))
    assert announced(clean_engine) == []


def test_flags_on_the_real_schema_are_once_per_message_and_rule(service, world, clean_engine):
    admin = world.admin()
    author = world.member("sharer")
    message_id = world.post(author, "add me on insta, my handle is sharer_99")
    assert not world.redeliver(world.posted)
    world.edit(author, message_id, "add me on insta, my handle is sharer_99 and I take sertraline")
    [case] = service.queue(admin)
    [report] = case["reports"]
    assert report["reporter_id"] == AUTOMOD and report["reason"] == "contact_details"
    assert report["note"] == "automod: default-contact-adult (contact), default-medication (medication)"
    with clean_engine.connect() as conn:
        flags = conn.execute(sa.select(orm.automod_flags.c.rule_id).where(
            orm.automod_flags.c.message_id == message_id)).scalars()
        assert sorted(flags) == ["default-contact-adult", "default-medication"]


def test_spam_reads_the_authors_recent_messages_in_the_room(service, world):
    admin = world.admin()
    service.automod.create_rule(admin, {"kind": "detector", "pattern": "spam", "action": "flag",
                                        "explanation": "Slow down.", "scope": f"room:{ROOM}"})
    author = world.member("repeater")
    for _ in range(3):
        world.post(author, "please read my post")
    [case] = service.queue(admin)
    assert [r["reason"] for r in case["reports"]] == ["spam"]


def test_moderation_migrate_publishes_the_first_version_once_however_often_it_runs(clean_engine,
                                                                                   moderation_settings):
    from moderation_service.entrypoints.migrate import migrate

    migrate(moderation_settings)
    migrate(moderation_settings)
    [first] = announced(clean_engine)
    assert first.version == 1 and RuleSet.from_dict(first.rule_set) == RuleSet(1, DEFAULT_RULES)


def _post_event(world: World, author: str, body: str, room: str = ROOM, message_id: str | None = None) -> dict:
    payload = room_contract.MessagePosted(
        room_slug=room, message_id=message_id or str(uuid.uuid4()), seq=world._room_seq(room), author_id=author,
        body=body, reply_to=None, mention_ids=(), posted_at=utcnow())
    return {**payload.event().envelope("room"), "seq": next(world.seqs)}


def _message(envelope: dict) -> KnownMessage:
    p = room_contract.parse(envelope).payload
    return KnownMessage(p.message_id, p.room_slug, p.author_id, p.body, p.posted_at, p.seq)


def test_a_posts_one_statement_reads_and_writes_what_the_statements_one_by_one_do(world, clean_engine):
    world.service.automod.publish_first_version()
    author = world.member("sharer", cohort="teen")
    for body in ("first", "second", "third"):
        world.post(author, body)
    world.post(author, "elsewhere", room=OTHER_ROOM)
    world.post(world.member("someone"), "not the author's")
    envelope = _post_event(world, author, "fourth")
    message = _message(envelope)
    after = message.posted_at - dt.timedelta(minutes=10)
    with SqlUnitOfWork(clean_engine) as uow:
        one_by_one = UnitOfWork.claim_post(uow, envelope, message, after, 20, None)
        uow.rollback()
    with SqlUnitOfWork(clean_engine) as uow:
        one_go = uow.claim_post(envelope, message, after, 20, None)
        uow.commit()
    assert dataclasses.asdict(one_go.author) == dataclasses.asdict(one_by_one.author)  # (a person compares by id)
    assert dataclasses.replace(one_go, author=None) == dataclasses.replace(one_by_one, author=None)
    assert [m.body for m in one_go.recent] == ["third", "second", "first"]
    assert one_go.author.username == "sharer" and one_go.author.cohort == "teen"
    assert one_go.rule_set is not None and one_go.rule_set.version == one_go.latest_version == 1
    with SqlUnitOfWork(clean_engine) as uow:
        assert uow.claim_post(envelope, message, after, 20, None) is None  # handled before
        assert uow.messages.get(message.id) == message
    # the same message under another event id (a replay): claimed, the message kept as it was, the known version's
    # rules not read again; an author moderation does not know yet
    replay = _post_event(world, str(uuid.uuid4()), "changed words", message_id=message.id)
    with SqlUnitOfWork(clean_engine) as uow:
        seen = uow.claim_post(replay, _message(replay), after, 20, known_version=1)
        uow.commit()
    assert seen.latest_version == 1 and seen.rule_set is None and seen.author is None and seen.recent == []
    with SqlUnitOfWork(clean_engine) as uow:
        assert uow.messages.get(message.id) == message


def test_a_post_whose_handling_fails_leaves_nothing_and_is_handled_when_redelivered(
        clean_engine, moderation_autocommit_engine, monkeypatch):
    service = ModerationService(uow_factory(clean_engine, moderation_autocommit_engine))
    world = World(service, utcnow)
    author = world.member("sharer")
    envelope = _post_event(world, author, "add me on insta, my handle is sharer_99")

    def fail(*args, **kwargs):
        raise RuntimeError("the worker stopped here")

    monkeypatch.setattr(services_module, "care_for_crisis", fail)
    with pytest.raises(RuntimeError):
        service.apply_room_event(envelope)
    with clean_engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(orm.inbox).where(
            orm.inbox.c.event_id == envelope["event_id"])).scalar_one() == 0
        for table in (orm.messages, orm.reports, orm.automod_flags):
            assert conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one() == 0
    monkeypatch.undo()
    assert service.apply_room_event(envelope)
    assert not service.apply_room_event(envelope)
    [case] = service.queue(world.admin())
    assert [r["reason"] for r in case["reports"]] == ["contact_details"]
