"""Cross-cutting: backfill in nameko workers: a producer's replay_events and a consumer's first-start request.

EventReplay is behind a producer's replay_events RPC; EventBackfillRunner asks for it (hearth_common.backfill).
"""
from __future__ import annotations

import logging
from collections.abc import Callable

import eventlet
import sqlalchemy as sa
from nameko.constants import AMQP_URI_CONFIG_KEY
from nameko.extensions import DependencyProvider
from sqlalchemy.engine import Engine

from hearth_common.backfill import (
    EventBackfill,
    ProducerUnavailable,
    define_backfill_table,
    serve_replay,
    source_of,
)
from hearth_common.nameko_deps import BackgroundLoop, event_consumers
from hearth_common.outbox import OutboxRelay
from hearth_common.rpc_client import RpcClient, RpcTimeout, RpcUnavailable

log = logging.getLogger(__name__)

# Queries only need the table's shape; each consumer's own metadata (and migration) has the same table.
BACKFILL_TABLE = define_backfill_table(sa.MetaData())


class EventReplay(DependencyProvider):
    """For a producer's `replay_events` RPC: `self.<name>(consumer, event_types, since_seq)` publishes again, to
    that consumer's queues alone, what the producer published (hearth_common.backfill.serve_replay). Each call
    builds a relay of its own: the relay runner's connection belongs to its green thread."""

    def __init__(self, relay_factory: Callable[[dict], OutboxRelay]):
        self.relay_factory = relay_factory

    def get_dependency(self, worker_ctx):
        def replay(consumer: str, event_types: list[str], since_seq: int = 1) -> dict:
            return serve_replay(self.relay_factory(self.container.config), consumer, event_types, since_seq)

        return replay


class EventBackfillRunner(BackgroundLoop):
    """In a consumer's worker: asks every producer whose events the service handles (its @reliable_event_handler
    sources) to replay them to it, once per producer (recorded in its `event_backfills` table), so a service
    added to a running platform gets what was published before its queues existed without an operator.

    A producer that cannot answer yet (not running, or not on this platform yet) is asked again, at growing
    intervals, for as long as the worker runs."""

    def __init__(self, engine_factory: Callable[[dict], Engine], *, table: sa.Table = BACKFILL_TABLE,
                 first_retry: float = 2.0, longest_retry: float = 60.0, rpc_timeout: float = 600.0):
        self.engine_factory = engine_factory
        self.table = table
        self.first_retry = first_retry
        self.longest_retry = longest_retry
        self.rpc_timeout = rpc_timeout
        self._clients: dict[str, RpcClient] = {}

    def run(self, should_stop):
        consumers = event_consumers(self.container.service_cls)
        if not consumers:
            return
        amqp_uri = self.container.config[AMQP_URI_CONFIG_KEY]
        backfill = EventBackfill(self.engine_factory(self.container.config), self.table,
                                 self.container.service_name, consumers, self._ask_replay, amqp_uri)
        # Each producer is asked on its own green thread with its own client (a client's calls are serialised):
        # one that cannot answer for long (deployed, its worker down, its RPC queue there and unserved until the
        # call times out) holds up no other producer's replay.
        pool = eventlet.GreenPool()
        for source in sorted({source_of(c) for c in consumers}):
            pool.spawn(self._backfill_from, backfill, source, amqp_uri, should_stop)
        pool.waitall()

    def _ask_replay(self, source: str, consumer: str, event_types: list[str]) -> dict:
        client = self._clients[source]
        try:
            return client.call(source, "replay_events", consumer=consumer, event_types=event_types, since_seq=1)
        except (RpcUnavailable, RpcTimeout) as exc:
            raise ProducerUnavailable(str(exc)) from exc

    def _backfill_from(self, backfill: EventBackfill, source: str, amqp_uri: str, should_stop) -> None:
        """Asks one producer until its replay is recorded (or the worker stops), waiting longer after each miss."""
        self._clients[source] = RpcClient(amqp_uri, timeout=self.rpc_timeout, caller=self.container.service_name)
        retry_in = self.first_retry
        try:
            while not should_stop():
                try:
                    if source not in backfill.run_once(sources={source}):
                        return
                except Exception:  # the database or the broker down, or the producer failing: try again later
                    log.warning("backfill failed; trying again", exc_info=True,
                                extra={"source": source, "retry_in_s": retry_in})
                waited = 0.0
                while waited < retry_in and not should_stop():
                    eventlet.sleep(0.2)
                    waited += 0.2
                retry_in = min(retry_in * 2, self.longest_retry)
        finally:
            self._clients.pop(source).close()

    def stop(self):
        # A backfill cut short is recorded nowhere and asked for again at the next start: no need to wait for a
        # producer's long replay before the worker may stop.
        self.kill()
