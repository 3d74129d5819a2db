"""private notices for one person each, and which deletions were moderation's (restore_message undoes those)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 13:20:00
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('messages', sa.Column('deleted_by_moderation', sa.Boolean(), server_default=sa.false(),
                                        nullable=False))
    # Before this column a removal by someone other than the author was moderation's.
    op.execute("UPDATE messages SET deleted_by_moderation = true "
               "WHERE deleted_at IS NOT NULL AND deleted_by <> author_id")
    op.create_table(
        'notices',
        sa.Column('notice_id', sa.String(64), primary_key=True),
        sa.Column('position', sa.BigInteger(), sa.Identity(), nullable=False, unique=True),
        sa.Column('person_id', sa.String(36), nullable=False),
        sa.Column('kind', sa.String(20), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('room_slug', sa.String(64)),
        sa.Column('resources', postgresql.JSONB(), nullable=False),
        sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('read_at', sa.DateTime(timezone=True)),
    )
    op.create_index('ix_notices_person_id_position', 'notices', ['person_id', 'position'])
    op.create_index('ix_notices_person_id_received_at', 'notices', ['person_id', 'received_at'])


def downgrade() -> None:
    op.drop_table('notices')
    op.drop_column('messages', 'deleted_by_moderation')
