"""Migrations: identity's programmatic Alembic upgrade/downgrade, used by the migrate step and the tests."""
import pathlib

from hearth_common.migrations import Migrations

_migrations = Migrations(pathlib.Path(__file__).resolve().parent)
alembic_config = _migrations.config
upgrade = _migrations.upgrade
downgrade = _migrations.downgrade
upgrade_as_owner = _migrations.upgrade_as_owner  # the migrate step: as the owner, granting the runtime role
