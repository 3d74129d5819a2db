"""automod rule set: room's read model of moderation's rule set (the highest version received)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 13:10:00
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'automod_rule_set',
        sa.Column('singleton', sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column('version', sa.BigInteger(), nullable=False),
        sa.Column('rule_set', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column('changed_by', sa.String(length=64), nullable=False),
        sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('singleton', name=op.f('ck_automod_rule_set_automod_rule_set_one_row')),
        sa.PrimaryKeyConstraint('singleton', name=op.f('pk_automod_rule_set')),
    )


def downgrade() -> None:
    op.drop_table('automod_rule_set')
