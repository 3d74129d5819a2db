"""Migrations: course's Alembic scripts."""
