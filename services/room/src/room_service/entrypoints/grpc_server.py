"""Entrypoint: the room-grpc process (grpcio, no eventlet)."""
from __future__ import annotations

import logging

from hearth.room.v1 import room_pb2, room_pb2_grpc

from hearth_common import access_policy as access
from hearth_common.clients.identity_keys import identity_key_fetcher
from hearth_common.db import DatabaseReadiness, make_server_engine
from hearth_common.grpc_server import Authentication, GrpcServer
from hearth_common.ids import ID_MAX
from hearth_common.logging import configure_logging
from hearth_common.request_limits import Limit, RequestLimits, free_text
from hearth_common.tokens import TokenVerifier
from room_service import settings as settings_module
from room_service.adapters import live as live_module
from room_service.adapters.live import LiveHub
from room_service.bootstrap import build_conversation, build_service
from room_service.domain import filters, grants, messages, rooms, scripts, sessions
from room_service.entrypoints.grpc_servicer import RoomServicer
from room_service.service_layer import presence

log = logging.getLogger(__name__)
SERVICE_NAME = room_pb2.DESCRIPTOR.services_by_name["RoomService"].full_name

# The edge's limits of room's own fields, from the domain's rules (common's defaults cover slugs, ids and
# tokens); a request over one is refused before any work (hearth_common.request_limits).
LIMITS = RequestLimits(text={
    "body": free_text(messages.MAX_BODY),
    "reason": free_text(grants.MAX_REASON),
    "reply_to": Limit(ID_MAX),  # a message's id
    "name": free_text(rooms.NAME_LENGTH[1]),
    "description": free_text(rooms.DESCRIPTION_MAX),
    "topic": free_text(max(rooms.TOPIC_LENGTH[1], sessions.TOPIC_LENGTH[1])),  # a room's, or a session's
    "audience_kind": Limit(max(len(kind) for kind in rooms.AUDIENCE_KINDS)),
    "access_policy_json": free_text(access.POLICY_JSON_MAX),
    "*.Script.title": free_text(scripts.TITLE_LENGTH[1]),
    "*.Script.opening": free_text(scripts.TEXT_MAX),
    "*.Script.closing": free_text(scripts.TEXT_MAX),
    "*.Script.prompts": free_text(scripts.PROMPT_MAX),  # each prompt
    "*.Script.session_type": Limit(max(len(kind) for kind in scripts.SESSION_TYPES)),
    "*.Script.audience_cohort": Limit(max(len(cohort) for cohort in scripts.AUDIENCES)),
    "session_type": Limit(max(len(kind) for kind in scripts.SESSION_TYPES)),
    "cohort": Limit(max(len(cohort) for cohort in scripts.AUDIENCES)),
    "month": Limit(len("YYYY-MM")),
    "kind": Limit(max(len(kind) for kind in filters.KINDS)),  # a personal filter's
}, items={"*.Script.prompts": Limit(scripts.MAX_PROMPTS)})


def pool_size(settings) -> int:
    """Connections each of room-grpc's pools keeps: one per call thread, plus the live hub's sweep and presence
    threads (a narrower pool opens and closes connections in bursts, each a backend start in a call)."""
    return settings.grpc_workers + 2


# Health follows the database this often: while it is unreachable, NOT_SERVING shows within about this long
# (a check costs a SELECT 1, or is refused at once while the engine's breaker is open).
def make_grpc_engine(settings):
    """room-grpc's engine (the conversation's single-statement engine shares its breaker: build_conversation),
    failing fast while the database is unreachable."""
    return make_server_engine(settings, pool_size(settings))


def build_server(settings, engine, verifier: TokenVerifier | None = None) -> tuple[GrpcServer, LiveHub]:
    """The server and its live hub (started by the caller, stopped after the server)."""
    verifier = verifier or TokenVerifier(identity_key_fetcher(settings.identity_grpc_target),
                                         issuer=settings.token_issuer, audience=settings.token_audience)
    conversation, sessions = build_conversation(settings, engine, pool_size=pool_size(settings),
                                               quiet_outbox_notify=True)
    live = LiveHub(settings.amqp_uri, conversation.heads, conversation.touch_many, conversation.notices_received_since,
                   sweep_interval=settings.live_sweep_seconds,
                   touch_interval=max(settings.presence_timeout_seconds / 4, 0.5),
                   hidden=conversation.filters.hidden_of, timeline=conversation.timeline_after,
                   gap_wait=settings.live_gap_wait_seconds)
    conversation.live = live.publish
    conversation.filters.changed = live.publish_filters
    conversation.access.changed = live.publish_access
    try:  # the rule set in force, compiled before the first post (else the first post compiles it)
        conversation.automod.load()
    except Exception:  # the database is not up yet: readiness says so, and the server still starts
        log.warning("automod rule set not loaded at start", exc_info=True)
    servicer = RoomServicer(build_service(settings, engine), conversation, sessions, live)
    server = GrpcServer(
        [(room_pb2_grpc.add_RoomServiceServicer_to_server, servicer)],
        [SERVICE_NAME],
        address=settings.grpc_address,
        max_workers=settings.grpc_workers,
        asyncio=True,  # Subscribe streams are coroutines; the other calls run in the thread pool
        keepalive_seconds=settings.grpc_keepalive_seconds,
        authentication=Authentication(verifier),  # no method of room's is public
        limits=LIMITS,
    )
    return server, live


def main() -> None:
    settings = settings_module.load()
    configure_logging("room", "grpc", settings.log_level)
    engine = make_grpc_engine(settings)
    server, live = build_server(settings, engine)
    live.start()
    try:  # readiness is the database's: live streams degrade to sweeps without the broker
        server.serve(settings, readiness=DatabaseReadiness.from_settings(engine, settings))
    finally:
        live.stop()
        log.info("live catch-up reads", extra={"stream_reads": sum(presence.CATCH_UP_READS.values()),
                                                "gap_fill_reads": sum(live_module.GAP_FILL_READS.values())})


if __name__ == "__main__":
    main()
