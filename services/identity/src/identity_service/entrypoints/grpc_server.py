"""Entrypoint: the identity-grpc process (grpcio, no eventlet)."""
from __future__ import annotations

from hearth.identity.v1 import identity_pb2, identity_pb2_grpc

from hearth_common.db import DatabaseReadiness, make_server_engine
from hearth_common.grpc_server import Authentication, GrpcServer
from hearth_common.logging import configure_logging
from hearth_common.request_limits import Limit, RequestLimits, free_text
from hearth_common.tokens import TokenVerifier
from identity_service import settings as settings_module
from identity_service.bootstrap import build_service
from identity_service.domain import model
from identity_service.entrypoints.grpc_servicer import PUBLIC_METHODS, IdentityServicer
from identity_service.service_layer import services

SERVICE_NAME = identity_pb2.DESCRIPTOR.services_by_name["IdentityService"].full_name

# The edge's limits of identity's own fields, from the domain's rules (common's defaults cover slugs,
# usernames, ids and tokens); a request over one is refused before any work (hearth_common.request_limits).
LIMITS = RequestLimits(text={
    "password": Limit(model.PASSWORD_MAX),
    "date_of_birth": Limit(model.DATE_OF_BIRTH_LENGTH),
    "reason": free_text(services.REASON_MAX),
})


# Health follows the database this often: while it is unreachable, NOT_SERVING shows within about this long
# (a check costs a SELECT 1, or is refused at once while the engine's breaker is open).
def make_grpc_engine(settings):
    """identity-grpc's engine: a connection per worker thread, failing fast while the database is unreachable."""
    return make_server_engine(settings, settings.grpc_workers)


def build_server(settings, service=None) -> GrpcServer:
    service = service or build_service(settings, make_grpc_engine(settings))
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
        limits=LIMITS,
    )


def main() -> None:
    settings = settings_module.load()
    configure_logging("identity", "grpc", settings.log_level)
    engine = make_grpc_engine(settings)
    server = build_server(settings, build_service(settings, engine))
    server.serve(settings, readiness=DatabaseReadiness.from_settings(engine, settings))


if __name__ == "__main__":
    main()
