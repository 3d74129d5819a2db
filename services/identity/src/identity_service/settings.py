"""Settings of identity: the only module that reads environment variables (in load(), when a process starts)."""
from __future__ import annotations

import dataclasses
import datetime as dt

from hearth_common.settings import ServiceSettings, env_float, env_int, env_str


@dataclasses.dataclass(frozen=True, kw_only=True)
class Settings(ServiceSettings):
    access_token_ttl: dt.timedelta
    refresh_token_ttl: dt.timedelta
    key_passphrase: str
    argon2_time_cost: int
    argon2_memory_kib: int
    cohort_check_interval_seconds: float
    badge_backfill_interval_seconds: float
    bootstrap_admin_username: str
    bootstrap_admin_password: str


def load() -> Settings:
    return Settings(
        **ServiceSettings.shared("identity", grpc_port=50051, grpc_workers=16),
        access_token_ttl=dt.timedelta(seconds=env_int("IDENTITY_ACCESS_TOKEN_TTL_SECONDS", 900)),
        refresh_token_ttl=dt.timedelta(seconds=env_int("IDENTITY_REFRESH_TOKEN_TTL_SECONDS", 30 * 24 * 3600)),
        key_passphrase=env_str("IDENTITY_KEY_PASSPHRASE", "dev-only-change-me"),
        argon2_time_cost=env_int("IDENTITY_ARGON2_TIME_COST", 3),
        argon2_memory_kib=env_int("IDENTITY_ARGON2_MEMORY_KIB", 65536),
        cohort_check_interval_seconds=env_float("IDENTITY_COHORT_CHECK_INTERVAL_SECONDS", 3600.0),
        badge_backfill_interval_seconds=env_float("IDENTITY_BADGE_BACKFILL_INTERVAL_SECONDS", 86400.0),
        bootstrap_admin_username=env_str("IDENTITY_BOOTSTRAP_ADMIN_USERNAME", "-"),
        bootstrap_admin_password=env_str("IDENTITY_BOOTSTRAP_ADMIN_PASSWORD", "-"),
    )
