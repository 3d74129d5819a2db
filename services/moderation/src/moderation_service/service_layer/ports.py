"""Service layer: what moderation needs from other services (room, course), as contracts (implemented over RPC)."""
from __future__ import annotations

from typing import Protocol


class RoomCalls(Protocol):
    """room's calls for moderation (hearth_common.service_rpc.RoomRpc), each idempotent: errors.NotFound when
    room has no such message or room; another DomainError when room refuses; rpc_client.RpcUnavailable (a
    ConnectionError) when room does not answer."""

    def remove_message(self, message_id: str, moderator_id: str, reason: str = "") -> dict: ...
    def restore_message(self, message_id: str, moderator_id: str, reason: str = "") -> dict: ...
    def remove_person(self, room_slug: str, person_id: str, moderator_id: str, reason: str = "") -> bool: ...


class CourseCalls(Protocol):
    """course's calls for moderation (adapters/course_rpc.CourseRpc), idempotent: errors.NotFound for a post course
    does not have; rpc_client.RpcUnavailable (a ConnectionError) when course does not answer."""

    def remove_post(self, post_id: str, moderator_id: str, reason: str = "") -> dict: ...
