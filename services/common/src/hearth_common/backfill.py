"""Cross-cutting: backfill: a consumer's queues exist before producers publish, and it is replayed what it missed.

The rule (ARCHITECTURE.md, "A service added to a running platform"):
- a consumer's migrate step declares its event queues and bindings (`declare_consumer_queues`), so they exist
  before any process of the platform starts (`make run`, compose) and events published meanwhile wait;
- on its first start a consumer's worker asks each producer it consumes for a replay of the events it binds
  (`EventBackfill`, the RPC `<producer>.replay_events`), once per producer and event type (an upgrade that binds
  a new type asks for that type): what the producer published before
  the consumer's queues existed is published again, to that consumer's queues only (`replay_routing_key`).
A replay is always safe: consumers claim events by id and keep a seq per fact, so what they had is ignored.
`replay_events_command` is the body of every `<service>-replay-events` command (an operator's replay).
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import logging
import re
import sys
from collections.abc import Callable, Iterable, Sequence

import kombu
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Engine

from hearth_common import errors
from hearth_common.logging import configure_logging, new_request_id, request_id_var
from hearth_common.rpc_client import ensure_exchange

log = logging.getLogger(__name__)

# A service name as it may stand in a routing key: one topic word, no wildcards.
CONSUMER_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,49}$")
EVENT_TYPE = re.compile(r"^[a-z][a-z0-9_]{0,99}$")


def replay_routing_key(consumer: str, event_type: str) -> str:
    """The routing key a replay for one consumer is published with on the producer's events exchange. Each of the
    consumer's queues is bound to it besides its event type, so a replay reaches that consumer's queues alone."""
    return f"replay.{consumer}.{event_type}"


def source_of(consumer_queue: dict) -> str:
    """The producing service of an entry of `nameko_deps.event_consumers` (its exchange is `<source>.events`)."""
    return consumer_queue["exchange"].removesuffix(".events")


def event_types_by_source(consumers: Iterable[dict]) -> dict[str, list[str]]:
    """{producer: the event types consumed from it}, from `nameko_deps.event_consumers(service_cls)`."""
    by_source: dict[str, set[str]] = {}
    for c in consumers:
        by_source.setdefault(source_of(c), set()).add(c["routing_key"])
    return {source: sorted(types) for source, types in sorted(by_source.items())}


def declare_consumer_queues(amqp_uri: str, consumer: str, consumers: Sequence[dict], *,
                            connect_retries: int = 30) -> int:
    """Declares a consumer's event queues exactly as its worker does (`nameko_deps.event_consumers`), each bound
    to its event type and to its replay routing key; returns how many. Idempotent; waits for the broker to
    accept a connection (up to `connect_retries` tries, a second or two apart). A producer's exchange is
    declared only where it is missing (a local broker before the producer's first start): it is the producer's,
    and a consumer may bind to it without being allowed to configure it."""
    if not consumers:
        return 0
    with kombu.Connection(amqp_uri) as connection:
        connection.ensure_connection(max_retries=connect_retries, interval_start=1, interval_step=1, interval_max=2)
        channel = connection.channel()
        for c in consumers:
            exchange = kombu.Exchange(c["exchange"], type="topic", durable=True, no_declare=True)
            ensure_exchange(channel, exchange)
            queue = kombu.Queue(c["queue"], exchange=exchange, routing_key=c["routing_key"], durable=True,
                                queue_arguments=c["arguments"])
            bound = queue(channel)
            bound.declare()  # the queue and its binding to the event type
            bound.bind_to(exchange=exchange, routing_key=replay_routing_key(consumer, c["routing_key"]))
    return len(consumers)


def declare_worker_queues(amqp_uri: str, target: str) -> int:
    """A consumer's migrate step: declares the event queues of its nameko worker class `target`
    ("package.module:ServiceClass", as for hearth_common.worker.run) with `declare_consumer_queues`, so they
    exist before any producer's worker starts; returns how many (none, without touching the broker, for a
    service that consumes no events)."""
    import importlib
    import warnings

    module_name, class_name = target.split(":")
    with warnings.catch_warnings():  # eventlet's notice that it is deprecated, as plain text amid JSON log lines
        warnings.simplefilter("ignore")
        from hearth_common.nameko_deps import event_consumers  # nameko: only the processes that declare need it

        service_cls = getattr(importlib.import_module(module_name), class_name)
    queues = declare_consumer_queues(amqp_uri, service_cls.name, event_consumers(service_cls))
    log.info("event queues declared", extra={"queues": queues})
    return queues


def define_backfill_table(metadata: sa.MetaData) -> sa.Table:
    """A consumer's record of the replays it asked for: one row per producer once that producer replayed to it, with
    the event types it replayed (`event_types`; null on a row written before they were recorded: none known)."""
    return sa.Table(
        "event_backfills",
        metadata,
        sa.Column("source", sa.String(50), primary_key=True),
        sa.Column("through_seq", sa.BigInteger, nullable=False),
        sa.Column("replayed", sa.Integer, nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("event_types", sa.JSON().with_variant(postgresql.JSONB, "postgresql")),
    )


class ProducerUnavailable(Exception):
    """The producer did not answer the replay request (not running yet, or not at all on this platform)."""


class EventBackfill:
    """A consumer's first-start backfill: asks each producer it consumes from, once, to replay its events.

    `ask_replay(source, consumer, event_types)` calls the producer's `replay_events` RPC and returns its answer
    ({"replayed": n, "through_seq": s}); it raises ProducerUnavailable (or any error) when the producer cannot
    answer now, and the producer is asked again on the next pass. A producer is recorded as backfilled only
    once it answered, so one that is down, or that joins the platform later, is asked when it is there.
    """

    def __init__(self, engine: Engine, table: sa.Table, consumer: str, consumers: Sequence[dict],
                 ask_replay: Callable[[str, str, list[str]], dict], amqp_uri: str):
        self.engine = engine
        self.table = table
        self.consumer = consumer
        self.consumers = list(consumers)
        self.ask_replay = ask_replay
        self.amqp_uri = amqp_uri
        self._said_unavailable: set[str] = set()

    def pending(self) -> dict[str, list[str]]:
        """{producer: event types} for every producer that has not replayed these types to this consumer yet: all
        it binds on a first start, and after an upgrade the types it binds now and did not before (a worker
        already deployed that starts consuming a new event type is replayed what was published before)."""
        wanted = event_types_by_source(self.consumers)
        with self.engine.connect() as conn:
            done = self._replayed(conn)
        missing = {source: [t for t in types if t not in done.get(source, set())] for source, types in wanted.items()}
        return {source: types for source, types in missing.items() if types}

    def _replayed(self, conn, source: str | None = None) -> dict[str, set[str]]:
        """{producer: the event types it replayed to this consumer} (a row without types: none known)."""
        stmt = sa.select(self.table.c.source, self.table.c.event_types)
        if source is not None:
            stmt = stmt.where(self.table.c.source == source)
        return {row.source: set(row.event_types or ()) for row in conn.execute(stmt)}

    def run_once(self, sources: Iterable[str] | None = None) -> dict[str, list[str]]:
        """One pass: the queues made sure of (with their replay bindings: a worker may have re-created a queue),
        then each pending producer asked (of `sources` only, when given); returns what is still pending (producers
        that could not answer)."""
        pending = self.pending()
        if sources is not None:
            pending = {source: types for source, types in pending.items() if source in set(sources)}
        if not pending:
            return {}
        declare_consumer_queues(self.amqp_uri, self.consumer,
                                [c for c in self.consumers if source_of(c) in pending], connect_retries=1)
        return {source: types for source, types in pending.items() if not self._backfill_from(source, types)}

    def _backfill_from(self, source: str, types: list[str]) -> bool:
        """Asks one producer for its replay, one replica of the consumer at a time (a session lock held while it
        asks, so two replicas starting together do not both replay); True once that is recorded. No transaction
        stays open while the producer answers (it may take minutes): each statement commits on its own."""
        with self.engine.connect() as connection:
            conn = connection.execution_options(isolation_level="AUTOCOMMIT")
            key = self._lock_key(source)
            if not conn.execute(sa.select(sa.func.pg_try_advisory_lock(key))).scalar():
                return False  # another replica is asking: its record is seen on the next pass
            try:
                replayed = self._replayed(conn, source).get(source, set())
                types = [t for t in types if t not in replayed]
                if not types:
                    return True
                try:
                    answer = self.ask_replay(source, self.consumer, types)
                except ProducerUnavailable as exc:
                    # Said once per producer: one not deployed yet (moderation, say) is asked for as long as we run.
                    level = logging.DEBUG if source in self._said_unavailable else logging.INFO
                    self._said_unavailable.add(source)
                    log.log(level, "producer not there to replay its events yet; asking again later",
                            extra={"source": source, "reason": str(exc)})
                    return False
                values = {"through_seq": int(answer["through_seq"]), "replayed": int(answer["replayed"]),
                          "completed_at": dt.datetime.now(dt.timezone.utc),
                          "event_types": sorted(replayed | set(types))}
                insert = postgresql.insert(self.table).values(source=source, **values)
                conn.execute(insert.on_conflict_do_update(index_elements=[self.table.c.source], set_=values))
            finally:
                conn.execute(sa.select(sa.func.pg_advisory_unlock(key)))
        log.info("backfilled from producer", extra={"source": source, "replayed": answer["replayed"],
                                                    "through_seq": answer["through_seq"]})
        return True

    def _lock_key(self, source: str) -> int:
        digest = hashlib.sha256(f"hearth-backfill:{self.consumer}:{source}".encode()).digest()
        return int.from_bytes(digest[:8], "big", signed=True)


def serve_replay(relay, consumer: str, event_types: Sequence[str], since_seq: int = 1) -> dict:
    """The producer's side of `replay_events`: publishes again, to `consumer`'s queues alone, every event of
    `event_types` it published from `since_seq` on; returns {"replayed": n, "through_seq": last seq covered}."""
    if not isinstance(consumer, str) or not CONSUMER_NAME.match(consumer):
        raise errors.InvalidArgument("consumer must be a service name (lower case letters, digits, _ and -)")
    if (isinstance(event_types, str) or not isinstance(event_types, Sequence) or not event_types
            or not all(isinstance(t, str) and EVENT_TYPE.match(t) for t in event_types)):
        raise errors.InvalidArgument("event_types must be a non-empty list of event type names")
    if not isinstance(since_seq, int) or isinstance(since_seq, bool) or since_seq < 1:
        raise errors.InvalidArgument("since_seq must be a whole number, 1 or more")
    through_seq = relay.last_published_seq()
    replayed = relay.replay(since_seq, event_types, through_seq=through_seq,
                            routing_key=lambda event_type: replay_routing_key(consumer, event_type))
    return {"replayed": replayed, "through_seq": through_seq}


def replay_events_command(service: str, load_settings: Callable[[], object], build_relay: Callable[[object], object],
                          event_types: Sequence[str], argv: list[str] | None = None) -> int:
    """The body of every `<service>-replay-events` command: publishes the service's already published events
    again, in order, with their original ids and seqs, to every consumer (or to one, with --to)."""
    parser = argparse.ArgumentParser(
        prog=f"{service}-replay-events",
        description=f"Publish {service}'s already published events again, in order, with their original ids and "
                    f"seqs, to the {service}.events exchange (consumers ignore what they already had). A consumer "
                    "started for the first time asks for this by itself; the command is for an operator.")
    parser.add_argument("--from-seq", type=int, default=1, metavar="N",
                        help="replay events from this outbox seq on (default 1: all of them)")
    parser.add_argument("--type", dest="types", action="append", choices=list(event_types), metavar="TYPE",
                        help=f"replay only this event type (repeatable; one of: {', '.join(event_types)})")
    parser.add_argument("--to", dest="consumer", metavar="SERVICE",
                        help="replay to this consuming service's queues only (default: to every consumer)")
    args = parser.parse_args(argv)
    if args.from_seq < 1:
        parser.error("--from-seq must be 1 or more")
    if args.consumer is not None and not CONSUMER_NAME.match(args.consumer):
        parser.error("--to must be a service name")
    settings = load_settings()
    configure_logging(service, "replay", settings.log_level)
    request_id_var.set(new_request_id())
    route = None if args.consumer is None else (lambda event_type: replay_routing_key(args.consumer, event_type))
    try:
        count = build_relay(settings).replay(args.from_seq, args.types, routing_key=route)
    except Exception as exc:  # the broker or the database unreachable: say so, and that rerunning is safe
        log.error("replay failed", exc_info=True)
        print(f"{service}-replay-events: failed ({exc.__class__.__name__}: {exc}); nothing is lost, run it again",
              file=sys.stderr)
        return 1
    print(f"{service}-replay-events: replayed {count} events"
          f"{' of type ' + ', '.join(args.types) if args.types else ''} from seq {args.from_seq}"
          f"{' to ' + args.consumer if args.consumer else ''}")
    return 0
