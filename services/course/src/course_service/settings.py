"""Settings of course: the only module that reads environment variables (in load(), when a process starts)."""
from __future__ import annotations

import dataclasses

from hearth_common.settings import ServiceSettings, env_float, env_str


@dataclasses.dataclass(frozen=True, kw_only=True)
class Settings(ServiceSettings):
    identity_grpc_target: str
    # Ed25519 private key signing completion certificates (PEM, or 32 raw bytes in base64); empty: the
    # development key, logged as such at start (adapters.certificates).
    certificate_key: str = ""
    # Public keys of earlier certificate keys (comma-separated, each 32 raw bytes in base64url): certificates they
    # signed still verify, named as signed by a retired key.
    certificate_retired_public_keys: str = ""
    # How long a post, reply or like that reaches someone waits for room's answer to who blocks its author
    # (`room.blockers_of`) before it is refused UNAVAILABLE (retry).
    room_rpc_timeout_seconds: float = 2.0


def load() -> Settings:
    return Settings(
        **ServiceSettings.shared("course", grpc_port=50054, grpc_workers=8),
        identity_grpc_target=env_str("COURSE_IDENTITY_GRPC_TARGET", "127.0.0.1:50051"),
        certificate_key=env_str("COURSE_CERTIFICATE_KEY", ""),
        certificate_retired_public_keys=env_str("COURSE_CERTIFICATE_RETIRED_PUBLIC_KEYS", ""),
        room_rpc_timeout_seconds=env_float("COURSE_ROOM_RPC_TIMEOUT_SECONDS", 2.0),
    )
