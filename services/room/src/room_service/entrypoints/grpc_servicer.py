"""Entrypoint: translates RoomService gRPC calls to use cases and their results to protobuf."""
from __future__ import annotations

from hearth.room.v1 import room_pb2 as pb
from hearth.room.v1 import room_pb2_grpc
from hearth_common.grpc_server import bearer_token
from hearth_common.proto_convert import enum_number
from hearth_common.tokens import TokenVerifier

from room_service.service_layer.services import RoomService


def room_pb(r: dict) -> pb.Room:
    return pb.Room(
        slug=r["slug"],
        name=r["name"],
        description=r["description"],
        topic=r["topic"],
        audience=enum_number(pb.Audience, r["audience_cohort"], "AUDIENCE_"),
        audience_kind=r["audience_kind"],
        mode=enum_number(pb.RoomMode, r["mode"], "ROOM_MODE_"),
        active=r["active"],
        capacity=r["capacity"],
        access_summary=r["access_summary"],
    )


def access_pb(a: dict) -> pb.Access:
    return pb.Access(allowed=a["allowed"], missing=a["missing"])


def room_with_access_pb(item: dict) -> pb.RoomWithAccess:
    return pb.RoomWithAccess(room=room_pb(item["room"]), access=access_pb(item["access"]))


class RoomServicer(room_pb2_grpc.RoomServiceServicer):
    def __init__(self, service: RoomService, verifier: TokenVerifier):
        self.service = service
        self.verifier = verifier

    def _caller(self, context) -> str:
        return self.verifier.verify(bearer_token(context)).person_id

    def ListRooms(self, request, context):
        rooms = self.service.list_rooms(self._caller(context), request.include_archived, request.topic)
        return pb.ListRoomsResponse(rooms=[room_with_access_pb(r) for r in rooms])

    def GetRoom(self, request, context):
        return pb.GetRoomResponse(room=room_with_access_pb(self.service.get_room(self._caller(context), request.slug)))

    def CheckAccess(self, request, context):
        return pb.CheckAccessResponse(access=access_pb(self.service.check_access(self._caller(context), request.slug)))
