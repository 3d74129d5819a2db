"""gRPC: course's API over a real grpcio server on an ephemeral port, backed by the real PostgreSQL: tokens,
admin-only authoring, the statuses of refusals, and what a learner sees and enrols in."""
import datetime as dt
import json

import grpc
import jwt
import pytest
from course_world import QUESTION_POST, World
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
    service = CourseService(uow_factory(clean_engine), Ed25519Signer.generate())
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
