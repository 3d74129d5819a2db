"""End-to-end, issue 15's flagship (learn -> earn -> enter): identity, room and course as real processes. A listener
enrols in the Group Dynamics Course, replies in its five discussions, passes the quiz, leads an unplanned session
with two attendees using a script from room's library, and their mentor approves: course_completed -> identity
awards group-dynamics-graduate -> room's read model opens a room locked on it. The certificate verifies; the
completion redelivered (its envelope published again, and course-replay-events) awards nothing more; revoking the
completion revokes the badge and the room refuses again.

Time: no process has a clock a test can move (hearth_common.clock is the wall clock), so the test shortens the
seeded practicum to its smallest legal length, `min_minutes` 1, through the admin UpdateCourse RPC (every other
requirement kept as seeded), and the session runs while the listener replies and takes the quiz, then until a
minute has passed. The quiz's answers are read from the seed file: no API hands them out."""
import json
import pathlib
import subprocess
import time
import uuid

import grpc
import kombu
import pytest
import sqlalchemy as sa
from e2e_helpers import ADMIN, BIN, Proc, free_port, staff_call, wait_serving
from hearth.course.v1 import course_pb2 as cpb
from hearth.course.v1 import course_pb2_grpc
from hearth.identity.v1 import identity_pb2 as ipb
from hearth.identity.v1 import identity_pb2_grpc
from hearth.room.v1 import room_pb2 as rpb
from hearth.room.v1 import room_pb2_grpc
from test_e2e_course import known_to_course
from test_e2e_live import People, known_to_room
from test_e2e_rooms import T

from hearth_common import testing
from hearth_common.outbox import event_exchange

SEED = pathlib.Path(__file__).parents[2] / "services/course/src/course_service/seed/courses.json"
COURSE, BADGE = "group-dynamics", "group-dynamics-graduate"
PRACTICE_ROOM = "adult-community-lounge"  # adults of either kind; on-spot hosts start unplanned sessions in it
COMPLETED_QUEUE = "evt-course-course_completed--identity.on_course_completed"  # identity's course badge handler


def seeded_course(slug=COURSE) -> dict:
    courses = json.loads(SEED.read_text())
    return next(c for c in (courses if isinstance(courses, list) else courses["courses"]) if c["slug"] == slug)


def requirement(course: dict, kind: str) -> dict:
    return next(r for r in course["requirements"] if r["kind"] == kind)


@pytest.fixture
def flagship_stack(stack, e2e_env, tmp_path):
    """identity's processes, room's (migrate with its seed, worker, grpc), then course's (its worker asks identity
    and room to replay what came before it). Yields the targets and course's environment."""
    env, _, identity_target = e2e_env
    stack.start_grpc()
    stack.start_worker()
    amqp = env["IDENTITY_AMQP_URI"]
    room_db = testing.create_database("hearth_room_flag_e2e")
    course_db = testing.create_database("hearth_course_flag_e2e")
    room_target, course_target = f"127.0.0.1:{free_port()}", f"127.0.0.1:{free_port()}"
    room_env = {**env, "ROOM_DATABASE_URL": room_db, "ROOM_AMQP_URI": amqp,
                "ROOM_IDENTITY_GRPC_TARGET": identity_target, "ROOM_GRPC_ADDRESS": room_target}
    course_env = {**env, "COURSE_DATABASE_URL": course_db, "COURSE_AMQP_URI": amqp,
                  "COURSE_IDENTITY_GRPC_TARGET": identity_target, "COURSE_GRPC_ADDRESS": course_target,
                  "COURSE_WORKER_HEARTBEAT_FILE": str(tmp_path / "course.hb")}
    procs = []
    try:
        subprocess.run([str(BIN / "room-migrate")], env=room_env, check=True, capture_output=True, timeout=120)
        procs += [Proc("room-worker", room_env, tmp_path), Proc("room-grpc", room_env, tmp_path)]
        testing.wait_consuming(amqp, "evt-identity-person_registered--room.on_person_registered",
                               alive=lambda: None if procs[0].process.poll() is None else procs[0].log_path.read_text())
        wait_serving(room_target, procs[1])
        subprocess.run([str(BIN / "course-migrate")], env=course_env, check=True, capture_output=True, timeout=120)
        procs += [Proc("course-worker", course_env, tmp_path), Proc("course-grpc", course_env, tmp_path)]
        testing.wait_consuming(amqp, "evt-room-session_ended--course.on_session_ended",
                               alive=lambda: None if procs[2].process.poll() is None else procs[2].log_path.read_text())
        wait_serving(course_target, procs[3])
        yield identity_target, room_target, course_target, course_env
    finally:
        for proc in reversed(procs):
            proc.terminate()
        testing.drop_database(course_db)
        testing.drop_database(room_db)


@pytest.fixture
def course_events(amqp_uri):
    """A queue bound to course's course_completed events, to capture the envelope the test redelivers."""
    connection = kombu.Connection(amqp_uri)
    queue = kombu.Queue(f"e2e-course-completed-{uuid.uuid4().hex[:6]}", exchange=event_exchange("course"),
                        routing_key="course_completed", auto_delete=False, durable=False)
    bound = queue(connection.channel())
    bound.declare()
    yield bound
    bound.delete()
    connection.release()


def refusal(call):
    with pytest.raises(grpc.RpcError) as caught:
        call()
    return caught.value


def test_a_listener_learns_earns_the_graduate_badge_and_enters_the_room_locked_on_it(
        flagship_stack, stack, e2e_env, events, course_events, amqp_uri):
    identity_target, room_target, course_target, course_env = flagship_stack
    identity_db = e2e_env[1]
    people = People(identity_target)
    identity = identity_pb2_grpc.IdentityServiceStub(grpc.insecure_channel(identity_target))
    rooms = room_pb2_grpc.RoomServiceStub(grpc.insecure_channel(room_target))
    courses = course_pb2_grpc.CourseServiceStub(grpc.insecure_channel(course_target))
    admin_token = identity.Login(ipb.LoginRequest(username=ADMIN[0], password=ADMIN[1]), timeout=T).tokens.access_token
    staff = [("authorization", f"Bearer {admin_token}")]
    tag = uuid.uuid4().hex[:6]
    learner_id, learner = people.new(f"flag_learner_{tag}", kind=ipb.PERSON_KIND_LISTENER)
    mentor_id, mentor = people.new(f"flag_mentor_{tag}", kind=ipb.PERSON_KIND_LISTENER)
    attendees = [people.new(f"flag_attendee{i}_{tag}")[1] for i in range(2)]
    identity.GrantRole(ipb.GrantRoleRequest(person_id=learner_id, role=ipb.ROLE_ON_SPOT_HOST), metadata=staff,
                       timeout=T)

    # a room locked on the course's badge, and the seeded course with the shortest legal practicum (see above)
    locked = f"graduates-{tag}"
    # room's and course's read models learn of the admin's role by event (identity replays it to a new worker)
    staff_call(rooms.CreateRoom, rpb.CreateRoomRequest(room=rpb.RoomSpec(
        slug=locked, name="Graduates", description="For those who completed the Group Dynamics Course.",
        topic="community", audience=rpb.AUDIENCE_ADULT, audience_kind="both", mode=rpb.ROOM_MODE_ALWAYS_OPEN,
        capacity=30, access_policy_json=json.dumps({"badge": BADGE}))), staff)
    seed = seeded_course()
    shortened = [r | {"min_minutes": 1} if r["kind"] == "practicum" else r for r in seed["requirements"]]
    staff_call(courses.UpdateCourse, cpb.UpdateCourseRequest(slug=COURSE, requirements_json=json.dumps(shortened)),
               staff)

    known_to_room(rooms, learner, PRACTICE_ROOM)
    refused = refusal(lambda: rooms.JoinRoom(rpb.JoinRoomRequest(slug=locked), metadata=learner, timeout=T))
    assert refused.code() == grpc.StatusCode.PERMISSION_DENIED, refused.details()
    assert "Group Dynamics Graduate" in refused.details(), refused.details()

    known_to_course(courses, learner)
    known_to_course(courses, mentor)
    assert courses.Enrol(cpb.EnrolRequest(course_slug=COURSE), metadata=learner, timeout=T).enrolment.section == "adult"
    courses.AssignMentor(cpb.AssignMentorRequest(course_slug=COURSE, person_id=learner_id, mentor_id=mentor_id),
                         metadata=staff, timeout=T)

    # the practicum: the learner leads a session with two attendees using a script of the library
    [script] = [s for s in rooms.ListScripts(rpb.ListScriptsRequest(cohort="adult"), metadata=learner,
                                             timeout=T).scripts if s.script_id == "on-spot-check-in"]
    for md in [*attendees, learner]:
        known_to_room(rooms, md, PRACTICE_ROOM)
        rooms.JoinRoom(rpb.JoinRoomRequest(slug=PRACTICE_ROOM), metadata=md, timeout=T)

    def start():  # the on-spot host role reaches room's read model by event
        try:
            return rooms.StartUnplannedSession(rpb.StartUnplannedSessionRequest(
                slug=PRACTICE_ROOM, topic="Practicum check-in", duration_minutes=30, script_id=script.script_id),
                metadata=learner, timeout=T).session
        except grpc.RpcError as exc:
            assert exc.code() == grpc.StatusCode.PERMISSION_DENIED, exc.details()
            return None
    session = testing.eventually(start, timeout=30, what="room to know the learner as an on-spot host")
    started = time.monotonic()

    # meanwhile: a reply of at least the seeded number of words in each of the five discussions
    min_words = requirement(seed, "participate")["min_words"]
    discussions = courses.GetCourse(cpb.GetCourseRequest(slug=COURSE), metadata=learner, timeout=T).discussions
    assert len(discussions) == 5
    for d in discussions:
        body = f"On {d.title}: " + " ".join(["listening"] * min_words) + " is what a group leader does first."
        courses.CreatePost(cpb.CreatePostRequest(course_slug=COURSE, discussion_id=d.id, body=body),
                           metadata=learner, timeout=T)
    # and the quiz, with the answer key read from the seed file
    quiz = requirement(seed, "quiz")
    attempt = courses.SubmitQuizAttempt(cpb.SubmitQuizAttemptRequest(
        course_slug=COURSE, quiz_id=quiz["id"], answers=[q["answer"] for q in quiz["questions"]]),
        metadata=learner, timeout=T)
    assert attempt.passed and attempt.score == len(quiz["questions"])

    progress = courses.GetProgress(cpb.GetProgressRequest(course_slug=COURSE), metadata=learner, timeout=T)
    assert not progress.complete
    assert [r.met for r in progress.requirements] == [True, True, False, False]

    time.sleep(max(0.0, 61 - (time.monotonic() - started)))  # the practicum's minute, in real time
    rooms.EndSession(rpb.EndSessionRequest(session_id=session.session_id), metadata=learner, timeout=T)

    # session_ended reaches course; the review waits in the mentor's queue; the mentor approves: completion
    def queued():
        items = courses.ListMentorQueue(cpb.ListMentorQueueRequest(), metadata=mentor, timeout=T).items
        return [i for i in items if i.mentorship.person_id == learner_id]
    testing.eventually(queued, timeout=30, what="the practicum in the mentor's queue")
    courses.ReviewPracticum(cpb.ReviewPracticumRequest(course_slug=COURSE, person_id=learner_id, decision="approve",
                                                       feedback="A calm, well held check-in."),
                            metadata=mentor, timeout=T)
    progress = courses.GetProgress(cpb.GetProgressRequest(course_slug=COURSE), metadata=learner, timeout=T)
    assert progress.complete and progress.completion.badge_slug == BADGE
    completion = progress.completion

    awarded = events(lambda got: any(e["event_type"] == "badge_awarded" and e["data"]["person_id"] == learner_id
                                     for e in got), timeout=30)
    [award] = [e["data"] for e in awarded
               if e["event_type"] == "badge_awarded" and e["data"]["person_id"] == learner_id]
    assert award["badge_slug"] == BADGE

    def admitted():
        try:
            return rooms.JoinRoom(rpb.JoinRoomRequest(slug=locked), metadata=learner, timeout=T)
        except grpc.RpcError as exc:
            assert exc.code() == grpc.StatusCode.PERMISSION_DENIED, exc.details()
            return None
    assert testing.eventually(admitted, timeout=20, what="the locked room to open").member.person_id == learner_id

    verified = courses.VerifyCertificate(cpb.VerifyCertificateRequest(certificate_id=completion.certificate_id),
                                         metadata=attendees[0], timeout=T)
    assert verified.valid and not verified.revoked
    # the signed facts only: who (by username), which course, when; never the person's id or section
    assert (verified.username, verified.certificate_id) == (f"flag_learner_{tag}", completion.certificate_id)
    assert verified.course_title == seed["title"] and learner_id not in verified.document

    # the completion redelivered: its envelope published again, and course's events replayed by the operator's command
    message = testing.eventually(lambda: course_events.get(no_ack=True), timeout=20, what="course_completed captured")
    envelope = json.loads(message.body)
    assert envelope["data"]["completion_id"] == completion.id
    with kombu.Connection(amqp_uri) as conn:
        conn.Producer().publish(envelope, exchange=event_exchange("course"), routing_key="course_completed",
                                headers=message.headers, delivery_mode=2, message_id=envelope["event_id"])
    replay = subprocess.run([str(BIN / "course-replay-events"), "--type", "course_completed"], env=course_env,
                            capture_output=True, text=True, timeout=60)
    assert replay.returncode == 0 and "replayed" in replay.stdout, replay.stderr
    # identity's worker stopped gracefully finishes what it holds; an empty queue then means both were handled
    testing.eventually(lambda: queue_depth(amqp_uri, COMPLETED_QUEUE) == 0, timeout=30, what="the redeliveries read")
    stack.worker.terminate()
    assert queue_depth(amqp_uri, COMPLETED_QUEUE) == 0
    held = identity.ListPersonBadges(ipb.ListPersonBadgesRequest(person_id=learner_id), metadata=staff,
                                     timeout=T).awards
    assert [a.badge.slug for a in held] == [BADGE]
    engine = sa.create_engine(identity_db)
    try:
        with engine.connect() as conn:
            count = conn.execute(sa.text(
                "SELECT count(*) FROM outbox WHERE event_type = 'badge_awarded' AND payload->'data'->>'person_id' = :p"
            ), {"p": learner_id}).scalar_one()
        assert count == 1
    finally:
        engine.dispose()
    stack.start_worker()

    # an admin revokes the completion: the badge is revoked and the room refuses again
    courses.RevokeCompletion(cpb.RevokeCompletionRequest(completion_id=completion.id, reason="awarded in error"),
                             metadata=staff, timeout=T)
    events(lambda got: any(e["event_type"] == "badge_revoked" and e["data"]["person_id"] == learner_id for e in got),
           timeout=30)
    rooms.LeaveRoom(rpb.LeaveRoomRequest(slug=locked), metadata=learner, timeout=T)

    def refused_again():
        try:
            rooms.JoinRoom(rpb.JoinRoomRequest(slug=locked), metadata=learner, timeout=T)
        except grpc.RpcError as exc:
            return exc.code() == grpc.StatusCode.PERMISSION_DENIED
        rooms.LeaveRoom(rpb.LeaveRoomRequest(slug=locked), metadata=learner, timeout=T)
        return False
    testing.eventually(refused_again, timeout=20, what="the locked room to close again")
    assert courses.VerifyCertificate(cpb.VerifyCertificateRequest(certificate_id=completion.certificate_id),
                                     metadata=attendees[0], timeout=T).revoked


def queue_depth(amqp_uri, queue):
    with kombu.Connection(amqp_uri) as conn:
        return conn.channel().queue_declare(queue, passive=True).message_count
