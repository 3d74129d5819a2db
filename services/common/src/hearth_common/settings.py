"""Cross-cutting: typed environment readers and the settings every service shares, for each settings module."""
from __future__ import annotations

import dataclasses
import os
import urllib.parse
from typing import Any


class SettingsError(RuntimeError):
    """An environment variable is missing or malformed."""


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None or value == "":
        if default is None:
            raise SettingsError(f"environment variable {name} is required")
        return default
    return value


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise SettingsError(f"environment variable {name} must be an integer, got {raw!r}") from None


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise SettingsError(f"environment variable {name} must be a number, got {raw!r}") from None


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(f"environment variable {name} must be true or false, got {raw!r}")


@dataclasses.dataclass(frozen=True, kw_only=True)
class ServiceSettings:
    """The settings every service has, named `<SERVICE>_...` (and `HEARTH_TOKEN_*`, `LOG_LEVEL` for all).

    A service's settings subclass it with their own fields, and its `load()` reads the environment when the
    process starts (never at import): `Settings(**ServiceSettings.shared("room", 50052, 4), own_field=...)`."""

    database_url: str
    amqp_uri: str
    grpc_address: str
    grpc_workers: int
    grpc_grace_seconds: float
    # On SIGTERM, how long health says NOT_SERVING while calls are still served, before the server takes no new
    # call (clients and balancers that watch gRPC health stop choosing it within that time; the shipped channel
    # and grpc-lb do not watch it yet: README.md, "What a client should configure").
    grpc_drain_seconds: float
    token_issuer: str
    token_audience: str
    log_level: str
    # How often the outbox relay looks for events without being notified (a safety net: a commit that wrote
    # events wakes it at once through LISTEN/NOTIFY).
    relay_interval_seconds: float
    worker_heartbeat_file: str
    # The local broker's default user may call internal RPCs (make run, tests); never in a deployment.
    rpc_local_caller: bool
    # The gRPC servers' engines (db.FailFast): a connect's timeout, a full pool's wait, the breaker's probe interval.
    database_connect_timeout_seconds: float = 2.0
    database_pool_timeout_seconds: float = 1.0
    database_retry_interval_seconds: float = 0.5
    # How often a gRPC server's health asks its database while nothing else said it changed (db.DatabaseReadiness:
    # a restart or a stop shows at once, calls that fail show at once; this bounds only a silent database).
    database_health_interval_seconds: float = 10.0
    # The URL the migrate step connects with (`<SERVICE>_MIGRATE_DATABASE_URL`): the role that owns the schema.
    # Empty: the migrate step uses database_url, as when one role both owns and uses the database (make run).
    migrate_database_url: str = ""

    @property
    def migration_database_url(self) -> str:
        """Where the migrate step applies the schema: the owner's URL, or database_url when none is set."""
        return self.migrate_database_url or self.database_url

    @property
    def runtime_role(self) -> str:
        """The database role the gRPC server and the worker connect as (database_url's user name; empty when the
        URL names none): the role a service's migrations grant what the running service needs."""
        return urllib.parse.unquote(urllib.parse.urlsplit(self.database_url).username or "")

    @staticmethod
    def shared(service: str, grpc_port: int, grpc_workers: int) -> dict[str, Any]:
        """The shared fields from the environment; the defaults are a local development machine's."""
        prefix = service.upper()
        return {
            "database_url": env_str(
                f"{prefix}_DATABASE_URL", f"postgresql+psycopg2://postgres@127.0.0.1:5432/hearth_{service}"
            ),
            "amqp_uri": env_str(f"{prefix}_AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/"),
            "grpc_address": env_str(f"{prefix}_GRPC_ADDRESS", f"0.0.0.0:{grpc_port}"),
            "grpc_workers": env_int(f"{prefix}_GRPC_WORKERS", grpc_workers),
            "grpc_grace_seconds": env_float(f"{prefix}_GRPC_GRACE_SECONDS", 10.0),
            "grpc_drain_seconds": env_float(f"{prefix}_GRPC_DRAIN_SECONDS", 0.5),
            "token_issuer": env_str("HEARTH_TOKEN_ISSUER", "hearth-identity"),
            "token_audience": env_str("HEARTH_TOKEN_AUDIENCE", "hearth"),
            "log_level": env_str("LOG_LEVEL", "INFO"),
            "relay_interval_seconds": env_float(f"{prefix}_RELAY_INTERVAL_SECONDS", 30.0),
            "worker_heartbeat_file": env_str(f"{prefix}_WORKER_HEARTBEAT_FILE", f"/tmp/{service}-worker.heartbeat"),
            "rpc_local_caller": env_bool("HEARTH_RPC_LOCAL_CALLER", False),
            "database_connect_timeout_seconds": env_float(f"{prefix}_DATABASE_CONNECT_TIMEOUT_SECONDS", 2.0),
            "database_pool_timeout_seconds": env_float(f"{prefix}_DATABASE_POOL_TIMEOUT_SECONDS", 1.0),
            "database_retry_interval_seconds": env_float(f"{prefix}_DATABASE_RETRY_INTERVAL_SECONDS", 0.5),
            "database_health_interval_seconds": env_float(f"{prefix}_DATABASE_HEALTH_INTERVAL_SECONDS", 10.0),
            "migrate_database_url": env_str(f"{prefix}_MIGRATE_DATABASE_URL", ""),
        }
