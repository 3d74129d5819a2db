"""Composition root of room: builds the service layer from settings for every entrypoint."""
from __future__ import annotations

import datetime as dt

from hearth_common.db import fail_fast_of, make_engine
from hearth_common.outbox import OutboxRelay, QuietOutboxNotify
from room_service.adapters import orm
from room_service.adapters.repository import SOURCE, uow_factory
from room_service.service_layer.conversation import Conversation
from room_service.service_layer.scripts import Scripts
from room_service.service_layer.services import RoomService
from room_service.service_layer.sessions import Sessions
from room_service.service_layer.timeline import Transactions
from room_service.settings import Settings


def build_service(settings: Settings, engine=None) -> RoomService:
    return RoomService(uow_factory(engine or make_engine(settings.database_url)))


def build_conversation(settings: Settings, engine=None, live=None, pool_size: int = 5,
                       quiet_outbox_notify: bool = False) -> tuple[Conversation, Sessions]:
    """The use cases of being in rooms; `live` receives committed timeline items (room-grpc's LiveHub).
    `pool_size`: connections kept by the conversation's autocommit pool, which every one of its units of work
    uses (single statements commit as they run; a transaction's BEGIN goes with its first statement); size it
    to the threads that run calls, or bursts open and close connections mid-call (each new one costs a
    backend start and re-preparing the hot statements: tens of ms under load). That pool fails fast when
    `engine` does (db.FailFast), with the same breaker. With `quiet_outbox_notify` (room-grpc), its
    transactions leave the outbox's NOTIFY to one debounced sender (outbox.QuietOutboxNotify)."""
    autocommit_engine = make_engine(settings.database_url, autocommit=True, pool_size=pool_size,
                                    fail_fast=fail_fast_of(engine))
    if quiet_outbox_notify:  # its posts and joins do not queue on PostgreSQL's notify lock
        QuietOutboxNotify(autocommit_engine)
    conversation = Conversation(
        uow_factory(engine or make_engine(settings.database_url), autocommit_engine),
        live=live,
        presence_timeout=dt.timedelta(seconds=settings.presence_timeout_seconds),
    )
    return conversation, Sessions(conversation, settings.hosting_quota_minutes)


def build_scripts(settings: Settings, engine=None) -> Scripts:
    """The script library alone (room-migrate seeds it)."""
    return Scripts(Transactions(uow_factory(engine or make_engine(settings.database_url))))


def build_relay(settings: Settings, engine=None) -> OutboxRelay:
    return OutboxRelay(engine or make_engine(settings.database_url), orm.outbox, SOURCE, settings.amqp_uri)
