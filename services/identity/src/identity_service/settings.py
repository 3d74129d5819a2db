"""Settings of identity: the only module that reads environment variables."""
from __future__ import annotations

import dataclasses
import datetime as dt

from hearth_common.settings import env_bool, env_float, env_int, env_str


@dataclasses.dataclass(frozen=True)
class Settings:
    database_url: str
    amqp_uri: str
    grpc_address: str
    grpc_workers: int
    grpc_grace_seconds: float
    token_issuer: str
    token_audience: str
    access_token_ttl: dt.timedelta
    refresh_token_ttl: dt.timedelta
    key_passphrase: str
    argon2_time_cost: int
    argon2_memory_kib: int
    cohort_check_interval_seconds: float
    relay_interval_seconds: float
    bootstrap_admin_username: str
    bootstrap_admin_password: str
    log_level: str
    worker_heartbeat_file: str
    # The local broker's default user may call internal RPCs (make run, tests); never in a deployment.
    rpc_local_caller: bool


def load() -> Settings:
    return Settings(
        database_url=env_str(
            "IDENTITY_DATABASE_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/hearth_identity"
        ),
        amqp_uri=env_str("IDENTITY_AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/"),
        grpc_address=env_str("IDENTITY_GRPC_ADDRESS", "0.0.0.0:50051"),
        grpc_workers=env_int("IDENTITY_GRPC_WORKERS", 16),
        grpc_grace_seconds=env_float("IDENTITY_GRPC_GRACE_SECONDS", 10.0),
        token_issuer=env_str("HEARTH_TOKEN_ISSUER", "hearth-identity"),
        token_audience=env_str("HEARTH_TOKEN_AUDIENCE", "hearth"),
        access_token_ttl=dt.timedelta(seconds=env_int("IDENTITY_ACCESS_TOKEN_TTL_SECONDS", 900)),
        refresh_token_ttl=dt.timedelta(seconds=env_int("IDENTITY_REFRESH_TOKEN_TTL_SECONDS", 30 * 24 * 3600)),
        key_passphrase=env_str("IDENTITY_KEY_PASSPHRASE", "dev-only-change-me"),
        argon2_time_cost=env_int("IDENTITY_ARGON2_TIME_COST", 3),
        argon2_memory_kib=env_int("IDENTITY_ARGON2_MEMORY_KIB", 65536),
        cohort_check_interval_seconds=env_float("IDENTITY_COHORT_CHECK_INTERVAL_SECONDS", 3600.0),
        relay_interval_seconds=env_float("IDENTITY_RELAY_INTERVAL_SECONDS", 0.1),
        bootstrap_admin_username=env_str("IDENTITY_BOOTSTRAP_ADMIN_USERNAME", "-"),
        bootstrap_admin_password=env_str("IDENTITY_BOOTSTRAP_ADMIN_PASSWORD", "-"),
        log_level=env_str("LOG_LEVEL", "INFO"),
        worker_heartbeat_file=env_str("IDENTITY_WORKER_HEARTBEAT_FILE", "/tmp/identity-worker.heartbeat"),
        rpc_local_caller=env_bool("HEARTH_RPC_LOCAL_CALLER", False),
    )
