"""the on-duty rota, pages (with their change sequence), crisis flags and care resources

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05 14:00:00
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB, 'postgresql')
TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        'duty_shifts',
        sa.Column('moderator_id', sa.String(length=36), nullable=False),
        sa.Column('cohort', sa.String(length=10), nullable=True),
        sa.Column('room_slugs', JSON, nullable=False),
        sa.Column('started_at', TZ, nullable=False),
        sa.Column('ends_at', TZ, nullable=False),
        sa.PrimaryKeyConstraint('moderator_id', name=op.f('pk_duty_shifts')),
    )
    op.create_index(op.f('ix_duty_shifts_ends_at'), 'duty_shifts', ['ends_at'])
    op.execute(sa.schema.CreateSequence(sa.Sequence('page_seq')))
    op.create_table(
        'pages',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('seq', sa.BigInteger(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('reason', sa.String(length=32), nullable=False),
        sa.Column('room_slug', sa.String(length=64), nullable=False),
        sa.Column('cohort', sa.String(length=10), nullable=True),
        sa.Column('created_at', TZ, nullable=False),
        sa.Column('stage', sa.String(length=20), nullable=False),
        sa.Column('stage_at', TZ, nullable=False),
        sa.Column('recipient_ids', JSON, nullable=False),
        sa.Column('subject_id', sa.String(length=36), nullable=True),
        sa.Column('message_id', sa.String(length=64), nullable=True),
        sa.Column('excerpt', sa.Text(), nullable=True),
        sa.Column('caller_id', sa.String(length=36), nullable=True),
        sa.Column('note', sa.String(length=500), nullable=True),
        sa.Column('open_key', sa.String(length=200), nullable=True),
        sa.Column('acknowledged_by', sa.String(length=36), nullable=True),
        sa.Column('acknowledged_at', TZ, nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_pages')),
        sa.UniqueConstraint('seq', name=op.f('uq_pages_seq')),
    )
    op.create_index('uq_pages_one_open_referral', 'pages', ['open_key'], unique=True,
                    postgresql_where=sa.text('open_key IS NOT NULL'))
    op.create_index('ix_pages_to_escalate', 'pages', ['stage_at'],
                    postgresql_where=sa.text("acknowledged_by IS NULL AND stage <> 'admins'"))
    op.create_index('ix_pages_recipients', 'pages', ['recipient_ids'], postgresql_using='gin',
                    postgresql_ops={'recipient_ids': 'jsonb_path_ops'})
    op.create_index('ix_pages_created', 'pages', ['created_at'])
    op.create_table(
        'crisis_flags',
        sa.Column('message_id', sa.String(length=64), nullable=False),
        sa.Column('room_slug', sa.String(length=64), nullable=False),
        sa.Column('author_id', sa.String(length=36), nullable=False),
        sa.Column('tier', sa.String(length=10), nullable=False),
        sa.Column('page_id', sa.String(length=36), nullable=False),
        sa.Column('flagged_at', TZ, nullable=False),
        sa.PrimaryKeyConstraint('message_id', name=op.f('pk_crisis_flags')),
    )
    op.create_table(
        'care_resources',
        sa.Column('cohort', sa.String(length=10), nullable=False),
        sa.Column('lines', JSON, nullable=False),
        sa.Column('updated_by', sa.String(length=36), nullable=True),
        sa.Column('updated_at', TZ, nullable=True),
        sa.PrimaryKeyConstraint('cohort', name=op.f('pk_care_resources')),
    )


def downgrade() -> None:
    op.drop_table('care_resources')
    op.drop_table('crisis_flags')
    op.drop_table('pages')
    op.execute(sa.schema.DropSequence(sa.Sequence('page_seq')))
    op.drop_table('duty_shifts')
