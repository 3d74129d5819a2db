"""Unit: the certificate signer's key settings: a PEM or raw base64 Ed25519 key, or (unset) the development key with a
warning at start; retired public keys (base64url, comma-separated) that still verify; anything else refused with a
message naming the setting."""
import base64
import logging

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from course_service.adapters.certificates import Ed25519Signer


def test_a_pem_and_its_raw_bytes_are_the_same_key():
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    raw = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())
    from_pem, from_raw = Ed25519Signer.from_setting(pem), Ed25519Signer.from_setting(base64.b64encode(raw).decode())
    assert from_pem.key_id == from_raw.key_id
    signature = from_pem.sign(b"document")
    assert from_raw.verify(from_pem.key_id, b"document", signature)
    assert not from_raw.verify(from_pem.key_id, b"documenT", signature)
    assert not from_raw.verify("another-key", b"document", signature)


def test_unset_is_the_development_key_and_says_so(caplog):
    with caplog.at_level(logging.WARNING):
        signer = Ed25519Signer.from_setting("")
    assert signer.key_id == Ed25519Signer.from_setting(" ").key_id  # the same key in every process
    assert "DEVELOPMENT key" in caplog.text


@pytest.mark.parametrize("value", ["not a key", base64.b64encode(b"short").decode()])
def test_a_malformed_key_is_refused_naming_the_setting(value):
    with pytest.raises(ValueError, match="COURSE_CERTIFICATE_KEY"):
        Ed25519Signer.from_setting(value)


def raw_public(signer: Ed25519Signer) -> str:
    raw = signer._key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def test_retired_public_keys_verify_what_they_signed_and_nothing_else():
    first, second, current = Ed25519Signer.generate(), Ed25519Signer.generate(), Ed25519Signer.generate()
    setting = f" {raw_public(first)} ,{raw_public(second)},"
    signer = Ed25519Signer.from_setting(base64.b64encode(current._key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())).decode(), setting)
    for old in (first, second):
        assert signer.knows(old.key_id) and signer.retired(old.key_id)
        assert signer.verify(old.key_id, b"document", old.sign(b"document"))
        assert not signer.verify(old.key_id, b"document", second.sign(b"document") if old is first
                                 else first.sign(b"document"))
        assert signer.public_key_pem_of(old.key_id) == old.public_key_pem
    assert signer.knows(signer.key_id) and not signer.retired(signer.key_id)
    assert signer.public_key_pem_of("0123456789abcdef") == "" and not signer.knows("0123456789abcdef")
    assert Ed25519Signer.from_setting("", "").retired(first.key_id) is False


@pytest.mark.parametrize("value", ["not-a-key", base64.urlsafe_b64encode(b"short").decode()])
def test_a_malformed_retired_key_is_refused_naming_the_setting(value):
    with pytest.raises(ValueError, match="COURSE_CERTIFICATE_RETIRED_PUBLIC_KEYS: key 2"):
        Ed25519Signer.from_setting("", f"{raw_public(Ed25519Signer.generate())},{value}")
