"""Migrations: Alembic environment for identity's database."""
from alembic import context
from sqlalchemy import create_engine, pool

from identity_service.adapters.orm import metadata

config = context.config


def database_url() -> str:
    url = config.attributes.get("database_url") or config.get_main_option("sqlalchemy.url")
    if not url:
        from identity_service import settings

        url = settings.load().database_url
    return url


def run_migrations_offline() -> None:
    context.configure(url=database_url(), target_metadata=metadata, literal_binds=True, version_table="alembic_version_identity")
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = create_engine(database_url(), poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=metadata, version_table="alembic_version_identity")
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
