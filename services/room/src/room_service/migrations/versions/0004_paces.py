"""paces: when a person's next paced action (a heart given or taken back) is due

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 09:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('paces',
    sa.Column('person_id', sa.String(length=36), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('person_id', 'action', name=op.f('pk_paces'))
    )


def downgrade() -> None:
    op.drop_table('paces')
