"""Integration tests of course posts on PostgreSQL: migration 0010 (a course's place, the longest a course slug
allows, fits every place column; rows written before it keep their values), the read model's and the reports'
discussion and section, crisis care's page and flag at a course's place, and a decision's removal made through
course by the action runner."""
from __future__ import annotations

import datetime as dt
import uuid

import sqlalchemy as sa
from moderation_world import World

from hearth_common import testing
from hearth_common.clock import utcnow
from moderation_service.adapters import orm
from moderation_service.adapters.repository import uow_factory
from moderation_service.domain import room_actions as actions
from moderation_service.migrations import runner
from moderation_service.service_layer.room_actions import RoomActionRunner
from moderation_service.service_layer.services import ModerationService

LONGEST_COURSE = "c" * 64  # course's slugs are at most 64 characters: its place is 71
PLAN = "i have the pills saved up and i'm going to take them all tonight"


class RecordingCourse:
    def __init__(self):
        self.removed = []

    def remove_post(self, post_id, moderator_id, reason=""):
        self.removed.append((post_id, moderator_id, reason))
        return {"post_id": post_id}


class NoRoom:
    def remove_message(self, *args, **kwargs):
        raise AssertionError("room is not asked about a course post")

    restore_message = remove_person = remove_message


def test_a_course_post_at_the_longest_place_is_kept_reported_cared_for_and_removed(clean_engine):
    service = ModerationService(uow_factory(clean_engine))
    world = World(service, utcnow)
    admin, author, reporter = world.admin(), world.person("sam"), world.person("riley")
    post_id = world.course_post(author, "nobody cares what you think", course=LONGEST_COURSE, discussion="d-1")
    cared_id = world.course_post(author, PLAN, course=LONGEST_COURSE, discussion="d-1")

    report = service.report_course_post(reporter, post_id, "unkind")

    place = f"course:{LONGEST_COURSE}"
    with clean_engine.connect() as conn:
        kept = conn.execute(sa.select(orm.messages.c.room_slug, orm.messages.c.discussion_id, orm.messages.c.section)
                            .where(orm.messages.c.message_id == post_id)).one()
        assert tuple(kept) == (place, "d-1", "adult")
        assert conn.execute(sa.select(orm.reports.c.room_slug, orm.reports.c.discussion_id)
                            .where(orm.reports.c.id == report["id"])).one() == (place, "d-1")
        assert conn.execute(sa.select(orm.crisis_flags.c.room_slug)
                            .where(orm.crisis_flags.c.message_id == cared_id)).scalar_one() == place
        assert conn.execute(sa.select(orm.pages.c.room_slug)).scalars().all() == [place]
    assert report["course_slug"] == LONGEST_COURSE

    [case] = service.queue(admin)
    service.decide_case(admin, case["id"], "agree", remove_messages=True)
    course = RecordingCourse()
    assert RoomActionRunner(uow_factory(clean_engine), NoRoom(), course=course).run_due() == 1
    assert course.removed == [(post_id, admin, "removed by moderation after review")]
    with clean_engine.connect() as conn:
        assert conn.execute(sa.select(orm.room_actions.c.kind, orm.room_actions.c.status)).all() == [
            (actions.REMOVE_POST, actions.DONE)]


def test_upgrading_to_0010_keeps_the_messages_and_reports_written_before_it():
    with testing.migrated_database("hearth_moderation_0010", lambda url: runner.upgrade(url, "0009")) as url:
        engine = sa.create_engine(url)
        try:
            message_id, now = str(uuid.uuid4()), dt.datetime.now(dt.timezone.utc)
            with engine.begin() as conn:
                conn.execute(sa.text(
                    "INSERT INTO messages (message_id, room_slug, author_id, body, posted_at, seq, deleted) "
                    "VALUES (:id, 'anxiety-support', :author, 'hello', :now, 1, false)"),
                    {"id": message_id, "author": str(uuid.uuid4()), "now": now})
            runner.upgrade(url, "head")
            with engine.connect() as conn:
                row = conn.execute(sa.text("SELECT room_slug, body, discussion_id, section FROM messages")).one()
                assert tuple(row) == ("anxiety-support", "hello", None, None)
                width = conn.execute(sa.text(
                    "SELECT character_maximum_length FROM information_schema.columns "
                    "WHERE table_name = 'reports' AND column_name = 'room_slug'")).scalar_one()
                assert width == len("course:") + 64
        finally:
            engine.dispose()
