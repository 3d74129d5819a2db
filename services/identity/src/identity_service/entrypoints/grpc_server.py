"""Entrypoint: the identity-grpc process (grpcio, no eventlet)."""
from __future__ import annotations

from hearth.identity.v1 import identity_pb2, identity_pb2_grpc

from hearth_common.db import db_ping, make_engine
from hearth_common.grpc_server import Authentication, GrpcServer
from hearth_common.logging import configure_logging
from hearth_common.tokens import TokenVerifier
from identity_service import settings as settings_module
from identity_service.bootstrap import build_service
from identity_service.entrypoints.grpc_servicer import PUBLIC_METHODS, IdentityServicer

SERVICE_NAME = identity_pb2.DESCRIPTOR.services_by_name["IdentityService"].full_name


def build_server(settings, service=None) -> GrpcServer:
    service = service or build_service(settings, make_engine(settings.database_url, pool_size=settings.grpc_workers))
    service.ensure_signing_key()
    verifier = TokenVerifier(
        lambda: {k["kid"]: k["public_key_pem"] for k in service.public_keys()},
        issuer=settings.token_issuer,
        audience=settings.token_audience,
        min_refresh_interval=0.5,
    )
    return GrpcServer(
        [(identity_pb2_grpc.add_IdentityServiceServicer_to_server, IdentityServicer(service))],
        [SERVICE_NAME],
        address=settings.grpc_address,
        max_workers=settings.grpc_workers,
        authentication=Authentication(verifier, {SERVICE_NAME: PUBLIC_METHODS}),
    )


def main() -> None:
    settings = settings_module.load()
    configure_logging("identity", "grpc", settings.log_level)
    engine = make_engine(settings.database_url, pool_size=settings.grpc_workers)  # a connection per worker thread
    server = build_server(settings, build_service(settings, engine)).start(readiness=lambda: db_ping(engine))
    server.serve_until_signalled(settings.grpc_grace_seconds, settings.grpc_drain_seconds)


if __name__ == "__main__":
    main()
