"""pages and sanctions notify: a transaction that records a page or a sanction wakes the worker's loop that
escalates pages (or ends sanctions), which sleeps until the next one falls due instead of looking every 5 seconds

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05
"""
from alembic import op

from hearth_common import migrations

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    migrations.add_insert_notify(op, 'pages', 'hearth_pages')
    migrations.add_insert_notify(op, 'sanctions', 'hearth_sanctions')


def downgrade() -> None:
    migrations.drop_insert_notify(op, 'sanctions')
    migrations.drop_insert_notify(op, 'pages')
