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
from hearth_common.rpc_client import RpcClient, RpcClientPool
from hearth_common.service_rpc import RoomRpc


def room_blocks(settings: Settings) -> PersonalBlocks:
    """Room's lists over RPC (`room.blockers_of`): a client per call thread at most, each connected at its first
    call, so a slow answer holds up its own call only."""
    timeout = settings.room_rpc_timeout_seconds
    return RoomRpc(RpcClientPool(lambda: RpcClient(settings.amqp_uri, timeout=timeout), size=settings.grpc_workers,
                                 wait=timeout))


def build_service(settings: Settings, engine=None, blocks: PersonalBlocks | None = None) -> CourseService:
    """`blocks` is room's lists over RPC (room_blocks) unless given."""
    return CourseService(uow_factory(engine or make_engine(settings.database_url)),
                         Ed25519Signer.from_setting(settings.certificate_key,
                                                      settings.certificate_retired_public_keys),
                         blocks=blocks or room_blocks(settings))


def build_relay(settings: Settings, engine=None) -> OutboxRelay:
    return OutboxRelay(engine or make_engine(settings.database_url), orm.outbox, SOURCE, settings.amqp_uri)
