"""nameko: moderation's worker consumes course's post events (real RabbitMQ vhost, real PostgreSQL): each applied
once (a redelivery changes nothing), a post scanned by automod into a case about its author, and an event that
breaks course's contract dead-lettered at once with nothing kept."""
import json
import uuid

import kombu
import sqlalchemy as sa
from nameko.standalone.events import event_dispatcher

from hearth_common import testing
from hearth_common.contracts import examples
from moderation_service.adapters import orm

QUEUE = "evt-course-course_post_created--moderation.on_course_post_created"


def count(engine, table):
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


def state(engine):
    """Every row of moderation's tables but the outbox (which only grows by what the use cases publish)."""
    with engine.connect() as conn:
        tables = [t for t in sa.inspect(conn).get_table_names() if t != "outbox" and not t.startswith("alembic")]
        return {t: sorted(json.dumps(dict(r._mapping), default=str, sort_keys=True)
                          for r in conn.execute(sa.text(f'SELECT * FROM "{t}"'))) for t in tables}


def test_course_posts_are_kept_and_flagged_once_and_a_redelivery_changes_nothing(worker, amqp_uri, clean_engine):
    dispatch = event_dispatcher({"AMQP_URI": amqp_uri})
    author, post_id = str(uuid.uuid4()), str(uuid.uuid4())
    sent = [
        examples.envelope("identity", "person_registered", 1, person_id=author, username="sam", cohort="adult"),
        examples.envelope("course", "course_post_created", 1, post_id=post_id, author_id=author,
                          body="add me on insta, my handle is sharer_99", mention_ids=()),
        examples.envelope("course", "course_post_edited", 2, post_id=post_id, author_id=author,
                          body="add me on insta, my handle is sharer_99 (edited)"),
        examples.envelope("course", "course_post_removed", 3, post_id=post_id, author_id=author, removed_by=author,
                          by_moderation=False, reason=""),
    ]
    for event in sent:
        dispatch(event["source"], event["event_type"], event)
    testing.eventually(lambda: count(clean_engine, orm.inbox) == len(sent), timeout=15)
    before = state(clean_engine)
    with clean_engine.connect() as conn:
        report = conn.execute(sa.select(orm.reports.c.room_slug, orm.reports.c.discussion_id,
                                        orm.reports.c.reporter_id)).one()
        message = conn.execute(sa.select(orm.messages.c.deleted, orm.messages.c.section)).one()
    assert tuple(report) == ("course:group-dynamics", "gd-1-introduction", "automod")
    assert tuple(message) == (True, "adult")

    for event in sent:  # redelivered: each was handled already
        dispatch(event["source"], event["event_type"], event)
    marker = examples.envelope("identity", "person_registered", 4, person_id=str(uuid.uuid4()), username="pat")
    dispatch("identity", "person_registered", marker)  # one more event, as test_moderation_worker's redelivery test
    testing.eventually(lambda: count(clean_engine, orm.inbox) == len(sent) + 1, timeout=15)
    after = state(clean_engine)
    assert {t: rows for t, rows in after.items() if t not in ("inbox", "people")} == {
        t: rows for t, rows in before.items() if t not in ("inbox", "people")}


def test_a_course_post_that_breaks_the_contract_is_dead_lettered_at_once(worker, amqp_uri, clean_engine):
    malformed = examples.envelope("course", "course_post_created", 1, section="toddler")
    before = state(clean_engine)
    event_dispatcher({"AMQP_URI": amqp_uri})("course", "course_post_created", malformed)
    with kombu.Connection(amqp_uri) as conn:
        dlq = kombu.Queue(f"dlq.{QUEUE}")(conn.channel())
        dead = testing.eventually(lambda: dlq.get(no_ack=True), timeout=10, what="the dead-lettered event")
    assert dead.payload["event_id"] == malformed["event_id"]
    assert [(death["reason"], death["count"]) for death in dead.headers["x-death"]] == [("rejected", 1)]
    assert state(clean_engine) == before
