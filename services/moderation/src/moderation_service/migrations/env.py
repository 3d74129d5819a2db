"""Migrations: Alembic environment for moderation's database."""
from alembic import context

from hearth_common.migrations import run_env
from moderation_service import settings
from moderation_service.adapters.orm import metadata

run_env(context, metadata, "alembic_version_moderation", lambda: settings.load().migration_database_url)
