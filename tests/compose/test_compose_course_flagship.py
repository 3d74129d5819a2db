"""Compose, issue 15's flagship (e2e (a)) across replicas: a listener enrols in the Group Dynamics Course, replies in
its five discussions, passes the quiz, leads a session with two attendees using a script from room's library, and
their mentor approves: course_completed -> identity-worker awards group-dynamics-graduate -> room-worker's read model
opens a room locked on it. The certificate verifies; course's events replayed by the operator's command award
nothing more; a revoked completion closes the room again.

Calls spread over grpc-lb and each course-grpc and room-grpc replica (alternating), so every step is read back
on another replica than the one that wrote it. As in tests/e2e/test_e2e_course_flagship.py, no process has a
clock a test can move, so the seeded practicum is shortened to its smallest legal length (1 minute) with the
admin UpdateCourse RPC, and the session's minute runs while the listener replies and takes the quiz."""
import json
import os
import pathlib
import time
import uuid

import grpc
from compose_helpers import compose, psql, replica_targets
from hearth.course.v1 import course_pb2 as cpb
from hearth.course.v1 import course_pb2_grpc
from hearth.identity.v1 import identity_pb2 as pb
from hearth.identity.v1 import identity_pb2_grpc
from hearth.room.v1 import room_pb2 as rpb
from hearth.room.v1 import room_pb2_grpc

from hearth_common import testing
from hearth_common.clients.channel import open_channel

T = 10
PASSWORD = "a long enough password"
ADMIN = ("admin", os.environ.get("IDENTITY_BOOTSTRAP_ADMIN_PASSWORD", ""))
SEED = pathlib.Path(__file__).parents[2] / "services/course/src/course_service/seed/courses.json"
COURSE, BADGE = "group-dynamics", "group-dynamics-graduate"
COMPLETED_QUEUE = "evt-course-course_completed--identity.on_course_completed"


def lb(variable: str, default: str) -> grpc.Channel:
    return open_channel([f"127.0.0.1:{os.environ.get(variable, default)}"])


def seeded_course() -> dict:
    courses = json.loads(SEED.read_text())
    return next(c for c in (courses if isinstance(courses, list) else courses["courses"]) if c["slug"] == COURSE)


def requirement(course: dict, kind: str) -> dict:
    return next(r for r in course["requirements"] if r["kind"] == kind)


def answered(call, *args, **kwargs):
    """The answer once the call succeeds; None while a service has not yet had the events it needs."""
    try:
        return call(*args, **kwargs)
    except grpc.RpcError as exc:
        if exc.code() in (grpc.StatusCode.NOT_FOUND, grpc.StatusCode.FAILED_PRECONDITION,
                          grpc.StatusCode.PERMISSION_DENIED, grpc.StatusCode.UNAVAILABLE):
            return None
        raise


class Spread:
    """Stubs over grpc-lb and each replica; `next()` gives them in turn."""

    def __init__(self, stub_class, lb_channel, replicas):
        self.channels = [lb_channel] + [grpc.insecure_channel(t) for t in replicas]
        self.stubs = [stub_class(c) for c in self.channels]
        self.n = 0

    def next(self):
        self.n += 1
        return self.stubs[self.n % len(self.stubs)]

    def close(self):
        for channel in self.channels:
            channel.close()


def test_the_flagship_learn_earn_enter_across_replicas():
    identity_channel = lb("IDENTITY_GRPC_LB_HOST_PORT", "15050")
    identity = identity_pb2_grpc.IdentityServiceStub(identity_channel)
    course_replicas, room_replicas = replica_targets("course-grpc", 50054), replica_targets("room-grpc", 50052)
    assert len(course_replicas) >= 2 and len(room_replicas) >= 2, (course_replicas, room_replicas)
    courses = Spread(course_pb2_grpc.CourseServiceStub, lb("COURSE_GRPC_LB_HOST_PORT", "15080"), course_replicas)
    rooms = Spread(room_pb2_grpc.RoomServiceStub, lb("ROOM_GRPC_LB_HOST_PORT", "15060"), room_replicas)
    try:
        staff = login(identity, *ADMIN)
        tag = uuid.uuid4().hex[:6]
        ids, md = {}, {}
        for name, kind in (("learner", pb.PERSON_KIND_LISTENER), ("mentor", pb.PERSON_KIND_LISTENER),
                           ("attendee1", pb.PERSON_KIND_MEMBER), ("attendee2", pb.PERSON_KIND_MEMBER)):
            username = f"flag_{name}_{tag}"
            ids[name] = identity.Register(pb.RegisterRequest(username=username, password=PASSWORD, kind=kind,
                                                             date_of_birth="1990-01-01"), timeout=T).person.id
            md[name] = login(identity, username)
        identity.GrantRole(pb.GrantRoleRequest(person_id=ids["learner"], role=pb.ROLE_ON_SPOT_HOST), metadata=staff,
                           timeout=T)

        locked, practice = f"graduates-{tag}", f"adult-practicum-{tag}"  # a practice room of its own: no one else
        rooms.next().CreateRoom(rpb.CreateRoomRequest(room=rpb.RoomSpec(
            slug=practice, name=f"Practicum {tag}", description="Where the learner leads their practicum.",
            topic="community", audience=rpb.AUDIENCE_ADULT, audience_kind="both", mode=rpb.ROOM_MODE_ALWAYS_OPEN,
            capacity=30, access_policy_json='{"always": true}')), metadata=staff, timeout=T)
        rooms.next().CreateRoom(rpb.CreateRoomRequest(room=rpb.RoomSpec(
            slug=locked, name=f"Graduates {tag}", description="For those who completed the Group Dynamics Course.",
            topic="community", audience=rpb.AUDIENCE_ADULT, audience_kind="both", mode=rpb.ROOM_MODE_ALWAYS_OPEN,
            capacity=30, access_policy_json=json.dumps({"badge": BADGE}))), metadata=staff, timeout=T)
        seed = seeded_course()
        shortened = [r | {"min_minutes": 1} if r["kind"] == "practicum" else r for r in seed["requirements"]]
        courses.next().UpdateCourse(cpb.UpdateCourseRequest(slug=COURSE, requirements_json=json.dumps(shortened)),
                                    metadata=staff, timeout=T)

        for name in ("attendee1", "attendee2", "learner"):  # registrations reach room-worker by event
            testing.eventually(lambda m=md[name]: answered(rooms.next().JoinRoom, rpb.JoinRoomRequest(
                slug=practice), metadata=m, timeout=T), timeout=60, interval=0.5, what="room to learn of people")
        access = rooms.next().CheckAccess(rpb.CheckAccessRequest(slug=locked), metadata=md["learner"],
                                          timeout=T).access
        assert not access.allowed and "Group Dynamics Graduate" in " ".join(access.missing), access
        for name in ("learner", "mentor"):  # and course-worker
            testing.eventually(lambda m=md[name]: enrolable(courses.next(), m), timeout=60, interval=0.5,
                               what="course to learn of people")
        courses.next().Enrol(cpb.EnrolRequest(course_slug=COURSE), metadata=md["learner"], timeout=T)
        courses.next().AssignMentor(cpb.AssignMentorRequest(course_slug=COURSE, person_id=ids["learner"],
                                                            mentor_id=ids["mentor"]), metadata=staff, timeout=T)

        script = rooms.next().GetScript(rpb.GetScriptRequest(script_id="on-spot-check-in"), metadata=md["learner"],
                                        timeout=T).script
        start = rpb.StartUnplannedSessionRequest(slug=practice, topic="Practicum check-in", duration_minutes=30,
                                                 script_id=script.script_id, idempotency_key=str(uuid.uuid4()))
        session = testing.eventually(lambda: answered(rooms.next().StartUnplannedSession, start, metadata=md["learner"],
                                                      timeout=T),
                                     timeout=60, interval=0.5, what="room to know the on-spot host").session
        started = time.monotonic()

        min_words = requirement(seed, "participate")["min_words"]
        discussions = courses.next().GetCourse(cpb.GetCourseRequest(slug=COURSE), metadata=md["learner"],
                                               timeout=T).discussions
        for d in discussions:
            courses.next().CreatePost(cpb.CreatePostRequest(
                course_slug=COURSE, discussion_id=d.id,
                body=f"On {d.title}: " + " ".join(["listening"] * min_words) + " comes first."),
                metadata=md["learner"], timeout=T)
        quiz = requirement(seed, "quiz")
        assert courses.next().SubmitQuizAttempt(cpb.SubmitQuizAttemptRequest(
            course_slug=COURSE, quiz_id=quiz["id"], answers=[q["answer"] for q in quiz["questions"]]),
            metadata=md["learner"], timeout=T).passed

        time.sleep(max(0.0, 61 - (time.monotonic() - started)))  # the practicum's minute, in real time
        rooms.next().EndSession(rpb.EndSessionRequest(session_id=session.session_id), metadata=md["learner"],
                                timeout=T)
        testing.eventually(lambda: any(i.mentorship.person_id == ids["learner"] for i in courses.next().ListMentorQueue(
            cpb.ListMentorQueueRequest(), metadata=md["mentor"], timeout=T).items), timeout=30, interval=0.5,
            what="session_ended to reach course-worker")
        courses.next().ReviewPracticum(cpb.ReviewPracticumRequest(
            course_slug=COURSE, person_id=ids["learner"], decision="approve", feedback="Well held."),
            metadata=md["mentor"], timeout=T)
        progress = courses.next().GetProgress(cpb.GetProgressRequest(course_slug=COURSE), metadata=md["learner"],
                                              timeout=T)
        assert progress.complete and progress.completion.badge_slug == BADGE
        completion = progress.completion

        joined = testing.eventually(lambda: answered(rooms.next().JoinRoom, rpb.JoinRoomRequest(slug=locked),
                                                     metadata=md["learner"], timeout=T),
                                    timeout=30, interval=0.2, what="the locked room to open")
        assert joined.member.person_id == ids["learner"]
        verified = courses.next().VerifyCertificate(cpb.VerifyCertificateRequest(
            certificate_id=completion.certificate_id), metadata=md["attendee1"], timeout=T)
        assert verified.valid and not verified.revoked

        # course's completions replayed (README's operator command): identity-worker reads them and awards nothing
        out = compose("run", "--rm", "course-migrate", "course-replay-events", "--type", "course_completed",
                      timeout=180)
        assert "replayed" in out
        testing.eventually(lambda: queue_messages(COMPLETED_QUEUE) == 0, timeout=30, interval=0.5,
                           what="identity-worker to take the replayed completions")
        awards = identity.ListPersonBadges(pb.ListPersonBadgesRequest(person_id=ids["learner"]), metadata=staff,
                                           timeout=T).awards
        assert [a.badge.slug for a in awards] == [BADGE]
        assert psql("SELECT count(*) FROM outbox WHERE event_type = 'badge_awarded' "
                    f"AND payload->'data'->>'person_id' = '{ids['learner']}'") == "1"

        courses.next().RevokeCompletion(cpb.RevokeCompletionRequest(completion_id=completion.id,
                                                                    reason="awarded in error"),
                                        metadata=staff, timeout=T)
        testing.eventually(lambda: not rooms.next().CheckAccess(rpb.CheckAccessRequest(slug=locked),
                                                                metadata=md["learner"], timeout=T).access.allowed,
                           timeout=30, interval=0.2, what="the locked room to close again")
        assert courses.next().VerifyCertificate(cpb.VerifyCertificateRequest(
            certificate_id=completion.certificate_id), metadata=md["attendee1"], timeout=T).revoked
    finally:
        courses.close()
        rooms.close()
        identity_channel.close()


def login(identity, username, password=PASSWORD):
    token = identity.Login(pb.LoginRequest(username=username, password=password), timeout=T).tokens.access_token
    return [("authorization", f"Bearer {token}")]


def enrolable(stub, md) -> bool:
    """Whether course's read model knows the caller (ListCourses says "being set up" until it does)."""
    items = stub.ListCourses(cpb.ListCoursesRequest(), metadata=md, timeout=T).courses
    return not any("being set up" in " ".join(i.missing) for i in items)


def queue_messages(queue: str) -> int:
    """Ready and unacknowledged messages of a queue on the stack's broker."""
    listed = compose("exec", "-T", "rabbitmq", "rabbitmqctl", "-q", "list_queues", "-p", "hearth", "name", "messages")
    # -q drops the banner, not the column headers ("name messages"): only rows whose count is a number are counted
    rows = (line.split() for line in listed.splitlines())
    counts = {row[0]: int(row[1]) for row in rows if len(row) == 2 and row[1].isdigit()}
    return counts[queue]
