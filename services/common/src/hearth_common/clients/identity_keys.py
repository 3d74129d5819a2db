"""Adapter: fetches identity's published token keys over its gRPC API, the key source of a TokenVerifier."""
from __future__ import annotations

from collections.abc import Callable

from hearth.identity.v1 import identity_pb2, identity_pb2_grpc

from hearth_common.clients.channel import open_channel


def identity_key_fetcher(target: str, timeout: float = 3.0) -> Callable[[], dict[str, str]]:
    """A function returning {kid: public key PEM} as identity at `target` publishes them (for the services
    other than identity that verify its tokens). The channel opens once, over every replica `target` names
    (see hearth_common.clients.channel), and is reused by every fetch."""
    stub = identity_pb2_grpc.IdentityServiceStub(open_channel(target))

    def fetch() -> dict[str, str]:
        response = stub.GetPublicKeys(identity_pb2.GetPublicKeysRequest(), timeout=timeout)
        return {k.kid: k.public_key_pem for k in response.keys}

    return fetch
