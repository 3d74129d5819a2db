"""Adapters: course's tables: courses, their discussions, enrolments, and common's outbox, inbox, backfill
records and the read model of people."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from hearth_common.backfill import define_backfill_table
from hearth_common.db import new_metadata
from hearth_common.inbox import define_inbox_table
from hearth_common.outbox import define_outbox_table
from hearth_common.pacing_table import define_paces_table
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

# Threads: the posts of a discussion, one thread per section (domain.posts). `seq` numbers a thread's posts
# gap-free from 1 (taken from thread_seqs under its row lock), so "load more" after seq N is exact while others post.
posts = sa.Table(
    "posts",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),  # domain.posts.ONE_POST
    sa.Column("course_slug", sa.String(64), nullable=False),
    sa.Column("discussion_id", sa.String(64), nullable=False),
    sa.Column("section", sa.String(10), nullable=False),
    sa.Column("seq", sa.BigInteger, nullable=False),
    sa.Column("author_id", sa.String(36), nullable=False),
    sa.Column("parent_id", sa.String(64)),  # NULL: a reply to the discussion's opening post
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("words", sa.Integer, nullable=False),
    sa.Column("mention_ids", JSON, nullable=False),
    sa.Column("likes", sa.Integer, nullable=False),
    sa.Column("created_at", TZ, nullable=False),
    sa.Column("edited_at", TZ),
    sa.Column("deleted_at", TZ),  # set by the author's deletion and by moderation's removal
    sa.Column("removed_by", sa.String(36)),
    sa.Column("by_moderation", sa.Boolean, nullable=False),
    sa.Column("removal_reason", sa.String(500), nullable=False),
    sa.ForeignKeyConstraint(["course_slug", "discussion_id"], ["discussions.course_slug", "discussions.id"],
                            name="fk_posts_discussion"),
    sa.UniqueConstraint("course_slug", "discussion_id", "section", "seq"),
    sa.Index("ix_posts_course_author", "course_slug", "author_id"),
)

# One row per thread: its last seq. Every post locks and bumps it, so a thread's seqs are taken (and committed)
# one after another.
thread_seqs = sa.Table(
    "thread_seqs",
    metadata,
    sa.Column("course_slug", sa.String(64), primary_key=True),
    sa.Column("discussion_id", sa.String(64), primary_key=True),
    sa.Column("section", sa.String(10), primary_key=True),
    sa.Column("last_seq", sa.BigInteger, nullable=False),
)

post_likes = sa.Table(
    "post_likes",
    metadata,
    sa.Column("post_id", sa.String(64), sa.ForeignKey("posts.id"), primary_key=True),  # domain.posts.ONE_LIKE
    sa.Column("person_id", sa.String(36), primary_key=True),
    sa.Column("liked_at", TZ, nullable=False),
)

# Who a post mentions (resolved at write time to people in its course and section), newest first per person by
# `id`; an edit keeps the rows of people still mentioned and adds the new ones.
post_mentions = sa.Table(
    "post_mentions",
    metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("post_id", sa.String(64), sa.ForeignKey("posts.id"), nullable=False),
    sa.Column("person_id", sa.String(36), nullable=False),
    sa.Column("mentioned_at", TZ, nullable=False),
    sa.UniqueConstraint("post_id", "person_id"),
    sa.Index("ix_post_mentions_person", "person_id", "id"),
)

# Pacing of a person's posts and likes: when the next one is due (hearth_common.pacing), per person and action.
paces = define_paces_table(metadata)

# Requirements and completion (domain.completions). A learner's quiz attempts, numbered per quiz from 1: the UNIQUE
# number keeps two concurrent attempts from both taking the last one.
quiz_attempts = sa.Table(
    "quiz_attempts",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("course_slug", sa.String(64), sa.ForeignKey("courses.slug"), nullable=False),
    sa.Column("quiz_id", sa.String(64), nullable=False),
    sa.Column("person_id", sa.String(36), nullable=False),
    sa.Column("number", sa.Integer, nullable=False),
    sa.Column("answers", JSON, nullable=False),
    sa.Column("score", sa.Integer, nullable=False),
    sa.Column("passed", sa.Boolean, nullable=False),
    sa.Column("submitted_at", TZ, nullable=False),
    sa.UniqueConstraint("course_slug", "person_id", "quiz_id", "number",
                        name="uq_quiz_attempts_number"),  # domain.completions.ONE_ATTEMPT_NUMBER
)

# The support sessions people led, from room's `session_ended` (facts only; each course's practicum decides which
# qualify, so an edit of its thresholds applies to sessions already led).
led_sessions = sa.Table(
    "led_sessions",
    metadata,
    sa.Column("session_id", sa.String(64), primary_key=True),  # domain.completions.ONE_SESSION
    sa.Column("leader_id", sa.String(36), nullable=False),
    sa.Column("room_slug", sa.String(64), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("duration_seconds", sa.Integer, nullable=False),
    sa.Column("attendee_count", sa.Integer, nullable=False),  # attendees besides the leader
    sa.Column("script_id", sa.String(64)),
    sa.Column("ended_at", TZ, nullable=False),
    sa.Index("ix_led_sessions_leader", "leader_id", "ended_at"),
)

# The mentor assigned to a learner in a course and their review of the practicum.
mentorships = sa.Table(
    "mentorships",
    metadata,
    sa.Column("course_slug", sa.String(64), primary_key=True),
    sa.Column("person_id", sa.String(36), primary_key=True),
    sa.Column("mentor_id", sa.String(36), nullable=False),
    sa.Column("assigned_by", sa.String(36), nullable=False),
    sa.Column("assigned_at", TZ, nullable=False),
    sa.Column("review", sa.String(10), nullable=False),
    sa.Column("waiting_since", TZ),
    sa.Column("reviewed_at", TZ),
    sa.Column("feedback", sa.Text, nullable=False),
    sa.Column("reminded_at", TZ),
    sa.ForeignKeyConstraint(["course_slug", "person_id"], ["enrolments.course_slug", "enrolments.person_id"],
                            name="fk_mentorships_enrolment"),
    sa.Index("ix_mentorships_mentor", "mentor_id", "review", "waiting_since"),
    sa.Index("ix_mentorships_waiting", "review", "waiting_since"),
)

# Completions with their signed certificates: once per learner and course; revocation marks, never deletes.
completions = sa.Table(
    "completions",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("course_slug", sa.String(64), sa.ForeignKey("courses.slug"), nullable=False),
    sa.Column("person_id", sa.String(36), nullable=False),
    sa.Column("section", sa.String(10), nullable=False),
    sa.Column("username", sa.String(64), nullable=False),
    sa.Column("course_title", sa.String(120), nullable=False),
    sa.Column("badge_slug", sa.String(64)),
    sa.Column("certificate_id", sa.String(64), nullable=False, unique=True),
    sa.Column("completed_at", TZ, nullable=False),
    sa.Column("key_id", sa.String(32), nullable=False),
    sa.Column("signature", sa.String(200), nullable=False),
    sa.Column("revoked_at", TZ),
    sa.Column("revoked_by", sa.String(36)),
    sa.Column("revoke_reason", sa.String(500), nullable=False),
    sa.UniqueConstraint("course_slug", "person_id",
                        name="uq_completions_course_person"),  # domain.completions.ONE_COMPLETION
    sa.Index("ix_completions_completed", "completed_at"),
)
