"""Migrations: programmatic Alembic upgrade/downgrade, used by the migrate step and the tests."""
from __future__ import annotations

import pathlib

from alembic import command
from alembic.config import Config

HERE = pathlib.Path(__file__).resolve().parent


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(database_url), revision)
