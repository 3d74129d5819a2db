"""Settings of moderation: the only module that reads environment variables (in load(), when a process starts)."""
from __future__ import annotations

import dataclasses
import datetime as dt

from hearth_common.settings import ServiceSettings, env_float, env_int, env_str


@dataclasses.dataclass(frozen=True, kw_only=True)
class Settings(ServiceSettings):
    identity_grpc_target: str
    message_retention: dt.timedelta
    room_rpc_timeout_seconds: float
    page_escalation: dt.timedelta = dt.timedelta(minutes=2)
    page_poll_seconds: float = 0.5
    course_rpc_timeout_seconds: float = 5.0


def load() -> Settings:
    return Settings(
        **ServiceSettings.shared("moderation", grpc_port=50053, grpc_workers=8),
        identity_grpc_target=env_str("MODERATION_IDENTITY_GRPC_TARGET", "127.0.0.1:50051"),
        message_retention=dt.timedelta(days=env_int("MODERATION_MESSAGE_RETENTION_DAYS", 30)),
        room_rpc_timeout_seconds=env_float("MODERATION_ROOM_RPC_TIMEOUT_SECONDS", 5.0),
        page_escalation=dt.timedelta(seconds=env_float("MODERATION_PAGE_ESCALATION_SECONDS", 120.0)),
        page_poll_seconds=env_float("MODERATION_PAGE_POLL_SECONDS", 0.5),
        course_rpc_timeout_seconds=env_float("MODERATION_COURSE_RPC_TIMEOUT_SECONDS", 5.0),
    )
