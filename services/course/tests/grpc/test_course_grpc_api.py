"""gRPC: course's API over a real grpcio server on an ephemeral port, backed by the real PostgreSQL: tokens,
admin-only authoring, the statuses of refusals, and what a learner sees and enrols in."""
import datetime as dt
import json
import uuid

import grpc
import jwt
import pytest
from course_world import QUESTION_POST, FakeBlocks, World
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc
from hearth.course.v1 import course_pb2 as pb
from hearth.course.v1 import course_pb2_grpc

from course_service.adapters.certificates import Ed25519Signer
from course_service.adapters.repository import uow_factory
from course_service.entrypoints.grpc_server import SERVICE_NAME, build_server
from course_service.seed import load_seed_courses
from course_service.service_layer.services import CourseService
from hearth_common.clock import utcnow
from hearth_common.tokens import TokenVerifier

T = 5
KEY = Ed25519PrivateKey.generate()
PEM = KEY.public_key().public_bytes(serialization.Encoding.PEM,
                                    serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def md(caller, key=KEY):
    now = dt.datetime.now(dt.timezone.utc)
    roles = [{"role": "admin"}] if caller.admin else []
    claims = {"iss": "hearth-identity", "aud": "hearth", "sub": caller.person_id, "iat": int(now.timestamp()),
              "exp": int((now + dt.timedelta(minutes=5)).timestamp()), "roles": roles}
    return [("authorization", f"Bearer {jwt.encode(claims, key, algorithm='EdDSA', headers={'kid': 'test-key'})}")]


@pytest.fixture
def service(clean_engine):
    service = CourseService(uow_factory(clean_engine), Ed25519Signer.generate(), blocks=FakeBlocks())
    service.seed(load_seed_courses())
    return service


@pytest.fixture
def world(service):
    return World(service, utcnow)


@pytest.fixture
def channel(course_settings, service):
    verifier = TokenVerifier(lambda: {"test-key": PEM}, issuer="hearth-identity", audience="hearth")
    server = build_server(course_settings, service, verifier)
    server.start()
    with grpc.insecure_channel(f"127.0.0.1:{server.port}") as ch:
        yield ch
    server.stop(grace=1)


@pytest.fixture
def stub(channel):
    return course_pb2_grpc.CourseServiceStub(channel)


def refused(call, request, metadata=None):
    with pytest.raises(grpc.RpcError) as info:
        call(request, metadata=metadata, timeout=T)
    return info.value


def test_health_serves_and_every_call_needs_a_valid_token(channel, stub, world):
    health = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(service=SERVICE_NAME), timeout=T)
    assert health.status == health_pb2.HealthCheckResponse.SERVING
    reflection = reflection_pb2_grpc.ServerReflectionStub(channel)
    answer = next(reflection.ServerReflectionInfo(iter([reflection_pb2.ServerReflectionRequest(list_services="")]),
                                                  timeout=T))
    assert SERVICE_NAME in {s.name for s in answer.list_services_response.service}
    assert refused(stub.ListCourses, pb.ListCoursesRequest()).code() == grpc.StatusCode.UNAUTHENTICATED
    forged = md(world.listener("lena"), key=Ed25519PrivateKey.generate())
    assert refused(stub.ListCourses, pb.ListCoursesRequest(), forged).code() == grpc.StatusCode.UNAUTHENTICATED


def test_a_listener_lists_reads_and_enrols_and_a_member_is_told_what_is_missing(stub, world):
    listener, member = world.listener("lena"), world.person("mo", cohort="teen")
    listed = {c.course.slug: c for c in stub.ListCourses(pb.ListCoursesRequest(), metadata=md(listener),
                                                         timeout=T).courses}
    assert set(listed) == {"group-dynamics", "teen-safety"} and listed["group-dynamics"].may_enrol
    assert listed["group-dynamics"].course.badge_slug == "group-dynamics-graduate"
    assert json.loads(listed["group-dynamics"].course.enrolment_policy_json) == {"kind": "listener"}
    enrolment = stub.Enrol(pb.EnrolRequest(course_slug="group-dynamics"), metadata=md(listener), timeout=T).enrolment
    assert (enrolment.section, enrolment.status) == ("adult", "active")
    again = stub.Enrol(pb.EnrolRequest(course_slug="group-dynamics"), metadata=md(listener), timeout=T).enrolment
    assert again == enrolment
    course = stub.GetCourse(pb.GetCourseRequest(slug="group-dynamics"), metadata=md(listener), timeout=T)
    assert [d.position for d in course.discussions] == [1, 2, 3, 4, 5]
    assert course.discussions[0].title == "Introduction to Group Support"
    assert course.enrolment.status == "active" and course.listing.enrolled
    error = refused(stub.Enrol, pb.EnrolRequest(course_slug="group-dynamics"), md(member))
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED and "listener" in error.details()
    mine = stub.ListMyEnrolments(pb.ListMyEnrolmentsRequest(), metadata=md(listener), timeout=T).enrolments
    assert [e.course_slug for e in mine] == ["group-dynamics"]
    withdrawn = stub.Withdraw(pb.WithdrawRequest(course_slug="group-dynamics"), metadata=md(listener), timeout=T)
    assert withdrawn.enrolment.status == "withdrawn" and withdrawn.enrolment.HasField("withdrawn_at")


def test_authoring_is_for_admins_and_refusals_have_their_status(stub, world):
    admin, listener = world.admin(), world.listener("lena")
    create = pb.CreateCourseRequest(slug="crisis-basics", title="Crisis Basics",
                                    badge_slug="crisis-response-trained",
                                    enrolment_policy_json='{"kind": "listener"}',
                                    requirements_json='[{"kind": "participate", "min_words": 30}]')
    assert refused(stub.CreateCourse, create, md(listener)).code() == grpc.StatusCode.PERMISSION_DENIED
    course = stub.CreateCourse(create, metadata=md(admin), timeout=T).course
    assert course.status == "draft"
    assert json.loads(course.requirements_json) == [{"kind": "participate", "min_words": 30}]
    assert refused(stub.CreateCourse, create, md(admin)).code() == grpc.StatusCode.ALREADY_EXISTS
    bad_json = pb.CreateCourseRequest(slug="other", title="Other", enrolment_policy_json="{not json")
    error = refused(stub.CreateCourse, bad_json, md(admin))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT and "enrolment_policy_json" in error.details()
    updated = stub.UpdateCourse(pb.UpdateCourseRequest(slug="crisis-basics", status="published",
                                                       enrolment_policy_json=""), metadata=md(admin), timeout=T)
    assert (updated.course.status, updated.course.enrolment_policy_json, updated.course.title) == (
        "published", "", "Crisis Basics")
    missing = pb.UpdateCourseRequest(slug="no-such-course", title="x")
    assert refused(stub.UpdateCourse, missing, md(admin)).code() == grpc.StatusCode.NOT_FOUND
    add = pb.AddDiscussionRequest(course_slug="crisis-basics", discussion_id="first-steps", title="First Steps",
                                  opening_post=QUESTION_POST)
    assert stub.AddDiscussion(add, metadata=md(admin), timeout=T).discussion.position == 1
    assert refused(stub.AddDiscussion, add, md(admin)).code() == grpc.StatusCode.ALREADY_EXISTS
    no_question = pb.AddDiscussionRequest(course_slug="crisis-basics", discussion_id="second", title="Second",
                                          opening_post="No question.")
    error = refused(stub.AddDiscussion, no_question, md(admin))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT and "opening_post" in error.details()
    stub.AddDiscussion(pb.AddDiscussionRequest(course_slug="crisis-basics", discussion_id="second", title="Second",
                                               opening_post=QUESTION_POST), metadata=md(admin), timeout=T)
    changed = stub.UpdateDiscussion(pb.UpdateDiscussionRequest(course_slug="crisis-basics", discussion_id="second",
                                                               title="Next Steps"), metadata=md(admin), timeout=T)
    assert (changed.discussion.title, changed.discussion.opening_post) == ("Next Steps", QUESTION_POST)
    order = stub.ReorderDiscussions(pb.ReorderDiscussionsRequest(course_slug="crisis-basics",
                                                                 discussion_ids=["second", "first-steps"]),
                                    metadata=md(admin), timeout=T).discussions
    assert [(d.id, d.position) for d in order] == [("second", 1), ("first-steps", 2)]


def test_an_oversized_field_is_refused_at_the_edge(stub, world):
    admin = world.admin()
    request = pb.CreateCourseRequest(slug="long-title", title="t" * 500)
    error = refused(stub.CreateCourse, request, md(admin))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT and "title" in error.details()


# --- requirements, progress and completion -----------------------------------------------------------------------

FORTY_WORDS = " ".join(["listening"] * 40)
GD_RIGHT = [1, 2, 1, 2, 0]  # the seed quiz's key (seed/courses.json), known to the test only


def session_envelope(leader_id):
    from hearth_common.contracts import room as room_contract
    ended = utcnow()
    return {**room_contract.SessionEnded(
        session_id=str(uuid.uuid4()), room_slug="sharing-circle", topic="Practice", kind="support",
        leader_id=leader_id, attendee_ids=(leader_id, str(uuid.uuid4()), str(uuid.uuid4())),
        started_at=ended - dt.timedelta(minutes=40), ended_at=ended, duration_seconds=2400, seq=1, ended_by=leader_id,
        ended_automatically=False, script_id="sharing-circle-mantra").event().envelope("room"), "seq": 1}


def test_the_quiz_over_grpc_never_shows_its_key_and_limits_attempts(stub, world):
    lena = world.listener("lena")
    stub.Enrol(pb.EnrolRequest(course_slug="group-dynamics"), metadata=md(lena), timeout=T)
    quiz = stub.GetQuiz(pb.GetQuizRequest(course_slug="group-dynamics", quiz_id="group-dynamics-check"),
                        metadata=md(lena), timeout=T).quiz
    assert (len(quiz.questions), quiz.pass_mark, quiz.attempts_left) == (5, 4, 3)
    assert "answer" not in str(quiz)
    course = stub.GetCourse(pb.GetCourseRequest(slug="group-dynamics"), metadata=md(lena), timeout=T)
    assert "answer" not in course.listing.course.requirements_json
    wrong = pb.SubmitQuizAttemptRequest(course_slug="group-dynamics", quiz_id="group-dynamics-check",
                                        answers=[3, 3, 3, 3, 3])
    result = stub.SubmitQuizAttempt(wrong, metadata=md(lena), timeout=T)
    assert (result.score, result.out_of, result.passed, result.attempts_left) == (0, 5, False, 2)
    bad = pb.SubmitQuizAttemptRequest(course_slug="group-dynamics", quiz_id="group-dynamics-check", answers=[0])
    assert refused(stub.SubmitQuizAttempt, bad, md(lena)).code() == grpc.StatusCode.INVALID_ARGUMENT
    stub.SubmitQuizAttempt(wrong, metadata=md(lena), timeout=T)
    stub.SubmitQuizAttempt(wrong, metadata=md(lena), timeout=T)
    assert refused(stub.SubmitQuizAttempt, wrong, md(lena)).code() == grpc.StatusCode.FAILED_PRECONDITION
    missing = pb.GetQuizRequest(course_slug="group-dynamics", quiz_id="nope")
    assert refused(stub.GetQuiz, missing, md(lena)).code() == grpc.StatusCode.NOT_FOUND


def test_a_learner_completes_the_group_dynamics_course_over_grpc(stub, service, world):
    admin, lena, mia = world.admin(), world.listener("lena"), world.listener("mia")
    slug = "group-dynamics"
    stub.Enrol(pb.EnrolRequest(course_slug=slug), metadata=md(lena), timeout=T)
    assign = pb.AssignMentorRequest(course_slug=slug, person_id=lena.person_id, mentor_id=mia.person_id)
    assert refused(stub.AssignMentor, assign, md(lena)).code() == grpc.StatusCode.PERMISSION_DENIED
    stub.AssignMentor(assign, metadata=md(admin), timeout=T)
    progress = stub.GetProgress(pb.GetProgressRequest(course_slug=slug), metadata=md(lena), timeout=T)
    assert [r.met for r in progress.requirements] == [False] * 4
    assert progress.requirements[0].detail.startswith("replied in 0 of 5 discussions: missing Introduction")
    assert progress.requirements[2].detail == ("practicum: lead a session of at least 30 minutes with 2 attendees "
                                               "using a script")
    for discussion in [d.id for d in stub.GetCourse(pb.GetCourseRequest(slug=slug), metadata=md(lena),
                                                    timeout=T).discussions]:
        stub.CreatePost(pb.CreatePostRequest(course_slug=slug, discussion_id=discussion, body=FORTY_WORDS),
                        metadata=md(lena), timeout=T)
    stub.SubmitQuizAttempt(pb.SubmitQuizAttemptRequest(course_slug=slug, quiz_id="group-dynamics-check",
                                                       answers=GD_RIGHT), metadata=md(lena), timeout=T)
    service.progress.record_session(session_envelope(lena.person_id))  # what course-worker does on session_ended
    queue = stub.ListMentorQueue(pb.ListMentorQueueRequest(), metadata=md(mia), timeout=T).items
    assert [(i.username, len(i.sessions), i.overdue) for i in queue] == [("lena", 1, False)]
    review = pb.ReviewPracticumRequest(course_slug=slug, person_id=lena.person_id, decision="return")
    assert refused(stub.ReviewPracticum, review, md(mia)).code() == grpc.StatusCode.INVALID_ARGUMENT
    assert refused(stub.ReviewPracticum, review, md(lena)).code() == grpc.StatusCode.PERMISSION_DENIED
    review = pb.ReviewPracticumRequest(course_slug=slug, person_id=lena.person_id, decision="approve",
                                       feedback="Well held.")
    assert stub.ReviewPracticum(review, metadata=md(mia), timeout=T).mentorship.review == "approved"
    progress = stub.GetProgress(pb.GetProgressRequest(course_slug=slug, person_id=lena.person_id),
                                metadata=md(mia), timeout=T)
    assert progress.complete and progress.completion.username == "lena"
    certificate = progress.completion.certificate_id
    verified = stub.VerifyCertificate(pb.VerifyCertificateRequest(certificate_id=certificate), metadata=md(mia),
                                      timeout=T)
    assert verified.valid and not verified.revoked and verified.detail == "valid"
    assert json.loads(verified.document)["course_title"] == "Group Dynamics Course"
    assert (verified.certificate_id, verified.username, verified.course_title) == (
        certificate, "lena", "Group Dynamics Course")
    assert verified.completed_on == progress.completion.completed_at.ToDatetime().date().isoformat()
    assert verified.public_key_pem.startswith("-----BEGIN PUBLIC KEY") and verified.key_id and verified.signature
    assert lena.person_id not in str(verified) and "adult" not in str(verified)
    listed = stub.ListCompletions(pb.ListCompletionsRequest(), metadata=md(lena), timeout=T).completions
    assert [c.id for c in listed] == [progress.completion.id]
    revoke = pb.RevokeCompletionRequest(completion_id=progress.completion.id, reason="mistaken approval")
    assert refused(stub.RevokeCompletion, revoke, md(lena)).code() == grpc.StatusCode.PERMISSION_DENIED
    assert stub.RevokeCompletion(revoke, metadata=md(admin), timeout=T).completion.revoked
    verified = stub.VerifyCertificate(pb.VerifyCertificateRequest(certificate_id=certificate), metadata=md(lena),
                                      timeout=T)
    assert verified.valid and verified.revoked and verified.HasField("revoked_at")
    assert "mistaken approval" not in str(verified)
    unknown = pb.VerifyCertificateRequest(certificate_id=str(uuid.uuid4()))
    assert refused(stub.VerifyCertificate, unknown, md(lena)).code() == grpc.StatusCode.NOT_FOUND
    assert refused(stub.VerifyCertificate, unknown).code() == grpc.StatusCode.UNAUTHENTICATED


def test_a_non_admin_is_refused_every_admin_call_and_nothing_changes(stub, world):
    admin, lena, mia = world.admin(), world.listener("lena"), world.listener("mia")
    slug = "group-dynamics"
    stub.Enrol(pb.EnrolRequest(course_slug=slug), metadata=md(lena), timeout=T)
    before = stub.GetCourse(pb.GetCourseRequest(slug=slug), metadata=md(admin), timeout=T)
    ids = [d.id for d in before.discussions]
    reply = stub.CreatePost(pb.CreatePostRequest(course_slug=slug, discussion_id=ids[0], body="My reply."),
                            metadata=md(lena), timeout=T).post
    calls = [
        (stub.UpdateCourse, pb.UpdateCourseRequest(slug=slug, title="Taken over", status="archived")),
        (stub.AddDiscussion, pb.AddDiscussionRequest(course_slug=slug, discussion_id="extra", title="Extra",
                                                     opening_post=QUESTION_POST)),
        (stub.UpdateDiscussion, pb.UpdateDiscussionRequest(course_slug=slug, discussion_id=ids[0], title="Renamed")),
        (stub.ReorderDiscussions, pb.ReorderDiscussionsRequest(course_slug=slug, discussion_ids=ids[::-1])),
        (stub.AssignMentor, pb.AssignMentorRequest(course_slug=slug, person_id=lena.person_id,
                                                   mentor_id=mia.person_id)),
        (stub.RevokeCompletion, pb.RevokeCompletionRequest(completion_id=str(uuid.uuid4()), reason="because")),
        (stub.RemovePost, pb.RemovePostRequest(post_id=reply.id, reason="because")),
    ]
    for call, request in calls:
        error = refused(call, request, md(lena))
        assert error.code() == grpc.StatusCode.PERMISSION_DENIED, type(request).__name__
        assert "admin" in error.details()
    after = stub.GetCourse(pb.GetCourseRequest(slug=slug), metadata=md(admin), timeout=T)
    assert after == before
    page = stub.ListPosts(pb.ListPostsRequest(course_slug=slug, discussion_id=ids[0]), metadata=md(lena), timeout=T)
    assert [(p.id, p.state) for p in page.posts] == [(reply.id, "live")]
    progress = stub.GetProgress(pb.GetProgressRequest(course_slug=slug), metadata=md(lena), timeout=T)
    assert not any("mia" in r.detail for r in progress.requirements)
