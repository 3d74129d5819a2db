"""Course test fixtures on the real PostgreSQL: a migrated throwaway database and a service built on it."""
import dataclasses

import pytest

from course_service import settings as settings_module
from course_service.migrations import runner
from hearth_common import testing
from hearth_common.db import make_engine


@pytest.fixture(scope="session")
def course_db_url():
    with testing.migrated_database("hearth_course_test", runner.upgrade) as url:
        yield url


@pytest.fixture(scope="session")
def course_engine(course_db_url):
    engine = make_engine(course_db_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def course_autocommit_engine(course_db_url):
    """An engine as course-grpc's: autocommit, a unit's BEGIN sent with its first statement."""
    engine = make_engine(course_db_url, autocommit=True)
    yield engine
    engine.dispose()


@pytest.fixture
def course_settings(course_db_url):
    return dataclasses.replace(settings_module.load(), database_url=course_db_url, grpc_address="127.0.0.1:0")


@pytest.fixture
def clean_engine(course_engine):
    """The engine on emptied tables (the schema stays)."""
    testing.truncate_all(course_engine)
    return course_engine
