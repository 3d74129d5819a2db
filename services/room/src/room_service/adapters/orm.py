"""Adapters: room's tables: the catalogue, read models (people, sanctions), presence, messages, the timeline,
sessions."""
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

metadata = new_metadata()
JSON = sa.JSON().with_variant(postgresql.JSONB, "postgresql")
TZ = sa.DateTime(timezone=True)

rooms = sa.Table(
    "rooms",
    metadata,
    sa.Column("slug", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(100), nullable=False, unique=True),
    sa.Column("description", sa.String(1000), nullable=False),
    sa.Column("topic", sa.String(64), nullable=False, index=True),
    sa.Column("audience_cohort", sa.String(10), nullable=False),
    sa.Column("audience_kind", sa.String(10), nullable=False),
    sa.Column("mode", sa.String(20), nullable=False),
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("capacity", sa.Integer, nullable=False),
    sa.Column("access_policy", JSON, nullable=False),
    sa.Column("opens_at", TZ),
    sa.Column("closes_at", TZ),
    sa.Column("updated_at", TZ, nullable=False),
    sa.Column("updated_by", sa.String(100), nullable=False, server_default="seed"),
    sa.Column("slow_mode_seconds", sa.Integer, nullable=False, server_default="0"),
)

# The read model of people, fed by identity's events: one row per person, facts keyed with their event seq.
people = define_people_table(metadata)

# One row per room: the last sequence number of its timeline. Every timeline write locks and bumps it, so
# the numbers are gap-free and commit in order.
room_streams = sa.Table(
    "room_streams",
    metadata,
    sa.Column("room_slug", sa.String(64), sa.ForeignKey("rooms.slug"), primary_key=True),
    sa.Column("last_seq", sa.BigInteger, nullable=False, server_default="0"),
    # How many members are in the room: kept with every join and leave, so capacity is checked and the seq
    # taken in the one statement that locks this row (a lock held across round trips queued joins).
    sa.Column("present", sa.Integer, nullable=False, server_default="0"),
    sa.Column("speaker_id", sa.String(36)),
    sa.Column("speaker_since", TZ),
)

# Everything subscribers see, in order: messages, edits, deletions, hearts, joins, leaves, sessions, turns.
timeline = sa.Table(
    "timeline",
    metadata,
    sa.Column("room_slug", sa.String(64), primary_key=True),
    sa.Column("seq", sa.BigInteger, primary_key=True),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("data", JSON, nullable=False),
    sa.Column("occurred_at", TZ, nullable=False),
)

# Who is in a room now. A row whose last_seen_at is older than the presence timeout is swept out.
members = sa.Table(
    "members",
    metadata,
    sa.Column("room_slug", sa.String(64), primary_key=True),
    sa.Column("person_id", sa.String(36), primary_key=True),
    sa.Column("username", sa.String(32)),
    sa.Column("joined_at", TZ, nullable=False),
    sa.Column("last_seen_at", TZ, nullable=False),
    sa.Column("checked_in", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Index("ix_members_last_seen_at", "last_seen_at"),
)

messages = sa.Table(
    "messages",
    metadata,
    sa.Column("message_id", sa.Uuid, primary_key=True),
    sa.Column("room_slug", sa.String(64), nullable=False),
    sa.Column("seq", sa.BigInteger, nullable=False),
    sa.Column("author_id", sa.String(36), nullable=False),
    sa.Column("author_username", sa.String(32)),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("reply_to", sa.Uuid),
    sa.Column("mentions", JSON, nullable=False),
    sa.Column("hearts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("posted_at", TZ, nullable=False),
    sa.Column("edited_at", TZ),
    sa.Column("deleted_at", TZ),
    sa.Column("deleted_by", sa.String(36)),
    # A moderation removal (which restore_message undoes), not the author's own deletion.
    sa.Column("deleted_by_moderation", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.UniqueConstraint("room_slug", "seq"),
    sa.Index("ix_messages_author_id_posted_at", "author_id", "posted_at"),
)

hearts = sa.Table(
    "hearts",
    metadata,
    sa.Column("message_id", sa.Uuid, primary_key=True),
    sa.Column("person_id", sa.String(36), primary_key=True),
    sa.Column("hearted_at", TZ, nullable=False),
)

# Pacing of a person's actions that leave no rows of their own to count (hearts given and taken back): when
# the next one is due (GCRA's theoretical arrival time), one row per person and action.
paces = define_paces_table(metadata)

# The read model of sanctions, fed by moderation's events (see the room README for the contract).
sanctions = sa.Table(
    "sanctions",
    metadata,
    sa.Column("sanction_id", sa.String(64), primary_key=True),
    sa.Column("person_id", sa.String(36), nullable=False, index=True),
    sa.Column("kind", sa.String(10), nullable=False),
    sa.Column("room_slug", sa.String(64)),
    sa.Column("expires_at", TZ),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("reason", sa.String(500), nullable=False, server_default=""),
    sa.Column("seq", sa.BigInteger, nullable=False),
    sa.Column("updated_at", TZ, nullable=False),
)

# The read model of moderation's automod rule set (automod_rules_changed): one row, the highest version seen,
# whole (RuleSet.to_dict()); none until moderation sends one (common's defaults apply then).
automod_rule_set = sa.Table(
    "automod_rule_set",
    metadata,
    sa.Column("singleton", sa.Boolean, primary_key=True, server_default=sa.true()),
    sa.Column("version", sa.BigInteger, nullable=False),
    sa.Column("rule_set", JSON, nullable=False),
    sa.Column("changed_by", sa.String(64), nullable=False),
    sa.Column("changed_at", TZ, nullable=False),
    sa.Column("updated_at", TZ, nullable=False),
    sa.CheckConstraint("singleton", name="automod_rule_set_one_row"),
)

# Staff grants to enter rooms of the other age cohort; never deleted, so they stay an audit record.
cohort_grants = sa.Table(
    "cohort_grants",
    metadata,
    sa.Column("grant_id", sa.Uuid, primary_key=True),
    sa.Column("person_id", sa.String(36), nullable=False, index=True),
    sa.Column("room_slug", sa.String(64), nullable=False),
    sa.Column("reason", sa.String(500), nullable=False),
    sa.Column("granted_by", sa.String(36), nullable=False),
    sa.Column("granted_at", TZ, nullable=False),
    sa.Column("expires_at", TZ, nullable=False),
    sa.Column("revoked_by", sa.String(36)),
    sa.Column("revoked_at", TZ),
)

sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column("session_id", sa.Uuid, primary_key=True),
    sa.Column("room_slug", sa.String(64), nullable=False, index=True),
    sa.Column("topic", sa.String(120), nullable=False),
    sa.Column("leader_id", sa.String(36), nullable=False),
    sa.Column("kind", sa.String(12), nullable=False),
    sa.Column("starts_at", TZ, nullable=False),
    sa.Column("duration_minutes", sa.Integer, nullable=False),
    sa.Column("status", sa.String(12), nullable=False),
    sa.Column("started_at", TZ),
    sa.Column("ended_at", TZ),
    sa.Column("script_id", sa.String(64)),  # a script of the library (not a foreign key: a script is never removed)
    # a leader's hosting figures read their ended sessions of one month
    sa.Index("ix_sessions_leader_id_started_at", "leader_id", "started_at"),
)

# The facilitation script library (seeded by room-migrate, kept by admins).
scripts = sa.Table(
    "scripts",
    metadata,
    sa.Column("script_id", sa.String(64), primary_key=True),
    sa.Column("session_type", sa.String(32), nullable=False),
    sa.Column("audience_cohort", sa.String(8), nullable=False),
    sa.Column("title", sa.String(120), nullable=False),
    sa.Column("opening", sa.Text, nullable=False),
    sa.Column("prompts", JSON, nullable=False),
    sa.Column("closing", sa.Text, nullable=False),
    sa.Column("updated_by", sa.String(36), nullable=False),
    sa.Column("updated_at", TZ),
)

attendance = sa.Table(
    "attendance",
    metadata,
    sa.Column("session_id", sa.Uuid, primary_key=True),
    sa.Column("person_id", sa.String(36), primary_key=True),
    sa.Column("first_seen_at", TZ, nullable=False),
)

hands = sa.Table(
    "hands",
    metadata,
    sa.Column("room_slug", sa.String(64), primary_key=True),
    sa.Column("person_id", sa.String(36), primary_key=True),
    sa.Column("raised_at", TZ, nullable=False),
)

# Private notices from moderation (warnings, sanctions, care, "help is coming", appeal outcomes), each for its
# person alone: listed newest first by `position` (the order room stored them), kept NOTICE_RETENTION.
notices = sa.Table(
    "notices",
    metadata,
    sa.Column("notice_id", sa.String(64), primary_key=True),
    sa.Column("position", sa.BigInteger, sa.Identity(), nullable=False, unique=True),
    sa.Column("person_id", sa.String(36), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("room_slug", sa.String(64)),
    sa.Column("resources", JSON, nullable=False),
    sa.Column("issued_at", TZ, nullable=False),
    sa.Column("received_at", TZ, nullable=False),
    sa.Column("read_at", TZ),
    sa.Index("ix_notices_person_id_position", "person_id", "position"),
    sa.Index("ix_notices_person_id_received_at", "person_id", "received_at"),
)

# Personal mute and block (domain/filters.py): at most one per owner and target. The primary key serves the
# owner's own list, the history's NOT EXISTS and the stream's set; the index, who blocked an author.
personal_filters = sa.Table(
    "personal_filters",
    metadata,
    sa.Column("owner_id", sa.String(36), primary_key=True),
    sa.Column("target_id", sa.String(36), primary_key=True),
    sa.Column("kind", sa.String(10), nullable=False),
    sa.Column("created_at", TZ, nullable=False),
    sa.CheckConstraint("kind IN ('mute', 'block')", name="personal_filters_kind"),
    sa.Index("ix_personal_filters_target_id_kind", "target_id", "kind"),
)

inbox = define_inbox_table(metadata)
# The replays room asked its producers for on its first start (hearth_common.backfill).
event_backfills = define_backfill_table(metadata)
outbox = define_outbox_table(metadata)
idempotency_records = define_idempotency_table(metadata)
