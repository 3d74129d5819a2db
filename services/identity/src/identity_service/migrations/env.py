"""Migrations: Alembic environment for identity's database."""
from alembic import context

from hearth_common.migrations import run_env
from identity_service import settings
from identity_service.adapters.orm import metadata

run_env(context, metadata, "alembic_version_identity", lambda: settings.load().migration_database_url)
