"""Composition root of identity: builds the service layer from settings for every entrypoint."""
from __future__ import annotations

from hearth_common.db import make_engine
from hearth_common.outbox import OutboxRelay
from hearth_common.rpc_client import RpcClient
from hearth_common.service_rpc import RoomRpc
from identity_service.adapters import orm
from identity_service.adapters.crypto import Argon2Hasher, Ed25519Signer
from identity_service.adapters.repository import SOURCE, uow_factory
from identity_service.adapters.room_topics import RoomTopicsOverRpc
from identity_service.seed import load_badge_rules
from identity_service.service_layer.badge_rules import BadgeRules
from identity_service.service_layer.ports import RoomCatalogue, RoomTopics
from identity_service.service_layer.services import IdentityService, TokenPolicy
from identity_service.settings import Settings


def build_service(settings: Settings, engine=None, rooms: RoomCatalogue | None = None) -> IdentityService:
    """`rooms` is room's catalogue over RPC (connected at the first room-scoped grant) unless given."""
    engine = engine or make_engine(settings.database_url)
    return IdentityService(
        uow_factory(engine),
        Argon2Hasher(settings.argon2_time_cost, settings.argon2_memory_kib),
        Ed25519Signer(settings.key_passphrase),
        TokenPolicy(
            issuer=settings.token_issuer,
            audience=settings.token_audience,
            access_ttl=settings.access_token_ttl,
            refresh_ttl=settings.refresh_token_ttl,
        ),
        rooms=rooms or RoomRpc(RpcClient(settings.amqp_uri, timeout=5.0)),
    )


def build_badge_rules(settings: Settings, engine=None, rooms: RoomTopics | None = None) -> BadgeRules:
    """The badge rules (seed/badge_rules.json) over identity's store, awarding through the one award use case."""
    engine = engine or make_engine(settings.database_url)
    room_rpc = RoomRpc(RpcClient(settings.amqp_uri, timeout=5.0))
    identity = build_service(settings, engine, rooms=room_rpc)
    return BadgeRules(uow_factory(engine), identity, load_badge_rules(), rooms or RoomTopicsOverRpc(room_rpc),
                      identity.clock)


def build_relay(settings: Settings, engine=None) -> OutboxRelay:
    return OutboxRelay(engine or make_engine(settings.database_url), orm.outbox, SOURCE, settings.amqp_uri)
