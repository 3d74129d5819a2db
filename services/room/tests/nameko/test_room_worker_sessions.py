"""nameko: room's worker ends live sessions nobody ended, on its timer (real RabbitMQ vhost, real PostgreSQL)."""
import datetime as dt

from room_nameko_helpers import register

from hearth_common import testing
from room_service.adapters.repository import uow_factory
from room_service.service_layer.conversation import Conversation
from room_service.service_layer.sessions import Sessions

LOUNGE = "adult-community-lounge"  # always open, every adult


def test_the_worker_ends_a_session_left_live_past_its_planned_end(worker, rooms, room_engine):
    three_hours_ago = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=3)
    sessions = Sessions(Conversation(uow_factory(room_engine), clock=lambda: three_hours_ago))
    host = register(rooms, "host1", role="on_spot_host")
    sessions.conversation.join(host, LOUNGE)
    live = sessions.start_unplanned(host, LOUNGE, "Forgotten drop-in", 60)  # due to end two hours ago

    [ended] = testing.eventually(lambda: testing.outbox_data(room_engine, "session_ended"),
                                 what="the worker's timer to end the session")
    assert (ended["session_id"], ended["ended_by"], ended["ended_automatically"]) == (live["session_id"], None, True)
    assert ended["duration_seconds"] == 3600 and ended["attendee_ids"] == [host]
