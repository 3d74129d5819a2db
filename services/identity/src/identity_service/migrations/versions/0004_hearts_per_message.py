"""hearts per (giver, message): a heart fact's key becomes `<giver>:<message_id>` (wider key column) and its tag the
giver, so a heart taken back and given again is the same fact; the hearts kept before, per giver only, become one
fact each with no message (`<giver>:`), counted once: how many of them were given again cannot be known

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05
"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.alter_column('badge_facts', 'key', type_=sa.String(160), existing_type=sa.String(100), existing_nullable=False)
    op.execute("UPDATE badge_facts SET tag = key, key = key || ':' WHERE fact = 'heart_from' AND tag = ''")


def downgrade() -> None:
    # back to one fact per giver: the hearts of each giver added up (as before this revision)
    op.execute("""
        INSERT INTO badge_facts (person_id, fact, key, count, first_at, last_at, tag)
        SELECT person_id, 'heart_from_old', tag, count(*), min(first_at), max(last_at), ''
        FROM badge_facts WHERE fact = 'heart_from' GROUP BY person_id, tag
    """)
    op.execute("DELETE FROM badge_facts WHERE fact = 'heart_from'")
    op.execute("UPDATE badge_facts SET fact = 'heart_from' WHERE fact = 'heart_from_old'")
    op.alter_column('badge_facts', 'key', type_=sa.String(100), existing_type=sa.String(160), existing_nullable=False)
