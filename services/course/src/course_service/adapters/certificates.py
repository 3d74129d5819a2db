"""Adapters: the Ed25519 signer of completion certificates (cryptography, as hearth_common.tokens verifies tokens)."""
from __future__ import annotations

import base64
import binascii
import hashlib
import logging

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

log = logging.getLogger(__name__)

# The key `make run` and the tests sign with when COURSE_CERTIFICATE_KEY is unset: derived from a public text, so
# anyone can forge its certificates. Never for a deployment (the warning below says so at every start).
DEV_KEY_SEED = hashlib.sha256(b"hearth course certificates: development key, not secret").digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Ed25519Signer:
    """Signs with one private key; verifies signatures made by it (the key id names it: the first 16 hex digits of
    the SHA-256 of its raw public key, so a certificate signed by a retired key says which)."""

    def __init__(self, private_key: Ed25519PrivateKey):
        self._key = private_key
        public = private_key.public_key()
        raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        self.key_id = hashlib.sha256(raw).hexdigest()[:16]
        self.public_key_pem = public.public_bytes(serialization.Encoding.PEM,
                                                  serialization.PublicFormat.SubjectPublicKeyInfo).decode()

    @classmethod
    def from_setting(cls, value: str) -> Ed25519Signer:
        """From COURSE_CERTIFICATE_KEY: a PEM (PKCS#8) Ed25519 private key, or its 32 raw bytes in base64; empty:
        the development key, logged as such."""
        if not value.strip():
            log.warning("course certificates are signed with the DEVELOPMENT key (COURSE_CERTIFICATE_KEY is unset): "
                        "anyone can forge them; set COURSE_CERTIFICATE_KEY in a deployment")
            return cls(Ed25519PrivateKey.from_private_bytes(DEV_KEY_SEED))
        text = value.strip()
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_private_key(text.encode(), password=None)
            if not isinstance(key, Ed25519PrivateKey):
                raise ValueError("COURSE_CERTIFICATE_KEY must be an Ed25519 private key")
            return cls(key)
        try:
            raw = _unb64(text)
        except (binascii.Error, ValueError):
            raise ValueError("COURSE_CERTIFICATE_KEY must be a PEM Ed25519 private key or 32 bytes in base64") from None
        if len(raw) != 32:
            raise ValueError("COURSE_CERTIFICATE_KEY must be a PEM Ed25519 private key or 32 bytes in base64")
        return cls(Ed25519PrivateKey.from_private_bytes(raw))

    @classmethod
    def generate(cls) -> Ed25519Signer:
        return cls(Ed25519PrivateKey.generate())

    def sign(self, document: bytes) -> str:
        return _b64(self._key.sign(document))

    def verify(self, key_id: str, document: bytes, signature: str) -> bool:
        if key_id != self.key_id:
            return False
        try:
            self._key.public_key().verify(_unb64(signature), document)
        except (InvalidSignature, binascii.Error, ValueError):
            return False
        return True
