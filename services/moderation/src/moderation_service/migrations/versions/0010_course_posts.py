"""course posts moderated like room messages: a post's discussion and section in the messages read model and its
reports; the place columns (room_slug) widened to hold a course's place key, `course:<course_slug>`

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 17:40:00

Widening a varchar rewrites no rows (and the audit log's trigger refuses row changes, not this).
"""
import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

PLACES = (('messages', False), ('reports', False), ('audit_log', True), ('pages', False), ('crisis_flags', False))
PLACE_MAX = 71  # "course:" and a course slug of at most 64 (domain/subjects.PLACE_MAX when written)


def upgrade() -> None:
    for table, nullable in PLACES:
        op.alter_column(table, 'room_slug', type_=sa.String(PLACE_MAX), existing_type=sa.String(64),
                        existing_nullable=nullable)
    op.add_column('messages', sa.Column('discussion_id', sa.String(64)))
    op.add_column('messages', sa.Column('section', sa.String(8)))
    op.add_column('reports', sa.Column('discussion_id', sa.String(64)))


def downgrade() -> None:
    # The place columns stay wide: the append-only audit log may hold a course's place, and a wider varchar is
    # nothing older code notices.
    op.drop_column('reports', 'discussion_id')
    op.drop_column('messages', 'section')
    op.drop_column('messages', 'discussion_id')
