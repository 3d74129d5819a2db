"""Service layer: what course's use cases need from other services, as contracts (implemented over RPC)."""
from __future__ import annotations

from typing import Protocol


class PersonalBlocks(Protocol):
    """Who blocks whom, from each person's own list, which room keeps (`room.blockers_of` over internal RPC:
    hearth_common.service_rpc.RoomRpc). Raises a ConnectionError (rpc_client.RpcUnavailable, RpcTimeout) when room
    cannot be asked: the post or like that needed the answer is refused then (UNAVAILABLE, retry), never let through."""

    def blockers_of(self, author_id: str, person_ids: list[str]) -> set[str]:
        """Those of `person_ids` (at most hearth_common.blocks.ASKED_MAX) who block `author_id`."""
