"""posts: threads of course discussions (posts, thread seqs, likes, mentions) and per-person paces

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-05 17:30:00
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        'posts',
        sa.Column('id', sa.String(length=64), nullable=False),
        sa.Column('course_slug', sa.String(length=64), nullable=False),
        sa.Column('discussion_id', sa.String(length=64), nullable=False),
        sa.Column('section', sa.String(length=10), nullable=False),
        sa.Column('seq', sa.BigInteger(), nullable=False),
        sa.Column('author_id', sa.String(length=36), nullable=False),
        sa.Column('parent_id', sa.String(length=64), nullable=True),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('words', sa.Integer(), nullable=False),
        sa.Column('mention_ids', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column('likes', sa.Integer(), nullable=False),
        sa.Column('created_at', TZ, nullable=False),
        sa.Column('edited_at', TZ, nullable=True),
        sa.Column('deleted_at', TZ, nullable=True),
        sa.Column('removed_by', sa.String(length=36), nullable=True),
        sa.Column('by_moderation', sa.Boolean(), nullable=False),
        sa.Column('removal_reason', sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(['course_slug', 'discussion_id'], ['discussions.course_slug', 'discussions.id'],
                                name='fk_posts_discussion'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_posts')),
        sa.UniqueConstraint('course_slug', 'discussion_id', 'section', 'seq',
                            name=op.f('uq_posts_course_slug_discussion_id_section_seq')),
    )
    op.create_index('ix_posts_course_author', 'posts', ['course_slug', 'author_id'])
    op.create_table(
        'thread_seqs',
        sa.Column('course_slug', sa.String(length=64), nullable=False),
        sa.Column('discussion_id', sa.String(length=64), nullable=False),
        sa.Column('section', sa.String(length=10), nullable=False),
        sa.Column('last_seq', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('course_slug', 'discussion_id', 'section', name=op.f('pk_thread_seqs')),
    )
    op.create_table(
        'post_likes',
        sa.Column('post_id', sa.String(length=64), nullable=False),
        sa.Column('person_id', sa.String(length=36), nullable=False),
        sa.Column('liked_at', TZ, nullable=False),
        sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_post_likes_post_id_posts')),
        sa.PrimaryKeyConstraint('post_id', 'person_id', name=op.f('pk_post_likes')),
    )
    op.create_table(
        'post_mentions',
        sa.Column('id', sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column('post_id', sa.String(length=64), nullable=False),
        sa.Column('person_id', sa.String(length=36), nullable=False),
        sa.Column('mentioned_at', TZ, nullable=False),
        sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_post_mentions_post_id_posts')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_post_mentions')),
        sa.UniqueConstraint('post_id', 'person_id', name=op.f('uq_post_mentions_post_id_person_id')),
    )
    op.create_index('ix_post_mentions_person', 'post_mentions', ['person_id', 'id'])
    op.create_table(
        'paces',
        sa.Column('person_id', sa.String(length=36), nullable=False),
        sa.Column('action', sa.String(length=20), nullable=False),
        sa.Column('due_at', TZ, nullable=True),
        sa.PrimaryKeyConstraint('person_id', 'action', name=op.f('pk_paces')),
    )


def downgrade() -> None:
    for table in ('paces', 'post_mentions', 'post_likes', 'thread_seqs', 'posts'):
        op.drop_table(table)
