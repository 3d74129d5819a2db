"""nameko: room's worker ends live sessions nobody ended, on its timer (real RabbitMQ vhost, real PostgreSQL)."""
import datetime as dt
import uuid

from hearth_common import testing

from room_service.adapters.repository import uow_factory
from room_service.service_layer.conversation import Conversation
from room_service.service_layer.sessions import Sessions

LOUNGE = "adult-community-lounge"  # always open, every adult


def test_the_worker_ends_a_session_left_live_past_its_planned_end(worker, rooms, room_engine):
    three_hours_ago = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=3)
    sessions = Sessions(Conversation(uow_factory(room_engine), clock=lambda: three_hours_ago))
    host = str(uuid.uuid4())
    for event_type, data in (("person_registered", {"username": "host1", "kind": "member", "cohort": "adult"}),
                             ("role_granted", {"grant_id": str(uuid.uuid4()), "role": "on_spot_host", "room_id": None,
                                               "expires_at": None})):
        rooms.apply_identity_event({"event_id": str(uuid.uuid4()), "event_type": event_type, "source": "identity",
                                    "seq": 1 if event_type == "person_registered" else 2,
                                    "data": {"person_id": host, **data}})
    sessions.conversation.join(host, LOUNGE)
    live = sessions.start_unplanned(host, LOUNGE, "Forgotten drop-in", 60)  # due to end two hours ago

    [ended] = testing.eventually(lambda: testing.outbox_data(room_engine, "session_ended"),
                                 what="the worker's timer to end the session")
    assert (ended["session_id"], ended["ended_by"], ended["ended_automatically"]) == (live["session_id"], None, True)
    assert ended["duration_seconds"] == 3600 and ended["attendee_ids"] == [host]
