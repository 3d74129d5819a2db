"""outbox notify: a transaction that writes events wakes the relay when it commits (LISTEN/NOTIFY), so the relay
no longer polls the outbox

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05
"""
from alembic import op

from hearth_common import migrations

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    migrations.add_outbox_notify(op)


def downgrade() -> None:
    migrations.drop_outbox_notify(op)
