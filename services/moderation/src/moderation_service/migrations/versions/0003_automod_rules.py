"""automod: the rule set's versions, automod's flags, and an index of an author's recent messages in a room

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05 13:10:00
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'automod_rule_sets',
        sa.Column('version', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('rules', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
        sa.Column('changed_by', sa.String(length=64), nullable=False),
        sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('version', name=op.f('pk_automod_rule_sets')),
    )
    op.create_table(
        'automod_flags',
        sa.Column('message_id', sa.String(length=64), nullable=False),
        sa.Column('rule_id', sa.String(length=100), nullable=False),
        sa.Column('report_id', sa.String(length=36), nullable=False),
        sa.Column('flagged_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('message_id', 'rule_id', name=op.f('pk_automod_flags')),
    )
    op.create_index('ix_messages_room_author_posted', 'messages', ['room_slug', 'author_id', 'posted_at'])


def downgrade() -> None:
    op.drop_index('ix_messages_room_author_posted', table_name='messages')
    op.drop_table('automod_flags')
    op.drop_table('automod_rule_sets')
