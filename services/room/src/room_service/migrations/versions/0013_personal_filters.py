"""personal mute and block: one filter per (owner, target), kind mute or block

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 21:05:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'personal_filters',
        sa.Column('owner_id', sa.String(36), nullable=False),
        sa.Column('target_id', sa.String(36), nullable=False),
        sa.Column('kind', sa.String(10), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('owner_id', 'target_id', name=op.f('pk_personal_filters')),
        sa.CheckConstraint("kind IN ('mute', 'block')", name=op.f('ck_personal_filters_personal_filters_kind')),
    )
    # Who blocked this author, among the people a post reaches (the primary key serves the owner's side).
    op.create_index('ix_personal_filters_target_id_kind', 'personal_filters', ['target_id', 'kind'])


def downgrade() -> None:
    op.drop_table('personal_filters')
