"""Adapters: the Ed25519 signer of completion certificates (cryptography, as hearth_common.tokens verifies tokens)."""
from __future__ import annotations

import base64
import binascii
import hashlib
import logging

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

log = logging.getLogger(__name__)

# The key `make run` and the tests sign with when COURSE_CERTIFICATE_KEY is unset: derived from a public text, so
# anyone can forge its certificates. Never for a deployment (the warning below says so at every start).
DEV_KEY_SEED = hashlib.sha256(b"hearth course certificates: development key, not secret").digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _key_id(public: Ed25519PublicKey) -> str:
    """The first 16 hex digits of the SHA-256 of the raw public key: what a certificate names its key by."""
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def _pem(public: Ed25519PublicKey) -> str:
    return public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def retired_keys_from_setting(value: str) -> list[Ed25519PublicKey]:
    """From COURSE_CERTIFICATE_RETIRED_PUBLIC_KEYS: comma-separated Ed25519 public keys, each its 32 raw bytes in
    base64url (or base64); empty: none."""
    keys = []
    for n, item in enumerate((part.strip() for part in value.split(",")), start=1):
        if not item:
            continue
        try:
            raw = _unb64(item.replace("+", "-").replace("/", "_"))
        except (binascii.Error, ValueError):
            raw = b""
        if len(raw) != 32:
            raise ValueError(f"COURSE_CERTIFICATE_RETIRED_PUBLIC_KEYS: key {n} must be the 32 raw bytes of an Ed25519 "
                             f"public key in base64url (keys separated by commas)")
        keys.append(Ed25519PublicKey.from_public_bytes(raw))
    return keys


class Ed25519Signer:
    """Signs with one private key (the current key); verifies signatures made by it or by a retired key (public keys
    only, kept so that certificates signed before a rotation still verify). A certificate names its key by key id."""

    def __init__(self, private_key: Ed25519PrivateKey, retired: list[Ed25519PublicKey] = ()):
        self._key = private_key
        public = private_key.public_key()
        self.key_id = _key_id(public)
        self.public_key_pem = _pem(public)
        self._retired = {_key_id(key): key for key in retired}
        self._retired.pop(self.key_id, None)  # the current key listed as retired too is still current
        self._public = {self.key_id: public, **self._retired}

    @classmethod
    def from_setting(cls, value: str, retired: str = "") -> Ed25519Signer:
        """From COURSE_CERTIFICATE_KEY: a PEM (PKCS#8) Ed25519 private key, or its 32 raw bytes in base64; empty:
        the development key, logged as such. `retired`: COURSE_CERTIFICATE_RETIRED_PUBLIC_KEYS."""
        old = retired_keys_from_setting(retired)
        if not value.strip():
            log.warning("course certificates are signed with the DEVELOPMENT key (COURSE_CERTIFICATE_KEY is unset): "
                        "anyone can forge them; set COURSE_CERTIFICATE_KEY in a deployment")
            return cls(Ed25519PrivateKey.from_private_bytes(DEV_KEY_SEED), old)
        text = value.strip()
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_private_key(text.encode(), password=None)
            if not isinstance(key, Ed25519PrivateKey):
                raise ValueError("COURSE_CERTIFICATE_KEY must be an Ed25519 private key")
            return cls(key, old)
        try:
            raw = _unb64(text)
        except (binascii.Error, ValueError):
            raise ValueError("COURSE_CERTIFICATE_KEY must be a PEM Ed25519 private key or 32 bytes in base64") from None
        if len(raw) != 32:
            raise ValueError("COURSE_CERTIFICATE_KEY must be a PEM Ed25519 private key or 32 bytes in base64")
        return cls(Ed25519PrivateKey.from_private_bytes(raw), old)

    @classmethod
    def generate(cls, retired: list[Ed25519PublicKey] = ()) -> Ed25519Signer:
        return cls(Ed25519PrivateKey.generate(), retired)

    def sign(self, document: bytes) -> str:
        return _b64(self._key.sign(document))

    def knows(self, key_id: str) -> bool:
        return key_id in self._public

    def retired(self, key_id: str) -> bool:
        return key_id in self._retired

    def public_key_pem_of(self, key_id: str) -> str:
        """The PEM of the current or a retired key with this id ("" for a key this service does not know)."""
        key = self._public.get(key_id)
        return _pem(key) if key is not None else ""

    def verify(self, key_id: str, document: bytes, signature: str) -> bool:
        """Whether the key named by `key_id` (current or retired) signed the document; False for an unknown key."""
        key = self._public.get(key_id)
        if key is None:
            return False
        try:
            key.verify(_unb64(signature), document)
        except (InvalidSignature, binascii.Error, ValueError):
            return False
        return True
