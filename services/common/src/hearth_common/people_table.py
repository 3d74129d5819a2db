"""Adapters: the table of the read model of people (from identity's events) that every consumer of them keeps."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


def define_people_table(metadata: sa.MetaData) -> sa.Table:
    """One row per person, each fact keyed with the seq of the event that set it (applied in any order)."""
    json = sa.JSON().with_variant(postgresql.JSONB, "postgresql")
    return sa.Table(
        "people",
        metadata,
        sa.Column("person_id", sa.String(36), primary_key=True),
        sa.Column("username", sa.String(32)),
        sa.Column("kind", sa.String(10)),
        sa.Column("cohort", sa.String(10)),
        sa.Column("cohort_seq", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("badges", json, nullable=False),
        sa.Column("grants", json, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Index("ix_people_username", "username"),
    )
