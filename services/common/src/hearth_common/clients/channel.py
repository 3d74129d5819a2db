"""Adapter: the one way Hearth's Python callers open a gRPC channel: every replica, retries, keepalive.

The settings are the ones README.md ("Calling the APIs") asks of every client, so a rolling redeploy costs a
caller nothing: calls spread over every replica (round_robin), a call refused by a stopping replica is retried
on another (UNAVAILABLE, with backoff), a call made while no replica is reachable waits for one up to its
deadline (waitForReady), and a replica that comes back is reconnected to within seconds.
"""
from __future__ import annotations

import json
from collections.abc import Sequence

import grpc

# Every method of every service ("name": [{}] is the default method config).
SERVICE_CONFIG: dict = {
    "loadBalancingConfig": [{"round_robin": {}}],
    # Not "healthCheckConfig" yet (grpc's health Watch holds a thread of the server's pool per client connection;
    # room-grpc has 4). Without it a call that reaches a replica as it stops, before the client has read its
    # GOAWAY, is cancelled by the server unstarted (measured: a few per thousand stops under load): CANCELLED is
    # retried too. A client's own cancel is never retried; a call the server cancelled at the end of its grace
    # had started, so a create sent again must carry its idempotency key (README, "What a client should
    # configure"), as for UNAVAILABLE.
    "methodConfig": [
        {
            "name": [{}],
            "waitForReady": True,
            "retryPolicy": {
                "maxAttempts": 5,
                "initialBackoff": "0.1s",
                "maxBackoff": "1s",
                "backoffMultiplier": 2,
                "retryableStatusCodes": ["UNAVAILABLE", "CANCELLED"],
            },
        }
    ],
}

# Keepalive pings on connections with calls open find a vanished server (no FIN: a partition) in about 40 s;
# the servers accept pings this often (hearth_common.grpc_server.server_options).
CLIENT_KEEPALIVE_MS = 30_000

CHANNEL_OPTIONS: list[tuple[str, object]] = [
    ("grpc.service_config", json.dumps(SERVICE_CONFIG)),
    ("grpc.enable_retries", 1),
    ("grpc.keepalive_time_ms", CLIENT_KEEPALIVE_MS),
    ("grpc.keepalive_timeout_ms", 10_000),
    ("grpc.keepalive_permit_without_calls", 0),
    ("grpc.http2.max_pings_without_data", 0),  # a quiet stream sends no data between pings
    # A replica restarted on the same address is used again within a second or two, not after grpc's
    # default backoff of up to two minutes.
    ("grpc.initial_reconnect_backoff_ms", 200),
    ("grpc.min_reconnect_backoff_ms", 200),
    ("grpc.max_reconnect_backoff_ms", 2_000),
]


def channel_target(targets: str | Sequence[str]) -> str:
    """One gRPC target for every replica: a sequence or a comma-separated string of `host:port` addresses
    becomes `ipv4:a:p1,b:p2` (the addresses must be IPv4 literals); one address, or a target naming its
    resolver (`dns:///room-grpc:50052` resolves every replica of a compose service), is used as given."""
    if isinstance(targets, str):
        if ":///" in targets or targets.startswith(("ipv4:", "ipv6:", "unix:")):
            return targets
        targets = [t.strip() for t in targets.split(",") if t.strip()]
    if not targets:
        raise ValueError("no gRPC target given")
    if len(targets) == 1:
        return targets[0]
    return "ipv4:" + ",".join(targets)


def open_channel(targets: str | Sequence[str]) -> grpc.Channel:
    """A channel over every replica at `targets` (see channel_target) with CHANNEL_OPTIONS."""
    return grpc.insecure_channel(channel_target(targets), options=CHANNEL_OPTIONS)


def open_aio_channel(targets: str | Sequence[str]) -> grpc.aio.Channel:
    """open_channel for asyncio callers (created inside their event loop)."""
    return grpc.aio.insecure_channel(channel_target(targets), options=CHANNEL_OPTIONS)
