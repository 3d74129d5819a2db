"""Dev tooling: creates each named service's local database if it does not exist (used by `make migrate`)."""
import os
import sys

import sqlalchemy as sa


def ensure(service: str) -> None:
    default = f"postgresql+psycopg2://postgres@127.0.0.1:5432/hearth_{service}"
    url = sa.engine.make_url(os.environ.get(f"{service.upper()}_DATABASE_URL", default))
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": url.database}).first()
        if not exists:
            conn.execute(sa.text(f'CREATE DATABASE "{url.database}"'))
            print(f"created database {url.database}")
    admin.dispose()


if __name__ == "__main__":
    for name in sys.argv[1:]:
        ensure(name)
