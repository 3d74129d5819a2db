"""outbox notify: a transaction that writes events wakes the relay when it commits (LISTEN/NOTIFY), so the relay
no longer polls the outbox

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05
"""
from alembic import op

from hearth_common import migrations

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    migrations.add_outbox_notify(op)


def downgrade() -> None:
    migrations.drop_outbox_notify(op)
