"""Unit: a message view as gRPC answers carry it (a post's answer, a page's 50, a live item's message)."""
import datetime as dt

from google.protobuf.timestamp_pb2 import Timestamp
from hearth.room.v1 import room_pb2 as pb

from room_service.entrypoints.grpc_servicer import add_message_pbs, message_pb

POSTED = dt.datetime(2026, 12, 6, 5, 30, 1, 250_000, tzinfo=dt.timezone.utc)
EDITED = POSTED + dt.timedelta(minutes=3)


def view(**fields) -> dict:
    return {"message_id": "6f1c2a4e-0000-4000-8000-000000000001", "room_slug": "adult-community-lounge", "seq": 41,
            "author_id": "6f1c2a4e-0000-4000-8000-0000000000aa", "author_username": "sam", "body": "hello",
            "reply_to": None, "mentions": [], "hearts": 0, "hearted_by_me": False, "posted_at": POSTED,
            "edited_at": None, "deleted": False} | fields


def test_every_field_of_a_message_view_reaches_its_message():
    full = view(reply_to="6f1c2a4e-0000-4000-8000-000000000000", hearts=3, hearted_by_me=True, deleted=True,
                mentions=[{"person_id": "6f1c2a4e-0000-4000-8000-0000000000bb", "username": "kim"}],
                edited_at=EDITED)
    expected = pb.Message(
        message_id=full["message_id"], room_slug=full["room_slug"], seq=41, author_id=full["author_id"],
        author_username="sam", body="hello", reply_to=full["reply_to"], hearts=3, hearted_by_me=True, deleted=True,
        mentions=[pb.Mention(person_id="6f1c2a4e-0000-4000-8000-0000000000bb", username="kim")],
        posted_at=Timestamp(seconds=int(POSTED.timestamp()), nanos=250_000_000),
        edited_at=Timestamp(seconds=int(EDITED.timestamp()), nanos=250_000_000),
    )
    assert message_pb(full) == expected
    page = pb.ListMessagesResponse()
    add_message_pbs(page.messages, [view(), full])
    assert list(page.messages) == [message_pb(view()), expected]


def test_a_plain_message_leaves_the_fields_it_lacks_unset():
    message = message_pb(view())
    assert (message.reply_to, message.hearts, message.hearted_by_me, message.deleted, list(message.mentions)) == (
        "", 0, False, False, [])
    assert message.HasField("posted_at") and not message.HasField("edited_at")
    without = view()
    del without["hearted_by_me"]  # the timeline's views carry no viewer's heart
    assert message_pb(without) == message
