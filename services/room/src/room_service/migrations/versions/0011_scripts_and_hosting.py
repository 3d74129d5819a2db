"""facilitation scripts: the library, the script a session uses, and an index for leaders' hosting figures

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 17:20:00
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'scripts',
        sa.Column('script_id', sa.String(length=64), nullable=False),
        sa.Column('session_type', sa.String(length=32), nullable=False),
        sa.Column('audience_cohort', sa.String(length=8), nullable=False),
        sa.Column('title', sa.String(length=120), nullable=False),
        sa.Column('opening', sa.Text(), nullable=False),
        sa.Column('prompts', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column('closing', sa.Text(), nullable=False),
        sa.Column('updated_by', sa.String(length=36), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('script_id', name=op.f('pk_scripts')),
    )
    op.add_column('sessions', sa.Column('script_id', sa.String(length=64), nullable=True))
    op.create_index('ix_sessions_leader_id_started_at', 'sessions', ['leader_id', 'started_at'])


def downgrade() -> None:
    op.drop_index('ix_sessions_leader_id_started_at', table_name='sessions')
    op.drop_column('sessions', 'script_id')
    op.drop_table('scripts')
