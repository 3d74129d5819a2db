"""Adapters: course's tables: courses, their discussions, enrolments, and common's outbox, inbox, backfill
records and the read model of people."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from hearth_common.backfill import define_backfill_table
from hearth_common.db import new_metadata
from hearth_common.inbox import define_inbox_table
from hearth_common.outbox import define_outbox_table
from hearth_common.people_table import define_people_table

metadata = new_metadata()
JSON = sa.JSON().with_variant(postgresql.JSONB, "postgresql")
TZ = sa.DateTime(timezone=True)

outbox = define_outbox_table(metadata)
inbox = define_inbox_table(metadata)
event_backfills = define_backfill_table(metadata)
# The read model of people, fed by identity's events (cohort: the section of an enrolment; badges and roles:
# the enrolment policy's facts).
people = define_people_table(metadata)

courses = sa.Table(
    "courses",
    metadata,
    sa.Column("slug", sa.String(64), primary_key=True),  # domain.courses.ONE_COURSE
    sa.Column("title", sa.String(120), nullable=False),
    sa.Column("summary", sa.Text, nullable=False),
    sa.Column("badge_slug", sa.String(64)),
    sa.Column("policy", JSON),  # the enrolment policy's JSON form; NULL: open to all
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("requirements", JSON, nullable=False),
    sa.Column("created_by", sa.String(64), nullable=False),
    sa.Column("created_at", TZ, nullable=False),
    sa.Column("updated_at", TZ, nullable=False),
    sa.Index("ix_courses_status_title", "status", "title"),
)

discussions = sa.Table(
    "discussions",
    metadata,
    sa.Column("course_slug", sa.String(64), sa.ForeignKey("courses.slug"), primary_key=True),
    sa.Column("id", sa.String(64), primary_key=True),  # domain.courses.ONE_DISCUSSION
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("title", sa.String(120), nullable=False),
    sa.Column("opening_post", sa.Text, nullable=False),
    sa.Column("created_by", sa.String(64), nullable=False),
    sa.Column("created_at", TZ, nullable=False),
    sa.Column("updated_at", TZ, nullable=False),
)

enrolments = sa.Table(
    "enrolments",
    metadata,
    sa.Column("course_slug", sa.String(64), sa.ForeignKey("courses.slug"), primary_key=True),
    sa.Column("person_id", sa.String(36), primary_key=True),  # domain.courses.ONE_ENROLMENT
    sa.Column("section", sa.String(10), nullable=False),
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("enrolled_at", TZ, nullable=False),
    sa.Column("withdrawn_at", TZ),
    sa.Index("ix_enrolments_person", "person_id", "enrolled_at"),
)
