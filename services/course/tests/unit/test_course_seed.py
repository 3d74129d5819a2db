"""Unit: the seed courses: the Group Dynamics Course's five discussions in order and Teen Safety Essentials, each
opening post a reflection question; loading twice adds nothing and keeps admins' edits."""
from course_service.seed import load_seed_courses

GROUP_DYNAMICS = [
    "Introduction to Group Support",
    "Building a Group",
    "The Stages of a Group",
    "Navigating the Group Dynamic and the Leader's Toolkit",
    "Ethical and Cultural Considerations in Group Management",
]


def test_the_seed_holds_the_group_dynamics_course_and_the_teen_safety_module():
    courses = {c.slug: c for c in load_seed_courses()}
    gd, ts = courses["group-dynamics"], courses["teen-safety"]
    assert [d.title for d in gd.discussions] == GROUP_DYNAMICS
    assert (gd.badge_slug, gd.enrolment_policy) == ("group-dynamics-graduate", {"kind": "listener"})
    assert [r["kind"] for r in gd.requirements] == ["participate", "quiz", "practicum", "mentor_approval"]
    quiz = gd.requirements[1]
    assert (len(quiz["questions"]), quiz["pass_mark"], quiz["max_attempts"]) == (5, 4, 3)
    assert gd.requirements[0]["min_words"] == 40
    assert gd.requirements[2] == {"kind": "practicum", "min_minutes": 30, "min_attendees": 2, "requires_script": True}
    assert [r["kind"] for r in ts.requirements] == ["participate", "quiz"]
    assert ts.badge_slug == "teen-safety-trained" and 2 <= len(ts.discussions) <= 3
    for discussion in (*gd.discussions, *ts.discussions):
        paragraphs = discussion.opening_post.split("\n\n")
        assert 2 <= len(paragraphs) <= 4 and discussion.opening_post.endswith("?")


def test_loading_the_seed_twice_adds_nothing_and_keeps_edits(service, world):
    courses = load_seed_courses()
    assert service.seed(courses) == len(courses) + sum(len(c.discussions) for c in courses)
    admin = world.admin()
    service.update_course(admin, "group-dynamics", {"title": "Group Dynamics (2027)"})
    assert service.seed(courses) == 0
    detail = service.get_course(admin, "group-dynamics")
    assert detail.listing.course.course.title == "Group Dynamics (2027)"
    assert [d.title for d in detail.discussions] == GROUP_DYNAMICS
    assert [d.position for d in detail.discussions] == [1, 2, 3, 4, 5]


def test_the_seed_badges_are_in_identitys_catalogue():
    import json
    import pathlib
    badges = pathlib.Path(__file__).resolve().parents[3] / "identity/src/identity_service/seed/badges.json"
    catalogue = {badge["slug"] for badge in json.loads(badges.read_text())["badges"]}
    assert {c.badge_slug for c in load_seed_courses()} <= catalogue


def test_a_seed_course_without_requirements_and_never_edited_takes_the_seeds_and_an_edit_stands(service, world,
                                                                                                         clock):
    courses = load_seed_courses()
    service.seed([c._replace(requirements=[]) for c in courses])  # seeded before requirements were written
    assert service.seed(courses) == 2  # both seed courses take their requirements
    admin = world.admin()
    assert [r["kind"] for r in service.get_course(admin, "teen-safety").listing.course.course.requirements] == [
        "participate", "quiz"]
    clock.advance(minutes=1)
    service.update_course(admin, "teen-safety", {"requirements": []})
    assert service.seed(courses) == 0
    assert service.get_course(admin, "teen-safety").listing.course.course.requirements == []
