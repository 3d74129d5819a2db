"""Unit: course threads on fakes: replies and replies to replies, sections that never see each other, edits and
deletions of one's own posts, @mentions within the section, likes (idempotent, not one's own), pacing, "load more"
pages and removal by moderation, each write with its event."""
import pytest
from course_world import QUESTION_POST

from course_service.domain.posts import BODY_MAX, POST_PACE_BURST
from course_service.service_layer.services import Caller
from course_service.service_layer.threads import encode_cursor
from hearth_common import errors
from hearth_common.contracts import course as course_contract
from hearth_common.contracts import identity as identity_contract

COURSE, DISCUSSION = "group-dynamics", "intro"


@pytest.fixture
def admin(world):
    return world.admin()


@pytest.fixture
def course(service, admin):
    service.create_course(admin, slug=COURSE, title="Group Dynamics Course", status="published")
    for discussion_id in (DISCUSSION, "building"):
        service.add_discussion(admin, COURSE, discussion_id=discussion_id, title=discussion_id.title(),
                               opening_post=QUESTION_POST)
    return COURSE


@pytest.fixture
def threads(service):
    return service.threads


def enrolled(service, world, username: str, cohort: str = "adult") -> Caller:
    learner = world.person(username, cohort=cohort)
    service.enrol(learner, COURSE)
    return learner


@pytest.fixture
def post(threads, clock):
    """Posts as a learner would, a few seconds apart (within the pace)."""
    def post(caller, body, parent_id=None, discussion=DISCUSSION):
        clock.advance(seconds=3)
        return threads.create_post(caller, COURSE, discussion, body, parent_id=parent_id)
    return post


def published(db, event_type):
    return [course_contract.parse({**e.envelope("course"), "seq": n}).payload
            for n, e in enumerate(db.published, start=1) if e.type == event_type]


def bodies(page):
    return [view.body for view in page.posts]


def test_a_learner_replies_to_the_discussion_and_to_a_reply(service, world, course, threads, post, db):
    ada, bo = enrolled(service, world, "ada"), enrolled(service, world, "bob")
    first = post(ada, "Being listened to without advice.")
    reply = post(bo, "Same for me, especially at first.", parent_id=first.post.id)
    assert first.post.parent_id is None and reply.post.parent_id == first.post.id
    assert (first.post.seq, reply.post.seq) == (1, 2)
    assert first.post.words == 5 and first.post.section == "adult"
    page = threads.list_posts(ada, COURSE, DISCUSSION)
    assert bodies(page) == ["Being listened to without advice.", "Same for me, especially at first."]
    created = published(db, "course_post_created")
    assert [(e.post_id, e.parent_id, e.section) for e in created] == [
        (first.post.id, None, "adult"), (reply.post.id, first.post.id, "adult")]


def test_a_reply_needs_a_parent_in_the_same_discussion_and_section(service, world, course, post):
    adult, teen = enrolled(service, world, "ada"), enrolled(service, world, "tia", "teen")
    elsewhere = post(adult, "In the other discussion.", discussion="building")
    teen_post = post(teen, "A teen's reply.")
    with pytest.raises(errors.NotFound, match="parent_id"):
        post(adult, "Reply", parent_id=elsewhere.post.id)
    with pytest.raises(errors.NotFound, match="parent_id"):
        post(adult, "Reply", parent_id=teen_post.post.id)
    with pytest.raises(errors.InvalidArgument, match="parent_id"):
        post(adult, "Reply", parent_id="not-an-id")


def test_posts_are_validated_and_need_an_active_enrolment(service, world, course, post, db):
    ada, outsider = enrolled(service, world, "ada"), world.person("olly")
    with pytest.raises(errors.InvalidArgument, match="body"):
        post(ada, "   ")
    with pytest.raises(errors.InvalidArgument, match="body"):
        post(ada, "x" * (BODY_MAX + 1))
    with pytest.raises(errors.PermissionDenied, match="enrol"):
        post(outsider, "Hello")
    with pytest.raises(errors.NotFound, match="discussion"):
        post(ada, "Hello", discussion="nope")
    service.withdraw(ada, COURSE)
    with pytest.raises(errors.PermissionDenied):
        post(ada, "Hello")
    assert db.rows("posts") == []


def test_teens_and_adults_never_see_each_others_posts(service, world, course, threads, post, admin):
    adult, teen = enrolled(service, world, "ada"), enrolled(service, world, "tia", "teen")
    post(adult, "An adult's reply.")
    post(teen, "A teen's reply.")
    assert bodies(threads.list_posts(adult, COURSE, DISCUSSION)) == ["An adult's reply."]
    assert bodies(threads.list_posts(teen, COURSE, DISCUSSION)) == ["A teen's reply."]
    with pytest.raises(errors.PermissionDenied, match="section"):
        threads.list_posts(teen, COURSE, DISCUSSION, section="adult")
    assert bodies(threads.list_posts(admin, COURSE, DISCUSSION, section="teen")) == ["A teen's reply."]
    assert bodies(threads.list_posts(admin, COURSE, DISCUSSION, section="adult")) == ["An adult's reply."]
    with pytest.raises(errors.InvalidArgument, match="section"):
        threads.list_posts(admin, COURSE, DISCUSSION)
    with pytest.raises(errors.PermissionDenied):
        threads.list_posts(world.person("olly"), COURSE, DISCUSSION)


def test_each_section_numbers_its_own_thread(service, world, course, post):
    adult, teen = enrolled(service, world, "ada"), enrolled(service, world, "tia", "teen")
    assert post(adult, "one").post.seq == 1
    assert post(teen, "one").post.seq == 1
    assert post(adult, "two").post.seq == 2


def test_a_learner_edits_only_their_own_posts(service, world, course, threads, post, clock, db):
    ada, bo = enrolled(service, world, "ada"), enrolled(service, world, "bob")
    mine = post(ada, "First thought.")
    clock.advance(seconds=3)
    edited = threads.edit_post(ada, mine.post.id, "Second thought, with more words.")
    assert edited.body == "Second thought, with more words." and edited.post.words == 5
    assert edited.post.edited_at == clock()
    with pytest.raises(errors.PermissionDenied, match="own"):
        threads.edit_post(bo, mine.post.id, "Hijacked")
    with pytest.raises(errors.InvalidArgument, match="body"):
        threads.edit_post(ada, mine.post.id, "")
    [event] = published(db, "course_post_edited")
    assert (event.post_id, event.body) == (mine.post.id, "Second thought, with more words.")


def test_a_deleted_post_stays_as_a_placeholder_and_deleting_is_idempotent(service, world, course, threads, post,
                                                                           db):
    ada, bo = enrolled(service, world, "ada"), enrolled(service, world, "bob")
    mine = post(ada, "Something I regret.")
    post(bo, "A reply to it.", parent_id=mine.post.id)
    with pytest.raises(errors.PermissionDenied):
        threads.delete_post(bo, mine.post.id)
    assert threads.delete_post(ada, mine.post.id).state == "deleted"
    threads.delete_post(ada, mine.post.id)
    page = threads.list_posts(bo, COURSE, DISCUSSION)
    assert [(v.state, v.body) for v in page.posts] == [("deleted", ""), ("live", "A reply to it.")]
    [event] = published(db, "course_post_removed")
    assert (event.post_id, event.removed_by, event.by_moderation) == (mine.post.id, ada.person_id, False)
    with pytest.raises(errors.FailedPrecondition):
        threads.edit_post(ada, mine.post.id, "Back again")
    with pytest.raises(errors.FailedPrecondition):
        post(bo, "Reply to a deleted post", parent_id=mine.post.id)


def test_mentions_resolve_to_people_in_the_same_course_section(service, world, course, threads, post, db):
    ada, bo = enrolled(service, world, "ada"), enrolled(service, world, "bob")
    tia = enrolled(service, world, "tia", "teen")
    world.person("stranger")
    written = post(ada, "Thanks @Bob and @tia and @stranger and @nobody, also @ada.")
    assert written.post.mention_ids == [bo.person_id]
    assert written.body == "Thanks @Bob and @tia and @stranger and @nobody, also @ada."
    assert published(db, "course_post_created")[0].mention_ids == (bo.person_id,)
    assert [v.post.id for v in threads.list_mentions(bo).posts] == [written.post.id]
    assert threads.list_mentions(tia).posts == ()


def test_mentions_are_listed_newest_first_in_pages_and_follow_edits(service, world, course, threads, post, clock):
    ada, bo = enrolled(service, world, "ada"), enrolled(service, world, "bob")
    written = [post(ada, f"Note {n} for @bob") for n in range(5)]
    first = threads.list_mentions(bo, page_size=2)
    second = threads.list_mentions(bo, page_size=2, cursor=first.cursor)
    third = threads.list_mentions(bo, page_size=2, cursor=second.cursor)
    ids = [v.post.id for page in (first, second, third) for v in page.posts]
    assert ids == [w.post.id for w in reversed(written)]
    assert third.cursor == ""
    clock.advance(seconds=3)
    threads.edit_post(ada, written[0].post.id, "Note 0, no mention now")
    threads.delete_post(ada, written[1].post.id)
    assert [v.post.id for v in threads.list_mentions(bo).posts] == [w.post.id for w in reversed(written[2:])]


def test_a_learner_who_moved_section_cannot_write_into_the_old_one(service, world, course, threads, post, clock,
                                                                    db):
    """The reviewer's scenario: a teen posts, turns 18, and edits the old teen post to mention an adult."""
    sam, ada = enrolled(service, world, "sam", "teen"), enrolled(service, world, "ada")
    old = post(sam, "hello teens")
    world.deliver(identity_contract.CohortChanged(person_id=sam.person_id, previous_cohort="teen", cohort="adult"))
    for rejoin in (False, True):
        if rejoin:  # the same by withdrawing and enrolling again
            service.withdraw(sam, COURSE)
            assert service.enrol(sam, COURSE).section == "adult"
        clock.advance(seconds=3)
        with pytest.raises(errors.PermissionDenied, match="teen section .* now in the adult section"):
            threads.edit_post(sam, old.post.id, "hello teens, see @ada")
        with pytest.raises(errors.PermissionDenied, match="no longer delete"):
            threads.delete_post(sam, old.post.id)
    assert threads.list_mentions(ada).posts == ()
    assert published(db, "course_post_edited") == [] and published(db, "course_post_removed") == []
    # In the section they are in now, they write and mention as anyone there.
    written = post(sam, "hello adults, see @ada")
    assert written.post.section == "adult" and written.post.mention_ids == [ada.person_id]
    assert [v.post.id for v in threads.list_mentions(ada).posts] == [written.post.id]


def test_mentions_are_listed_only_from_the_readers_current_section(service, world, course, threads, post):
    sam, tia = enrolled(service, world, "sam", "teen"), enrolled(service, world, "tia", "teen")
    mention = post(sam, "welcome @tia")
    assert [v.post.id for v in threads.list_mentions(tia).posts] == [mention.post.id]
    world.deliver(identity_contract.CohortChanged(person_id=tia.person_id, previous_cohort="teen", cohort="adult"))
    assert threads.list_mentions(tia).posts == ()  # tia now reads the adult section only


def test_a_teen_who_withdrew_and_turned_18_reads_the_adult_section_not_the_teen_one(service, world, course, threads,
                                                                                    post):
    sam, tia = enrolled(service, world, "sam", "teen"), enrolled(service, world, "tia", "teen")
    teen_post = post(sam, "welcome @tia")
    service.withdraw(tia, COURSE)
    assert bodies(threads.list_posts(tia, COURSE, DISCUSSION)) == ["welcome @tia"]  # withdrawn, still a teen
    world.deliver(identity_contract.CohortChanged(person_id=tia.person_id, previous_cohort="teen", cohort="adult"))
    page = threads.list_posts(tia, COURSE, DISCUSSION)
    assert (page.section, bodies(page)) == ("adult", [])  # an adult now: never the teens' posts
    with pytest.raises(errors.PermissionDenied):
        threads.list_posts(tia, COURSE, DISCUSSION, section="teen")
    assert threads.list_mentions(tia).posts == ()
    with pytest.raises(errors.NotFound):
        threads.like_post(tia, teen_post.post.id)
    assert service.enrol(tia, COURSE).section == "adult"


def test_likes_are_idempotent_counted_and_not_for_ones_own_post(service, world, course, threads, post, db):
    ada, bo, cy = enrolled(service, world, "ada"), enrolled(service, world, "bob"), enrolled(service, world, "cyd")
    mine = post(ada, "Like me?")
    assert threads.like_post(bo, mine.post.id).post.likes == 1
    commits = db.commits
    assert threads.like_post(bo, mine.post.id).post.likes == 1
    assert db.commits == commits
    assert threads.like_post(cy, mine.post.id).post.likes == 2
    with pytest.raises(errors.FailedPrecondition, match="own"):
        threads.like_post(ada, mine.post.id)
    assert [v.liked for v in threads.list_posts(bo, COURSE, DISCUSSION).posts] == [True]
    assert threads.unlike_post(bo, mine.post.id).post.likes == 1
    assert threads.unlike_post(bo, mine.post.id).post.likes == 1
    assert [v.liked for v in threads.list_posts(bo, COURSE, DISCUSSION).posts] == [False]


def test_a_post_of_the_other_section_cannot_be_liked(service, world, course, threads, post):
    adult, teen = enrolled(service, world, "ada"), enrolled(service, world, "tia", "teen")
    theirs = post(adult, "Adults only here.")
    with pytest.raises(errors.NotFound):
        threads.like_post(teen, theirs.post.id)


def test_posting_and_liking_are_paced_per_person(service, world, course, threads, clock, db):
    ada, bo = enrolled(service, world, "ada"), enrolled(service, world, "bob")
    for n in range(POST_PACE_BURST):
        threads.create_post(ada, COURSE, DISCUSSION, f"Quick {n}")
    with pytest.raises(errors.ResourceExhausted) as refused:
        threads.create_post(ada, COURSE, DISCUSSION, "One too many")
    assert refused.value.retry_after_seconds > 0
    threads.create_post(bo, COURSE, DISCUSSION, "Someone else may post")
    clock.advance(seconds=refused.value.retry_after_seconds)
    threads.create_post(ada, COURSE, DISCUSSION, "After waiting")
    posts = [v.post.id for v in threads.list_posts(bo, COURSE, DISCUSSION).posts if v.post.author_id == ada.person_id]
    with pytest.raises(errors.ResourceExhausted):
        for _ in range(20):
            threads.like_post(bo, posts[0])
            threads.unlike_post(bo, posts[0])


def test_load_more_pages_through_the_thread_without_repeats_while_others_post(service, world, course, threads,
                                                                               post):
    ada, bo = enrolled(service, world, "ada"), enrolled(service, world, "bob")
    for n in range(25):
        post(ada if n % 2 else bo, f"reply {n}")
    first = threads.list_posts(ada, COURSE, DISCUSSION)
    assert bodies(first) == [f"reply {n}" for n in range(20)] and first.more
    post(bo, "reply 25")
    second = threads.list_posts(ada, COURSE, DISCUSSION, cursor=first.cursor)
    assert bodies(second) == [f"reply {n}" for n in range(20, 26)] and not second.more
    assert threads.list_posts(ada, COURSE, DISCUSSION, cursor=second.cursor).posts == ()
    post(ada, "reply 26")
    assert bodies(threads.list_posts(ada, COURSE, DISCUSSION, cursor=second.cursor)) == ["reply 26"]


def test_page_size_and_cursor_are_checked(service, world, course, threads):
    ada = enrolled(service, world, "ada")
    with pytest.raises(errors.InvalidArgument, match="page_size"):
        threads.list_posts(ada, COURSE, DISCUSSION, page_size=101)
    with pytest.raises(errors.InvalidArgument, match="cursor"):
        threads.list_posts(ada, COURSE, DISCUSSION, cursor="garbage!")
    assert threads.list_posts(ada, COURSE, DISCUSSION, page_size=100, cursor=encode_cursor(0)).posts == ()


def test_moderation_removes_a_post_once(service, world, course, threads, post, db):
    ada = enrolled(service, world, "ada")
    written = post(ada, "Something harmful.")
    moderator = "8d1f6c55-4c1b-4b8e-9d37-2f0f4a3e8c11"
    assert threads.remove_post(written.post.id, moderator, "harassment").state == "removed"
    threads.remove_post(written.post.id, moderator, "harassment")
    [event] = published(db, "course_post_removed")
    assert (event.by_moderation, event.removed_by, event.reason) == (True, moderator, "harassment")
    assert [v.state for v in threads.list_posts(ada, COURSE, DISCUSSION).posts] == ["removed"]
    with pytest.raises(errors.NotFound):
        threads.remove_post("5d6a1f0e-0000-4000-8000-000000000000", moderator)


def test_only_admins_remove_posts_through_the_api(service, world, course, threads, post, admin):
    ada, bo = enrolled(service, world, "ada"), enrolled(service, world, "bob")
    written = post(ada, "Off topic.")
    with pytest.raises(errors.PermissionDenied):
        threads.remove_post_as_admin(bo, written.post.id, "no")
    view = threads.remove_post_as_admin(admin, written.post.id, "off topic")
    assert view.post.by_moderation and view.post.removed_by == admin.person_id


def test_reply_words_count_the_longest_live_post_per_discussion(service, world, course, threads, post, db,
                                                                 uow_factory):
    ada = enrolled(service, world, "ada")
    post(ada, "one two three")
    longest = post(ada, "one two three four five")
    post(ada, "elsewhere", discussion="building")
    with uow_factory() as uow:
        assert uow.posts.reply_words_by_discussion(COURSE, ada.person_id) == {DISCUSSION: 5, "building": 1}
    threads.delete_post(ada, longest.post.id)
    with uow_factory() as uow:
        assert uow.posts.reply_words_by_discussion(COURSE, ada.person_id) == {DISCUSSION: 3, "building": 1}


def test_an_archived_course_is_read_only(service, world, course, admin, post, threads):
    ada = enrolled(service, world, "ada")
    post(ada, "Before archiving.")
    service.update_course(admin, COURSE, {"status": "archived"})
    with pytest.raises(errors.FailedPrecondition, match="archived"):
        post(ada, "After archiving.")
    assert bodies(threads.list_posts(ada, COURSE, DISCUSSION)) == ["Before archiving."]
