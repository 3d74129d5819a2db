"""Unit: a personal block (kept in room) in course threads: the blocked person's @mention of, reply to and like of
the blocker are refused with room's words and nothing is written; everyone else is unaffected; room is asked only
when a post or like reaches someone, and room out of reach refuses (never lets a possibly blocked mention through)."""
# ruff: noqa: F811  (the threads' fixtures, imported from test_course_threads, are the tests' arguments)
import pytest
from test_course_threads import COURSE, DISCUSSION, admin, course, enrolled, post, threads  # noqa: F401  (fixtures)

from course_service.domain.posts import MENTIONS_MAX
from hearth_common import errors
from hearth_common.blocks import ASKED_MAX, CANNOT_REACH
from hearth_common.rpc_client import RpcUnavailable


@pytest.fixture
def people(service, world, course):
    """sam (who blocks), kim (whom sam blocks) and lee, learners of one section."""
    return {name: enrolled(service, world, name) for name in ("sam", "kim", "lee")}


def refused(attempt) -> errors.PermissionDenied:
    with pytest.raises(errors.PermissionDenied) as caught:
        attempt()
    return caught.value


def test_a_blocked_person_cannot_mention_reply_to_or_like_the_blocker_and_nothing_is_written(
        threads, people, post, blocks, db, clock):
    sam, kim = people["sam"], people["kim"]
    sams = post(sam, "What helped me was being heard.")
    kims = post(kim, "A thought for @lee.")
    blocks.block(sam, kim)
    before = db.snapshot()
    clock.advance(seconds=3)
    for attempt in (lambda: threads.create_post(kim, COURSE, DISCUSSION, "Agreed, @sam!"),
                    lambda: threads.create_post(kim, COURSE, DISCUSSION, "Agreed.", parent_id=sams.post.id),
                    lambda: threads.edit_post(kim, kims.post.id, "A thought for @lee and @sam."),
                    lambda: threads.like_post(kim, sams.post.id)):
        refusal = refused(attempt)
        assert refusal.message == CANNOT_REACH  # room's words, nothing more: not who, not that it is a block
    assert db.snapshot() == before  # no post, edit, mention, like, event or pace taken
    assert threads.list_mentions(sam).posts == ()
    assert [v.post.likes for v in threads.list_posts(sam, COURSE, DISCUSSION).posts] == [0, 0]


def test_a_reply_written_before_the_block_can_no_longer_be_edited_as_room_refuses_an_edit(
        threads, people, post, blocks, clock):
    sam, kim = people["sam"], people["kim"]
    sams = post(sam, "Being listened to.")
    reply = post(kim, "Same for me.", parent_id=sams.post.id)
    blocks.block(sam, kim)
    clock.advance(seconds=3)
    assert refused(lambda: threads.edit_post(kim, reply.post.id, "Same for me, honestly.")).message == CANNOT_REACH
    assert threads.delete_post(kim, reply.post.id).state == "deleted"  # taking one's words back never is refused
    assert threads.unlike_post(kim, sams.post.id).post.likes == 0


def test_everyone_else_is_unaffected_and_the_block_is_one_way_and_undone(threads, people, post, blocks):  # noqa: F811
    sam, kim, lee = people["sam"], people["kim"], people["lee"]
    sams, lees = post(sam, "Sam's thought."), post(lee, "Lee's thought.")
    kims = post(kim, "Kim's thought.")
    blocks.block(sam, kim)
    # kim reaches everyone but sam
    assert post(kim, "Thanks @lee", parent_id=lees.post.id).post.mention_ids == [lee.person_id]
    assert threads.like_post(kim, lees.post.id).post.likes == 1
    # lee reaches sam; and sam, who blocks, still reaches kim (a block refuses the blocked person only)
    assert post(lee, "Thanks @sam", parent_id=sams.post.id).post.mention_ids == [sam.person_id]
    assert threads.like_post(lee, sams.post.id).post.likes == 1
    assert post(sam, "Noted @kim", parent_id=kims.post.id).post.mention_ids == [kim.person_id]
    assert threads.like_post(sam, kims.post.id).post.likes == 1
    blocks.blocked.clear()  # sam unblocks kim in room
    assert post(kim, "Sorry @sam", parent_id=sams.post.id).post.mention_ids == [sam.person_id]
    assert threads.like_post(kim, sams.post.id).post.likes == 2


def test_room_is_asked_only_about_the_people_a_post_or_like_reaches(
        threads, people, post, blocks, world, clock):
    sam, kim, lee = people["sam"], people["kim"], people["lee"]
    world.person("stranger")  # not in the course: a name that stays text
    mine = post(kim, "A plain reply.")
    post(kim, "Hello @stranger and @nobody and @kim.")  # no mention resolves to anyone else
    own_reply = post(kim, "Replying to myself.", parent_id=mine.post.id)
    clock.advance(seconds=3)
    threads.edit_post(kim, own_reply.post.id, "Replying to myself, again.")
    threads.edit_post(kim, own_reply.post.id, "Replying to myself, again.")  # unchanged: nothing done
    threads.unlike_post(sam, mine.post.id)
    threads.delete_post(kim, mine.post.id)
    assert blocks.asked == []  # plain posts keep their cost: no call to room

    lees = post(lee, "Lee's thought.")
    post(kim, "Hi @sam and @lee and @sam again", parent_id=lees.post.id)
    threads.like_post(sam, lees.post.id)
    assert blocks.asked == [(kim.person_id, [sam.person_id, lee.person_id]),  # each person once
                            (sam.person_id, [lee.person_id])]


def test_a_question_stays_within_what_room_answers(service, world, threads, people, post, blocks):  # noqa: F811
    many = [enrolled(service, world, f"learner{n:02d}") for n in range(MENTIONS_MAX + 5)]
    parent = post(people["lee"], "Lee's thought.")
    post(people["kim"], " ".join(f"@learner{n:02d}" for n in range(len(many))), parent_id=parent.post.id)
    [(_, asked)] = blocks.asked
    assert len(asked) == MENTIONS_MAX + 1 <= ASKED_MAX


def test_room_out_of_reach_refuses_what_needs_it_and_writes_nothing(
        threads, people, post, blocks, db, clock):
    sam, kim = people["sam"], people["kim"]
    sams = post(sam, "Sam's thought.")
    blocks.unavailable = True
    before = db.snapshot()
    clock.advance(seconds=3)
    for attempt in (lambda: threads.create_post(kim, COURSE, DISCUSSION, "Hi @sam"),
                    lambda: threads.create_post(kim, COURSE, DISCUSSION, "Hi", parent_id=sams.post.id),
                    lambda: threads.like_post(kim, sams.post.id)):
        with pytest.raises(ConnectionError) as caught:  # UNAVAILABLE at the gRPC edge: try again
            attempt()
        assert isinstance(caught.value, RpcUnavailable)
    assert db.snapshot() == before
    assert post(kim, "A plain reply still goes through.").post.author_id == kim.person_id
