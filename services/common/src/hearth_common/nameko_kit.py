"""Cross-cutting: what every service's nameko worker is made of, declared once: the request id, the proven
caller, the outbox relay, the heartbeat, replays of its events for consumers added later, the backfill of
the events it consumes, and one reliable handler per event type it takes from a producer."""
from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy.engine import Engine

from hearth_common.contracts.base import Contract
from hearth_common.db import db_ping, make_engine
from hearth_common.nameko_backfill import EventBackfillRunner, EventReplay
from hearth_common.nameko_deps import (
    Heartbeat,
    OutboxRelayRunner,
    RequestContext,
    RpcCaller,
    broker_connected,
    internal_rpc,
    quiet_queue_consumer,
    reliable_event_handler,
)
from hearth_common.outbox import OutboxRelay
from hearth_common.service_rpc import consumer_of_replay
from hearth_common.settings import ServiceSettings


class WorkerKit:
    """A service's worker parts, from its settings (loaded when the worker process starts) and how its outbox
    relay is built. One database engine per process, made when first needed."""

    def __init__(self, settings: ServiceSettings, build_relay: Callable[[Any, Engine], OutboxRelay]):
        self.settings = settings
        self._build_relay = build_relay
        quiet_queue_consumer()  # the worker's consumer waits for work rather than waking every second

    @functools.cached_property
    def engine(self) -> Engine:
        return make_engine(self.settings.database_url)

    @functools.cached_property
    def autocommit_engine(self) -> Engine:
        """A second pool, made when first needed, of make_engine(autocommit=True): for units of work
        (CoreUnitOfWork(engine_autocommits=True)) whose BEGIN goes with their first statement, a round trip fewer
        per consumed event. The relay, the loops and the heartbeat keep `engine`."""
        return make_engine(self.settings.database_url, autocommit=True)

    def relay(self) -> OutboxRelay:
        return self._build_relay(self.settings, self.engine)

    def base(self, *, consumes_events: bool = False) -> type:
        """The base class of the service's worker class (which adds `name` and its own entrypoints). With
        `consumes_events`, the worker asks its producers on its first start for what they published before its
        queues existed (hearth_common.backfill)."""
        kit, settings = self, self.settings

        class ServiceWorker:
            request_id = RequestContext()
            calling_service = RpcCaller()
            relay = OutboxRelayRunner(lambda config: kit.relay(), settings.relay_interval_seconds)
            # The worker's own consumer connection, not a new one (hearth_common.nameko_deps.broker_connected).
            heartbeat = Heartbeat(settings.worker_heartbeat_file,
                                  lambda container: db_ping(kit.engine) and broker_connected(container))
            event_replay = EventReplay(lambda config: kit.relay())

            @internal_rpc
            def replay_events(self, event_types, since_seq=1, consumer=None):
                """Publishes again, to the calling service's queues alone, this service's published events of
                `event_types` from `since_seq` on (a consumer's worker asks on its first start); returns
                {replayed, through_seq}. `consumer` is read from the local caller only (make run, tests)."""
                return self.event_replay(consumer_of_replay(self.calling_service, consumer), event_types, since_seq)

        if consumes_events:
            ServiceWorker.backfill = EventBackfillRunner(lambda config: kit.engine)
        return ServiceWorker


def event_handlers(contract: Contract, apply: Callable[[Any, dict], object],
                   types: Iterable[str] | None = None) -> type:
    """A worker mixin with one reliable handler, `on_<type>`, per event type of a producer's `contract` (or
    those of `types`), each calling `apply(worker, envelope)` with an envelope the contract has parsed: what a
    consumer does with a producer's events, declared once."""
    namespace = {}
    for event_type in types if types is not None else contract.types:
        def handle(self, envelope):
            return apply(self, envelope)

        handle.__name__ = handle.__qualname__ = f"on_{event_type}"
        namespace[handle.__name__] = reliable_event_handler(contract.source, event_type, contract=contract)(handle)
    return type(f"{contract.source.title()}EventHandlers", (), namespace)
