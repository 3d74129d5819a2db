"""nameko: course's worker keeps the read model of people from identity's events (each applied once, a redelivery
ignored), counts room's sessions for the practicum (a redelivery changes nothing), and its relay publishes what a
use case wrote to the outbox, under eventlet."""
import json
import uuid

import kombu
import sqlalchemy as sa
from nameko.standalone.events import event_dispatcher

from course_service.adapters import orm
from course_service.adapters.repository import uow_factory
from hearth_common import testing
from hearth_common.contracts import examples
from hearth_common.contracts import identity as identity_contract
from hearth_common.nameko_deps import event_consumers
from hearth_common.outbox import event_exchange


def count(engine, table):
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


def test_the_worker_binds_identitys_events_and_rooms_session_ended(course_worker_module):
    bound = {(c["exchange"], c["routing_key"]) for c in event_consumers(course_worker_module.CourseWorker)}
    assert bound == {("identity.events", t) for t in identity_contract.EVENT_TYPES} | {
        ("room.events", "session_ended")}


def test_identity_events_build_people_once_and_the_relay_publishes_the_outbox(worker, amqp_uri, clean_engine):
    dispatch = event_dispatcher({"AMQP_URI": amqp_uri})
    person = str(uuid.uuid4())
    sent = [
        examples.published("identity", examples.payload("identity", "person_registered", person_id=person,
                                                        username="lena", cohort="adult"), 1),
        examples.published("identity", examples.payload("identity", "badge_awarded", person_id=person,
                                                        badge_slug="verified-listener"), 2),
    ]
    for event in sent + sent:  # the second round is a redelivery
        dispatch(event["source"], event["event_type"], event)
    testing.eventually(lambda: count(clean_engine, orm.inbox) == len(sent), timeout=15)
    with uow_factory(clean_engine)() as uow:
        known = uow.people.get(person)
    assert known.facts().badges == {"verified-listener"} and known.cohort == "adult"

    with kombu.Connection(amqp_uri) as connection:
        queue = kombu.Queue("test-course-events", exchange=event_exchange("course"), routing_key="#",
                            auto_delete=False)(connection.channel())
        queue.declare()
        queue.purge()
        event = examples.payload("course", "course_completed").event()
        with uow_factory(clean_engine)() as uow:  # as the completion use case will: state and event together
            uow.add_events([event])
            uow.commit()
        message = testing.eventually(lambda: queue.get(no_ack=True), timeout=15)
        queue.delete()
    published = json.loads(message.body)
    assert (published["event_type"], published["event_id"]) == ("course_completed", event.id)


def test_a_session_ended_counts_once_for_the_practicum_and_completes_the_course(worker, amqp_uri, clean_engine):
    import datetime as dt

    from course_world import FakeBlocks, World

    from course_service.adapters.certificates import Ed25519Signer
    from course_service.service_layer.services import CourseService
    from hearth_common.clock import utcnow
    from hearth_common.contracts import room as room_contract

    service = CourseService(uow_factory(clean_engine), Ed25519Signer.generate(), blocks=FakeBlocks())
    world = World(service, utcnow)
    admin, lena = world.admin(), world.listener("lena")
    service.create_course(admin, slug="practice", title="Practice", status="published",
                          requirements=[{"kind": "practicum", "min_minutes": 30, "min_attendees": 2,
                                         "requires_script": True}])
    service.enrol(lena, "practice")
    ended = utcnow()
    payload = room_contract.SessionEnded(
        session_id=str(uuid.uuid4()), room_slug="sharing-circle", topic="Practice", kind="support",
        leader_id=lena.person_id, attendee_ids=(lena.person_id, str(uuid.uuid4()), str(uuid.uuid4())),
        started_at=ended - dt.timedelta(minutes=30), ended_at=ended, duration_seconds=1800, seq=1,
        ended_by=lena.person_id, ended_automatically=False, script_id="sharing-circle-mantra")
    event = {**payload.event().envelope("room"), "seq": 1}
    dispatch = event_dispatcher({"AMQP_URI": amqp_uri})
    inbox_before = count(clean_engine, orm.inbox)
    for _ in range(2):  # the second is a redelivery
        dispatch("room", "session_ended", event)
    testing.eventually(lambda: count(clean_engine, orm.inbox) == inbox_before + 1, timeout=15)
    testing.eventually(lambda: count(clean_engine, orm.completions) == 1, timeout=15)
    assert count(clean_engine, orm.led_sessions) == 1
    with uow_factory(clean_engine)() as uow:
        types = [row.event_type for row in uow.connection.exec_driver_sql("SELECT event_type FROM outbox")]
    assert types.count("course_completed") == 1


def test_a_cohort_change_over_the_broker_moves_the_active_enrolment_to_the_new_section(worker, amqp_uri,
                                                                                        clean_engine):
    from course_world import FakeBlocks, World

    from course_service.adapters.certificates import Ed25519Signer
    from course_service.service_layer.services import CourseService
    from hearth_common.clock import utcnow

    service = CourseService(uow_factory(clean_engine), Ed25519Signer.generate(), blocks=FakeBlocks())
    world = World(service, utcnow)
    admin, tia = world.admin(), world.listener("tia", cohort="teen")
    service.create_course(admin, slug="practice", title="Practice", status="published")
    assert service.enrol(tia, "practice").section == "teen"
    event = examples.envelope("identity", "cohort_changed", seq=1000, person_id=tia.person_id,
                              previous_cohort="teen", cohort="adult")
    dispatch = event_dispatcher({"AMQP_URI": amqp_uri})
    for _ in range(2):  # the second is a redelivery
        dispatch("identity", "cohort_changed", event)

    def section():
        with uow_factory(clean_engine)() as uow:
            return uow.enrolments.get("practice", tia.person_id).section

    testing.eventually(lambda: section() == "adult", timeout=15)
