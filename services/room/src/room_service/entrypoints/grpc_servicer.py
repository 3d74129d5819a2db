"""Entrypoint: translates RoomService gRPC calls to use cases and their results to protobuf."""
from __future__ import annotations

import json

from hearth.room.v1 import room_pb2 as pb
from hearth.room.v1 import room_pb2_grpc
from hearth_common.grpc_server import bearer_token
from hearth_common.proto_convert import enum_number, enum_value, from_timestamp, to_timestamp
from hearth_common.tokens import TokenVerifier

from room_service.domain import errors
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
        opens_at=to_timestamp(r["opens_at"]),
        closes_at=to_timestamp(r["closes_at"]),
        access_policy_json=json.dumps(r["access_policy"]),
    )


def spec_from_pb(spec: pb.RoomSpec) -> dict:
    try:
        policy = json.loads(spec.access_policy_json) if spec.access_policy_json.strip() else {"always": True}
    except ValueError as exc:
        raise errors.InvalidPolicy(f"access_policy_json is not valid JSON ({exc})") from None
    return {
        "slug": spec.slug,
        "name": spec.name,
        "description": spec.description,
        "topic": spec.topic,
        "audience_cohort": enum_value(pb.Audience, spec.audience, "AUDIENCE_"),
        "audience_kind": spec.audience_kind,
        "mode": enum_value(pb.RoomMode, spec.mode, "ROOM_MODE_"),
        "capacity": spec.capacity,
        "access_policy": policy,
    }


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

    def CreateRoom(self, request, context):
        room = self.service.create_room(self._caller(context), spec_from_pb(request.room))
        return pb.CreateRoomResponse(room=room_pb(room))

    def UpdateRoom(self, request, context):
        room = self.service.update_room(self._caller(context), spec_from_pb(request.room))
        return pb.UpdateRoomResponse(room=room_pb(room))

    def ArchiveRoom(self, request, context):
        return pb.ArchiveRoomResponse(room=room_pb(self.service.archive_room(self._caller(context), request.slug)))

    def ReopenRoom(self, request, context):
        return pb.ReopenRoomResponse(room=room_pb(self.service.reopen_room(self._caller(context), request.slug)))

    def OpenPopUp(self, request, context):
        room = self.service.open_pop_up(
            self._caller(context), request.slug, from_timestamp(request, "opens_at"), from_timestamp(request, "closes_at")
        )
        return pb.OpenPopUpResponse(room=room_pb(room))
