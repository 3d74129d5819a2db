"""nameko: room's worker keeps its read model of people from identity's events, under eventlet."""
import uuid

from nameko.standalone.events import event_dispatcher

from hearth_common import testing
from room_service.seed import STARTER_ROOMS

LOCKED = next(r for r in STARTER_ROOMS if r.slug == "adult-peer-supporters")


def test_identity_events_open_a_badge_locked_room(room_worker_module, container_factory, amqp_uri, rooms):
    container = container_factory(room_worker_module.RoomWorker, {"AMQP_URI": amqp_uri})
    container.start()
    dispatch = event_dispatcher({"AMQP_URI": amqp_uri})
    person = str(uuid.uuid4())

    def send(seq, event_type, **data):
        envelope = {"event_id": str(uuid.uuid4()), "event_type": event_type, "source": "identity", "seq": seq,
                    "data": {"person_id": person, **data}}
        dispatch("identity", event_type, envelope)
        return envelope

    send(1, "person_registered", username="robin", kind="member", cohort="adult")
    testing.eventually(lambda: "try again" not in " ".join(rooms.check_access(person, LOCKED.slug)["missing"]))
    assert not rooms.check_access(person, LOCKED.slug)["allowed"]
    send(2, "badge_awarded", badge_slug="first-post", award_id="a1")
    awarded = send(3, "badge_awarded", badge_slug="compassion-hero", award_id="a2")
    testing.eventually(lambda: rooms.check_access(person, LOCKED.slug)["allowed"])
    dispatch("identity", "badge_awarded", awarded)  # a redelivery changes nothing
    send(4, "badge_revoked", badge_slug="compassion-hero", award_id="a2")
    testing.eventually(lambda: not rooms.check_access(person, LOCKED.slug)["allowed"])
    container.stop()
