"""badges earned by doing: the facts the badge rules count, the sanctions they look at, who is due an evaluation;
when the daily pass last started; the inbox of the events consumed and the record of producers' replays

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05
"""
import sqlalchemy as sa
from alembic import op

from hearth_common import migrations

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        'badge_facts',
        sa.Column('person_id', sa.String(36), primary_key=True),
        sa.Column('fact', sa.String(32), primary_key=True),
        sa.Column('key', sa.String(100), primary_key=True),
        sa.Column('count', sa.Integer, nullable=False),
        sa.Column('first_at', TZ, nullable=False),
        sa.Column('last_at', TZ, nullable=False),
        sa.Column('tag', sa.String(64), nullable=False, server_default=''),
    )
    op.create_table(
        'badge_sanctions',
        sa.Column('sanction_id', sa.String(64), primary_key=True),
        sa.Column('person_id', sa.String(36), nullable=False),
        sa.Column('imposed_at', TZ),
        sa.Column('expires_at', TZ),
        sa.Column('lifted_at', TZ),
    )
    op.create_index('ix_badge_sanctions_person_id', 'badge_sanctions', ['person_id'])
    op.create_table(
        'badge_evaluations_due',
        sa.Column('person_id', sa.String(36), primary_key=True),
        sa.Column('marked_at', TZ, nullable=False),
    )
    op.create_index('ix_badge_evaluations_due_marked_at', 'badge_evaluations_due', ['marked_at'])
    op.create_table(
        'badge_passes',
        sa.Column('name', sa.String(50), primary_key=True),
        sa.Column('started_at', TZ, nullable=False),
    )
    migrations.create_inbox_table(op)
    migrations.create_backfill_table(op)
    migrations.add_backfill_event_types(op)


def downgrade() -> None:
    for table in ('event_backfills', 'inbox', 'badge_passes', 'badge_evaluations_due', 'badge_sanctions', 'badge_facts'):
        op.drop_table(table)
