"""warnings, sanctions (mutes, bans, kicks, message removals), the strike ladder's versions and the live sessions
read model

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05 14:00:00
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB, 'postgresql')
TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        'warnings',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('person_id', sa.String(length=36), nullable=False),
        sa.Column('reason', sa.String(length=32), nullable=False),
        sa.Column('tier', sa.String(length=32), nullable=False),
        sa.Column('note', sa.String(length=500), nullable=True),
        sa.Column('room_slug', sa.String(length=64), nullable=True),
        sa.Column('issued_by', sa.String(length=36), nullable=False),
        sa.Column('issued_at', TZ, nullable=False),
        sa.Column('expires_at', TZ, nullable=False),
        sa.Column('voided_at', TZ, nullable=True),
        sa.Column('voided_by', sa.String(length=36), nullable=True),
        sa.Column('void_reason', sa.String(length=500), nullable=True),
        sa.Column('sanction_id', sa.String(length=36), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_warnings')),
    )
    op.create_index('ix_warnings_person', 'warnings', ['person_id', 'issued_at'])
    op.create_table(
        'sanctions',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('person_id', sa.String(length=36), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('room_slug', sa.String(length=64), nullable=True),
        sa.Column('reason', sa.String(length=500), nullable=False),
        sa.Column('note', sa.String(length=500), nullable=True),
        sa.Column('imposed_by', sa.String(length=36), nullable=False),
        sa.Column('imposed_at', TZ, nullable=False),
        sa.Column('expires_at', TZ, nullable=True),
        sa.Column('source', sa.String(length=10), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('warning_id', sa.String(length=36), nullable=True),
        sa.Column('message_id', sa.String(length=64), nullable=True),
        sa.Column('exchange_id', sa.String(length=36), nullable=True),
        sa.Column('ended_at', TZ, nullable=True),
        sa.Column('lifted_by', sa.String(length=36), nullable=True),
        sa.Column('lift_reason', sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sanctions')),
    )
    op.create_index('ix_sanctions_person', 'sanctions', ['person_id', 'imposed_at'])
    op.create_index('ix_sanctions_due', 'sanctions', ['expires_at'], postgresql_where=sa.text("status = 'active'"))
    op.create_table(
        'ladders',
        sa.Column('version', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('ladder', JSON, nullable=False),
        sa.Column('changed_by', sa.String(length=36), nullable=False),
        sa.Column('changed_at', TZ, nullable=False),
        sa.PrimaryKeyConstraint('version', name=op.f('pk_ladders')),
    )
    op.create_table(
        'live_sessions',
        sa.Column('session_id', sa.String(length=64), nullable=False),
        sa.Column('room_slug', sa.String(length=64), nullable=False),
        sa.Column('leader_id', sa.String(length=36), nullable=False),
        sa.Column('live', sa.Boolean(), nullable=False),
        sa.Column('seq', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('session_id', name=op.f('pk_live_sessions')),
    )
    op.create_index('ix_live_sessions_leader', 'live_sessions', ['leader_id'], postgresql_where=sa.text('live'))


def downgrade() -> None:
    op.drop_table('live_sessions')
    op.drop_table('ladders')
    op.drop_table('sanctions')
    op.drop_table('warnings')
