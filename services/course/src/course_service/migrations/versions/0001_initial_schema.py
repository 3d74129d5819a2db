"""initial schema: common's outbox, inbox, people and backfills; courses, discussions and enrolments

Revision ID: 0001
Revises:
Create Date: 2026-12-05 17:15:00
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
    migrations.add_backfill_event_types(op)
    # Course's own tables, written out: a migration keeps the shape it had when it was written.
    op.create_table(
        'courses',
        sa.Column('slug', sa.String(length=64), nullable=False),
        sa.Column('title', sa.String(length=120), nullable=False),
        sa.Column('summary', sa.Text(), nullable=False),
        sa.Column('badge_slug', sa.String(length=64), nullable=True),
        sa.Column('policy', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('requirements', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column('created_by', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('slug', name=op.f('pk_courses')),
    )
    op.create_index('ix_courses_status_title', 'courses', ['status', 'title'])
    op.create_table(
        'discussions',
        sa.Column('course_slug', sa.String(length=64), nullable=False),
        sa.Column('id', sa.String(length=64), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=120), nullable=False),
        sa.Column('opening_post', sa.Text(), nullable=False),
        sa.Column('created_by', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['course_slug'], ['courses.slug'], name=op.f('fk_discussions_course_slug_courses')),
        sa.PrimaryKeyConstraint('course_slug', 'id', name=op.f('pk_discussions')),
    )
    op.create_table(
        'enrolments',
        sa.Column('course_slug', sa.String(length=64), nullable=False),
        sa.Column('person_id', sa.String(length=36), nullable=False),
        sa.Column('section', sa.String(length=10), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('enrolled_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['course_slug'], ['courses.slug'], name=op.f('fk_enrolments_course_slug_courses')),
        sa.PrimaryKeyConstraint('course_slug', 'person_id', name=op.f('pk_enrolments')),
    )
    op.create_index('ix_enrolments_person', 'enrolments', ['person_id', 'enrolled_at'])


def downgrade() -> None:
    for table in ('enrolments', 'discussions', 'courses', 'event_backfills', 'people', 'inbox', 'outbox'):
        op.drop_table(table)
