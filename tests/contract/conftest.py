"""Contract tier fixtures: identity and room, each on a migrated throwaway PostgreSQL database, built by their
composition roots as their processes build them."""
import dataclasses

import pytest

from hearth_common import testing
from hearth_common.db import make_engine


@pytest.fixture(scope="session")
def identity_engine():
    from identity_service.migrations import runner

    with testing.migrated_database("hearth_identity_contract", runner.upgrade) as url:
        engine = make_engine(url)
        yield engine
        engine.dispose()


@pytest.fixture(scope="session")
def room_engine():
    from room_service.migrations import runner

    with testing.migrated_database("hearth_room_contract", runner.upgrade) as url:
        engine = make_engine(url)
        yield engine
        engine.dispose()


@pytest.fixture(scope="session")
def identity_service(identity_engine):
    from identity_service import settings
    from identity_service.bootstrap import build_service

    config = dataclasses.replace(settings.load(), database_url=identity_engine.url.render_as_string(False),
                                 argon2_time_cost=1, argon2_memory_kib=1024, key_passphrase="test-passphrase")
    return build_service(config, identity_engine)


@pytest.fixture(scope="session")
def room_services(room_engine):
    """room's RoomService, Conversation and Sessions."""
    from room_service import settings
    from room_service.bootstrap import build_conversation, build_service

    config = dataclasses.replace(settings.load(), database_url=room_engine.url.render_as_string(False))
    return (build_service(config, room_engine), *build_conversation(config, room_engine))
