"""Entrypoint: identity's nameko worker: internal RPC for other services, the outbox relay, the cohort timer."""
from __future__ import annotations

import functools
import logging

from nameko.timer import timer

from hearth_common.db import db_ping, make_engine
from hearth_common.errors import DomainError
from hearth_common.nameko_backfill import EventReplay
from hearth_common.nameko_deps import (
    Heartbeat,
    OutboxRelayRunner,
    RequestContext,
    Resource,
    RpcCaller,
    amqp_ping,
    jsonable,
    proven_rpc,
    rpc_errors,
)
from hearth_common.people import Actor
from hearth_common.service_rpc import consumer_of_replay
from identity_service import settings as settings_module
from identity_service.bootstrap import build_relay, build_service

settings = settings_module.load()
log = logging.getLogger(__name__)


@functools.cache
def _engine():
    return make_engine(settings.database_url)


class IdentityWorker:
    """nameko service `identity`."""

    name = "identity"

    request_id = RequestContext()
    calling_service = RpcCaller()
    identity = Resource(lambda config: build_service(settings, _engine()))
    relay = OutboxRelayRunner(lambda config: build_relay(settings, _engine()), settings.relay_interval_seconds)
    heartbeat = Heartbeat(
        settings.worker_heartbeat_file, lambda config: db_ping(_engine()) and amqp_ping(config["AMQP_URI"])
    )
    event_replay = EventReplay(lambda config: build_relay(settings, _engine()))

    @proven_rpc(expected_exceptions=DomainError)
    @rpc_errors
    def get_person(self, person_id=None, username=None):
        """The person by id or username: {id, username, kind, cohort, registered_at}."""
        return jsonable(self.identity.get_person(person_id=person_id, username=username))

    @proven_rpc(expected_exceptions=DomainError)
    @rpc_errors
    def get_badges(self, person_id):
        """The badges a person holds now, oldest first."""
        return jsonable(self.identity.person_badges(person_id))

    @proven_rpc(expected_exceptions=DomainError)
    @rpc_errors
    def award_badge(self, person_id, badge_slug, reason, idempotency_key, caller=None):
        """Awards a badge on behalf of the calling service (the broker user that sent the request; a `caller`
        argument, which older clients send, is ignored); a retry with the same key returns the first award."""
        actor = Actor.calling_service(self.calling_service)
        return jsonable(self.identity.award_badge(actor, person_id, badge_slug, reason, idempotency_key))

    @proven_rpc(expected_exceptions=DomainError)
    @rpc_errors
    def revoke_badge(self, person_id, badge_slug, reason, idempotency_key, caller=None):
        """Revokes a badge on behalf of the calling service (as award_badge: a `caller` argument is ignored); a
        retry with the same key succeeds again."""
        actor = Actor.calling_service(self.calling_service)
        self.identity.revoke_badge(actor, person_id, badge_slug, reason, idempotency_key)
        return None

    @proven_rpc(expected_exceptions=DomainError)
    @rpc_errors
    def replay_events(self, event_types, since_seq=1, consumer=None):
        """Publishes again, to the calling service's queues alone, identity's published events of `event_types` from
        `since_seq` on (a consumer's worker asks on its first start: hearth_common.backfill); returns
        {replayed, through_seq}. `consumer` is read from the local caller only (make run, tests)."""
        consumer = consumer_of_replay(self.calling_service, consumer)
        return self.event_replay(consumer, event_types, since_seq)

    @timer(interval=settings.cohort_check_interval_seconds)
    def promote_adults(self):
        """Moves teens who turned 18 into the adult cohort; each change is announced as cohort_changed."""
        promoted = self.identity.promote_adults()
        if promoted:
            log.info("teens promoted to adult", extra={"count": promoted})
