"""Migrations: Alembic environment for room's database."""
from alembic import context

from hearth_common.migrations import run_env
from room_service import settings
from room_service.adapters.orm import metadata

run_env(context, metadata, "alembic_version_room", lambda: settings.load().migration_database_url)
