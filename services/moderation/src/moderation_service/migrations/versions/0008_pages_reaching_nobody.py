"""pages that reached nobody stay due for re-routing (their partial index); care notices are looked up by person and
action (the audit log's index)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 14:10:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_pages_reaching_nobody', 'pages', ['stage_at'],
                    postgresql_where=sa.text("acknowledged_by IS NULL AND stage = 'admins' "
                                             "AND recipient_ids = '[]'::jsonb"))
    op.create_index('ix_audit_log_target_action', 'audit_log', ['target_id', 'action', 'at'])


def downgrade() -> None:
    op.drop_index('ix_audit_log_target_action', table_name='audit_log')
    op.drop_index('ix_pages_reaching_nobody', table_name='pages')
