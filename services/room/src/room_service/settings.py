"""Settings of room: the only module that reads environment variables (in load(), when a process starts)."""
from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from hearth_common.settings import ServiceSettings, env_float, env_str
from room_service.domain import hosting


@dataclasses.dataclass(frozen=True, kw_only=True)
class Settings(ServiceSettings):
    identity_grpc_target: str
    presence_timeout_seconds: float
    live_sweep_seconds: float
    live_gap_wait_seconds: float
    grpc_keepalive_seconds: float
    session_sweep_seconds: float
    # Minutes a leader hosts per team a month, by (cohort, kind): domain/hosting.py says what a team is.
    hosting_quota_minutes: Mapping[tuple[str, str], int] = dataclasses.field(
        default_factory=lambda: dict(hosting.DEFAULT_QUOTA_MINUTES))


def load() -> Settings:
    return Settings(
        # Threads for the unary calls; Subscribe streams are coroutines and need none. Few: the calls share
        # one GIL, and more threads than this only contend for it (measured: join p99 at 300/s rose from
        # 12-18 ms with 4 threads per replica to 32-42 ms with 8 and 27-106 ms with 16).
        **ServiceSettings.shared("room", grpc_port=50052, grpc_workers=4),
        identity_grpc_target=env_str("ROOM_IDENTITY_GRPC_TARGET", "127.0.0.1:50051"),
        presence_timeout_seconds=env_float("ROOM_PRESENCE_TIMEOUT_SECONDS", 60.0),
        live_sweep_seconds=env_float("ROOM_LIVE_SWEEP_SECONDS", 1.0),
        # How long a replica holds a room's live items that came ahead of a missing seq (another replica's item
        # still on the broker) before it reads the missing ones from the timeline.
        live_gap_wait_seconds=env_float("ROOM_LIVE_GAP_WAIT_MS", 25.0) / 1000,
        grpc_keepalive_seconds=env_float("ROOM_GRPC_KEEPALIVE_SECONDS", 20.0),
        session_sweep_seconds=env_float("ROOM_SESSION_SWEEP_SECONDS", 60.0),
        hosting_quota_minutes=hosting.parse_quotas(env_str(
            "ROOM_HOSTING_QUOTA_MINUTES", hosting.format_quotas(hosting.DEFAULT_QUOTA_MINUTES))),
    )
