"""event_backfills: the replays room asked its producers for on its first start (hearth_common.backfill)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05 08:30:00

A room service that already ran has every producer's events from its queues; the table starts empty all the
same, so its worker asks identity once for a replay, which it ignores (each event is claimed by id).
"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Written out, not built from common's definition: a migration keeps the shape it had when it was written.
    op.create_table(
        'event_backfills',
        sa.Column('source', sa.String(length=50), nullable=False),
        sa.Column('through_seq', sa.BigInteger(), nullable=False),
        sa.Column('replayed', sa.Integer(), nullable=False),
        sa.Column('completed_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('source', name=op.f('pk_event_backfills')),
    )


def downgrade() -> None:
    op.drop_table('event_backfills')
