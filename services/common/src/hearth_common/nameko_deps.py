"""Cross-cutting: nameko dependency providers and extensions (imported only in eventlet worker processes)."""
from __future__ import annotations

import datetime as dt
import functools
import inspect
import logging
import os
import select
import time
from collections.abc import Callable

import amqp
import eventlet
import eventlet.event
import kombu
from nameko.constants import AMQP_URI_CONFIG_KEY
from nameko.events import SERVICE_POOL, EventHandler
from nameko.exceptions import RemoteError, UnknownService
from nameko.extensions import DependencyProvider
from nameko.messaging import QueueConsumer
from nameko.rpc import MethodProxy, ReplyListener, Rpc, RpcConsumer
from psycogreen.eventlet import patch_psycopg

from hearth_common import errors
from hearth_common.contracts import Contract, InvalidEvent
from hearth_common.db import ChannelListener, database_unavailable, wait_for_notification
from hearth_common.logging import new_request_id, request_id_var
from hearth_common.outbox import OutboxRelay
from hearth_common.rpc_client import RPC_EXCHANGE, RpcTimeout, RpcUnavailable, ensure_exchange
from hearth_common.service_rpc import local_callers_allowed, may_call, proven_caller

# psycopg2 blocks the eventlet hub unless its wait callback yields to it.
patch_psycopg()

log = logging.getLogger(__name__)


def jsonable(value):
    """Makes use-case results JSON-safe for nameko replies (datetimes become ISO strings)."""
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return value


def rpc_errors(fn):
    """Re-raises a domain error as its category (InvalidArgument, NotFound, ...) so RPC callers can map it."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except errors.DomainError as exc:
            category = errors.category_of(exc)
            if type(exc) is category:
                raise
            raise category(exc.message) from exc
        except Exception as exc:
            refusal = errors.refused_by_driver(exc)
            if refusal is None:
                raise
            raise refusal from exc

    return wrapper


class RequestContext(DependencyProvider):
    """Carries the caller's request id (nameko context data) into logs and onward calls and events."""

    @staticmethod
    def _ensure(worker_ctx) -> str:
        # nameko injects dependencies before worker_setup, so either hook may come first.
        request_id = worker_ctx.context_data.get("request_id")
        if not request_id:
            request_id = worker_ctx.context_data["request_id"] = new_request_id()
        return request_id

    def worker_setup(self, worker_ctx):
        worker_ctx.data["_request_id_token"] = request_id_var.set(self._ensure(worker_ctx))

    def worker_teardown(self, worker_ctx):
        token = worker_ctx.data.pop("_request_id_token", None)
        if token is not None:
            request_id_var.reset(token)

    def worker_result(self, worker_ctx, result=None, exc_info=None):
        if exc_info is not None and not isinstance(exc_info[1], errors.DomainError):
            log.error("worker failed: %s", worker_ctx.entrypoint.method_name, exc_info=exc_info)

    def get_dependency(self, worker_ctx):
        return self._ensure(worker_ctx)


# --- internal RPC: the caller proven by the broker --------------------------------------------------------

# The nameko config key (set from the service's settings) that lets the local broker's default user call as
# service_rpc.LOCAL_CALLER: for `make run` and tests on a local broker, never for a deployment.
LOCAL_CALLER_CONFIG_KEY = "HEARTH_RPC_LOCAL_CALLER"
# Where ProvenRpc leaves the proven caller for RpcCaller; set after the request's headers are read, so a header
# of the same name cannot claim it.
_CALLER_CONTEXT_KEY = "hearth_proven_caller"


def _undeclared(queue: kombu.Queue) -> kombu.Queue:
    """`queue` bound to the shared RPC exchange without declaring that exchange (see rpc_client.RPC_EXCHANGE)."""
    return kombu.Queue(queue.name, exchange=RPC_EXCHANGE, routing_key=queue.routing_key, durable=queue.durable,
                       queue_arguments=queue.queue_arguments)


def _ensure_rpc_exchange(config: dict) -> None:
    with kombu.Connection(config[AMQP_URI_CONFIG_KEY]) as conn:
        ensure_exchange(conn.channel(), RPC_EXCHANGE)


class _ProvenRpcConsumer(RpcConsumer):
    """nameko's RPC queue consumer, binding rpc-<service> to the RPC exchange without declaring the exchange."""

    def setup(self):
        if self.queue is None:
            _ensure_rpc_exchange(self.container.config)
            super().setup()
            self.queue = _undeclared(self.queue)


class ProvenRpc(Rpc):
    """nameko's @rpc whose caller is proven: a request is served only when its AMQP user_id (checked by the
    broker) names a service that service_rpc.RPC_CALLERS lets call this method; otherwise the caller gets
    PermissionDenied. RpcCaller hands the proven service to the method; no argument can claim it."""

    rpc_consumer = _ProvenRpcConsumer()
    local_allowed = False

    def setup(self):
        # Both kinds on one service would be two consumers of its rpc-<service> queue, each answering about half
        # the calls for the other's methods with MethodNotFound.
        plain = [e.method_name for e in self.container.entrypoints if type(e) is Rpc]
        if plain:
            raise RuntimeError(f"{self.container.service_name}: use @internal_rpc (or @proven_rpc) for every RPC, "
                               f"not nameko's @rpc: {', '.join(sorted(plain))}")
        own_user = kombu.Connection(self.container.config.get("AMQP_URI", "")).userid
        self.local_allowed = local_callers_allowed(bool(self.container.config.get(LOCAL_CALLER_CONFIG_KEY)), own_user)
        super().setup()

    def unpack_message_headers(self, message):
        context = super().unpack_message_headers(message)
        caller = proven_caller(message.properties.get("user_id"), self.local_allowed)
        routing_key = f"{self.container.service_name}.{self.method_name}"
        if not may_call(caller, routing_key):
            raise errors.PermissionDenied(f"service {caller!r} may not call {routing_key}")
        context[_CALLER_CONTEXT_KEY] = caller
        return context


proven_rpc = ProvenRpc.decorator


def internal_rpc(method):
    """@internal_rpc: an RPC other services call: served only to the callers service_rpc.RPC_CALLERS allows (the
    broker proves who calls), a domain refusal raised as its category, an expected answer, not a failure."""
    return proven_rpc(expected_exceptions=errors.DomainError)(rpc_errors(method))


class RpcCaller(DependencyProvider):
    """The service that called this @proven_rpc method (`moderation`, or service_rpc.LOCAL_CALLER), as the
    broker proved it; None for any other entrypoint."""

    def get_dependency(self, worker_ctx):
        caller = worker_ctx.data.pop(_CALLER_CONTEXT_KEY, None)  # not passed on to calls this worker makes
        return caller if isinstance(worker_ctx.entrypoint, ProvenRpc) else None


class _ProvenReplyListener(ReplyListener):
    """nameko's reply queue for a worker's outgoing calls, bound without declaring the shared RPC exchange."""

    def setup(self):
        _ensure_rpc_exchange(self.container.config)
        super().setup()
        self.queue = _undeclared(self.queue)


class ServiceRpc(DependencyProvider):
    """A worker's transport for calls to other services (service_rpc.RpcTransport, e.g. `RoomRpc(self.rpc)`):
    nameko's RPC proxy, each request carrying the worker's broker user as its AMQP user_id, the caller's
    context (request id) passed on, remote refusals raised as common's categories."""

    rpc_reply_listener = _ProvenReplyListener()

    def __init__(self, timeout: float = 10.0):
        self.timeout = timeout

    def setup(self):
        self.user_id = kombu.Connection(self.container.config[AMQP_URI_CONFIG_KEY]).userid

    def get_dependency(self, worker_ctx):
        return _WorkerTransport(self, worker_ctx)


class _WorkerTransport:
    def __init__(self, provider: ServiceRpc, worker_ctx):
        self.provider = provider
        self.worker_ctx = worker_ctx

    def call(self, service: str, method: str, **kwargs):
        proxy = MethodProxy(self.worker_ctx, service, method, self.provider.rpc_reply_listener,
                            user_id=self.provider.user_id)
        try:
            with eventlet.Timeout(self.provider.timeout, RpcTimeout(f"no reply from {service}.{method}")):
                return proxy(**kwargs)
        except UnknownService:
            raise RpcUnavailable(f"no {service} worker is running to answer {method}; try again shortly") from None
        except amqp.exceptions.AccessRefused as exc:  # the broker's topic permissions: not in RPC_CALLERS
            raise errors.PermissionDenied(f"the broker refused {service}.{method} to this service: {exc}") from exc
        except RemoteError as exc:
            refusal = errors.from_remote(exc.exc_type, exc.value)
            if refusal is None:
                raise
            raise refusal from None


class Resource(DependencyProvider):
    """Injects a value built once per container by `factory(container_config)`, e.g. a unit-of-work factory."""

    def __init__(self, factory: Callable[[dict], object]):
        self.factory = factory
        self.value = None

    def setup(self):
        self.value = self.factory(self.container.config)

    def get_dependency(self, worker_ctx):
        return self.value


class BackgroundLoop(DependencyProvider):
    """Runs `self.run(should_stop)` in a managed green thread for as long as the container runs."""

    _stopping = False
    _thread = None
    _stopped = None

    def run(self, should_stop: Callable[[], bool]) -> None:
        raise NotImplementedError

    def pause(self, seconds: float) -> None:
        """Sleeps `seconds`, or until the container stops (a loop idles without waking to look)."""
        if self._stopped is None:
            eventlet.sleep(seconds)
        else:
            self._stopped.wait(seconds)

    # A pipe's read end that turns readable when the container stops: a loop waiting on a socket (a LISTEN
    # connection) selects on it too, rather than waking every second to look at should_stop().
    wake_fd: int | None = None
    _wake_write: int | None = None

    def start(self):
        self._stopping = False
        self._stopped = eventlet.event.Event()
        self.wake_fd, self._wake_write = os.pipe()
        self._thread = self.container.spawn_managed_thread(lambda: self.run(lambda: self._stopping))

    def _signal_stop(self):
        self._stopping = True
        if self._stopped is not None and not self._stopped.ready():
            self._stopped.send(True)
        if self._wake_write is not None:
            try:
                os.write(self._wake_write, b"!")
            except OSError:
                pass

    def _close_pipe(self):
        for fd in (self.wake_fd, self._wake_write):
            if fd is not None:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self.wake_fd = self._wake_write = None

    def stop(self):
        self._signal_stop()
        if self._thread is not None:
            self._thread.wait()
        self._close_pipe()

    def kill(self):
        self._signal_stop()
        if self._thread is not None:
            self._thread.kill()
        self._close_pipe()

    def get_dependency(self, worker_ctx):
        return None


class OutboxRelayRunner(BackgroundLoop):
    """Runs an outbox relay inside the worker process: woken by the outbox's notifications, and every
    `idle_interval` seconds without one (OutboxRelay.run)."""

    def __init__(self, relay_factory: Callable[[dict], OutboxRelay], idle_interval: float = 30.0):
        self.relay_factory = relay_factory
        self.idle_interval = idle_interval

    def run(self, should_stop):
        relay = self.relay_factory(self.container.config)
        relay.run(should_stop, idle_interval=self.idle_interval, sleep=self.pause, wake_fd=self.wake_fd)


# A notified loop whose work says its next due time has passed already (a row another worker holds locked, a
# batch cut at its limit) looks again after this long rather than at once.
NOTIFIED_LOOP_MIN_WAIT_SECONDS = 0.5


class NotifiedLoop(BackgroundLoop):
    """Runs `work()` (made once by `work_factory(config)`) at start, at once whenever a transaction that
    NOTIFYs `channel` commits (an insert trigger: hearth_common.migrations.add_insert_notify), and when its work
    next falls due: `work()` returns the seconds until then (None: nothing pending), and the loop sleeps that
    long (NOTIFIED_LOOP_MIN_WAIT_SECONDS once it has passed), or `interval` seconds at most (a safety net: a
    notification lost, a due time changed behind its back). For due work a timer would otherwise look for every
    few seconds: at rest the loop does not wake. Each pass has a request id of its own; a pass that fails is
    logged and the loop listens again after a backoff."""

    def __init__(self, engine_factory: Callable[[dict], object], channel: str,
                 work_factory: Callable[[dict], Callable[[], float | None]], interval: float):
        self.engine_factory = engine_factory
        self.channel = channel
        self.work_factory = work_factory
        self.interval = interval

    def wait_after(self, due_in: float | None) -> float:
        """How long to wait after a pass whose work is next due in `due_in` seconds (None: nothing pending)."""
        if due_in is None:
            return self.interval
        return min(self.interval, due_in if due_in > 0 else NOTIFIED_LOOP_MIN_WAIT_SECONDS)

    def run(self, should_stop):
        engine = self.engine_factory(self.container.config)
        work = self.work_factory(self.container.config)
        listener: ChannelListener | None = None
        first_retry = min(self.interval, 1.0)
        backoff = first_retry
        while not should_stop():
            try:
                if listener is None:
                    listener = ChannelListener(engine, self.channel)  # before the pass: no commit in between missed
                token = request_id_var.set(new_request_id())
                try:
                    due_in = work()
                finally:
                    request_id_var.reset(token)
                backoff = first_retry
                wait_for_notification(listener, should_stop, self.wait_after(due_in), self.pause,
                                      wake_fd=self.wake_fd)
            except Exception:
                log.warning("notified loop failed; retrying", exc_info=True,
                            extra={"channel": self.channel, "retry_in_s": backoff})
                if listener is not None:
                    listener.close()
                    listener = None
                self.pause(backoff)
                backoff = min(backoff * 2, 5.0)
        if listener is not None:
            listener.close()


class Heartbeat(BackgroundLoop):
    """Touches a file while the worker's peers answer; a container health check reads its age. `check` is
    given the worker's container (so it can look at the connections the worker already holds)."""

    def __init__(self, path: str, check: Callable[[object], bool], interval: float = 10.0):
        self.path = path
        self.check = check
        self.interval = interval

    def run(self, should_stop):
        while not should_stop():
            if self.check(self.container):
                with open(self.path, "w") as f:
                    f.write(str(time.time()))
            self.pause(self.interval)  # asleep between beats, not waking to look


def broker_connected(container) -> bool:
    """True while the worker's own consumer connection to the broker is up: nameko's queue consumer (one per
    worker, which reconnects by itself) has started, and each of its consumers' channels is open on a connected
    connection. Opens no connection of its own: a new one every heartbeat was an open/close pair in the broker's
    log every few seconds per worker. Reads nameko 2's QueueConsumer (the pinned version) as it stands."""
    consumers = [ext for ext in container.extensions if isinstance(ext, QueueConsumer)]
    if not consumers:
        return False
    for queue_consumer in consumers:
        if not queue_consumer._consumers_ready.ready() or not queue_consumer._consumers:
            return False
        for consumer in list(queue_consumer._consumers.values()):
            channel = consumer.channel
            connection = getattr(channel, "connection", None)
            if not getattr(channel, "is_open", False) or connection is None or not connection.connected:
                return False
    return True


# How long nameko's queue consumer waits on its broker socket with nothing to do (kombu's loop drains with a 1 s
# timeout); under nameko's 60 s AMQP heartbeat, which wants a check at least twice an interval.
QUEUE_CONSUMER_IDLE_SECONDS = 15.0
_raw_os = eventlet.patcher.original("os")


def quiet_queue_consumer() -> None:
    """Makes nameko's QueueConsumer (one per worker) wait for work instead of waking every second: its loop
    (kombu's ConsumerMixin.consume, which nameko 2.14 runs with a 1 s `safety_interval` that its configuration
    cannot change) waits in a green select() on the broker's socket and a wake pipe, for at most
    QUEUE_CONSUMER_IDLE_SECONDS (heartbeats); what used to need the next tick (a consumer to cancel on stop, a
    kill) writes to the pipe. Idempotent; for plain TCP broker connections (py-amqp reads those frame by frame,
    so data it has not handled is data the socket still has). Reads nameko 2's QueueConsumer as it stands."""
    if getattr(QueueConsumer, "_hearth_quiet", False):
        return
    unregister_provider, kill = QueueConsumer.unregister_provider, QueueConsumer.kill

    def wake(self) -> None:
        fds = self.__dict__.get("_hearth_wake")
        if fds is not None:
            try:
                _raw_os.write(fds[1], b"!")  # not eventlet's: a full pipe is woken already, nothing to wait for
            except OSError:
                pass

    def consume(self, limit=None, timeout=None, safety_interval=1, **kwargs):
        fds = self.__dict__.get("_hearth_wake")
        if fds is None:
            fds = self.__dict__["_hearth_wake"] = os.pipe()
            for fd in fds:
                os.set_blocking(fd, False)
        with self.consumer_context(**kwargs) as (conn, channel, consumers):
            sock = conn.connection.sock
            while not self.should_stop:
                self.on_iteration()
                if self.should_stop:  # its last consumer cancelled: no wait for nothing
                    break
                readable, _, _ = select.select([sock, fds[0]], [], [], QUEUE_CONSUMER_IDLE_SECONDS)
                if fds[0] in readable:
                    try:
                        _raw_os.read(fds[0], 512)
                    except OSError:
                        pass
                if sock in readable:
                    try:
                        conn.drain_events(timeout=0.05)
                    except TimeoutError:  # the rest of a frame still on its way: the socket says when
                        pass
                    except OSError:
                        if not self.should_stop:
                            raise
                    else:
                        yield
                conn.heartbeat_check()

    def unregister_provider_and_wake(self, provider):
        wake(self)  # no yield before the original queues the cancel: the woken loop sees it
        return unregister_provider(self, provider)

    def kill_and_wake(self):
        wake(self)
        return kill(self)

    QueueConsumer.consume = consume
    QueueConsumer.unregister_provider = unregister_provider_and_wake
    QueueConsumer.kill = kill_and_wake
    QueueConsumer._hearth_quiet = True


DEAD_LETTER_EXCHANGE = "hearth.dead-letter"


class ReliableEventHandler(EventHandler):
    """An @event_handler for read models: a durable quorum queue per handler; a failing event is requeued
    (after `retry_delay` seconds) until it has been delivered `max_deliveries` times, then the broker moves it
    to the dead-letter queue `dlq.<queue name>` instead of looping forever or being dropped. An event that
    breaks its contract (InvalidEvent) goes to the dead-letter queue at once: delivering it again cannot
    mend it, and its retries would hold up the events behind it.

    Handlers must be idempotent (hearth_common.inbox): delivery is at least once.
    """

    def __init__(self, source_service, event_type, max_deliveries: int = 5, retry_delay: float = 1.0, **kwargs):
        super().__init__(
            source_service, event_type, handler_type=SERVICE_POOL, reliable_delivery=True, requeue_on_error=True,
            **kwargs,
        )
        self.max_deliveries = max_deliveries
        self.retry_delay = retry_delay

    def setup(self):
        super().setup()
        name = self.queue.name
        self.dead_letter_queue_name = f"dlq.{name}"
        # The source's exchange is the source's: bound to, never declared (a consumer allowed to declare it could
        # delete it, and the source would re-create it without the consumers' bindings); see start().
        source = kombu.Exchange(self.queue.exchange.name, type="topic", durable=True, no_declare=True)
        self.queue = kombu.Queue(name, exchange=source, routing_key=self.event_type, durable=True,
                                 queue_arguments=reliable_queue_arguments(name, self.max_deliveries))

    def start(self):
        dead_letters = kombu.Exchange(DEAD_LETTER_EXCHANGE, type="direct", durable=True, no_declare=True)
        with kombu.Connection(self.container.config[AMQP_URI_CONFIG_KEY]) as conn:
            channel = conn.channel()
            # Made by the broker's definitions where permissions are tight, here on a local broker.
            ensure_exchange(channel, dead_letters)
            ensure_exchange(channel, self.queue.exchange)
            kombu.Queue(
                self.dead_letter_queue_name, exchange=dead_letters, routing_key=self.queue.name, durable=True
            )(channel).declare()
        super().start()

    def handle_result(self, message, worker_ctx, result=None, exc_info=None):
        if exc_info is not None and isinstance(exc_info[1], InvalidEvent):
            log.error(
                "event refused as malformed; dead-lettered without retries",
                extra={"queue": self.queue.name, "event_id": _event_id(message), "reason": str(exc_info[1])},
            )
            if message.channel.connection:  # else the broker has taken the message back already
                message.reject(requeue=False)  # the queue's dead-letter exchange takes it
            return result, exc_info
        if exc_info is not None:
            log.warning(
                "event handler failed; it will be retried, then dead-lettered",
                extra={"queue": self.queue.name, "error": repr(exc_info[1])},
            )
            eventlet.sleep(self.retry_delay)
        return super().handle_result(message, worker_ctx, result, exc_info)


def _event_id(message) -> str | None:
    payload = message.payload
    return payload.get("event_id") if isinstance(payload, dict) else None


LONGEST_WAIT = 10.0


def retry_while_unavailable(call: Callable[[], object], give_up_after: float, first_wait: float = 0.5):
    """Runs call(); while it fails because the database is unavailable (db.database_unavailable: not the
    event's fault), waits (doubling, at most LONGEST_WAIT) and runs it again, for up to `give_up_after`
    seconds, then lets the error through."""
    deadline = time.monotonic() + give_up_after
    wait = first_wait
    while True:
        try:
            return call()
        except Exception as exc:
            if not database_unavailable(exc) or time.monotonic() + wait > deadline:
                raise
            log.warning("database unavailable; the event waits and is handled again",
                        extra={"error": repr(exc), "retry_in_s": wait})
            eventlet.sleep(wait)
            wait = min(wait * 2, LONGEST_WAIT)


def reliable_event_handler(source_service: str, event_type: str, *, contract: Contract | None = None,
                           unavailable_for: float = 600.0, unavailable_wait: float = 0.5, **kwargs):
    """@reliable_event_handler(source, event_type): a ReliableEventHandler (a quorum queue, retries, then the
    dead-letter queue) whose handler, while the database is unavailable (a connection lost or refused, the
    server restarting, a deadlock or serialization failure), is run again in place for up to
    `unavailable_for` seconds with the message held: an outage of the database would otherwise use up every
    event's deliveries within seconds and dead-letter them all (their effects never applied).

    With the source's `contract` (hearth_common.contracts), binding a type the source does not publish fails
    at import, and the handler sees only envelopes the contract parses: any other is dead-lettered at once."""
    if contract is not None and (contract.source != source_service or event_type not in contract.types):
        raise ValueError(f"{source_service!r} publishes no {event_type!r} (its contract: {', '.join(contract.types)})")
    register = ReliableEventHandler.decorator(source_service, event_type, **kwargs)

    def decorate(handler):
        @functools.wraps(handler)
        def handle(self, envelope, *args, **kw):
            if contract is not None:
                contract.parse(envelope)
            call = functools.partial(handler, self, envelope, *args, **kw)
            return retry_while_unavailable(call, unavailable_for, unavailable_wait)

        return register(handle)

    return decorate


def reliable_queue_arguments(queue_name: str, max_deliveries: int) -> dict:
    """The arguments of a ReliableEventHandler's quorum queue (the broker refuses a redeclaration that differs)."""
    return {
        "x-queue-type": "quorum",
        # The broker counts deliveries; past the limit it dead-letters the message.
        "x-delivery-limit": max(max_deliveries - 1, 0),
        "x-dead-letter-exchange": DEAD_LETTER_EXCHANGE,
        "x-dead-letter-routing-key": queue_name,
    }


def event_consumers(service_cls) -> list[dict]:
    """The event queues a nameko service class consumes with @reliable_event_handler, as the worker declares
    them: its queue name, arguments, and the source's events exchange and routing key. For broker definitions
    that create them before the worker's first start, so that events published meanwhile wait for it."""
    consumers = []
    for method_name, method in inspect.getmembers(service_cls):  # its own and its mixins' (nameko_kit)
        for entrypoint in getattr(method, "nameko_entrypoints", ()):
            if isinstance(entrypoint, ReliableEventHandler):
                # nameko's EventHandler names its queue so (nameko.events.EventHandler.setup).
                queue = f"evt-{entrypoint.source_service}-{entrypoint.event_type}--{service_cls.name}.{method_name}"
                consumers.append({"queue": queue, "exchange": f"{entrypoint.source_service}.events",
                                  "routing_key": entrypoint.event_type,
                                  "arguments": reliable_queue_arguments(queue, entrypoint.max_deliveries)})
    return consumers
