"""idempotency records: the first result of each call made with a client's idempotency key

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 10:30:00
"""
from alembic import op

from hearth_common import migrations

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # common's helper, whose shape is frozen (hearth_common.migrations): the table as common defines it.
    migrations.create_idempotency_table(op)


def downgrade() -> None:
    op.drop_table('idempotency_records')
