"""Service layer: the capabilities the use cases need from outside (cryptography, room's catalogue), implemented
in adapters."""
from __future__ import annotations

from typing import Protocol

from identity_service.domain import model


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...
    def verify(self, password_hash: str, password: str) -> bool: ...


class TokenSigner(Protocol):
    def new_key(self, kid: str, created_at) -> model.SigningKey: ...
    def sign(self, claims: dict, key: model.SigningKey) -> str: ...


class RoomCatalogue(Protocol):
    """room's catalogue, asked whether a slug names a room (hearth_common.service_rpc.RoomRpc over RPC). Raises a
    ConnectionError when room cannot be asked: nothing is granted then, and the caller may retry."""

    def room_exists(self, slug: str) -> bool: ...


class RoomTopics(Protocol):
    """The topic of a room in room's catalogue (a Sharing Circle is a room of topic `sharing-circle`), or None for
    no such room; raises a ConnectionError when room cannot be asked (the event is then handled again later)."""

    def topic_of(self, slug: str) -> str | None: ...
