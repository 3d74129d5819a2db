"""Cross-cutting: hostile input answered cheaply at the gRPC edge, before authentication and before any work.

A request that does not parse, or whose fields are over their limits (request_limits), is refused as
INVALID_ARGUMENT with one log line saying why; the lines a caller can cause without a verified token (those
refusals, UNAUTHENTICATED, the access lines of public methods) go through a LogRateLimiter, so no caller makes a
server write more than a bounded amount of log a second. grpc_server's call scope uses one Edge per method.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import grpc

from hearth_common import errors
from hearth_common.log_rate import LogRateLimiter, Rate
from hearth_common.request_limits import RequestLimits

log = logging.getLogger("hearth_common.grpc_server")

UNPARSABLE, OVERSIZE, UNAUTHENTICATED, PUBLIC = "unparsable", "oversize", "unauthenticated", "public"
UNAVAILABLE, INTERNAL = "unavailable", "internal"

# Lines a second after a burst, per kind: refusals are rare in honest traffic; the access lines of public
# methods (register, log in, refresh, the badge catalogue) are everyday traffic of callers not yet known.
EDGE_LOG_RATES: Mapping[str, Rate] = {
    UNPARSABLE: Rate(burst=20, per_second=5),
    OVERSIZE: Rate(burst=20, per_second=5),
    UNAUTHENTICATED: Rate(burst=50, per_second=20),
    PUBLIC: Rate(burst=200, per_second=100),
    # Any caller's calls while a backing service is down, and a bug any caller can reach (with its traceback).
    UNAVAILABLE: Rate(burst=20, per_second=5),
    INTERNAL: Rate(burst=20, per_second=5),
}


class RequestRefused(errors.InvalidArgument):
    """The edge refused the request before any work: it does not parse, or a field is over its limit."""

    def __init__(self, message: str, kind: str):
        super().__init__(message)
        self.kind = kind


class Unparsable:
    """What the tolerant deserializer hands the handler for bytes that are no valid request of its type."""

    __slots__ = ("type_name", "size")

    def __init__(self, type_name: str, size: int):
        self.type_name, self.size = type_name, size


def tolerant(deserializer: Callable[[bytes], Any] | None) -> Callable[[bytes], Any] | None:
    """The method's request deserializer, returning Unparsable instead of raising. grpcio answers a raising
    deserializer with INTERNAL (the sync server) or UNKNOWN (grpc.aio) and logs an error with its traceback,
    once per request; the handler refuses Unparsable as INVALID_ARGUMENT, with one rate-limited line."""
    if deserializer is None:
        return None
    message_type = getattr(deserializer, "__self__", None)  # a generated message class's FromString
    type_name = getattr(getattr(message_type, "DESCRIPTOR", None), "full_name", None) or "request message"

    def deserialize(data: bytes):
        try:
            return deserializer(data)
        except Exception:  # noqa: BLE001 (whatever the bytes make the parser raise, they are the caller's)
            return Unparsable(type_name, len(data))

    return deserialize


class Edge:
    """One method's edge: `screen` refuses a request that did not parse or is over its limits, and `log_call`
    writes the call's one line (rate-limited unless a verified caller made it)."""

    def __init__(self, method: str, limits: RequestLimits, access_log: LogRateLimiter, public: bool):
        self.method, self.limits, self.access_log, self.public = method, limits, access_log, public

    def screen(self, request) -> None:
        if isinstance(request, Unparsable):
            raise RequestRefused(f"the request is not a valid {request.type_name}", UNPARSABLE)
        if hasattr(request, "DESCRIPTOR") and (refusal := self.limits.refusal(request)) is not None:
            raise RequestRefused(refusal, OVERSIZE)

    def screened(self, requests: Iterator) -> Iterator:
        """A client stream's requests, each screened as it arrives."""
        for request in requests:
            self.screen(request)
            yield request

    def log_call(self, code: grpc.StatusCode, refused: RequestRefused | None, extra: dict) -> None:
        if refused is not None:
            self.access_log.log(refused.kind, logging.WARNING, "grpc call refused",
                                extra={**extra, "refusal": refused.message})
        elif code == grpc.StatusCode.UNAUTHENTICATED:
            self.access_log.log(UNAUTHENTICATED, logging.INFO, "grpc call", extra=extra)
        elif self.public:
            self.access_log.log(PUBLIC, logging.INFO, "grpc call", extra=extra)
        else:  # a verified caller: every call logged, as ever
            log.info("grpc call", extra=extra)
            self.access_log.flush()


def access_log() -> LogRateLimiter:
    """A server's limiter of the lines its callers can cause (one per server, shared by its methods)."""
    return LogRateLimiter(log, EDGE_LOG_RATES)
