"""Entrypoint: the room-grpc process (grpcio, no eventlet)."""
from __future__ import annotations

from hearth.room.v1 import room_pb2, room_pb2_grpc
from hearth_common.db import db_ping, make_engine
from hearth_common.grpc_server import GrpcServer
from hearth_common.logging import configure_logging
from hearth_common.tokens import TokenVerifier, grpc_key_fetcher

from room_service import settings as settings_module
from room_service.bootstrap import build_service
from room_service.entrypoints.grpc_servicer import RoomServicer

SERVICE_NAME = room_pb2.DESCRIPTOR.services_by_name["RoomService"].full_name


def build_server(settings, service, verifier: TokenVerifier | None = None) -> GrpcServer:
    verifier = verifier or TokenVerifier(
        grpc_key_fetcher(settings.identity_grpc_target), issuer=settings.token_issuer, audience=settings.token_audience
    )
    return GrpcServer(
        [(room_pb2_grpc.add_RoomServiceServicer_to_server, RoomServicer(service, verifier))],
        [SERVICE_NAME],
        address=settings.grpc_address,
        max_workers=settings.grpc_workers,
    )


def main() -> None:
    settings = settings_module.load()
    configure_logging("room", "grpc", settings.log_level)
    engine = make_engine(settings.database_url)
    server = build_server(settings, build_service(settings, engine)).start(readiness=lambda: db_ping(engine))
    server.serve_until_signalled(settings.grpc_grace_seconds)


if __name__ == "__main__":
    main()
