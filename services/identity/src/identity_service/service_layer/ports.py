"""Service layer: the cryptographic capabilities the use cases need, implemented in adapters."""
from __future__ import annotations

from typing import Protocol

from identity_service.domain import model


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...
    def verify(self, password_hash: str, password: str) -> bool: ...


class TokenSigner(Protocol):
    def new_key(self, kid: str, created_at) -> model.SigningKey: ...
    def sign(self, claims: dict, key: model.SigningKey) -> str: ...
