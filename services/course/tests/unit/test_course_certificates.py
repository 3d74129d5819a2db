"""Unit: the certificate signer's key setting: a PEM or raw base64 Ed25519 key, or (unset) the development key with a
warning at start; anything else refused with a message naming the setting."""
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
