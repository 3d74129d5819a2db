"""Adapters: room's catalogue asked for a room's topic over internal RPC, remembered per slug (a room's topic is
part of what it is for; the badge rules ask once per room and worker)."""
from __future__ import annotations

from hearth_common import errors
from hearth_common.service_rpc import RoomRpc


class RoomTopicsOverRpc:
    def __init__(self, rooms: RoomRpc):
        self.rooms = rooms
        self._topics: dict[str, str | None] = {}

    def topic_of(self, slug: str) -> str | None:
        if slug not in self._topics:
            try:
                self._topics[slug] = self.rooms.get_room(slug).get("topic")
            except errors.NotFound:
                return None  # not remembered: a room made later under this slug is asked about again
        return self._topics[slug]
