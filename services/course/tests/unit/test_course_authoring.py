"""Unit: admins author courses and discussions; every field is checked and refusals name it."""
import pytest
from course_world import QUESTION_POST

from hearth_common import errors

POLICY = {"all_of": [{"kind": "listener"}, {"badge": "verified-listener"}]}


def create(service, admin, slug="group-dynamics", **fields):
    return service.create_course(admin, slug=slug, title=fields.pop("title", "Group Dynamics Course"), **fields)


def test_an_admin_creates_a_draft_course_with_its_badge_policy_and_requirements(service, world):
    admin = world.admin()
    view = create(service, admin, summary="How groups work", badge_slug="group-dynamics-graduate", policy=POLICY,
                  requirements=[{"kind": "participate", "min_words": 30}])
    course = view.course
    assert (course.slug, course.status, course.badge_slug) == ("group-dynamics", "draft", "group-dynamics-graduate")
    assert course.policy == POLICY
    assert course.requirements == [{"kind": "participate", "min_words": 30}]
    assert "listener" in view.policy_summary
    assert view.discussion_count == 0


def test_only_admins_author(service, world):
    listener = world.listener("lena")
    with pytest.raises(errors.PermissionDenied):
        create(service, listener)
    admin = world.admin()
    create(service, admin)
    for call in (lambda: service.update_course(listener, "group-dynamics", {"title": "Mine"}),
                 lambda: service.add_discussion(listener, "group-dynamics", discussion_id="intro", title="Intro",
                                                opening_post=QUESTION_POST),
                 lambda: service.reorder_discussions(listener, "group-dynamics", [])):
        with pytest.raises(errors.PermissionDenied):
            call()


@pytest.mark.parametrize(("fields", "named"), [
    ({"slug": "X"}, "slug"),
    ({"title": "  "}, "title"),
    ({"summary": "s" * 2001}, "summary"),
    ({"badge_slug": "Not A Slug"}, "badge_slug"),
    ({"status": "live"}, "status"),
    ({"policy": {"kind": "wizard"}}, "kind"),
    ({"requirements": [{"kind": "essay"}]}, "requirements[0]"),
    ({"requirements": {"kind": "quiz"}}, "requirements"),
])
def test_invalid_fields_are_refused_naming_the_field(service, world, fields, named):
    admin = world.admin()
    with pytest.raises(errors.InvalidArgument, match=r"\b" + named.replace("[", r"\[").replace("]", r"\]")):
        create(service, admin, **fields)


def test_a_slug_in_use_already_exists(service, world, db):
    admin = world.admin()
    create(service, admin)
    with pytest.raises(errors.AlreadyExists):
        create(service, admin, title="Another")
    assert len(db.rows("courses")) == 1


def test_a_twin_creating_the_same_slug_first_is_already_exists(service, world, db):
    admin = world.admin()
    db.before_next_insert = ("courses", lambda: create(service, admin, title="Twin"))
    with pytest.raises(errors.AlreadyExists):
        create(service, admin)
    assert [c.title for c in db.rows("courses")] == ["Twin"]


def test_an_update_changes_only_the_fields_given(service, world):
    admin = world.admin()
    create(service, admin, summary="Before", badge_slug="group-dynamics-graduate", policy=POLICY)
    view = service.update_course(admin, "group-dynamics", {"title": "Group Dynamics", "status": "published",
                                                           "policy": None,
                                                           "requirements": [{"kind": "participate", "min_words": 9}]})
    course = view.course
    assert (course.title, course.summary, course.status) == ("Group Dynamics", "Before", "published")
    assert course.policy is None and course.badge_slug == "group-dynamics-graduate"
    assert course.requirements == [{"kind": "participate", "min_words": 9}]
    assert service.update_course(admin, "group-dynamics", {"badge_slug": ""}).course.badge_slug is None


def test_updating_an_unknown_course_is_not_found(service, world):
    with pytest.raises(errors.NotFound):
        service.update_course(world.admin(), "no-such-course", {"title": "x"})


def test_a_refused_update_changes_nothing(service, world, db):
    admin = world.admin()
    create(service, admin)
    before = db.snapshot()
    with pytest.raises(errors.InvalidArgument, match="status"):
        service.update_course(admin, "group-dynamics", {"title": "New", "status": "gone"})
    assert db.snapshot() == before


def test_discussions_are_added_in_order_each_opening_with_a_reflection_question(service, world):
    admin = world.admin()
    create(service, admin)
    first = service.add_discussion(admin, "group-dynamics", discussion_id="intro", title="Introduction",
                                   opening_post=QUESTION_POST)
    second = service.add_discussion(admin, "group-dynamics", discussion_id="building", title="Building a Group",
                                    opening_post="Agreements matter.\n\nWhich agreement matters most to you?")
    assert (first.position, second.position) == (1, 2)
    assert [d.id for d in service.get_course(admin, "group-dynamics").discussions] == ["intro", "building"]


def test_an_opening_post_must_end_in_a_question(service, world):
    admin = world.admin()
    create(service, admin)
    with pytest.raises(errors.InvalidArgument, match="opening_post.*reflection question"):
        service.add_discussion(admin, "group-dynamics", discussion_id="intro", title="Intro",
                               opening_post="Groups are good.")


def test_a_discussion_id_is_unique_in_its_course_only(service, world):
    admin = world.admin()
    create(service, admin)
    create(service, admin, slug="teen-safety", title="Teen Safety Essentials")
    service.add_discussion(admin, "group-dynamics", discussion_id="intro", title="Intro", opening_post=QUESTION_POST)
    with pytest.raises(errors.AlreadyExists):
        service.add_discussion(admin, "group-dynamics", discussion_id="intro", title="Again",
                               opening_post=QUESTION_POST)
    assert service.add_discussion(admin, "teen-safety", discussion_id="intro", title="Intro",
                                  opening_post=QUESTION_POST).position == 1


def test_adding_to_an_unknown_course_is_not_found(service, world):
    with pytest.raises(errors.NotFound):
        service.add_discussion(world.admin(), "nowhere", discussion_id="intro", title="Intro",
                               opening_post=QUESTION_POST)


def test_a_discussion_update_keeps_the_question_rule(service, world):
    admin = world.admin()
    create(service, admin)
    service.add_discussion(admin, "group-dynamics", discussion_id="intro", title="Intro", opening_post=QUESTION_POST)
    changed = service.update_discussion(admin, "group-dynamics", "intro", {"title": "Welcome"})
    assert (changed.title, changed.opening_post) == ("Welcome", QUESTION_POST)
    with pytest.raises(errors.InvalidArgument, match="opening_post"):
        service.update_discussion(admin, "group-dynamics", "intro", {"opening_post": "No question here."})
    with pytest.raises(errors.NotFound):
        service.update_discussion(admin, "group-dynamics", "missing", {"title": "x"})


def test_reordering_lists_every_discussion_once(service, world):
    admin = world.admin()
    create(service, admin)
    for discussion_id in ("a1", "b2", "c3"):
        service.add_discussion(admin, "group-dynamics", discussion_id=discussion_id, title=discussion_id,
                               opening_post=QUESTION_POST)
    reordered = service.reorder_discussions(admin, "group-dynamics", ["c3", "a1", "b2"])
    assert [(d.id, d.position) for d in reordered] == [("c3", 1), ("a1", 2), ("b2", 3)]
    assert [d.id for d in service.get_course(admin, "group-dynamics").discussions] == ["c3", "a1", "b2"]
    for bad in (["c3", "a1"], ["c3", "a1", "b2", "b2"], ["c3", "a1", "zz"]):
        with pytest.raises(errors.InvalidArgument, match="discussion_ids"):
            service.reorder_discussions(admin, "group-dynamics", bad)


def test_a_learner_does_not_see_a_draft(service, world):
    admin = world.admin()
    create(service, admin)
    with pytest.raises(errors.NotFound):
        service.get_course(world.listener("lena"), "group-dynamics")
    assert service.get_course(admin, "group-dynamics").listing.course.course.status == "draft"

