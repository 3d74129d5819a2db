"""Moderation test fixtures on the real PostgreSQL: a migrated throwaway database and a service built on it."""
import dataclasses

import pytest

from hearth_common import testing
from hearth_common.db import make_engine
from moderation_service import settings as settings_module
from moderation_service.migrations import runner


@pytest.fixture(scope="session")
def moderation_db_url():
    with testing.migrated_database("hearth_moderation_test", runner.upgrade) as url:
        yield url


@pytest.fixture(scope="session")
def moderation_engine(moderation_db_url):
    engine = make_engine(moderation_db_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def moderation_autocommit_engine(moderation_db_url):
    """The worker's second pool: make_engine(autocommit=True), a transaction's BEGIN sent with its first statement."""
    engine = make_engine(moderation_db_url, autocommit=True)
    yield engine
    engine.dispose()


@pytest.fixture
def moderation_settings(moderation_db_url):
    return dataclasses.replace(settings_module.load(), database_url=moderation_db_url, grpc_address="127.0.0.1:0")


@pytest.fixture
def clean_engine(moderation_engine):
    """The engine on emptied tables (the schema stays)."""
    testing.truncate_all(moderation_engine)
    return moderation_engine
