"""End-to-end: identity and course as real processes: an adult listener and a teen member list the seeded courses;
the listener enrols in the Group Dynamics Course (adult section) and reads its five discussions in order; the
member is refused with a message naming what is missing. Registration reaches course by event, so the first
answers are polled for a bounded time."""
import grpc
import pytest
from hearth.course.v1 import course_pb2 as cpb
from hearth.course.v1 import course_pb2_grpc
from hearth.identity.v1 import identity_pb2 as ipb
from test_e2e_live import People
from test_e2e_rooms import T

from hearth_common import testing


def known_to_course(courses, md):
    """Waits until course's read model has the person (registration travels by event)."""
    def listed():
        items = courses.ListCourses(cpb.ListCoursesRequest(), metadata=md, timeout=T).courses
        return None if any("being set up" in " ".join(item.missing) for item in items) else items
    return testing.eventually(listed, timeout=30, what="course's read model of people")


def test_a_listener_enrols_in_group_dynamics_and_a_teen_member_is_told_what_is_missing(course_stack):
    identity_target, course_target = course_stack
    people = People(identity_target)
    courses = course_pb2_grpc.CourseServiceStub(grpc.insecure_channel(course_target))
    _, listener = people.new("e2e_course_listener", years=30, kind=ipb.PERSON_KIND_LISTENER)
    _, member = people.new("e2e_course_teen", years=15)

    as_listener = {item.course.slug: item for item in known_to_course(courses, listener)}
    as_member = {item.course.slug: item for item in known_to_course(courses, member)}
    assert {"group-dynamics", "teen-safety"} <= set(as_listener) == set(as_member)
    assert as_listener["group-dynamics"].may_enrol
    assert not as_member["group-dynamics"].may_enrol and "listener" in " ".join(as_member["group-dynamics"].missing)

    enrolment = courses.Enrol(cpb.EnrolRequest(course_slug="group-dynamics"), metadata=listener, timeout=T).enrolment
    assert (enrolment.section, enrolment.status) == ("adult", "active")
    course = courses.GetCourse(cpb.GetCourseRequest(slug="group-dynamics"), metadata=listener, timeout=T)
    assert [d.title for d in course.discussions] == [
        "Introduction to Group Support", "Building a Group", "The Stages of a Group",
        "Navigating the Group Dynamic and the Leader's Toolkit",
        "Ethical and Cultural Considerations in Group Management"]
    assert all(d.opening_post.endswith("?") for d in course.discussions)

    with pytest.raises(grpc.RpcError) as refusal:
        courses.Enrol(cpb.EnrolRequest(course_slug="group-dynamics"), metadata=member, timeout=T)
    assert refusal.value.code() == grpc.StatusCode.PERMISSION_DENIED and "listener" in refusal.value.details()
