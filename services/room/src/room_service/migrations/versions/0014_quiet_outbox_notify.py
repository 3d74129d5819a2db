"""quiet outbox notify: the outbox trigger NOTIFYs unless the session set hearth.outbox_notify off (room-grpc's
conversation engine does, and sends one debounced NOTIFY after its commits: outbox.QuietOutboxNotify)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05
"""
from alembic import op

from hearth_common import migrations

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    migrations.let_outbox_notify_be_quieted(op)


def downgrade() -> None:
    migrations.always_outbox_notify(op)
