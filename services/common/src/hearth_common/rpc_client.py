"""Cross-cutting: a plain-kombu client for nameko RPC, for processes that must not import eventlet (gRPC servers)."""
from __future__ import annotations

import threading
import time
import uuid

import kombu

from hearth_common import errors
from hearth_common.logging import current_request_id, new_request_id

RPC_EXCHANGE = kombu.Exchange("nameko-rpc", type="topic", durable=True)

_ERRORS_BY_NAME = {cls.__name__: cls for cls in errors.CATEGORIES}


class RemoteError(Exception):
    """The remote method raised an error that is not a domain error."""

    def __init__(self, exc_type: str, value: str):
        super().__init__(f"{exc_type}: {value}")
        self.exc_type = exc_type
        self.value = value


class RpcTimeout(Exception):
    """No reply arrived in time."""


class RpcUnavailable(Exception):
    """No worker of the service is listening (the broker could not route the call)."""


def _remote_domain_error(error: dict) -> Exception:
    """Rebuilds a domain error from nameko's serialised form, using the category the remote class derives from."""
    category = _ERRORS_BY_NAME.get(error.get("exc_type", ""))
    if category is not None:
        return category(str(error.get("value", "")))
    return RemoteError(error.get("exc_type", "Exception"), str(error.get("value", "")))


class RpcClient:
    """Calls `service.method` over nameko's RPC protocol; one connection and reply queue, calls serialised.

    The caller's request id travels as nameko context data (`nameko.request_id`), so the remote worker's logs
    and the events it causes carry it.
    """

    def __init__(self, amqp_uri: str, *, timeout: float = 5.0, caller: str = "standalone"):
        self.amqp_uri = amqp_uri
        self.timeout = timeout
        self.caller = caller
        self._lock = threading.Lock()
        self._connection: kombu.Connection | None = None
        self._replies: dict[str, dict] = {}

    def _connect(self) -> None:
        self._connection = kombu.Connection(self.amqp_uri, transport_options={"confirm_publish": True})
        self._connection.ensure_connection(max_retries=1)
        self._reply_key = f"rpc.reply-{self.caller}-{uuid.uuid4().hex}"
        channel = self._connection.channel()
        queue = kombu.Queue(
            self._reply_key, exchange=RPC_EXCHANGE, routing_key=self._reply_key, exclusive=True, auto_delete=True
        )
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
            except (TimeoutError, OSError, kombu.exceptions.OperationalError):
                self._connection = None
                raise

    def _call(self, service: str, method: str, kwargs: dict):
        correlation_id = str(uuid.uuid4())
        request_id = current_request_id() or new_request_id()
        self._producer.publish(
            {"args": [], "kwargs": kwargs},
            routing_key=f"{service}.{method}",
            reply_to=self._reply_key,
            correlation_id=correlation_id,
            delivery_mode=2,
            headers={
                "nameko.request_id": request_id,
                "nameko.call_id_stack": [f"{self.caller}.{uuid.uuid4()}"],
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
