"""the append-only audit log (UPDATE, DELETE and TRUNCATE refused by a trigger, for every role) and the calls to
room still to make

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-05 13:20:00
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB, 'postgresql')


def upgrade() -> None:
    op.create_table(
        'audit_log',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('action', sa.String(length=40), nullable=False),
        sa.Column('source', sa.String(length=10), nullable=False),
        sa.Column('actor_id', sa.String(length=36), nullable=True),
        sa.Column('target_id', sa.String(length=36), nullable=True),
        sa.Column('room_slug', sa.String(length=64), nullable=True),
        sa.Column('subject_ref', sa.String(length=64), nullable=True),
        sa.Column('reason', sa.String(length=500), nullable=True),
        sa.Column('details', JSON, nullable=False),
        sa.Column('request_id', sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log')),
    )
    op.create_index('ix_audit_log_at', 'audit_log', ['at', 'id'])
    op.create_index('ix_audit_log_target', 'audit_log', ['target_id', 'at'])
    op.create_index('ix_audit_log_room', 'audit_log', ['room_slug', 'at'])
    op.create_index('ix_audit_log_actor', 'audit_log', ['actor_id', 'at'])
    # Append-only for every role, the service's own and a superuser's included: a trigger, not only a GRANT
    # (the service's role owns its tables, and an owner's privileges cannot be revoked from it for good).
    op.execute("""
        CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'the audit log is append-only: % is refused', TG_OP
                USING ERRCODE = 'insufficient_privilege';
        END $$
    """)
    op.execute("""CREATE TRIGGER audit_log_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_log
                  FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only()""")
    op.execute("""CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
                  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only()""")
    op.create_table(
        'room_actions',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('args', JSON, nullable=False),
        sa.Column('moderator_id', sa.String(length=36), nullable=False),
        sa.Column('reason', sa.String(length=500), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_error', sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_room_actions')),
    )
    op.create_index('ix_room_actions_pending', 'room_actions', ['due_at'],
                    postgresql_where=sa.text("status = 'pending'"))


def downgrade() -> None:
    op.drop_table('room_actions')
    op.drop_table('audit_log')  # dropping the table is not an UPDATE, DELETE or TRUNCATE of its rows
    op.execute("DROP FUNCTION audit_log_is_append_only()")
