"""Migrations: course's revisions."""
