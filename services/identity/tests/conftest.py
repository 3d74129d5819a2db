"""Identity test fixtures on the real PostgreSQL: a migrated throwaway database and a service built on it."""
import dataclasses

import pytest

from hearth_common import testing
from hearth_common.db import make_engine
from hearth_common.rpc_client import RpcUnavailable
from identity_service import settings as settings_module
from identity_service.bootstrap import build_service
from identity_service.migrations import runner
from identity_service.seed import STARTER_BADGES


class RoomCatalogueFake:
    """room's catalogue as identity asks it (ports.RoomCatalogue): the slugs given are rooms; while `down`, room
    cannot be asked."""

    def __init__(self, slugs):
        self.slugs = set(slugs)
        self.down = False

    def room_exists(self, slug: str) -> bool:
        if self.down:
            raise RpcUnavailable("no room worker is running to answer get_room; try again shortly")
        return slug in self.slugs


@pytest.fixture
def room_catalogue():
    return RoomCatalogueFake({"teen-lounge", "night-owls", "lounge", "sharing-circle"})


@pytest.fixture(scope="session")
def identity_db_url():
    with testing.migrated_database("hearth_identity_test", runner.upgrade) as url:
        yield url


@pytest.fixture(scope="session")
def identity_engine(identity_db_url):
    engine = make_engine(identity_db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def identity_settings(identity_db_url):
    """Settings for tests: the throwaway database, cheap argon2, the shared local broker."""
    return dataclasses.replace(
        settings_module.load(),
        database_url=identity_db_url,
        grpc_address="127.0.0.1:0",
        argon2_time_cost=1,
        argon2_memory_kib=1024,
        key_passphrase="test-passphrase",
    )


@pytest.fixture
def clean_identity_db(identity_engine):
    testing.truncate_all(identity_engine)
    return identity_engine


@pytest.fixture
def identity(identity_settings, clean_identity_db, room_catalogue):
    """The real IdentityService on a clean, seeded database with a signing key (room's catalogue faked)."""
    service = build_service(identity_settings, clean_identity_db, rooms=room_catalogue)
    service.seed_badges(STARTER_BADGES)
    service.ensure_signing_key()
    return service
