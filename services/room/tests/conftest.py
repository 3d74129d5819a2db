"""Room test fixtures on the real PostgreSQL: a migrated throwaway database and a service built on it."""
import dataclasses

import pytest

from hearth_common import testing
from hearth_common.db import make_engine
from room_service import settings as settings_module
from room_service.bootstrap import build_scripts, build_service
from room_service.migrations import runner
from room_service.seed import STARTER_ROOMS, STARTER_SCRIPTS


@pytest.fixture(scope="session")
def room_db_url():
    with testing.migrated_database("hearth_room_test", runner.upgrade) as url:
        yield url


@pytest.fixture(scope="session")
def room_engine(room_db_url):
    engine = make_engine(room_db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def room_settings(room_db_url):
    return dataclasses.replace(settings_module.load(), database_url=room_db_url, grpc_address="127.0.0.1:0")


@pytest.fixture
def rooms(room_settings, room_engine):
    """The real RoomService on a clean database holding the seeded catalogue and script library."""
    testing.truncate_all(room_engine)
    service = build_service(room_settings, room_engine)
    service.seed_rooms(STARTER_ROOMS)
    build_scripts(room_settings, room_engine).seed(STARTER_SCRIPTS)
    return service
