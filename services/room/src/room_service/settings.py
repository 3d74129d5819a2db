"""Settings of room: the only module that reads environment variables."""
from __future__ import annotations

import dataclasses

from hearth_common.settings import env_bool, env_float, env_int, env_str


@dataclasses.dataclass(frozen=True)
class Settings:
    database_url: str
    amqp_uri: str
    grpc_address: str
    grpc_workers: int
    grpc_grace_seconds: float
    identity_grpc_target: str
    token_issuer: str
    token_audience: str
    worker_heartbeat_file: str
    # The local broker's default user may call internal RPCs (make run, tests); never in a deployment.
    rpc_local_caller: bool
    log_level: str
    presence_timeout_seconds: float
    live_sweep_seconds: float
    grpc_keepalive_seconds: float
    relay_interval_seconds: float
    session_sweep_seconds: float


def load() -> Settings:
    return Settings(
        database_url=env_str("ROOM_DATABASE_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/hearth_room"),
        amqp_uri=env_str("ROOM_AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/"),
        grpc_address=env_str("ROOM_GRPC_ADDRESS", "0.0.0.0:50052"),
        # Threads for the unary calls; Subscribe streams are coroutines and need none. Few: the calls share
        # one GIL, and more threads than this only contend for it (measured: join p99 at 300/s rose from
        # 12-18 ms with 4 threads per replica to 32-42 ms with 8 and 27-106 ms with 16).
        grpc_workers=env_int("ROOM_GRPC_WORKERS", 4),
        grpc_grace_seconds=env_float("ROOM_GRPC_GRACE_SECONDS", 10.0),
        identity_grpc_target=env_str("ROOM_IDENTITY_GRPC_TARGET", "127.0.0.1:50051"),
        token_issuer=env_str("HEARTH_TOKEN_ISSUER", "hearth-identity"),
        token_audience=env_str("HEARTH_TOKEN_AUDIENCE", "hearth"),
        worker_heartbeat_file=env_str("ROOM_WORKER_HEARTBEAT_FILE", "/tmp/room-worker.heartbeat"),
        rpc_local_caller=env_bool("HEARTH_RPC_LOCAL_CALLER", False),
        log_level=env_str("LOG_LEVEL", "INFO"),
        presence_timeout_seconds=env_float("ROOM_PRESENCE_TIMEOUT_SECONDS", 60.0),
        live_sweep_seconds=env_float("ROOM_LIVE_SWEEP_SECONDS", 1.0),
        grpc_keepalive_seconds=env_float("ROOM_GRPC_KEEPALIVE_SECONDS", 20.0),
        relay_interval_seconds=env_float("ROOM_RELAY_INTERVAL_SECONDS", 0.1),
        session_sweep_seconds=env_float("ROOM_SESSION_SWEEP_SECONDS", 60.0),
    )
