"""progress: quiz attempts, sessions led (the practicum), mentorships and completions with their certificates

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05 17:29:44.796432
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('led_sessions',
    sa.Column('session_id', sa.String(length=64), nullable=False),
    sa.Column('leader_id', sa.String(length=36), nullable=False),
    sa.Column('room_slug', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('duration_seconds', sa.Integer(), nullable=False),
    sa.Column('attendee_count', sa.Integer(), nullable=False),
    sa.Column('script_id', sa.String(length=64), nullable=True),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('session_id', name=op.f('pk_led_sessions'))
    )
    op.create_index('ix_led_sessions_leader', 'led_sessions', ['leader_id', 'ended_at'], unique=False)
    op.create_table('completions',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('course_slug', sa.String(length=64), nullable=False),
    sa.Column('person_id', sa.String(length=36), nullable=False),
    sa.Column('section', sa.String(length=10), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('course_title', sa.String(length=120), nullable=False),
    sa.Column('badge_slug', sa.String(length=64), nullable=True),
    sa.Column('certificate_id', sa.String(length=64), nullable=False),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('key_id', sa.String(length=32), nullable=False),
    sa.Column('signature', sa.String(length=200), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_by', sa.String(length=36), nullable=True),
    sa.Column('revoke_reason', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['course_slug'], ['courses.slug'], name=op.f('fk_completions_course_slug_courses')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_completions')),
    sa.UniqueConstraint('certificate_id', name=op.f('uq_completions_certificate_id')),
    sa.UniqueConstraint('course_slug', 'person_id', name='uq_completions_course_person')
    )
    op.create_index('ix_completions_completed', 'completions', ['completed_at'], unique=False)
    op.create_table('quiz_attempts',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('course_slug', sa.String(length=64), nullable=False),
    sa.Column('quiz_id', sa.String(length=64), nullable=False),
    sa.Column('person_id', sa.String(length=36), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('answers', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('passed', sa.Boolean(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['course_slug'], ['courses.slug'], name=op.f('fk_quiz_attempts_course_slug_courses')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_attempts')),
    sa.UniqueConstraint('course_slug', 'person_id', 'quiz_id', 'number', name='uq_quiz_attempts_number')
    )
    op.create_table('mentorships',
    sa.Column('course_slug', sa.String(length=64), nullable=False),
    sa.Column('person_id', sa.String(length=36), nullable=False),
    sa.Column('mentor_id', sa.String(length=36), nullable=False),
    sa.Column('assigned_by', sa.String(length=36), nullable=False),
    sa.Column('assigned_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('review', sa.String(length=10), nullable=False),
    sa.Column('waiting_since', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('feedback', sa.Text(), nullable=False),
    sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['course_slug', 'person_id'], ['enrolments.course_slug', 'enrolments.person_id'],
                            name='fk_mentorships_enrolment'),
    sa.PrimaryKeyConstraint('course_slug', 'person_id', name=op.f('pk_mentorships'))
    )
    op.create_index('ix_mentorships_mentor', 'mentorships', ['mentor_id', 'review', 'waiting_since'], unique=False)
    op.create_index('ix_mentorships_waiting', 'mentorships', ['review', 'waiting_since'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_mentorships_waiting', table_name='mentorships')
    op.drop_index('ix_mentorships_mentor', table_name='mentorships')
    op.drop_table('mentorships')
    op.drop_table('quiz_attempts')
    op.drop_index('ix_completions_completed', table_name='completions')
    op.drop_table('completions')
    op.drop_index('ix_led_sessions_leader', table_name='led_sessions')
    op.drop_table('led_sessions')
