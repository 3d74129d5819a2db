"""Adapters: identity's tables, mapped imperatively onto the domain classes."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import registry

from hearth_common.backfill import define_backfill_table
from hearth_common.db import new_metadata
from hearth_common.idempotency_records import define_idempotency_table
from hearth_common.inbox import define_inbox_table
from hearth_common.outbox import define_outbox_table
from identity_service.domain import model

metadata = new_metadata()
TZ = sa.DateTime(timezone=True)


def _enum(enum_cls, name):
    return sa.Enum(enum_cls, name=name, values_callable=lambda e: [m.value for m in e], native_enum=False, length=40)


people = sa.Table(
    "people",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("username", sa.String(32), nullable=False),
    sa.Column("username_canonical", sa.String(32), nullable=False, unique=True),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("date_of_birth", sa.Date, nullable=False),
    sa.Column("kind", _enum(model.Kind, "person_kind"), nullable=False),
    sa.Column("cohort", _enum(model.Cohort, "cohort"), nullable=False),
    sa.Column("registered_at", TZ, nullable=False),
    sa.Index("ix_people_teens_by_birth", "date_of_birth", postgresql_where=sa.text("cohort = 'teen'")),
)

role_grants = sa.Table(
    "role_grants",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("person_id", sa.String(36), sa.ForeignKey("people.id"), nullable=False, index=True),
    sa.Column("role", _enum(model.Role, "role"), nullable=False),
    sa.Column("room_id", sa.String(100)),
    sa.Column("expires_at", TZ),
    sa.Column("granted_by", sa.String(100), nullable=False),
    sa.Column("granted_at", TZ, nullable=False),
    sa.Column("revoked_at", TZ),
    sa.Column("revoked_by", sa.String(100)),
    sa.Column("revoke_reason", sa.String(500)),
)

badges = sa.Table(
    "badges",
    metadata,
    sa.Column("slug", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("description", sa.String(500), nullable=False),
    sa.Column("how_earned", sa.String(500), nullable=False),
)

badge_awards = sa.Table(
    "badge_awards",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("person_id", sa.String(36), sa.ForeignKey("people.id"), nullable=False),
    sa.Column("badge_slug", sa.String(64), sa.ForeignKey("badges.slug"), nullable=False),
    sa.Column("awarded_by", sa.String(100), nullable=False),
    sa.Column("reason", sa.String(500), nullable=False),
    sa.Column("awarded_at", TZ, nullable=False),
    sa.Column("award_key", sa.String(200), unique=True),
    sa.Column("revoked_at", TZ),
    sa.Column("revoked_by", sa.String(100)),
    sa.Column("revoke_reason", sa.String(500)),
    sa.Column("revoke_key", sa.String(200), unique=True),
    # A person holds a badge at most once at a time.
    sa.Index(
        "uq_badge_awards_held",
        "person_id",
        "badge_slug",
        unique=True,
        postgresql_where=sa.text("revoked_at IS NULL"),
        sqlite_where=sa.text("revoked_at IS NULL"),
    ),
)

refresh_tokens = sa.Table(
    "refresh_tokens",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("family_id", sa.String(36), nullable=False, index=True),
    sa.Column("person_id", sa.String(36), sa.ForeignKey("people.id"), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("issued_at", TZ, nullable=False),
    sa.Column("expires_at", TZ, nullable=False),
    sa.Column("used_at", TZ),
    sa.Column("revoked_at", TZ),
)

signing_keys = sa.Table(
    "signing_keys",
    metadata,
    sa.Column("kid", sa.String(36), primary_key=True),
    sa.Column("private_key_pem", sa.Text, nullable=False),
    sa.Column("public_key_pem", sa.Text, nullable=False),
    sa.Column("created_at", TZ, nullable=False),
    sa.Column("retired_at", TZ),
    # Exactly one key signs at a time.
    sa.Index(
        "uq_signing_keys_active",
        sa.text("(retired_at IS NULL)"),
        unique=True,
        postgresql_where=sa.text("retired_at IS NULL"),
        sqlite_where=sa.text("retired_at IS NULL"),
    ),
)

# --- badges earned by doing: what the rules keep of other services' events (service_layer.badge_rules) ---------

badge_facts = sa.Table(
    "badge_facts",
    metadata,
    sa.Column("person_id", sa.String(36), primary_key=True),
    sa.Column("fact", sa.String(32), primary_key=True),
    sa.Column("key", sa.String(160), primary_key=True),  # a heart: `<giver>:<message_id>`
    sa.Column("count", sa.Integer, nullable=False),
    sa.Column("first_at", TZ, nullable=False),
    sa.Column("last_at", TZ, nullable=False),
    sa.Column("tag", sa.String(64), nullable=False, server_default=""),
)

badge_sanctions = sa.Table(
    "badge_sanctions",
    metadata,
    sa.Column("sanction_id", sa.String(64), primary_key=True),
    sa.Column("person_id", sa.String(36), nullable=False, index=True),
    sa.Column("imposed_at", TZ),  # null while only its lift has arrived
    sa.Column("expires_at", TZ),
    sa.Column("lifted_at", TZ),
)

badge_evaluations_due = sa.Table(
    "badge_evaluations_due",
    metadata,
    sa.Column("person_id", sa.String(36), primary_key=True),
    sa.Column("marked_at", TZ, nullable=False, index=True),
)

badge_passes = sa.Table(  # when the daily pass over everyone last started (one replica runs it per period)
    "badge_passes",
    metadata,
    sa.Column("name", sa.String(50), primary_key=True),
    sa.Column("started_at", TZ, nullable=False),
)

inbox = define_inbox_table(metadata)
event_backfills = define_backfill_table(metadata)
outbox = define_outbox_table(metadata)
idempotency_records = define_idempotency_table(metadata)

mapper_registry = registry()
_mapped = False


def start_mappers() -> None:
    global _mapped
    if _mapped:
        return
    mapper_registry.map_imperatively(model.Person, people)
    mapper_registry.map_imperatively(model.RoleGrant, role_grants)
    mapper_registry.map_imperatively(model.Badge, badges)
    mapper_registry.map_imperatively(model.BadgeAward, badge_awards)
    mapper_registry.map_imperatively(model.RefreshToken, refresh_tokens)
    mapper_registry.map_imperatively(model.SigningKey, signing_keys)
    _mapped = True
