"""initial schema: common's outbox, inbox, people, backfills and idempotency records; room members, messages,
cases, reports and paces

Revision ID: 0001
Revises:
Create Date: 2026-12-05 11:00:00
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from hearth_common import migrations

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    # common's helpers, whose shapes are frozen (hearth_common.migrations): the tables as common defines them.
    migrations.create_outbox_table(op)
    migrations.create_inbox_table(op)
    migrations.create_people_table(op)
    migrations.create_backfill_table(op)
    migrations.create_idempotency_table(op)
    # Moderation's own tables, written out: a migration keeps the shape it had when it was written.
    op.create_table(
        'room_members',
        sa.Column('room_slug', sa.String(length=64), nullable=False),
        sa.Column('person_id', sa.String(length=36), nullable=False),
        sa.Column('present', sa.Boolean(), nullable=False),
        sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('seq', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('room_slug', 'person_id', name=op.f('pk_room_members')),
    )
    op.create_table(
        'messages',
        sa.Column('message_id', sa.String(length=64), nullable=False),
        sa.Column('room_slug', sa.String(length=64), nullable=False),
        sa.Column('author_id', sa.String(length=36), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('posted_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('seq', sa.BigInteger(), nullable=False),
        sa.Column('deleted', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('message_id', name=op.f('pk_messages')),
    )
    op.create_index(op.f('ix_messages_posted_at'), 'messages', ['posted_at'])
    op.create_table(
        'cases',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('subject_id', sa.String(length=36), nullable=False),
        sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('decision', sa.String(length=10), nullable=True),
        sa.Column('decided_by', sa.String(length=36), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('note', sa.String(length=500), nullable=True),
        sa.Column('removed_message_ids', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'),
                  nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_cases')),
    )
    op.create_index('uq_cases_one_open_per_subject', 'cases', ['subject_id'], unique=True,
                    postgresql_where=sa.text("status = 'open'"))
    op.create_index('ix_cases_open', 'cases', ['opened_at'], postgresql_where=sa.text("status = 'open'"))
    op.create_table(
        'reports',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('case_id', sa.String(length=36), nullable=False),
        sa.Column('reporter_id', sa.String(length=36), nullable=False),
        sa.Column('subject_id', sa.String(length=36), nullable=False),
        sa.Column('room_slug', sa.String(length=64), nullable=False),
        sa.Column('message_id', sa.String(length=64), nullable=True),
        sa.Column('message_body', sa.Text(), nullable=True),
        sa.Column('reason', sa.String(length=32), nullable=False),
        sa.Column('note', sa.String(length=500), nullable=True),
        sa.Column('filed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('outcome', sa.String(length=10), nullable=False),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_reports_case_id_cases')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reports')),
    )
    op.create_index(op.f('ix_reports_case_id'), 'reports', ['case_id'])
    op.create_index('uq_reports_one_open_per_target', 'reports',
                    ['reporter_id', 'room_slug', 'subject_id', sa.text("coalesce(message_id, '')")], unique=True,
                    postgresql_where=sa.text("outcome = 'open'"))
    op.create_index('ix_reports_reporter_decided', 'reports', ['reporter_id', 'decided_at'])
    op.create_table(
        'paces',
        sa.Column('person_id', sa.String(length=36), nullable=False),
        sa.Column('action', sa.String(length=20), nullable=False),
        sa.Column('due_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('person_id', 'action', name=op.f('pk_paces')),
    )


def downgrade() -> None:
    for table in ('paces', 'reports', 'cases', 'messages', 'room_members', 'idempotency_records',
                  'event_backfills', 'people', 'inbox', 'outbox'):
        op.drop_table(table)
