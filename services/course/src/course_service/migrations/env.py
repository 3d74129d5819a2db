"""Migrations: Alembic environment for course's database."""
from alembic import context

from course_service import settings
from course_service.adapters.orm import metadata
from hearth_common.migrations import run_env

run_env(context, metadata, "alembic_version_course", lambda: settings.load().migration_database_url)
