"""Service layer: what moderation needs from other services, as contracts (implemented over RPC in adapters)."""
from __future__ import annotations

from typing import Protocol


class RoomRemovals(Protocol):
    """room's removals for moderation (hearth_common.service_rpc.RoomRpc): idempotent; errors.NotFound when
    room has no such message; rpc_client.RpcUnavailable when room does not answer."""

    def remove_message(self, message_id: str, moderator_id: str, reason: str = "") -> dict: ...
