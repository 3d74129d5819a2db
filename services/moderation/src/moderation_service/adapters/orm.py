"""Adapters: moderation's tables: reports and cases, read models (people, room members, messages), paces, the
append-only audit log, the calls to room still to make, and common's outbox, inbox, backfill and idempotency
records."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from hearth_common.backfill import define_backfill_table
from hearth_common.db import new_metadata
from hearth_common.idempotency_records import define_idempotency_table
from hearth_common.inbox import define_inbox_table
from hearth_common.outbox import define_outbox_table
from hearth_common.pacing_table import define_paces_table
from hearth_common.people_table import define_people_table
from moderation_service.domain.appeals import ONE_APPEAL
from moderation_service.domain.pager import ONE_OPEN_REFERRAL
from moderation_service.domain.reports import ONE_OPEN_CASE, ONE_OPEN_REPORT
from moderation_service.domain.subjects import PLACE_MAX

metadata = new_metadata()
JSON = sa.JSON().with_variant(postgresql.JSONB, "postgresql")
TZ = sa.DateTime(timezone=True)

outbox = define_outbox_table(metadata)
inbox = define_inbox_table(metadata)
event_backfills = define_backfill_table(metadata)
idempotency_records = define_idempotency_table(metadata)
# The read model of people, fed by identity's events.
people = define_people_table(metadata)

# Who is in which room, from room's member_joined / member_left (seq: the room timeline's).
room_members = sa.Table(
    "room_members",
    metadata,
    sa.Column("room_slug", sa.String(64), primary_key=True),
    sa.Column("person_id", sa.String(36), primary_key=True),
    sa.Column("present", sa.Boolean, nullable=False),
    sa.Column("changed_at", TZ, nullable=False),
    sa.Column("seq", sa.BigInteger, nullable=False),
)

# The messages reports may name, from room's message events, kept for the retention period.
messages = sa.Table(
    "messages",
    metadata,
    sa.Column("message_id", sa.String(64), primary_key=True),
    sa.Column("room_slug", sa.String(PLACE_MAX), nullable=False),
    sa.Column("author_id", sa.String(36), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("posted_at", TZ, nullable=False, index=True),
    sa.Column("seq", sa.BigInteger, nullable=False),
    sa.Column("deleted", sa.Boolean, nullable=False),
    # a course post's (its room_slug is its course's place, domain/subjects.py)
    sa.Column("discussion_id", sa.String(64)),
    sa.Column("section", sa.String(8)),
)

cases = sa.Table(
    "cases",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("subject_id", sa.String(36), nullable=False),
    sa.Column("opened_at", TZ, nullable=False),
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("decision", sa.String(10)),
    sa.Column("decided_by", sa.String(36)),
    sa.Column("decided_at", TZ),
    sa.Column("note", sa.String(500)),
    sa.Column("removed_message_ids", JSON, nullable=False),
    sa.Index(ONE_OPEN_CASE, "subject_id", unique=True, postgresql_where=sa.text("status = 'open'")),
    sa.Index("ix_cases_open", "opened_at", postgresql_where=sa.text("status = 'open'")),
)

reports = sa.Table(
    "reports",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("case_id", sa.String(36), sa.ForeignKey("cases.id"), nullable=False, index=True),
    sa.Column("reporter_id", sa.String(36), nullable=False),
    sa.Column("subject_id", sa.String(36), nullable=False),
    sa.Column("room_slug", sa.String(PLACE_MAX), nullable=False),
    sa.Column("message_id", sa.String(64)),
    sa.Column("message_body", sa.Text),
    sa.Column("reason", sa.String(32), nullable=False),
    sa.Column("note", sa.String(500)),
    sa.Column("filed_at", TZ, nullable=False),
    sa.Column("outcome", sa.String(10), nullable=False),
    sa.Column("decided_at", TZ),
    sa.Column("discussion_id", sa.String(64)),  # a course post's
    # One open report per reporter and target (a person report has no message: '' stands for it).
    sa.Index(ONE_OPEN_REPORT, "reporter_id", "room_slug", "subject_id", sa.text("coalesce(message_id, '')"),
             unique=True, postgresql_where=sa.text("outcome = 'open'")),
    sa.Index("ix_reports_reporter_decided", "reporter_id", "decided_at"),
)

# When a person's next paced action (a report) is due (hearth_common.pacing).
paces = define_paces_table(metadata)

# The append-only audit log (domain/audit.py). Migration 0002 adds the trigger that refuses UPDATE, DELETE and
# TRUNCATE of it to every role, the service's own included.
audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("at", TZ, nullable=False),
    sa.Column("action", sa.String(40), nullable=False),
    sa.Column("source", sa.String(10), nullable=False),
    sa.Column("actor_id", sa.String(36)),
    sa.Column("target_id", sa.String(36)),
    sa.Column("room_slug", sa.String(PLACE_MAX)),
    sa.Column("subject_ref", sa.String(64)),
    sa.Column("reason", sa.String(500)),
    sa.Column("details", JSON, nullable=False),
    sa.Column("request_id", sa.String(64)),
    sa.Index("ix_audit_log_at", "at", "id"),
    sa.Index("ix_audit_log_target", "target_id", "at"),
    sa.Index("ix_audit_log_target_action", "target_id", "action", "at"),
    sa.Index("ix_audit_log_room", "room_slug", "at"),
    sa.Index("ix_audit_log_actor", "actor_id", "at"),
)

# What room_actions' insert trigger (migration 0012) NOTIFYs: the worker's runner of the calls listens there.
ROOM_ACTIONS_CHANNEL = "hearth_room_actions"
# What pages' and sanctions' insert triggers (migration 0013) NOTIFY: the worker's loops that escalate pages and
# end sanctions, each asleep until its next due time, listen there.
PAGES_CHANNEL = "hearth_pages"
SANCTIONS_CHANNEL = "hearth_sanctions"

# Calls to room recorded with the decisions that need them (domain/room_actions.py), carried out by the worker.
room_actions = sa.Table(
    "room_actions",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("args", JSON, nullable=False),
    sa.Column("moderator_id", sa.String(36), nullable=False),
    sa.Column("reason", sa.String(500), nullable=False),
    sa.Column("created_at", TZ, nullable=False),
    sa.Column("due_at", TZ, nullable=False),
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("done_at", TZ),
    sa.Column("last_error", sa.String(500)),
    sa.Index("ix_room_actions_pending", "due_at", postgresql_where=sa.text("status = 'pending'")),
)

# The automod rule set, one row per version (each holds the whole set: rules with their report reasons), and
# each rule's flag of a message, once (a redelivered or re-edited message is flagged once per rule).
automod_rule_sets = sa.Table(
    "automod_rule_sets",
    metadata,
    sa.Column("version", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("rules", JSON, nullable=False),
    sa.Column("changed_by", sa.String(64), nullable=False),
    sa.Column("changed_at", TZ, nullable=False),
)

automod_flags = sa.Table(
    "automod_flags",
    metadata,
    sa.Column("message_id", sa.String(64), primary_key=True),
    sa.Column("rule_id", sa.String(100), primary_key=True),
    sa.Column("report_id", sa.String(36), nullable=False),
    sa.Column("flagged_at", TZ, nullable=False),
)
# An author's recent messages in a room (the spam detector's input when automod reads a message).
sa.Index("ix_messages_room_author_posted", messages.c.room_slug, messages.c.author_id, messages.c.posted_at)
# Each reporter's accuracy as last computed (domain/reports.py), so the queue's query weighs reports in SQL.
reporter_accuracy = sa.Table(
    "reporter_accuracy",
    metadata,
    sa.Column("reporter_id", sa.String(36), primary_key=True),
    sa.Column("upheld", sa.Integer, nullable=False),
    sa.Column("decided", sa.Integer, nullable=False),
    sa.Column("accuracy", sa.Float, nullable=False),
)

# Messages hidden pending review (once each: the primary key is domain.reports.ONE_HIDE).
hidden_messages = sa.Table(
    "hidden_messages",
    metadata,
    sa.Column("message_id", sa.String(64), primary_key=True),
    sa.Column("case_id", sa.String(36), nullable=False, index=True),
    sa.Column("room_slug", sa.String(64), nullable=False),
    sa.Column("author_id", sa.String(36), nullable=False),
    sa.Column("action_id", sa.String(36), nullable=False),
    sa.Column("hidden_at", TZ, nullable=False),
    sa.Column("weight", sa.Float, nullable=False),
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("decided_at", TZ),
)

# room's cross-cohort grants (cohort_access_granted / _revoked), for the moderators' scope.
cohort_grants = sa.Table(
    "cohort_grants",
    metadata,
    sa.Column("grant_id", sa.String(64), primary_key=True),
    sa.Column("person_id", sa.String(36), nullable=False, index=True),
    sa.Column("room_slug", sa.String(64), nullable=False),
    sa.Column("expires_at", TZ),
    sa.Column("revoked", sa.Boolean, nullable=False),
)

# The queue's query reads each open case's open reports.
sa.Index("ix_reports_open_case", reports.c.case_id, reports.c.reporter_id, postgresql_where=sa.text("outcome = 'open'"))

# --- sections 4 and 5: the on-duty rota, pages, crisis flags and care resources ------------------------------

# Who is on duty for what (domain/pager.py Shift): one row per moderator.
duty_shifts = sa.Table(
    "duty_shifts",
    metadata,
    sa.Column("moderator_id", sa.String(36), primary_key=True),
    sa.Column("cohort", sa.String(10)),
    sa.Column("room_slugs", JSON, nullable=False),
    sa.Column("started_at", TZ, nullable=False),
    sa.Column("ends_at", TZ, nullable=False, index=True),
)

# Every change of any page takes the next value (behind an advisory lock, so changes commit in seq order).
page_seq = sa.Sequence("page_seq", metadata=metadata)

pages = sa.Table(
    "pages",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("seq", sa.BigInteger, nullable=False, unique=True),
    sa.Column("kind", sa.String(10), nullable=False),
    sa.Column("reason", sa.String(32), nullable=False),
    sa.Column("room_slug", sa.String(PLACE_MAX), nullable=False),
    sa.Column("cohort", sa.String(10)),
    sa.Column("created_at", TZ, nullable=False),
    sa.Column("stage", sa.String(20), nullable=False),
    sa.Column("stage_at", TZ, nullable=False),
    sa.Column("recipient_ids", JSON, nullable=False),
    sa.Column("subject_id", sa.String(36)),
    sa.Column("message_id", sa.String(64)),
    sa.Column("excerpt", sa.Text),
    sa.Column("caller_id", sa.String(36)),
    sa.Column("note", sa.String(500)),
    sa.Column("open_key", sa.String(200)),
    sa.Column("acknowledged_by", sa.String(36)),
    sa.Column("acknowledged_at", TZ),
    sa.Index(ONE_OPEN_REFERRAL, "open_key", unique=True, postgresql_where=sa.text("open_key IS NOT NULL")),
    sa.Index("ix_pages_to_escalate", "stage_at",
             postgresql_where=sa.text("acknowledged_by IS NULL AND stage <> 'admins'")),
    sa.Index("ix_pages_reaching_nobody", "stage_at",
             postgresql_where=sa.text("acknowledged_by IS NULL AND stage = 'admins' AND recipient_ids = '[]'::jsonb")),
    sa.Index("ix_pages_recipients", "recipient_ids", postgresql_using="gin",
             postgresql_ops={"recipient_ids": "jsonb_path_ops"}),
    sa.Index("ix_pages_created", "created_at"),
)

# Messages read as crisis language and cared for (once each).
crisis_flags = sa.Table(
    "crisis_flags",
    metadata,
    sa.Column("message_id", sa.String(64), primary_key=True),
    sa.Column("room_slug", sa.String(PLACE_MAX), nullable=False),
    sa.Column("author_id", sa.String(36), nullable=False),
    sa.Column("tier", sa.String(10), nullable=False),
    sa.Column("page_id", sa.String(36), nullable=False),
    sa.Column("flagged_at", TZ, nullable=False),
)

# The care resources an admin set per cohort (none: the defaults, moderation_service/seed/care_resources.json).
care_resources = sa.Table(
    "care_resources",
    metadata,
    sa.Column("cohort", sa.String(10), primary_key=True),
    sa.Column("lines", JSON, nullable=False),
    sa.Column("updated_by", sa.String(36)),
    sa.Column("updated_at", TZ),
)

# --- warnings, the strike ladder and sanctions (section 2) ---------------------------------------------------

warnings = sa.Table(
    "warnings",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("person_id", sa.String(36), nullable=False),
    sa.Column("reason", sa.String(32), nullable=False),
    sa.Column("tier", sa.String(32), nullable=False),
    sa.Column("note", sa.String(500)),
    sa.Column("room_slug", sa.String(64)),
    sa.Column("issued_by", sa.String(36), nullable=False),
    sa.Column("issued_at", TZ, nullable=False),
    sa.Column("expires_at", TZ, nullable=False),
    sa.Column("voided_at", TZ),
    sa.Column("voided_by", sa.String(36)),
    sa.Column("void_reason", sa.String(500)),
    sa.Column("sanction_id", sa.String(36)),
    sa.Index("ix_warnings_person", "person_id", "issued_at"),
)

# Mutes and bans (lasting), kicks and message removals (done at once), kept for good.
sanctions = sa.Table(
    "sanctions",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("person_id", sa.String(36), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("room_slug", sa.String(64)),
    sa.Column("reason", sa.String(500), nullable=False),
    sa.Column("note", sa.String(500)),
    sa.Column("imposed_by", sa.String(36), nullable=False),
    sa.Column("imposed_at", TZ, nullable=False),
    sa.Column("expires_at", TZ),
    sa.Column("source", sa.String(10), nullable=False),
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("warning_id", sa.String(36)),
    sa.Column("message_id", sa.String(64)),
    sa.Column("exchange_id", sa.String(36)),
    sa.Column("ended_at", TZ),
    sa.Column("lifted_by", sa.String(36)),
    sa.Column("lift_reason", sa.String(500)),
    sa.Index("ix_sanctions_person", "person_id", "imposed_at"),
    sa.Index("ix_sanctions_due", "expires_at", postgresql_where=sa.text("status = 'active'")),
)

# The strike ladder's versions; the highest is in force (an edit adds one: the primary key orders edits).
ladders = sa.Table(
    "ladders",
    metadata,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("ladder", JSON, nullable=False),
    sa.Column("changed_by", sa.String(36), nullable=False),
    sa.Column("changed_at", TZ, nullable=False),
)

# The support sessions live now, from room's session_started / session_ended (seq: the room timeline's).
live_sessions = sa.Table(
    "live_sessions",
    metadata,
    sa.Column("session_id", sa.String(64), primary_key=True),
    sa.Column("room_slug", sa.String(64), nullable=False),
    sa.Column("leader_id", sa.String(36), nullable=False),
    sa.Column("live", sa.Boolean, nullable=False),
    sa.Column("seq", sa.BigInteger, nullable=False),
    sa.Index("ix_live_sessions_leader", "leader_id", postgresql_where=sa.text("live")),
)


# Appeals (section 6): one per warning or sanction, ever.
appeals = sa.Table(
    "appeals",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("person_id", sa.String(36), nullable=False),
    sa.Column("subject_kind", sa.String(10), nullable=False),
    sa.Column("subject_id", sa.String(36), nullable=False),
    sa.Column("what", sa.String(20), nullable=False),
    sa.Column("room_slug", sa.String(64)),
    sa.Column("acted_by", sa.String(36), nullable=False),
    sa.Column("text", sa.String(2000), nullable=False),
    sa.Column("filed_at", TZ, nullable=False),
    sa.Column("status", sa.String(12), nullable=False),
    sa.Column("decided_by", sa.String(36)),
    sa.Column("decided_at", TZ),
    sa.Column("decision_reason", sa.String(500)),
    sa.Index(ONE_APPEAL, "subject_kind", "subject_id", unique=True),
    sa.Index("ix_appeals_person", "person_id", "filed_at"),
    sa.Index("ix_appeals_open", "filed_at", postgresql_where=sa.text("status = 'open'")),
)
