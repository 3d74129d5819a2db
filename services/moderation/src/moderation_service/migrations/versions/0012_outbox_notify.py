"""outbox and room actions notify: a transaction that writes events wakes the relay when it commits (LISTEN/NOTIFY),
and one that records a call to room or course wakes the worker's runner of them, so neither polls its table

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
    migrations.add_insert_notify(op, 'room_actions', 'hearth_room_actions')


def downgrade() -> None:
    migrations.drop_insert_notify(op, 'room_actions')
    migrations.drop_outbox_notify(op)
