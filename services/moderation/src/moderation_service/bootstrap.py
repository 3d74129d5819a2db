"""Composition root of moderation: builds the service layer from settings for every entrypoint."""
from __future__ import annotations

from hearth_common.db import make_engine
from hearth_common.outbox import OutboxRelay
from hearth_common.rpc_client import RpcClient
from hearth_common.service_rpc import CourseRpc, RoomRpc
from moderation_service.adapters import orm
from moderation_service.adapters.repository import SOURCE, uow_factory
from moderation_service.service_layer.appeals import AppealsService
from moderation_service.service_layer.audit_log import AuditLogQueries
from moderation_service.service_layer.automod import AutomodRules
from moderation_service.service_layer.pager import PagerService
from moderation_service.service_layer.ports import CourseCalls, RoomCalls
from moderation_service.service_layer.room_actions import RoomActionRunner
from moderation_service.service_layer.sanctions import SanctionsService
from moderation_service.service_layer.services import ModerationService
from moderation_service.settings import Settings


def room_calls(settings: Settings) -> RoomCalls:
    """room's calls over RPC (connected at the first call)."""
    return RoomRpc(RpcClient(settings.amqp_uri, timeout=settings.room_rpc_timeout_seconds))


def course_calls(settings: Settings) -> CourseCalls:
    """course's calls over RPC (connected at the first call)."""
    return CourseRpc(RpcClient(settings.amqp_uri, timeout=settings.course_rpc_timeout_seconds))


def build_service(settings: Settings, engine=None, autocommit_engine=None) -> ModerationService:
    """With `autocommit_engine` (make_engine(autocommit=True); the worker's), every unit of work runs there: a
    transaction's BEGIN goes with its first statement."""
    return ModerationService(uow_factory(engine or make_engine(settings.database_url), autocommit_engine),
                             message_retention=settings.message_retention)


def build_sanctions(settings: Settings, engine=None) -> SanctionsService:
    return SanctionsService(uow_factory(engine or make_engine(settings.database_url)))


def build_room_actions(settings: Settings, engine=None, rooms: RoomCalls | None = None,
                       courses: CourseCalls | None = None) -> RoomActionRunner:
    """The one runner of the calls decisions recorded, to room and to course."""
    return RoomActionRunner(uow_factory(engine or make_engine(settings.database_url)), rooms or room_calls(settings),
                            course=courses or course_calls(settings))


def build_relay(settings: Settings, engine=None) -> OutboxRelay:
    return OutboxRelay(engine or make_engine(settings.database_url), orm.outbox, SOURCE, settings.amqp_uri)


def build_automod(settings: Settings, engine=None) -> AutomodRules:
    """automod's use cases alone (moderation-migrate publishes the rule set's first version with them)."""
    return AutomodRules(uow_factory(engine or make_engine(settings.database_url)))


def build_pager(settings: Settings, engine=None) -> PagerService:
    return PagerService(uow_factory(engine or make_engine(settings.database_url)),
                        escalate_after=settings.page_escalation, poll_interval=settings.page_poll_seconds)


def build_appeals(settings: Settings, engine=None) -> AppealsService:
    return AppealsService(uow_factory(engine or make_engine(settings.database_url)))


def build_audit_log(settings: Settings, engine=None) -> AuditLogQueries:
    return AuditLogQueries(uow_factory(engine or make_engine(settings.database_url)))
