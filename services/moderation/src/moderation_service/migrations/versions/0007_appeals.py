"""appeals: one per warning or sanction

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 14:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        'appeals',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('person_id', sa.String(length=36), nullable=False),
        sa.Column('subject_kind', sa.String(length=10), nullable=False),
        sa.Column('subject_id', sa.String(length=36), nullable=False),
        sa.Column('what', sa.String(length=20), nullable=False),
        sa.Column('room_slug', sa.String(length=64), nullable=True),
        sa.Column('acted_by', sa.String(length=36), nullable=False),
        sa.Column('text', sa.String(length=2000), nullable=False),
        sa.Column('filed_at', TZ, nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('decided_by', sa.String(length=36), nullable=True),
        sa.Column('decided_at', TZ, nullable=True),
        sa.Column('decision_reason', sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_appeals')),
    )
    op.create_index('uq_appeals_subject', 'appeals', ['subject_kind', 'subject_id'], unique=True)
    op.create_index('ix_appeals_person', 'appeals', ['person_id', 'filed_at'])
    op.create_index('ix_appeals_open', 'appeals', ['filed_at'], postgresql_where=sa.text("status = 'open'"))


def downgrade() -> None:
    op.drop_index('ix_appeals_open', table_name='appeals')
    op.drop_index('ix_appeals_person', table_name='appeals')
    op.drop_index('uq_appeals_subject', table_name='appeals')
    op.drop_table('appeals')
