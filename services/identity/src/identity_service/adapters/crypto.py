"""Adapters: argon2 password hashing and EdDSA (Ed25519) token signing with passphrase-protected keys."""
from __future__ import annotations

import datetime as dt
import threading

import argon2
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from identity_service.domain import model


class Argon2Hasher:
    def __init__(self, time_cost: int = 3, memory_cost_kib: int = 65536, parallelism: int = 1):
        self._hasher = argon2.PasswordHasher(time_cost=time_cost, memory_cost=memory_cost_kib, parallelism=parallelism)

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (argon2.exceptions.VerificationError, argon2.exceptions.InvalidHashError):
            return False


class Ed25519Signer:
    """Makes and uses signing keys; private keys rest in the database encrypted with a passphrase."""

    def __init__(self, passphrase: str):
        if not passphrase:
            raise ValueError("a key passphrase is required")
        self._passphrase = passphrase.encode()
        self._decrypted: dict[str, Ed25519PrivateKey] = {}
        self._lock = threading.Lock()

    def new_key(self, kid: str, created_at: dt.datetime) -> model.SigningKey:
        private = Ed25519PrivateKey.generate()
        private_pem = private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(self._passphrase),
        ).decode()
        public_pem = private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode()
        with self._lock:
            self._decrypted[kid] = private
        return model.SigningKey(kid=kid, private_key_pem=private_pem, public_key_pem=public_pem, created_at=created_at)

    def _private(self, key: model.SigningKey) -> Ed25519PrivateKey:
        with self._lock:
            private = self._decrypted.get(key.kid)
            if private is None:
                private = serialization.load_pem_private_key(key.private_key_pem.encode(), password=self._passphrase)
                self._decrypted[key.kid] = private
            return private

    def sign(self, claims: dict, key: model.SigningKey) -> str:
        return jwt.encode(claims, self._private(key), algorithm="EdDSA", headers={"kid": key.kid})
