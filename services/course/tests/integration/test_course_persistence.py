"""Integration: course's repositories on the real PostgreSQL: rows round-trip, uniqueness rules raise
UniqueViolation naming their constraint, the read model of people applies each event once, and the migrate step
seeds idempotently."""
import pytest
from course_world import QUESTION_POST, FakeBlocks, World

from course_service.adapters.certificates import Ed25519Signer
from course_service.adapters.repository import uow_factory
from course_service.domain.courses import ONE_COURSE, ONE_DISCUSSION, ONE_ENROLMENT, Course, Discussion
from course_service.domain.enrolments import ACTIVE, Enrolment
from course_service.seed import load_seed_courses
from course_service.service_layer.services import CourseService
from hearth_common import errors
from hearth_common.clock import utcnow
from hearth_common.unit_of_work import UniqueViolation


@pytest.fixture
def uows(clean_engine):
    return uow_factory(clean_engine)


@pytest.fixture
def service(uows):
    return CourseService(uows, Ed25519Signer.generate(), blocks=FakeBlocks())


def a_course(slug="group-dynamics"):
    return Course.create(slug=slug, title="Group Dynamics Course", summary="s", badge_slug="group-dynamics-graduate",
                         policy={"any_of": [{"kind": "listener"}, {"role": "admin"}]}, status="published",
                         requirements=[{"kind": "participate", "min_words": 40}], created_by="admin", now=utcnow())


def test_a_course_round_trips_with_its_policy_and_requirements(uows):
    course = a_course()
    with uows() as uow:
        uow.courses.add(course)
        uow.commit()
    with uows() as uow:
        assert uow.courses.get("group-dynamics") == course
        assert uow.courses.list(("published",)) == [course]
        assert uow.courses.list(("draft",)) == []


@pytest.mark.parametrize("table", ["courses", "discussions", "enrolments"])
def test_uniqueness_rules_name_their_constraint(uows, table):
    now = utcnow()
    with uows() as uow:
        uow.courses.add(a_course())
        uow.commit()
    rows = {
        "courses": (lambda uow: uow.courses.add(a_course()), ONE_COURSE),
        "discussions": (lambda uow: uow.discussions.add(Discussion.create(
            course_slug="group-dynamics", discussion_id="intro", title="Intro", opening_post=QUESTION_POST,
            position=1, created_by="admin", now=now)), ONE_DISCUSSION),
        "enrolments": (lambda uow: uow.enrolments.add(Enrolment("group-dynamics", "p1", "adult", ACTIVE, now)),
                       ONE_ENROLMENT),
    }
    add, constraint = rows[table]
    if table != "courses":
        with uows() as uow:
            add(uow)
            uow.commit()
    with uows() as uow, pytest.raises(UniqueViolation) as clash:
        add(uow)
    assert clash.value.constraint == constraint


def test_discussions_in_order_and_counted(uows):
    now = utcnow()
    with uows() as uow:
        uow.courses.add(a_course())
        for position, discussion_id in enumerate(("b-second", "a-first"), start=1):
            uow.discussions.add(Discussion.create(course_slug="group-dynamics", discussion_id=discussion_id,
                                                  title=discussion_id, opening_post=QUESTION_POST,
                                                  position=position, created_by="admin", now=now))
        uow.commit()
    with uows() as uow:
        assert [d.id for d in uow.discussions.of_course("group-dynamics")] == ["b-second", "a-first"]
        assert uow.discussions.counts(["group-dynamics", "other"]) == {"group-dynamics": 2}


def test_enrolment_use_cases_on_postgresql(service):
    world = World(service, utcnow)
    admin, listener, member = world.admin(), world.listener("lena"), world.person("mo", cohort="teen")
    service.seed(load_seed_courses())
    enrolment = service.enrol(listener, "group-dynamics")
    assert service.enrol(listener, "group-dynamics") == enrolment
    with pytest.raises(errors.PermissionDenied, match="listener"):
        service.enrol(member, "group-dynamics")
    assert service.withdraw(listener, "group-dynamics").status == "withdrawn"
    assert [e.status for e in service.list_my_enrolments(listener)] == ["withdrawn"]
    service.update_course(admin, "group-dynamics", {"requirements": [{"kind": "participate", "min_words": 40}]})
    assert service.get_course(admin, "group-dynamics").listing.course.course.requirements == [
        {"kind": "participate", "min_words": 40}]


def test_identity_events_apply_once_by_event_id(service, clean_engine):
    world = World(service, utcnow)
    listener = world.listener("lena")
    from hearth_common.contracts import identity as identity_contract
    envelope = world.deliver(identity_contract.BadgeAwarded(person_id=listener.person_id,
                                                            badge_slug="verified-listener"))
    assert service.apply_identity_event(envelope) is False
    with uow_factory(clean_engine)() as uow:
        person = uow.people.get(listener.person_id)
    assert (person.kind, person.cohort, person.facts().badges) == ("listener", "adult", {"verified-listener"})


def test_the_seed_loads_once(service, uows):
    courses = load_seed_courses()
    assert service.seed(courses) == 10
    assert service.seed(courses) == 0
    with uows() as uow:
        assert [d.position for d in uow.discussions.of_course("group-dynamics")] == [1, 2, 3, 4, 5]


def test_the_migrations_downgrade_and_upgrade_again():
    from course_service.migrations import runner
    from hearth_common import testing

    with testing.migrated_database("hearth_course_migrations", runner.upgrade) as url:
        runner.downgrade(url)
        runner.upgrade(url)
