"""event_backfills: the replays room asked its producers for on its first start (hearth_common.backfill)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05 08:30:00

A room service that already ran has every producer's events from its queues; the table starts empty all the
same, so its worker asks identity once for a replay, which it ignores (each event is claimed by id).
"""
from alembic import op

from hearth_common.migrations import create_backfill_table

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_backfill_table(op)


def downgrade() -> None:
    op.drop_table('event_backfills')
