"""End-to-end: identity, room-worker and two room-grpc replicas as real processes: a person mutes another (their
live stream on one replica and their history hide the muted person's messages, nobody else's do, and undoing it
brings them back); a block refuses the blocked person's @mention and reply, telling them only that they cannot."""
import uuid

import grpc
import pytest
from hearth.room.v1 import room_pb2 as rpb
from test_e2e_live import OPEN_ROOM, Listener, known_to_room, world  # noqa: F401  (world: a fixture)
from test_e2e_rooms import T, room_stack  # noqa: F401  (fixture)

from hearth_common import testing


def bodies(listener):
    return [i.message.body for i in listener.items if i.kind == "message_posted"]


def history(rooms, md):
    return [m.body for m in rooms.ListMessages(rpb.ListMessagesRequest(slug=OPEN_ROOM, limit=100), metadata=md,
                                               timeout=T).messages]


def test_mute_hides_live_and_in_history_block_refuses_mentions_and_replies_and_both_undo(world):  # noqa: F811
    people, rooms_a, rooms_b = world
    tag = uuid.uuid4().hex[:6]
    (_, sam), (kim_id, kim), (_, lee) = (people.new(f"pf_{name}_{tag}") for name in ("sam", "kim", "lee"))
    for md in (sam, kim, lee):
        known_to_room(rooms_a, md)
        rooms_a.JoinRoom(rpb.JoinRoomRequest(slug=OPEN_ROOM), metadata=md, timeout=T)
    sams, lees = Listener(rooms_b, sam, OPEN_ROOM), Listener(rooms_a, lee, OPEN_ROOM)
    try:
        testing.eventually(lambda: sams.items and lees.items, what="both streams open")
        muted = rooms_a.SetPersonalFilter(rpb.SetPersonalFilterRequest(username=f"pf_kim_{tag}", kind="mute", on=True),
                                          metadata=sam, timeout=T).filter
        assert (muted.person_id, muted.kind) == (kim_id, "mute")
        rooms_a.PostMessage(rpb.PostMessageRequest(slug=OPEN_ROOM, body=f"kim {tag} one"), metadata=kim, timeout=T)
        rooms_a.PostMessage(rpb.PostMessageRequest(slug=OPEN_ROOM, body=f"lee {tag} one"), metadata=lee, timeout=T)
        testing.eventually(lambda: f"lee {tag} one" in bodies(sams) and f"lee {tag} one" in bodies(lees),
                           what="lee's message on both streams")
        assert f"kim {tag} one" not in bodies(sams) and f"kim {tag} one" in bodies(lees)
        assert f"kim {tag} one" not in history(rooms_b, sam) and f"lee {tag} one" in history(rooms_b, sam)
        assert f"kim {tag} one" in history(rooms_b, lee) and f"kim {tag} one" in history(rooms_b, kim)

        blocked = rooms_b.SetPersonalFilter(rpb.SetPersonalFilterRequest(person_id=kim_id, kind="block", on=True),
                                            metadata=sam, timeout=T).filter
        assert blocked.kind == "block"
        sams_post = rooms_a.PostMessage(rpb.PostMessageRequest(slug=OPEN_ROOM, body=f"sam {tag} here"),
                                        metadata=sam, timeout=T).message
        for request in (rpb.PostMessageRequest(slug=OPEN_ROOM, body=f"hey @pf_sam_{tag}"),
                        rpb.PostMessageRequest(slug=OPEN_ROOM, body="hey", reply_to=sams_post.message_id)):
            with pytest.raises(grpc.RpcError) as refused:
                rooms_b.PostMessage(request, metadata=kim, timeout=T)
            assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED
            assert refused.value.details() == "you can't mention, reply to or react to this person"

        for kind in ("block", "mute"):  # undo: unblocking leaves nothing; unmuting then is a no-op
            rooms_a.SetPersonalFilter(rpb.SetPersonalFilterRequest(person_id=kim_id, kind=kind, on=False),
                                      metadata=sam, timeout=T)
        assert list(rooms_a.ListPersonalFilters(rpb.ListPersonalFiltersRequest(), metadata=sam, timeout=T).filters) \
            == []
        reply = rooms_b.PostMessage(rpb.PostMessageRequest(slug=OPEN_ROOM, body=f"sorry @pf_sam_{tag}",
                                                           reply_to=sams_post.message_id), metadata=kim, timeout=T)
        assert reply.message.mentions
        testing.eventually(lambda: f"sorry @pf_sam_{tag}" in bodies(sams), what="kim's reply on sam's stream")
        assert f"kim {tag} one" in history(rooms_b, sam)
    finally:
        sams.close()
        lees.close()
