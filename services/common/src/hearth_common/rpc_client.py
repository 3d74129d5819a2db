"""Cross-cutting: a plain-kombu client for nameko RPC, for processes that must not import eventlet (gRPC servers);
it works in an eventlet worker too."""
from __future__ import annotations

import queue
import threading
import time
import uuid
from collections.abc import Callable

import amqp
import kombu

from hearth_common import errors
from hearth_common.logging import current_request_id, new_request_id
from hearth_common.service_rpc import service_of_broker_user

# Shared by every service, so created by the broker's definitions and declared by no service (a user allowed to
# declare it could delete it); declared here only where it is missing (a local broker), see ensure_exchange.
RPC_EXCHANGE = kombu.Exchange("nameko-rpc", type="topic", durable=True, no_declare=True)


class RemoteError(Exception):
    """The remote method raised an error that is not a domain error."""

    def __init__(self, exc_type: str, value: str):
        super().__init__(f"{exc_type}: {value}")
        self.exc_type = exc_type
        self.value = value


class RpcUnavailable(ConnectionError):
    """The service could not be asked: no worker of it is listening (the broker could not route the call). A
    ConnectionError, so a gRPC edge answers UNAVAILABLE (retryable)."""


class RpcTimeout(RpcUnavailable):
    """No reply arrived in time."""


def _remote_domain_error(error: dict) -> Exception:
    """Rebuilds a domain error from nameko's serialised form, using the category the remote class derives from."""
    refusal = errors.from_remote(error.get("exc_type", ""), error.get("value", ""))
    return refusal or RemoteError(error.get("exc_type", "Exception"), str(error.get("value", "")))


def ensure_exchange(channel, exchange: kombu.Exchange) -> None:
    """Declares `exchange` only if it does not exist: a passive declaration needs no permission, so a service
    whose broker user may not configure a shared or another service's exchange can still start where the
    broker's definitions made it, and a local broker (every permission) gets it made here."""
    probe = channel.connection.channel()
    try:
        probe.exchange_declare(exchange.name, exchange.type, passive=True)
    except kombu.exceptions.ChannelError as exc:  # 404: it is missing
        if getattr(exc, "code", None) != 404:
            raise
        channel.exchange_declare(exchange.name, exchange.type, durable=exchange.durable,
                                 auto_delete=exchange.auto_delete, arguments=exchange.arguments)
    finally:
        try:
            probe.close()
        except Exception:  # already closed by the broker's refusal
            pass


class RpcClient:
    """Calls `service.method` over nameko's RPC protocol; one connection and reply queue, calls serialised.

    The caller's request id travels as nameko context data (`nameko.request_id`), so the remote worker's logs
    and the events it causes carry it. Every request carries the AMQP `user_id` property, the connection's user:
    the broker refuses a message whose user_id is not the publisher's, so the callee learns from it which
    service calls (service_rpc). `caller` only names the reply queue (by default the user's service).
    """

    def __init__(self, amqp_uri: str, *, timeout: float = 5.0, caller: str | None = None):
        self.amqp_uri = amqp_uri
        self.timeout = timeout
        self.caller = caller
        self._lock = threading.Lock()
        self._connection: kombu.Connection | None = None
        self._replies: dict[str, dict] = {}

    def _connect(self) -> None:
        self._connection = kombu.Connection(self.amqp_uri, transport_options={"confirm_publish": True})
        self._connection.ensure_connection(max_retries=1)
        self._user_id = self._connection.userid
        self._caller_name = self.caller or service_of_broker_user(self._user_id) or "local"
        # Routed by a bare uuid, as nameko's own reply queues are: callees may publish replies to such keys only.
        self._reply_key = str(uuid.uuid4())
        channel = self._connection.channel()
        ensure_exchange(channel, RPC_EXCHANGE)
        queue = kombu.Queue(f"rpc.reply-{self._caller_name}-{self._reply_key}", exchange=RPC_EXCHANGE,
                            routing_key=self._reply_key, exclusive=True, auto_delete=True)
        self._consumer = kombu.Consumer(channel, queues=[queue], callbacks=[self._on_reply], no_ack=True)
        self._consumer.consume()
        self._returned: set[str] = set()
        self._producer = kombu.Producer(
            self._connection.channel(), exchange=RPC_EXCHANGE, serializer="json", on_return=self._on_return
        )

    def _on_return(self, exception, exchange, routing_key, message) -> None:
        self._returned.add(message.properties.get("correlation_id"))

    def _on_reply(self, body, message) -> None:
        self._replies[message.properties.get("correlation_id")] = body

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                try:
                    self._connection.release()
                except Exception:
                    pass
            self._connection = None

    def call(self, service: str, method: str, **kwargs):
        with self._lock:
            if self._connection is None:
                self._connect()
            try:
                return self._call(service, method, kwargs)
            except RpcUnavailable:
                raise
            except amqp.exceptions.AccessRefused as exc:  # the broker closed the channel: start afresh next time
                self._drop_connection()
                raise errors.PermissionDenied(f"the broker refused {service}.{method} to this service: {exc}") from exc
            except (TimeoutError, OSError, kombu.exceptions.OperationalError, amqp.exceptions.ChannelError):
                self._drop_connection()
                raise

    def _drop_connection(self) -> None:
        try:
            self._connection.release()
        except Exception:  # already broken
            pass
        self._connection = None

    def _call(self, service: str, method: str, kwargs: dict):
        correlation_id = str(uuid.uuid4())
        request_id = current_request_id() or new_request_id()
        self._producer.publish(
            {"args": [], "kwargs": kwargs},
            routing_key=f"{service}.{method}",
            reply_to=self._reply_key,
            correlation_id=correlation_id,
            user_id=self._user_id,
            delivery_mode=2,
            headers={
                "nameko.request_id": request_id,
                "nameko.call_id_stack": [f"{self._caller_name}.{uuid.uuid4()}"],
            },
            mandatory=True,
            retry=False,
        )
        if correlation_id in self._returned:  # the broker returns it before confirming
            self._returned.discard(correlation_id)
            raise RpcUnavailable(f"no {service} worker is running to answer {method}; try again shortly")
        deadline = time.monotonic() + self.timeout
        while correlation_id not in self._replies:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise RpcTimeout(f"no reply from {service}.{method} within {self.timeout}s")
            try:
                self._connection.drain_events(timeout=remaining)
            except TimeoutError:
                continue
        reply = self._replies.pop(correlation_id)
        if reply.get("error"):
            raise _remote_domain_error(reply["error"])
        return reply.get("result")


class RpcClientPool:
    """RpcClients shared by a process's call threads (a gRPC server's pool): a call borrows an idle client, or
    opens one (`make_client`) while fewer than `size` exist, so a slow answer holds up its own call only, not every
    call queued behind one client's lock (an RpcClient sends one call at a time). With all `size` busy, a call
    waits up to `wait` seconds for one, then is RpcTimeout (UNAVAILABLE at a gRPC edge: retry)."""

    def __init__(self, make_client: Callable[[], RpcClient], *, size: int, wait: float):
        self.make_client = make_client
        self.size = size
        self.wait = wait
        self._idle: queue.LifoQueue = queue.LifoQueue()  # the last returned first: its connection is warm
        self._opened = 0
        self._lock = threading.Lock()

    def call(self, service: str, method: str, **kwargs):
        client = self._borrow(service, method)
        try:
            return client.call(service, method, **kwargs)
        finally:
            self._idle.put(client)

    def _borrow(self, service: str, method: str) -> RpcClient:
        try:
            return self._idle.get_nowait()
        except queue.Empty:
            pass
        with self._lock:
            if self._opened < self.size:
                self._opened += 1
                return self.make_client()
        try:
            return self._idle.get(timeout=self.wait)
        except queue.Empty:
            raise RpcTimeout(f"every connection to ask {service}.{method} is busy; try again shortly") from None

    def close(self) -> None:
        while True:
            try:
                self._idle.get_nowait().close()
            except queue.Empty:
                return
