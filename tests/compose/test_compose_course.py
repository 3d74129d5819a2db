"""Compose: course runs in the stack (its own database, broker user and images, two gRPC replicas): it answers health
through grpc-lb, and a listener registered with identity lists the seeded courses and enrols in the Group Dynamics
Course, each call on another course-grpc replica, verifying the tokens identity signs."""
import os
import uuid

import grpc
from compose_helpers import replica_targets
from grpc_health.v1 import health_pb2, health_pb2_grpc
from hearth.course.v1 import course_pb2 as cpb
from hearth.course.v1 import course_pb2_grpc
from hearth.identity.v1 import identity_pb2 as pb
from hearth.identity.v1 import identity_pb2_grpc

from hearth_common import testing
from hearth_common.clients.channel import open_channel

T = 10
SERVING = health_pb2.HealthCheckResponse.SERVING


def lb(variable: str, default: str) -> grpc.Channel:
    return open_channel([f"127.0.0.1:{os.environ.get(variable, default)}"])


def test_course_grpc_answers_health_through_the_load_balancer_and_on_each_replica():
    with lb("COURSE_GRPC_LB_HOST_PORT", "15080") as channel:
        assert health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=T).status == SERVING
        try:  # course itself answers a call of its own API through the balancer
            course_pb2_grpc.CourseServiceStub(channel).ListCourses(cpb.ListCoursesRequest(), timeout=T)
            raise AssertionError("a call without a token was answered")
        except grpc.RpcError as exc:
            assert exc.code() == grpc.StatusCode.UNAUTHENTICATED
    targets = replica_targets("course-grpc", 50054)
    assert len(targets) == 2  # deploy/compose-test.sh scales course-grpc to two replicas
    for target in targets:
        with grpc.insecure_channel(target) as channel:
            health = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=T)
            assert health.status == SERVING, target


def test_a_listener_lists_the_courses_and_enrols_in_group_dynamics_across_replicas():
    username = f"learner_{uuid.uuid4().hex[:6]}"
    with lb("IDENTITY_GRPC_LB_HOST_PORT", "15050") as identity_channel:
        identity = identity_pb2_grpc.IdentityServiceStub(identity_channel)
        person = identity.Register(pb.RegisterRequest(username=username, password="a long enough password",
                                                      date_of_birth="1990-05-06", kind=pb.PERSON_KIND_LISTENER),
                                   timeout=T).person
        token = identity.Login(pb.LoginRequest(username=username, password="a long enough password"),
                               timeout=T).tokens.access_token
    me = [("authorization", f"Bearer {token}")]
    channels = [grpc.insecure_channel(t) for t in replica_targets("course-grpc", 50054)]
    try:
        first, second = (course_pb2_grpc.CourseServiceStub(c) for c in channels)

        def listed(replica):
            items = replica.ListCourses(cpb.ListCoursesRequest(), metadata=me, timeout=T).courses
            # the registration reaches course's read model by event (identity-worker -> course-worker)
            return None if any("being set up" in " ".join(i.missing) for i in items) else items

        testing.eventually(lambda: listed(first), timeout=60, interval=1, what="course to learn of the registration")
        catalogue = {item.course.slug: item for item in listed(second)}
        assert {"group-dynamics", "teen-safety"} <= set(catalogue)
        assert catalogue["group-dynamics"].may_enrol and not catalogue["group-dynamics"].enrolled

        enrolment = first.Enrol(cpb.EnrolRequest(course_slug="group-dynamics"), metadata=me, timeout=T).enrolment
        assert (enrolment.course_slug, enrolment.person_id, enrolment.section, enrolment.status) == (
            "group-dynamics", person.id, "adult", "active")
        # The other replica reads the same database: the enrolment is there, and enrolling again returns it.
        again = second.Enrol(cpb.EnrolRequest(course_slug="group-dynamics"), metadata=me, timeout=T).enrolment
        assert again == enrolment
        mine = second.ListMyEnrolments(cpb.ListMyEnrolmentsRequest(), metadata=me, timeout=T).enrolments
        assert [e.course_slug for e in mine] == ["group-dynamics"]
        course = second.GetCourse(cpb.GetCourseRequest(slug="group-dynamics"), metadata=me, timeout=T)
        assert course.listing.enrolled and course.enrolment.status == "active"
        assert len(course.discussions) == 5 and all(d.opening_post.endswith("?") for d in course.discussions)
    finally:
        for channel in channels:
            channel.close()
