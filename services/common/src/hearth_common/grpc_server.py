"""Cross-cutting: gRPC server scaffolding: authentication, health, reflection, request ids, access logs, errors."""
from __future__ import annotations

import asyncio
import asyncio as asyncio_module
import contextvars
import gc
import inspect
import logging
import re
import signal
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent import futures
from contextlib import aclosing

import grpc
import kombu.exceptions
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from hearth_common import errors
from hearth_common.db import database_unavailable
from hearth_common.grpc_edge import INTERNAL, UNAVAILABLE, Edge, RequestRefused, access_log, tolerant
from hearth_common.logging import new_request_id, request_id_var
from hearth_common.request_limits import RequestLimits
from hearth_common.tokens import Principal, TokenVerifier

log = logging.getLogger(__name__)

REQUEST_ID_HEADER = "x-request-id"
# How often a server checks a readiness that cannot say when it changes (a plain callable; db.DatabaseReadiness
# can, and is checked on its own schedule).
READINESS_INTERVAL_SECONDS = 1.0
_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

# A broker or another service that cannot be reached is a retryable condition, not a bug (as is a database failure
# that passes by itself: db.database_unavailable decides those).
UNREACHABLE_ERRORS: tuple[type[Exception], ...] = (kombu.exceptions.OperationalError, ConnectionError)


def unavailable(exc: BaseException) -> bool:
    """Whether a call failed for a reason that passes by itself (the client should retry: UNAVAILABLE)."""
    return isinstance(exc, UNREACHABLE_ERRORS) or database_unavailable(exc)

STATUS_FOR_ERROR: dict[type[errors.DomainError], grpc.StatusCode] = {
    errors.InvalidArgument: grpc.StatusCode.INVALID_ARGUMENT,
    errors.NotFound: grpc.StatusCode.NOT_FOUND,
    errors.AlreadyExists: grpc.StatusCode.ALREADY_EXISTS,
    errors.Unauthenticated: grpc.StatusCode.UNAUTHENTICATED,
    errors.PermissionDenied: grpc.StatusCode.PERMISSION_DENIED,
    errors.FailedPrecondition: grpc.StatusCode.FAILED_PRECONDITION,
    errors.ResourceExhausted: grpc.StatusCode.RESOURCE_EXHAUSTED,
}


def status_for(error: errors.DomainError) -> grpc.StatusCode:
    return STATUS_FOR_ERROR[errors.category_of(error)]


def metadata_value(context: grpc.ServicerContext, key: str) -> str | None:
    for k, v in context.invocation_metadata() or ():
        if k == key:
            return v
    return None


def bearer_token(context: grpc.ServicerContext) -> str:
    """The token from `authorization: Bearer <token>`, or '' when absent."""
    value = metadata_value(context, "authorization") or ""
    scheme, _, token = value.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


# --- the authentication edge --------------------------------------------------------------------------------

_caller_var: contextvars.ContextVar[Principal | None] = contextvars.ContextVar("hearth_caller", default=None)


def caller() -> Principal:
    """The person making the call being served, as their verified access token says."""
    principal = _caller_var.get()
    if principal is None:  # a servicer bug: only methods that are not public have a verified caller
        raise RuntimeError("no verified caller: this method is listed as public, or this runs outside a call")
    return principal


class Authentication:
    """Every method needs a bearer token, verified once per call before the servicer runs, except the public
    ones: `public_methods` maps a service's full name to the names of its methods a client calls without a
    token (health and reflection are always public). A missing, invalid or expired token is UNAUTHENTICATED;
    keys that cannot be fetched are UNAVAILABLE (the verifier raises ConnectionError)."""

    def __init__(self, verifier: TokenVerifier, public_methods: Mapping[str, Iterable[str]] | None = None):
        self.verifier = verifier
        self.public = frozenset(
            f"/{service}/{name}" for service, names in (public_methods or {}).items() for name in names
        )

    def needed_for(self, method: str) -> bool:
        return method not in self.public

    def verify(self, context: grpc.ServicerContext) -> Principal:
        return self.verifier.verify(bearer_token(context))


def _as_caller(authentication: Authentication, behaviour):
    """A plain handler run with the caller its token names (the call is refused without a valid one)."""

    def handler(request, context):
        token = _caller_var.set(authentication.verify(context))
        try:
            return behaviour(request, context)
        finally:
            _caller_var.reset(token)

    return handler


def _as_caller_streaming(authentication: Authentication, behaviour):
    """_as_caller for a handler that yields its responses."""

    def handler(request, context):
        # Each step of the stream runs in a context of the call's own: a generator may be resumed, or finalised
        # after a cancel, on another thread, where setting and resetting the caller in place would leak it.
        scope = contextvars.copy_context()
        scope.run(_caller_var.set, authentication.verify(context))
        responses = scope.run(behaviour, request, context)
        try:
            while True:
                try:
                    response = scope.run(next, responses)
                except StopIteration:
                    return
                yield response
        finally:  # a cancelled stream's cleanup runs now, in its own context
            if hasattr(responses, "close"):
                scope.run(responses.close)

    return handler


class _CallScope:
    """Per-call request id, access log and domain-error translation; its edge screens the request first.

    A stream sends the request id in its initial metadata, at once; a call with one answer (`unary`) in its
    trailing metadata, which goes with the answer or the error: initial metadata a handler sets is a batch of
    grpc's own, sent and awaited before the answer (measured on grpc.aio: 0.08-0.10 ms of server CPU an empty
    call, a completion more for the loop to wait on)."""

    def __init__(self, edge: Edge, context: grpc.ServicerContext, *, unary: bool = False):
        self.edge = edge
        self.unary = unary
        self.method = edge.method
        self.context = context
        self.refused: RequestRefused | None = None
        supplied = metadata_value(context, REQUEST_ID_HEADER)
        self.request_id = supplied if supplied and _REQUEST_ID_RE.match(supplied) else new_request_id()
        self.started = time.perf_counter()
        self.code = grpc.StatusCode.OK
        self.trailers: tuple[tuple[str, str], ...] = ()  # the call's trailing metadata, as set so far

    def __enter__(self):
        self.token = request_id_var.set(self.request_id)
        if self.unary:
            self.trail((REQUEST_ID_HEADER, self.request_id))
            return self
        try:
            self.context.send_initial_metadata(((REQUEST_ID_HEADER, self.request_id),))
        except ValueError:  # metadata already sent
            pass
        return self

    def domain_status(self, exc: errors.DomainError) -> str:
        """Sets the status of a refused call (and a retry-after trailer when known); returns its message."""
        self.code = status_for(exc)
        if isinstance(exc, RequestRefused):
            self.refused = exc
        if isinstance(exc, errors.ResourceExhausted) and exc.retry_after_seconds is not None:
            self.trail(("retry-after", f"{exc.retry_after_seconds:.3f}"))
        return exc.message

    def trail(self, *pairs: tuple[str, str]) -> None:
        """Adds to the call's trailing metadata (grpc keeps only the last set_trailing_metadata)."""
        self.trailers += pairs
        self.context.set_trailing_metadata(self.trailers)

    def unexpected_status(self, exc: Exception) -> str:
        """Sets INVALID_ARGUMENT for text the database driver refused (a NUL character), UNAVAILABLE for an
        unreachable database or broker, else INTERNAL for a bug (logged with its
        traceback; the client learns only that it happened and the request id); returns the message."""
        if (refusal := errors.refused_by_driver(exc)) is not None:  # bad input, stopped before any write
            self.code = grpc.StatusCode.INVALID_ARGUMENT
            return refusal.message
        if unavailable(exc):
            self.code = grpc.StatusCode.UNAVAILABLE
            self.edge.access_log.log(UNAVAILABLE, logging.WARNING, "backing service unavailable in %s: %s",
                                     self.method, exc.__class__.__name__)
            return "a service this call needs is unreachable; retry shortly"
        self.code = grpc.StatusCode.INTERNAL
        # Rate-limited too: a bug any caller can reach must not let them flood the log with tracebacks.
        self.edge.access_log.log(INTERNAL, logging.ERROR, "unhandled error in %s", self.method, exc_info=exc)
        return f"internal error; quote request id {self.request_id} when reporting it"

    def translate(self, exc: errors.DomainError):
        message = self.domain_status(exc)
        self.context.abort(self.code, message)

    def unexpected(self, exc: Exception):
        if self.context.code() not in (None, grpc.StatusCode.OK):
            self.code = self.context.code()  # the servicer aborted on purpose
            raise exc
        message = self.unexpected_status(exc)
        self.context.abort(self.code, message)

    def __exit__(self, exc_type, exc, tb):
        if exc_type is GeneratorExit:
            self.code = grpc.StatusCode.CANCELLED  # the client went away from a stream
        self.edge.log_call(self.code, self.refused, {
            "grpc_method": self.method,
            "grpc_code": self.code.name,
            "duration_ms": round((time.perf_counter() - self.started) * 1000, 3),
        })
        request_id_var.reset(self.token)
        return False


# --- draining: a stopping server tells its open streams to resume elsewhere ------------------------------------

DRAINING_MESSAGE = (
    "the server is restarting: call again to continue on another replica "
    "(a room stream: Subscribe with after_seq = the last seq received, to miss nothing and get nothing twice)"
)


class _Drain:
    """One server's stop, as its streams see it: `draining` once it stops taking calls. Coroutine streams waiting
    for their next item are cancelled out of that wait (on the loop) and end with UNAVAILABLE; a stream is never
    cancelled while it writes an item, so what a client received is whole and its last seq is where to resume."""

    def __init__(self):
        self.draining = False
        self.waiting: set[asyncio.Task] = set()  # coroutine streams awaiting their next item
        self.ended: set[asyncio.Task] = set()  # those cancelled by the drain (not by their client)

    def begin(self) -> None:
        """Called on the server's loop for the asyncio server (a task is cancelled from its own loop only)."""
        self.draining = True
        for task in list(self.waiting):
            self.ended.add(task)
            task.cancel()


_serving = threading.local()  # .drain: the _Drain of the server whose thread (pool worker or loop) this is


def _bind_drain(drain: _Drain) -> None:
    _serving.drain = drain


def _drain_here() -> _Drain | None:
    return getattr(_serving, "drain", None)


async def _write_until_drained(items, context, drain: _Drain | None) -> bool:
    """Writes the stream's items; True when it stopped because the server is stopping (the caller then ends the
    call with UNAVAILABLE), False when the items ran out."""
    task = asyncio.current_task()
    while drain is None or not drain.draining:
        if drain is not None:
            drain.waiting.add(task)
        try:
            item = await anext(items)
        except StopAsyncIteration:
            return False
        except asyncio.CancelledError:
            if drain is None or task not in drain.ended:
                raise
            drain.ended.discard(task)
            if task.uncancel() > 0:  # its client cancelled it too
                raise
            return True
        finally:
            if drain is not None:
                drain.waiting.discard(task)
        await context.write(item)
    return True


def _wrap_unary(edge: Edge, behaviour):
    def wrapper(request, context):
        with _CallScope(edge, context, unary=True) as scope:
            try:
                edge.screen(request)
                return behaviour(request, context)
            except errors.DomainError as exc:
                scope.translate(exc)
            except Exception as exc:
                scope.unexpected(exc)

    return wrapper


def _wrap_stream(edge: Edge, behaviour):
    def wrapper(request, context):
        drain = _drain_here()
        with _CallScope(edge, context) as scope:
            try:
                edge.screen(request)
                items = iter(behaviour(request, context))
                try:
                    # A stopping server ends the stream before its next item (a thread blocked waiting for
                    # one cannot be interrupted: it ends when grpc cancels the calls left after the grace).
                    while not (drain is not None and drain.draining):
                        try:
                            item = next(items)
                        except StopIteration:
                            return
                        yield item
                finally:
                    if hasattr(items, "close"):
                        items.close()
                scope.code = grpc.StatusCode.UNAVAILABLE
                context.abort(grpc.StatusCode.UNAVAILABLE, DRAINING_MESSAGE)
            except errors.DomainError as exc:
                scope.translate(exc)
            except Exception as exc:
                scope.unexpected(exc)

    return wrapper


try:  # what grpc.aio's context.write raises once the call can no longer send (its client went away)
    from grpc._cython.cygrpc import ExecuteBatchError as _WRITE_FAILED
except ImportError:  # pragma: no cover - a grpcio without it: only context.cancelled() tells
    _WRITE_FAILED = ()


class _AsyncCallScope(_CallScope):
    """_CallScope for coroutine handlers on the asyncio server, whose context methods are awaitable. It is
    entered and left in the call's own task (never from another task closing an abandoned generator), so the
    context variables it sets are reset in the context that set them."""

    async def __aenter__(self):
        self.token = request_id_var.set(self.request_id)
        if self.unary:
            self.trail((REQUEST_ID_HEADER, self.request_id))
        else:
            await self.context.send_initial_metadata(((REQUEST_ID_HEADER, self.request_id),))
        return self

    async def __aexit__(self, exc_type, exc, tb):
        """Turns what the handler raised into a status (a domain error's category, UNAVAILABLE or INTERNAL)."""
        try:
            if exc_type in (GeneratorExit, asyncio.CancelledError):
                self.code = grpc.StatusCode.CANCELLED
            elif isinstance(exc, _WRITE_FAILED) or (exc is not None and self.context.cancelled()):
                # The client went away while an item was being written: grpc failed the write (ExecuteBatchError,
                # raised only when the call can no longer send) before it cancelled the task, sometimes before
                # the context knows. An ordinary end of a stream, not a bug to log.
                self.code = grpc.StatusCode.CANCELLED
                return True
            elif isinstance(exc, errors.DomainError):
                message = self.domain_status(exc)
                await self.context.abort(self.code, message)
            elif exc is not None and not isinstance(exc, grpc.aio.AbortError):
                message = self.unexpected_status(exc)
                await self.context.abort(self.code, message)
        finally:
            self.__exit__(None, None, None)
        return False


def _wrap_async_stream(edge: Edge, behaviour, pool: futures.Executor, authentication: Authentication | None):
    """A coroutine stream (an async generator) on the asyncio server, as a coroutine that writes each item.

    grpc.aio iterates a generator handler from the call's task and, when the client cancels while an item is
    being sent, abandons it there: the loop then closes it from a task of its own, outside the call's context
    (its scope could not reset the request id: 'created in a different Context', logged as a task exception
    never retrieved). Written from one coroutine, a cancel reaches the scope and the generator in the call's
    task. The token is verified in `pool`: a verification may have to fetch keys, which the loop must not wait on.
    When the server starts stopping, the stream ends at once with UNAVAILABLE (DRAINING_MESSAGE), not after
    the grace: its client resumes on another replica.
    """

    async def wrapper(request, context):
        drain = _drain_here()
        async with _AsyncCallScope(edge, context) as scope:
            edge.screen(request)
            caller_token = None
            if authentication is not None and authentication.needed_for(edge.method):
                principal = await asyncio.get_running_loop().run_in_executor(pool, authentication.verify, context)
                caller_token = _caller_var.set(principal)
            try:
                async with aclosing(behaviour(request, context)) as items:
                    if await _write_until_drained(items, context, drain):
                        scope.code = grpc.StatusCode.UNAVAILABLE
                        await context.abort(grpc.StatusCode.UNAVAILABLE, DRAINING_MESSAGE)
            finally:
                if caller_token is not None:
                    _caller_var.reset(caller_token)

    return wrapper


def _wrap_unary_on_loop(edge: Edge, behaviour, pool: futures.Executor):
    """A plain unary handler on the asyncio server: the scope (request id, metadata, errors) lives on the
    loop, the handler (and its token's verification) runs in the pool with the request id in its context.
    Sending metadata from the pool thread would wait for the loop on every call (measured: tens of ms under
    load)."""

    async def wrapper(request, context):
        async with _AsyncCallScope(edge, context, unary=True):
            edge.screen(request)  # on the loop: a refused request costs no thread
            return await _in_pool(pool, behaviour, request, context)

    return wrapper


async def _in_pool(pool: futures.Executor, behaviour, request, context):
    """behaviour(request, context) run in `pool` with this task's context variables. Leaner than run_in_executor
    (which chains a concurrent future to an asyncio one through two callbacks): the pool thread hands the outcome
    to the loop itself (measured: 0.06 ms less server CPU per call, a tenth of an empty call's)."""
    loop = asyncio.get_running_loop()
    outcome = loop.create_future()
    scope = contextvars.copy_context()

    def run():
        try:
            value, failed = scope.run(behaviour, request, context), False
        except BaseException as exc:  # noqa: BLE001 (raised in the call's task, as run_in_executor would)
            value, failed = exc, True
        loop.call_soon_threadsafe(_settle, outcome, value, failed)

    pool.submit(run)
    return await outcome


def _settle(outcome: asyncio.Future, value, failed: bool) -> None:
    if outcome.cancelled():  # the call was cancelled meanwhile (its client went away)
        return
    if failed:
        outcome.set_exception(value)
    else:
        outcome.set_result(value)


def _wrapped(handler, method: str, pool: futures.Executor | None = None, authentication: Authentication | None = None,
             limits: RequestLimits | None = None, calls_log=None):
    """The handler with the edge (a request that does not parse or is over its limits refused before anything
    else), authentication, request ids, access logs and error mapping; coroutine streams stay coroutines, and
    with `pool` (the asyncio server) plain unary handlers run there behind a coroutine."""
    authenticated = authentication is not None and authentication.needed_for(method)
    edge = Edge(method, limits or _DEFAULT_LIMITS, calls_log or access_log(), public=not authenticated)
    deserializer = tolerant(handler.request_deserializer)

    def plain(behaviour):
        return _as_caller(authentication, behaviour) if authenticated else behaviour

    def streaming(behaviour):
        return _as_caller_streaming(authentication, behaviour) if authenticated else behaviour

    def screened_stream(behaviour):  # a client stream's requests are screened one by one as they arrive
        return lambda requests, context: behaviour(edge.screened(requests), context)

    if handler.unary_unary:
        behaviour = plain(handler.unary_unary)
        wrapped = _wrap_unary_on_loop(edge, behaviour, pool) if pool is not None else _wrap_unary(edge, behaviour)
        return grpc.unary_unary_rpc_method_handler(wrapped, deserializer, handler.response_serializer)
    if handler.unary_stream:
        if inspect.isasyncgenfunction(handler.unary_stream):
            wrapped = _wrap_async_stream(edge, handler.unary_stream, pool, authentication)
        else:
            wrapped = _wrap_stream(edge, streaming(handler.unary_stream))
        return grpc.unary_stream_rpc_method_handler(wrapped, deserializer,
                                                    _passing_bytes(handler.response_serializer))
    if handler.stream_unary:
        return grpc.stream_unary_rpc_method_handler(
            _wrap_unary(edge, screened_stream(plain(handler.stream_unary))), deserializer,
            handler.response_serializer
        )
    return grpc.stream_stream_rpc_method_handler(
        _wrap_stream(edge, screened_stream(streaming(handler.stream_stream))), deserializer,
        handler.response_serializer
    )


def _passing_bytes(serializer):
    """A stream's response serializer that sends bytes as they are: a handler that sends one item on many
    streams encodes it once and yields its wire bytes (room's Subscribe)."""
    if serializer is None:
        return None

    def serialize(response):
        return response if type(response) is bytes else serializer(response)

    return serialize


_DEFAULT_LIMITS = RequestLimits()


class _WrappedHandlers:
    """The wrapped handler of each method, built on its first call and reused (a method's handler is fixed)."""

    def __init__(self, pool: futures.Executor | None = None, authentication: Authentication | None = None,
                 limits: RequestLimits | None = None):
        self.pool = pool
        self.authentication = authentication
        self.limits = limits
        self.calls_log = access_log()  # one bound on the lines this server's callers can cause
        self._by_method: dict[str, tuple] = {}

    def wrapped(self, handler, method: str):
        if handler is None or method.startswith("/grpc."):
            return handler
        known = self._by_method.get(method)
        if known is None or known[0] is not handler:
            known = self._by_method[method] = (
                handler, _wrapped(handler, method, self.pool, self.authentication, self.limits, self.calls_log)
            )
        return known[1]


class CallInterceptor(grpc.ServerInterceptor):
    """Gives every call a request id and an access-log line, verifies its caller (with `authentication`), and
    turns domain errors into statuses."""

    def __init__(self, authentication: Authentication | None = None, limits: RequestLimits | None = None):
        self.handlers = _WrappedHandlers(authentication=authentication, limits=limits)

    def intercept_service(self, continuation, handler_call_details):
        return self.handlers.wrapped(continuation(handler_call_details), handler_call_details.method)


class _WrappingRegistrar:
    """The server as the generated `add_*Servicer_to_server` functions (and health's, reflection's) see it: the
    handlers they register are wrapped there, once, with the edge, authentication, request id, access log and
    error mapping. Unlike a grpc.aio interceptor, that costs no coroutine per call (grpc.aio awaits every
    interceptor on every call, before it looks the method up)."""

    def __init__(self, server, handlers: _WrappedHandlers):
        self.server, self.handlers = server, handlers

    def add_generic_rpc_handlers(self, generic_rpc_handlers) -> None:
        self.server.add_generic_rpc_handlers(
            tuple(_WrappedGenericHandler(generic, self.handlers) for generic in generic_rpc_handlers))

    def add_registered_method_handlers(self, service_name: str, method_handlers: Mapping) -> None:
        self.server.add_registered_method_handlers(service_name, {
            name: self.handlers.wrapped(handler, f"/{service_name}/{name}") for name, handler in method_handlers.items()
        })

    def __getattr__(self, name: str):
        return getattr(self.server, name)


class _WrappedGenericHandler(grpc.GenericRpcHandler):
    def __init__(self, generic: grpc.GenericRpcHandler, handlers: _WrappedHandlers):
        self.generic, self.handlers = generic, handlers

    def service(self, handler_call_details):
        return self.handlers.wrapped(self.generic.service(handler_call_details), handler_call_details.method)


class AioCallInterceptor(grpc.aio.ServerInterceptor):
    """CallInterceptor for the asyncio server: plain unary handlers run in `pool`, coroutine streams on the
    loop, both with the same authentication, request id, access log and error mapping."""

    def __init__(self, pool: futures.Executor, authentication: Authentication | None = None,
                 limits: RequestLimits | None = None):
        self.handlers = _WrappedHandlers(pool, authentication, limits)

    async def intercept_service(self, continuation, handler_call_details):
        return self.handlers.wrapped(await continuation(handler_call_details), handler_call_details.method)


def server_options(keepalive_seconds: float) -> list[tuple[str, int]]:
    """One server per port (no SO_REUSEPORT), and keepalive pings on connections with calls open: a client
    that vanished without closing its connection (a phone losing its network) is found out after
    `keepalive_seconds` plus half that for the ping's answer, and its streams end (grpcio's default is
    two hours, during which a stream's person would stay present in the room)."""
    return [
        ("grpc.so_reuseport", 0),
        ("grpc.keepalive_time_ms", int(keepalive_seconds * 1000)),
        ("grpc.keepalive_timeout_ms", int(keepalive_seconds * 500)),
        ("grpc.http2.max_pings_without_data", 0),  # a quiet stream sends no data between pings
        ("grpc.http2.ping_timeout_ms", int(keepalive_seconds * 500)),  # grpcio 1.85 waits this long for the ack
        # Clients' keepalive pings (hearth_common.clients.channel: every 30 s) are welcome on a quiet stream;
        # grpcio's default of one per 5 minutes would answer them with GOAWAY "too many pings".
        ("grpc.http2.min_ping_interval_without_data_ms", 10_000),
    ]


class _WatchEnd:
    """A non-blocking Watch stream's send callback (the threaded server's) whose end goes through once: from a
    stopping server, or from grpc when the call closes."""

    def __init__(self, send):
        self.send, self.ended, self.lock = send, False, threading.Lock()

    def __call__(self, response) -> None:
        with self.lock:
            if self.ended:
                return
            self.ended = response is None
        self.send(response)


class _HealthServicer(health.HealthServicer):
    """grpc's health service, whose Watch streams (clients' health checks) a stopping server ends. grpc's own
    outlive the stop: on the asyncio server a watch's pool thread stayed blocked and the process never exited
    (measured with room-grpc); on the threaded server a watch held the stop for the whole grace."""

    def __init__(self):
        super().__init__()
        self._watches: weakref.WeakSet = weakref.WeakSet()

    def Watch(self, request, context, send_response_callback=None):
        if send_response_callback is not None:
            send_response_callback = _WatchEnd(send_response_callback)
            self._watches.add(send_response_callback)
        watcher = super().Watch(request, context, send_response_callback)
        if watcher is not None:
            self._watches.add(watcher)
        return watcher

    def end_watches(self) -> None:
        for watch in list(self._watches):
            if isinstance(watch, _WatchEnd):
                watch(None)
            else:
                watch.close()


class GrpcServer:
    """A grpcio server with health and reflection for the given services, bound to one port.

    With `asyncio=True` the server is grpc.aio's, run on its own event-loop thread behind the same
    blocking interface: plain handlers still run in the thread pool, and coroutine streaming handlers
    (async generators) run on the loop, holding no thread while they wait. That is what makes hundreds of
    long-lived streams per process affordable (measured with room's Subscribe).

    With `authentication`, every call to a method it does not list as public carries a verified token, and the
    servicer learns who calls from `caller()`; without, every method is public.

    Every request is screened first (grpc_edge): one that does not parse, or whose fields are over `limits`
    (request_limits: common's defaults, then the service's overrides), is INVALID_ARGUMENT before authentication;
    the largest legal request sizes the maximum receive message length.
    """

    def __init__(
        self,
        registrations: Sequence[tuple[Callable, object]],
        service_names: Iterable[str],
        *,
        address: str,
        max_workers: int = 16,
        asyncio: bool = False,
        keepalive_seconds: float = 20.0,
        authentication: Authentication | None = None,
        limits: RequestLimits | None = None,
    ):
        self.authentication = authentication
        self.limits = limits or RequestLimits()
        self._drain = _Drain()
        self.pool = futures.ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="grpc",
                                               initializer=_bind_drain, initargs=(self._drain,))
        self.service_names = list(service_names)
        self.options = [*server_options(keepalive_seconds),
                        ("grpc.max_receive_message_length", self.limits.receive_limit(self.service_names))]
        self.loop: asyncio.AbstractEventLoop | None = None
        self.health = _HealthServicer()
        self._watch_stop: threading.Event | None = None
        self._readiness: Callable[[], bool] | None = None
        if asyncio:
            self.loop = _new_loop_thread()
            self.loop.call_soon_threadsafe(_bind_drain, self._drain)
            self.server, self.port = self._on_loop(self._build_aio(registrations, address))
        else:
            self.server = grpc.server(
                self.pool, interceptors=[CallInterceptor(authentication, self.limits)], options=self.options
            )
            self.port = self._register(registrations, address)
        if self.port == 0:
            raise RuntimeError(f"could not bind gRPC server to {address}")

    def _register(self, registrations, address: str, registrar=None) -> int:
        registrar = registrar or self.server
        for add, servicer in registrations:
            add(servicer, registrar)
        health_pb2_grpc.add_HealthServicer_to_server(self.health, registrar)
        reflection.enable_server_reflection(
            [*self.service_names, health.SERVICE_NAME, reflection.SERVICE_NAME], registrar
        )
        return self.server.add_insecure_port(address)

    async def _build_aio(self, registrations, address: str):
        # No interceptor: the handlers are wrapped as they are registered (AioCallInterceptor's work, without
        # its coroutine on every call).
        self.server = grpc.aio.server(migration_thread_pool=self.pool, options=self.options)
        handlers = _WrappedHandlers(self.pool, self.authentication, self.limits)
        return self.server, self._register(registrations, address, _WrappingRegistrar(self.server, handlers))

    def _on_loop(self, coroutine):
        return asyncio_module.run_coroutine_threadsafe(coroutine, self.loop).result()

    def set_serving(self, serving: bool) -> None:
        status = health_pb2.HealthCheckResponse.SERVING if serving else health_pb2.HealthCheckResponse.NOT_SERVING
        for name in ["", *self.service_names]:
            self.health.set(name, status)

    def start(self, readiness: Callable[[], bool] | None = None,
              interval: float = READINESS_INTERVAL_SECONDS) -> GrpcServer:
        """Starts serving; with `readiness`, health follows it: checked every `interval` seconds, or, when it has a
        `wait(serving)` (db.DatabaseReadiness), whenever that returns."""
        if self.loop is not None:
            self._on_loop(self.server.start())
        else:
            self.server.start()
        serving = True if readiness is None else bool(readiness())
        self.set_serving(serving)
        if readiness is not None:
            self._watch_stop = threading.Event()
            self._readiness = readiness
            threading.Thread(target=self._watch, args=(readiness, interval, serving), daemon=True,
                             name="health").start()
        return self

    def _watch(self, readiness: Callable[[], bool], interval: float, serving: bool) -> None:
        wait = getattr(readiness, "wait", None)
        while True:
            if wait is not None:
                wait(serving)
                if self._watch_stop.is_set():
                    return
            elif self._watch_stop.wait(interval):
                return
            now = bool(readiness())
            if now != serving:
                log.log(logging.INFO if now else logging.WARNING, "readiness changed", extra={"serving": now})
                serving = now
            self.set_serving(now)

    def stop(self, grace: float, drain_delay: float = 0.0) -> None:
        """Stops in the order a rolling redeploy needs. Health says NOT_SERVING for good (balancers and clients
        that watch it move away; for `drain_delay` seconds calls are still served meanwhile); then the server
        takes no new call, every open stream ends at once with UNAVAILABLE (DRAINING_MESSAGE: its client resumes
        on another replica), and in-flight unary calls have up to `grace` seconds to finish. Without calls in
        flight it returns at once."""
        if self._watch_stop is not None:
            self._watch_stop.set()
            close = getattr(self._readiness, "close", None)
            if close is not None:
                close()  # ends its wait
        self.health.enter_graceful_shutdown()  # the readiness watch can no longer set SERVING
        if drain_delay > 0:
            time.sleep(drain_delay)
        if self.loop is not None:
            self._on_loop(self._stop_on_loop(grace))
            self.loop.call_soon_threadsafe(self.loop.stop)
        else:
            stopped = self.server.stop(grace)  # takes no new call from here on
            self._drain.begin()
            self.health.end_watches()
            stopped.wait()
        self.pool.shutdown(wait=False)

    async def _stop_on_loop(self, grace: float) -> None:
        stopping = asyncio_module.ensure_future(self.server.stop(grace))
        await asyncio_module.sleep(0)  # its first step takes no new call: a resubscribing stream goes elsewhere
        self._drain.begin()
        self.health.end_watches()
        await stopping

    def serve(self, settings, readiness: Callable[[], bool] | None = None) -> None:
        """A service's gRPC process: starts (health following `readiness`), serves until SIGTERM or SIGINT, then
        stops with the settings' drain delay and grace (ServiceSettings.grpc_drain_seconds, grpc_grace_seconds)."""
        self.start(readiness=readiness)
        self.serve_until_signalled(settings.grpc_grace_seconds, settings.grpc_drain_seconds)

    def serve_until_signalled(self, grace: float, drain_delay: float = 0.0) -> None:
        """Blocks until SIGTERM or SIGINT, then stops gracefully (see stop)."""
        # What the process built before serving (modules, descriptors, the ORM, pools) lives as long as it
        # does: kept out of the collector, a full collection scans only what calls allocate. Measured in
        # room-grpc: full collections of the start-up heap paused every call for 30-70 ms, a few times a minute.
        gc.freeze()
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        log.info("grpc server listening", extra={"port": self.port})
        stop.wait()
        log.info("grpc server stopping", extra={"grace_s": grace, "drain_delay_s": drain_delay})
        started = time.monotonic()
        self.stop(grace, drain_delay)
        log.info("grpc server stopped", extra={"duration_ms": round((time.monotonic() - started) * 1000, 1)})


def _new_loop_thread() -> asyncio.AbstractEventLoop:
    loop = asyncio_module.new_event_loop()
    threading.Thread(target=loop.run_forever, name="grpc-aio", daemon=True).start()
    return loop
