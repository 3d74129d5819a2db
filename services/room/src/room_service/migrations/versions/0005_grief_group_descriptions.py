"""the grief groups' seeded descriptions no longer promise a turn queue (only Sharing Circles have one)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 10:45:00

Data only: rooms an admin has edited since the seed (updated_by is not 'seed') keep their text.
"""
import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

CHANGES = [
    ("adult-grief-circle",
     "A facilitated circle where members take turns to remember the people they have lost and how they "
     "are carrying it.",
     "A facilitated group where members remember the people they have lost and how they are carrying "
     "it, with a session leader guiding the conversation."),
    ("teen-grief-circle",
     "A facilitated circle where teens take turns to talk about someone they have lost and how they are "
     "coping.",
     "A facilitated group where teens talk about someone they have lost and how they are coping, with a "
     "session leader guiding the conversation."),
]

_SET = sa.text("UPDATE rooms SET description = :to WHERE slug = :slug AND updated_by = 'seed' AND description = :was")


def upgrade() -> None:
    for slug, old, new in CHANGES:
        op.execute(_SET.bindparams(slug=slug, was=old, to=new))


def downgrade() -> None:
    for slug, old, new in CHANGES:
        op.execute(_SET.bindparams(slug=slug, was=new, to=old))
