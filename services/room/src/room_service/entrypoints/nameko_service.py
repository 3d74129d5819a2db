"""Entrypoint: room's nameko worker: read models from identity's and moderation's events, moderation's RPC,
the presence sweep, the closing of overdue sessions and the outbox relay."""
from __future__ import annotations

import functools
import logging

from nameko.timer import timer

from hearth_common.contracts import identity, moderation
from hearth_common.db import db_ping, make_engine
from hearth_common.errors import DomainError
from hearth_common.nameko_backfill import EventBackfillRunner, EventReplay
from hearth_common.nameko_deps import (
    Heartbeat,
    OutboxRelayRunner,
    RequestContext,
    Resource,
    RpcCaller,
    amqp_ping,
    jsonable,
    proven_rpc,
    reliable_event_handler,
    rpc_errors,
)
from hearth_common.service_rpc import consumer_of_replay
from room_service import settings as settings_module
from room_service.bootstrap import build_conversation, build_relay, build_service

settings = settings_module.load()
log = logging.getLogger(__name__)


@functools.cache
def _engine():
    return make_engine(settings.database_url)


@functools.cache
def _conversation():
    """Conversation and Sessions, built once for the worker's handlers and timers."""
    return build_conversation(settings, _engine())


class RoomWorker:
    """nameko service `room`."""

    name = "room"

    request_id = RequestContext()
    calling_service = RpcCaller()
    rooms = Resource(lambda config: build_service(settings, _engine()))
    conversation = Resource(lambda config: _conversation()[0])
    sessions = Resource(lambda config: _conversation()[1])
    relay = OutboxRelayRunner(lambda config: build_relay(settings, _engine()), settings.relay_interval_seconds)
    heartbeat = Heartbeat(
        settings.worker_heartbeat_file, lambda config: db_ping(_engine()) and amqp_ping(config["AMQP_URI"])
    )
    # What identity (or moderation) published before room's queues existed, asked for on room's first start.
    backfill = EventBackfillRunner(lambda config: _engine())
    event_replay = EventReplay(lambda config: build_relay(settings, _engine()))

    # --- identity's events: the read model of people -------------------------------------------

    @reliable_event_handler("identity", "person_registered", contract=identity.CONTRACT)
    def on_person_registered(self, envelope):
        self.rooms.apply_identity_event(envelope)

    @reliable_event_handler("identity", "cohort_changed", contract=identity.CONTRACT)
    def on_cohort_changed(self, envelope):
        self.rooms.apply_identity_event(envelope)

    @reliable_event_handler("identity", "badge_awarded", contract=identity.CONTRACT)
    def on_badge_awarded(self, envelope):
        self.rooms.apply_identity_event(envelope)

    @reliable_event_handler("identity", "badge_revoked", contract=identity.CONTRACT)
    def on_badge_revoked(self, envelope):
        self.rooms.apply_identity_event(envelope)

    @reliable_event_handler("identity", "role_granted", contract=identity.CONTRACT)
    def on_role_granted(self, envelope):
        self.rooms.apply_identity_event(envelope)

    @reliable_event_handler("identity", "role_revoked", contract=identity.CONTRACT)
    def on_role_revoked(self, envelope):
        self.rooms.apply_identity_event(envelope)

    # --- moderation's events: the read model of sanctions ------------------------------------------

    @reliable_event_handler("moderation", "sanction_imposed", contract=moderation.CONTRACT)
    def on_sanction_imposed(self, envelope):
        self.conversation.apply_sanction_event(envelope)

    @reliable_event_handler("moderation", "sanction_lifted", contract=moderation.CONTRACT)
    def on_sanction_lifted(self, envelope):
        self.conversation.apply_sanction_event(envelope)

    # --- internal RPC: only the services hearth_common.service_rpc.RPC_CALLERS names reach these -------

    @proven_rpc(expected_exceptions=DomainError)
    @rpc_errors
    def get_room(self, slug):
        """The room as the catalogue shows it (identity checks a room-scoped grant's slug); NotFound for none."""
        return jsonable(self.rooms.describe_room(slug))

    @proven_rpc(expected_exceptions=DomainError)
    @rpc_errors
    def remove_message(self, message_id, moderator_id, reason=""):
        """Removes a message for moderation (idempotent); returns the message as it now stands."""
        log.info("message removal", extra={"caller": self.calling_service, "moderator_id": moderator_id})
        return jsonable(self.conversation.delete(moderator_id, message_id, moderator=True, reason=reason))

    @proven_rpc(expected_exceptions=DomainError)
    @rpc_errors
    def remove_person(self, room_slug, person_id, moderator_id, reason=""):
        """Removes a person from a room for moderation; False when they were not in it."""
        log.info("person removal", extra={"caller": self.calling_service, "moderator_id": moderator_id})
        return self.conversation.remove_person(moderator_id, room_slug, person_id, reason)

    # --- room's events again, for a consumer that started after they went out -------------------

    @proven_rpc(expected_exceptions=DomainError)
    @rpc_errors
    def replay_events(self, event_types, since_seq=1, consumer=None):
        """Publishes again, to the calling service's queues alone, room's published events of `event_types` from
        `since_seq` on (a consumer's worker asks on its first start: hearth_common.backfill); returns
        {replayed, through_seq}. `consumer` is read from the local caller only (make run, tests)."""
        consumer = consumer_of_replay(self.calling_service, consumer)
        return self.event_replay(consumer, event_types, since_seq)

    # --- presence ---------------------------------------------------------------------------------

    @timer(interval=max(settings.presence_timeout_seconds / 6, 1.0))
    def sweep_presence(self):
        """Drops people whose client vanished (no heartbeat or open stream for the presence timeout), and people
        whose cross-cohort grant or role that let them into a room has expired (Conversation.evict_lapsed)."""
        removed = self.conversation.sweep_presence()
        if removed:
            log.info("vanished clients dropped", extra={"count": removed})
        lapsed = self.conversation.evict_lapsed()
        if lapsed:
            log.info("members whose grant or role lapsed taken out", extra={"count": lapsed})

    @timer(interval=settings.session_sweep_seconds)
    def close_overdue_sessions(self):
        """Half an hour after a session's planned end: ends it if nobody did (the room's door follows), or
        calls it off if it never started."""
        closed = self.sessions.close_overdue()
        if closed:
            log.info("overdue sessions closed", extra={"count": closed})
