"""idempotency records: the first result of each call made with a client's idempotency key

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-05
"""
from alembic import op

from hearth_common import migrations

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    migrations.create_idempotency_table(op)


def downgrade() -> None:
    op.drop_table('idempotency_records')
