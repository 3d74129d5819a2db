"""Composition root of moderation: builds the service layer from settings for every entrypoint."""
from __future__ import annotations

from hearth_common.db import make_engine
from hearth_common.outbox import OutboxRelay
from hearth_common.rpc_client import RpcClient
from hearth_common.service_rpc import RoomRpc
from moderation_service.adapters import orm
from moderation_service.adapters.repository import SOURCE, uow_factory
from moderation_service.service_layer.automod import AutomodRules
from moderation_service.service_layer.ports import RoomRemovals
from moderation_service.service_layer.services import ModerationService
from moderation_service.settings import Settings


def build_service(settings: Settings, engine=None, rooms: RoomRemovals | None = None) -> ModerationService:
    """`rooms` is room's removals over RPC (connected at the first removal) unless given."""
    return ModerationService(
        uow_factory(engine or make_engine(settings.database_url)),
        rooms or RoomRpc(RpcClient(settings.amqp_uri, timeout=settings.room_rpc_timeout_seconds)),
        message_retention=settings.message_retention,
    )


def build_relay(settings: Settings, engine=None) -> OutboxRelay:
    return OutboxRelay(engine or make_engine(settings.database_url), orm.outbox, SOURCE, settings.amqp_uri)


def build_automod(settings: Settings, engine=None) -> AutomodRules:
    """automod's use cases alone (moderation-migrate publishes the rule set's first version with them)."""
    return AutomodRules(uow_factory(engine or make_engine(settings.database_url)))
