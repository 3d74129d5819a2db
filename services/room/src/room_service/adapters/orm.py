"""Adapters: room's tables: the catalogue, the read model of people, the inbox and the outbox."""
from __future__ import annotations

import sqlalchemy as sa
from hearth_common.db import new_metadata
from hearth_common.inbox import define_inbox_table
from hearth_common.outbox import define_outbox_table
from sqlalchemy.dialects import postgresql

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
)

# The read model of people, fed by identity's events: one row per person, facts keyed with their event seq.
people = sa.Table(
    "people",
    metadata,
    sa.Column("person_id", sa.String(36), primary_key=True),
    sa.Column("username", sa.String(32)),
    sa.Column("kind", sa.String(10)),
    sa.Column("cohort", sa.String(10)),
    sa.Column("cohort_seq", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("badges", JSON, nullable=False),
    sa.Column("grants", JSON, nullable=False),
    sa.Column("updated_at", TZ, nullable=False),
)

inbox = define_inbox_table(metadata)
outbox = define_outbox_table(metadata)
