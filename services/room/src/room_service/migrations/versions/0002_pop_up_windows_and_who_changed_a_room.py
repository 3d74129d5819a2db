"""pop-up windows and who changed a room

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""
import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('rooms', sa.Column('opens_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('rooms', sa.Column('closes_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('rooms', sa.Column('updated_by', sa.String(length=100), server_default='seed', nullable=False))


def downgrade() -> None:
    op.drop_column('rooms', 'updated_by')
    op.drop_column('rooms', 'closes_at')
    op.drop_column('rooms', 'opens_at')
