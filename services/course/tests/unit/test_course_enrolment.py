"""Unit: the catalogue and enrolment: the enrolment policy decides, a refusal lists what is missing, the section
is the learner's cohort, enrolling is idempotent, and withdrawing keeps the record."""
import pytest
from course_world import QUESTION_POST

from course_service.service_layer.services import Caller
from hearth_common import errors
from hearth_common.contracts import identity as identity_contract

LISTENERS = {"kind": "listener"}


@pytest.fixture
def admin(world):
    return world.admin()


@pytest.fixture
def course(service, admin):
    service.create_course(admin, slug="group-dynamics", title="Group Dynamics Course", policy=LISTENERS,
                          badge_slug="group-dynamics-graduate", status="published")
    for discussion_id in ("intro", "building"):
        service.add_discussion(admin, "group-dynamics", discussion_id=discussion_id, title=discussion_id.title(),
                               opening_post=QUESTION_POST)
    return "group-dynamics"


def test_the_catalogue_lists_published_courses_with_what_each_caller_lacks(service, world, admin, course):
    service.create_course(admin, slug="draft-course", title="Unfinished")
    service.create_course(admin, slug="open-course", title="Open to All", status="published")
    listener, member = world.listener("lena"), world.person("mo", cohort="teen")
    as_listener = {item.course.course.slug: item for item in service.list_courses(listener)}
    as_member = {item.course.course.slug: item for item in service.list_courses(member)}
    assert set(as_listener) == set(as_member) == {"group-dynamics", "open-course"}
    assert as_listener["group-dynamics"].may_enrol and as_listener["group-dynamics"].missing == ()
    assert not as_member["group-dynamics"].may_enrol
    assert any("listener" in sentence for sentence in as_member["group-dynamics"].missing)
    assert as_member["open-course"].may_enrol
    assert as_listener["group-dynamics"].course.discussion_count == 2


def test_a_listener_enrols_in_the_section_of_their_cohort(service, world, course):
    adult, teen = world.listener("lena"), world.listener("tia", cohort="teen")
    assert service.enrol(adult, course).section == "adult"
    assert service.enrol(teen, course).section == "teen"
    detail = service.get_course(adult, course)
    assert detail.listing.enrolled and detail.enrolment.status == "active"
    assert [d.id for d in detail.discussions] == ["intro", "building"]
    assert detail.discussions[0].opening_post.endswith("?")


def test_enrolling_twice_returns_the_same_enrolment(service, world, course, db):
    listener = world.listener("lena")
    first = service.enrol(listener, course)
    commits = db.commits
    assert service.enrol(listener, course) == first
    assert db.commits == commits
    assert len(db.rows("enrolments")) == 1


def test_a_twin_enrolling_first_is_the_enrolment_returned(service, world, course, db):
    listener = world.listener("lena")
    twin = []
    db.before_next_insert = ("enrolments", lambda: twin.append(service.enrol(listener, course)))
    assert service.enrol(listener, course) == twin[0]
    assert len(db.rows("enrolments")) == 1


def test_a_refusal_says_what_is_missing(service, world, course):
    member = world.person("mo")
    with pytest.raises(errors.PermissionDenied, match="Group Dynamics Course.*listener"):
        service.enrol(member, course)
    assert service.list_my_enrolments(member) == []


def test_a_badge_in_the_policy_counts_once_identity_awards_it(service, world, admin, course):
    service.update_course(admin, course, {"policy": {"all_of": [LISTENERS, {"badge": "verified-listener"}]}})
    listener = world.listener("lena")
    with pytest.raises(errors.PermissionDenied, match="verified-listener|Verified Listener"):
        service.enrol(listener, course)
    world.badge(listener, "verified-listener")
    assert service.enrol(listener, course).status == "active"


def test_someone_the_read_model_does_not_know_yet_is_asked_to_wait(service, world, course):
    with pytest.raises(errors.FailedPrecondition, match="being set up"):
        service.enrol(Caller("00000000-0000-0000-0000-000000000001"), course)


def test_drafts_are_not_found_and_archived_courses_take_no_new_learners(service, world, admin, course):
    service.create_course(admin, slug="draft-course", title="Unfinished")
    listener = world.listener("lena")
    with pytest.raises(errors.NotFound):
        service.enrol(listener, "draft-course")
    service.update_course(admin, course, {"status": "archived"})
    with pytest.raises(errors.FailedPrecondition, match="not open for enrolment"):
        service.enrol(listener, course)
    with pytest.raises(errors.NotFound):
        service.enrol(listener, "no-such-course")


def test_archiving_keeps_enrolled_learners_enrolled(service, world, admin, course):
    listener = world.listener("lena")
    enrolment = service.enrol(listener, course)
    service.update_course(admin, course, {"status": "archived"})
    assert service.enrol(listener, course) == enrolment
    assert service.get_course(listener, course).enrolment == enrolment


def test_withdrawing_keeps_the_record_and_enrolling_again_restores_it(service, world, clock, course):
    listener = world.listener("lena")
    service.enrol(listener, course)
    clock.advance(hours=1)
    withdrawn = service.withdraw(listener, course)
    assert withdrawn.status == "withdrawn" and withdrawn.withdrawn_at == clock()
    assert service.withdraw(listener, course) == withdrawn
    assert not service.get_course(listener, course).listing.enrolled
    clock.advance(hours=1)
    again = service.enrol(listener, course)
    assert (again.status, again.withdrawn_at, again.enrolled_at) == ("active", None, clock())


def test_withdrawing_from_a_course_never_enrolled_in_is_not_found(service, world, course):
    with pytest.raises(errors.NotFound):
        service.withdraw(world.listener("lena"), course)


def test_my_enrolments_newest_first(service, world, admin, clock, course):
    service.create_course(admin, slug="teen-safety", title="Teen Safety Essentials", status="published")
    listener = world.listener("lena")
    service.enrol(listener, course)
    clock.advance(minutes=5)
    service.enrol(listener, "teen-safety")
    assert [e.course_slug for e in service.list_my_enrolments(listener)] == ["teen-safety", "group-dynamics"]


def test_identity_events_apply_once_and_a_cohort_change_moves_every_enrolment(service, world, db, course,
                                                                                  clock, admin):
    service.create_course(admin, slug="teen-safety", title="Teen Safety Essentials", status="published")
    teen = world.listener("tia", cohort="teen")
    assert service.enrol(teen, course).section == "teen"
    clock.advance(minutes=1)
    assert service.enrol(teen, "teen-safety").section == "teen"
    service.withdraw(teen, "teen-safety")
    envelope = world.deliver(identity_contract.CohortChanged(person_id=teen.person_id, previous_cohort="teen",
                                                             cohort="adult"))
    assert service.apply_identity_event(envelope) is False  # a redelivery changes nothing
    assert [p.cohort for p in db.rows("people") if p.person_id == teen.person_id] == ["adult"]
    # Both enrolments moved with the cohort (teens and adults never share a section), the withdrawn one too: a
    # withdrawn learner still reads their section.
    assert {e.course_slug: (e.section, e.status) for e in service.list_my_enrolments(teen)} == {
        course: ("adult", "active"), "teen-safety": ("adult", "withdrawn")}
    assert service.enrol(teen, course).section == "adult"


def test_a_malformed_course_slug_is_refused_naming_the_field(service, world):
    listener = world.listener("lena")
    for call in (service.enrol, service.withdraw):
        with pytest.raises(errors.InvalidArgument, match="course_slug"):
            call(listener, "Not A Slug")
    with pytest.raises(errors.InvalidArgument, match="^slug"):
        service.get_course(listener, "x")
