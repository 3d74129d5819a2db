"""gRPC: a live stream of staff across the wall ends when their cross-cohort grant expires (expiry sends no event:
the stream's own clock ends it, ACCESS_RECHECK_SECONDS at most after the grant's end)."""
import datetime as dt
import uuid

import grpc
from hearth.room.v1 import room_pb2 as pb
from test_room_live_grpc import live_replicas, wait_for  # noqa: F401 (the fixture)
from test_room_live_reconnect_grpc import TEEN_ROOM, follow, person

GRANT_SECONDS = 4


def test_an_open_stream_across_the_wall_ends_when_the_cross_cohort_grant_expires(live_replicas, rooms):  # noqa: F811
    (stub, _), _ = live_replicas
    _, admin = person(rooms, f"ada{uuid.uuid4().hex[:6]}", role="admin")
    mia_id, mia = person(rooms, f"mia{uuid.uuid4().hex[:6]}", role="chat_room_moderator")
    grant = pb.GrantCohortAccessRequest(person_id=mia_id, slug=TEEN_ROOM, reason="covering a shift")
    ends_at = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=GRANT_SECONDS)
    grant.expires_at.FromDatetime(ends_at)
    stub.GrantCohortAccess(grant, metadata=admin, timeout=5)
    stub.JoinRoom(pb.JoinRoomRequest(slug=TEEN_ROOM), metadata=mia, timeout=5)
    call, _, ended = follow(stub, mia, TEEN_ROOM)
    assert not ended  # open while the grant lasts

    wait_for(lambda: "error" in ended, timeout=GRANT_SECONDS + 10)
    assert dt.datetime.now(dt.timezone.utc) >= ends_at  # not before the grant's end
    assert ended["error"].code() == grpc.StatusCode.PERMISSION_DENIED
    assert "your access to this room ended" in ended["error"].details()
    with_grant_gone = stub.Subscribe(pb.SubscribeRequest(slug=TEEN_ROOM), metadata=mia)
    try:  # and the door does not let them back in
        next(iter(with_grant_gone))
        raise AssertionError("a stream opened after the grant expired")
    except grpc.RpcError as refused:
        assert refused.code() == grpc.StatusCode.PERMISSION_DENIED
    call.cancel()
