"""Composition root of course: builds the service layer from settings for every entrypoint."""
from __future__ import annotations

from course_service.adapters import orm
from course_service.adapters.certificates import Ed25519Signer
from course_service.adapters.repository import SOURCE, uow_factory
from course_service.service_layer.ports import PersonalBlocks
from course_service.service_layer.services import CourseService
from course_service.settings import Settings
from hearth_common.db import make_engine
from hearth_common.outbox import OutboxRelay
from hearth_common.rpc_client import RpcClient
from hearth_common.service_rpc import RoomRpc


def build_service(settings: Settings, engine=None, blocks: PersonalBlocks | None = None) -> CourseService:
    """`blocks` is room's lists over RPC (`room.blockers_of`, connected at the first post that needs it) unless
    given."""
    return CourseService(uow_factory(engine or make_engine(settings.database_url)),
                         Ed25519Signer.from_setting(settings.certificate_key,
                                                      settings.certificate_retired_public_keys),
                         blocks=blocks or RoomRpc(RpcClient(settings.amqp_uri,
                                                            timeout=settings.room_rpc_timeout_seconds)))


def build_relay(settings: Settings, engine=None) -> OutboxRelay:
    return OutboxRelay(engine or make_engine(settings.database_url), orm.outbox, SOURCE, settings.amqp_uri)
