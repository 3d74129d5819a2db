"""event_backfills records the event types each producer replayed, so an upgrade that binds a new type (room now
consumes moderation's notice_issued and automod_rules_changed) asks for that type (hearth_common.backfill)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 14:40:00

A row written before has no types: room's worker asks each producer once more for every type it binds, which it
ignores where it had them (each event is claimed by id).
"""
from alembic import op

from hearth_common import migrations

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    migrations.add_backfill_event_types(op)


def downgrade() -> None:
    op.drop_column('event_backfills', 'event_types')
