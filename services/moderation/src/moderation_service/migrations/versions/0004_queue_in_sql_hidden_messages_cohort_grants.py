"""the queue in SQL (each reporter's stored accuracy, an index of open reports), messages hidden pending review,
and room's cross-cohort grants

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05 13:40:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'reporter_accuracy',
        sa.Column('reporter_id', sa.String(length=36), nullable=False),
        sa.Column('upheld', sa.Integer(), nullable=False),
        sa.Column('decided', sa.Integer(), nullable=False),
        sa.Column('accuracy', sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint('reporter_id', name=op.f('pk_reporter_accuracy')),
    )
    # Each reporter's accuracy from the decided reports so far: their last 100 upheld or rejected ones,
    # (upheld + 1) / (decided + 2), as domain.reports.accuracy.
    op.execute("""
        INSERT INTO reporter_accuracy (reporter_id, upheld, decided, accuracy)
        SELECT reporter_id, count(*) FILTER (WHERE outcome = 'upheld'), count(*),
               (count(*) FILTER (WHERE outcome = 'upheld') + 1.0) / (count(*) + 2.0)
        FROM (SELECT reporter_id, outcome,
                     row_number() OVER (PARTITION BY reporter_id ORDER BY decided_at DESC, id DESC) AS n
              FROM reports WHERE outcome IN ('upheld', 'rejected')) AS ranked
        WHERE n <= 100
        GROUP BY reporter_id
    """)
    op.create_table(
        'hidden_messages',
        sa.Column('message_id', sa.String(length=64), nullable=False),
        sa.Column('case_id', sa.String(length=36), nullable=False),
        sa.Column('room_slug', sa.String(length=64), nullable=False),
        sa.Column('author_id', sa.String(length=36), nullable=False),
        sa.Column('action_id', sa.String(length=36), nullable=False),
        sa.Column('hidden_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('weight', sa.Float(), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('message_id', name=op.f('pk_hidden_messages')),
    )
    op.create_index(op.f('ix_hidden_messages_case_id'), 'hidden_messages', ['case_id'])
    op.create_table(
        'cohort_grants',
        sa.Column('grant_id', sa.String(length=64), nullable=False),
        sa.Column('person_id', sa.String(length=36), nullable=False),
        sa.Column('room_slug', sa.String(length=64), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('revoked', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('grant_id', name=op.f('pk_cohort_grants')),
    )
    op.create_index(op.f('ix_cohort_grants_person_id'), 'cohort_grants', ['person_id'])
    op.create_index('ix_reports_open_case', 'reports', ['case_id', 'reporter_id'],
                    postgresql_where=sa.text("outcome = 'open'"))


def downgrade() -> None:
    op.drop_index('ix_reports_open_case', table_name='reports')
    op.drop_table('cohort_grants')
    op.drop_table('hidden_messages')
    op.drop_table('reporter_accuracy')
