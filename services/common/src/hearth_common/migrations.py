"""Cross-cutting: Alembic plumbing shared by every service's migrations (env script body and a programmatic runner)."""
from __future__ import annotations

import pathlib
from collections.abc import Callable

import sqlalchemy as sa
from alembic import command
from alembic.config import Config


def run_env(context, metadata: sa.MetaData, version_table: str, default_url: Callable[[], str]) -> None:
    """The body of a service's migrations/env.py: online or offline, against the URL the runner passed."""
    config = context.config
    url = config.attributes.get("database_url") or config.get_main_option("sqlalchemy.url") or default_url()
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=metadata, literal_binds=True, version_table=version_table)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=metadata, version_table=version_table)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


class Migrations:
    """Upgrade and downgrade one service's schema programmatically (migrate step, tests)."""

    def __init__(self, script_location: pathlib.Path):
        self.script_location = script_location

    def config(self, database_url: str) -> Config:
        config = Config()
        config.set_main_option("script_location", str(self.script_location))
        config.attributes["database_url"] = database_url
        return config

    def upgrade(self, database_url: str, revision: str = "head") -> None:
        command.upgrade(self.config(database_url), revision)

    def downgrade(self, database_url: str, revision: str = "base") -> None:
        command.downgrade(self.config(database_url), revision)
