"""Contract tier fixtures: identity, room, moderation and course, each on a migrated throwaway PostgreSQL database,
built by their composition roots as their processes build them."""
import dataclasses
import importlib

import pytest

from hearth_common import testing
from hearth_common.db import make_engine


def _migrated_engine(service: str):
    """An engine on a throwaway database migrated by `service`'s own migrations."""
    runner = importlib.import_module(f"{service}_service.migrations.runner")
    with testing.migrated_database(f"hearth_{service}_contract", runner.upgrade) as url:
        engine = make_engine(url)
        yield engine
        engine.dispose()


@pytest.fixture(scope="session")
def identity_engine():
    yield from _migrated_engine("identity")


@pytest.fixture(scope="session")
def room_engine():
    yield from _migrated_engine("room")


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


@pytest.fixture(scope="session")
def moderation_engine():
    yield from _migrated_engine("moderation")


@pytest.fixture(scope="session")
def course_engine():
    yield from _migrated_engine("course")


class RoomBlocks:
    """course's question of who blocks a post's author, answered by room's use case behind `room.blockers_of`
    (the RPC's hop left out: the tier has no workers)."""

    def __init__(self, conversation):
        self.conversation = conversation

    def blockers_of(self, author_id: str, person_ids: list[str]) -> set[str]:
        return set(self.conversation.blockers_of(author_id, person_ids))


@pytest.fixture(scope="session")
def course_service(course_engine, room_services):
    """course's CourseService, built by its composition root (certificates signed by the development key), asking
    room's lists who blocks whom."""
    from course_service import settings
    from course_service.bootstrap import build_service

    config = dataclasses.replace(settings.load(), database_url=course_engine.url.render_as_string(False))
    return build_service(config, course_engine, blocks=RoomBlocks(room_services[1]))
