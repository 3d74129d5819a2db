"""gRPC: course threads over a real server on the real PostgreSQL: posting, replies, edits and deletions, sections,
mentions, likes, "load more" cursors and admins' removal, with the status of each refusal (retry-after when paced)."""
import grpc
import test_course_grpc_api as api
from hearth.course.v1 import course_pb2 as pb
from test_course_grpc_api import T, md, refused

from hearth_common.blocks import CANNOT_REACH

# The API tests' fixtures: a seeded service on a clean database, its world, and a real server's stub.
service, world, channel, stub = api.service, api.world, api.channel, api.stub

COURSE, DISCUSSION = "group-dynamics", "introduction"


def enrolled(stub, world, username, cohort="adult"):
    caller = world.listener(username, cohort=cohort)
    stub.Enrol(pb.EnrolRequest(course_slug=COURSE), metadata=md(caller), timeout=T)
    return caller


def create(stub, caller, body, parent_id="", discussion=DISCUSSION):
    return stub.CreatePost(pb.CreatePostRequest(course_slug=COURSE, discussion_id=discussion, body=body,
                                                parent_id=parent_id), metadata=md(caller), timeout=T).post


def listed(stub, caller, **fields):
    return stub.ListPosts(pb.ListPostsRequest(course_slug=COURSE, discussion_id=DISCUSSION, **fields),
                          metadata=md(caller), timeout=T)


def test_learners_post_reply_edit_delete_and_like(stub, world, service):
    discussion = service.get_course(world.admin(), COURSE).discussions[0].id
    assert discussion == DISCUSSION
    ada, bob = enrolled(stub, world, "ada"), enrolled(stub, world, "bob")
    first = create(stub, ada, "What helped me was @bob listening.")
    assert (first.seq, first.state, first.words, list(first.mention_ids)) == (1, "live", 6, [bob.person_id])
    reply = create(stub, bob, "Glad it helped.", parent_id=first.id)
    assert reply.parent_id == first.id
    edited = stub.EditPost(pb.EditPostRequest(post_id=reply.id, body="Really glad it helped."), metadata=md(bob),
                           timeout=T).post
    assert edited.body == "Really glad it helped." and edited.HasField("edited_at")
    error = refused(stub.EditPost, pb.EditPostRequest(post_id=reply.id, body="mine now"), md(ada))
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    liked = stub.LikePost(pb.LikePostRequest(post_id=first.id), metadata=md(bob), timeout=T).post
    assert (liked.likes, liked.liked) == (1, True)
    assert stub.LikePost(pb.LikePostRequest(post_id=first.id), metadata=md(bob), timeout=T).post.likes == 1
    error = refused(stub.LikePost, pb.LikePostRequest(post_id=first.id), md(ada))
    assert error.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert stub.UnlikePost(pb.UnlikePostRequest(post_id=first.id), metadata=md(bob), timeout=T).post.likes == 0
    mentions = stub.ListMentions(pb.ListMentionsRequest(), metadata=md(bob), timeout=T)
    assert [p.id for p in mentions.posts] == [first.id] and mentions.next_cursor == ""
    deleted = stub.DeletePost(pb.DeletePostRequest(post_id=first.id), metadata=md(ada), timeout=T).post
    assert (deleted.state, deleted.body) == ("deleted", "")
    page = listed(stub, bob)
    assert [(p.state, p.body) for p in page.posts] == [("deleted", ""), ("live", "Really glad it helped.")]


def test_sections_never_see_each_other_and_admins_name_one(stub, world):
    adult, teen, admin = enrolled(stub, world, "ada"), enrolled(stub, world, "tia", "teen"), world.admin()
    create(stub, adult, "Adult reply.")
    create(stub, teen, "Teen reply.")
    assert [p.body for p in listed(stub, adult).posts] == ["Adult reply."]
    assert [p.body for p in listed(stub, teen).posts] == ["Teen reply."]
    assert listed(stub, teen).section == "teen"
    error = refused(stub.ListPosts, pb.ListPostsRequest(course_slug=COURSE, discussion_id=DISCUSSION,
                                                        section="adult"), md(teen))
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    assert [p.body for p in listed(stub, admin, section="teen").posts] == ["Teen reply."]


def test_load_more_pages_with_a_cursor(stub, world):
    writers = [enrolled(stub, world, f"writer{n}") for n in range(5)]
    for n in range(25):
        create(stub, writers[n % 5], f"reply {n}")
    first = listed(stub, writers[0])
    assert len(first.posts) == 20 and first.has_more
    second = listed(stub, writers[0], cursor=first.next_cursor)
    assert [p.body for p in second.posts] == [f"reply {n}" for n in range(20, 25)] and not second.has_more
    assert list(listed(stub, writers[0], cursor=second.next_cursor).posts) == []


def test_refusals_have_their_status(stub, world):
    ada, outsider, admin = enrolled(stub, world, "ada"), world.listener("olly"), world.admin()
    empty = pb.CreatePostRequest(course_slug=COURSE, discussion_id=DISCUSSION, body="  ")
    error = refused(stub.CreatePost, empty, md(ada))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT and "body" in error.details()
    huge = pb.CreatePostRequest(course_slug=COURSE, discussion_id=DISCUSSION, body="x" * 6000)
    error = refused(stub.CreatePost, huge, md(ada))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT and "body" in error.details()
    hello = pb.CreatePostRequest(course_slug=COURSE, discussion_id=DISCUSSION, body="Hello")
    assert refused(stub.CreatePost, hello, md(outsider)).code() == grpc.StatusCode.PERMISSION_DENIED
    nowhere = pb.CreatePostRequest(course_slug=COURSE, discussion_id="no-such", body="Hello")
    assert refused(stub.CreatePost, nowhere, md(ada)).code() == grpc.StatusCode.NOT_FOUND
    bad_page = pb.ListPostsRequest(course_slug=COURSE, discussion_id=DISCUSSION, page_size=500)
    error = refused(stub.ListPosts, bad_page, md(ada))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT and "page_size" in error.details()
    for _ in range(5):
        stub.CreatePost(hello, metadata=md(ada), timeout=T)
    error = refused(stub.CreatePost, hello, md(ada))
    assert error.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert float(dict(error.trailing_metadata())["retry-after"]) > 0
    post_id = listed(stub, ada).posts[0].id
    removal = pb.RemovePostRequest(post_id=post_id, reason="test")
    assert refused(stub.RemovePost, removal, md(ada)).code() == grpc.StatusCode.PERMISSION_DENIED
    removed = stub.RemovePost(removal, metadata=md(admin), timeout=T).post
    assert removed.state == "removed"
    unknown = pb.RemovePostRequest(post_id="5d6a1f0e-0000-4000-8000-000000000000")
    assert refused(stub.RemovePost, unknown, md(admin)).code() == grpc.StatusCode.NOT_FOUND


def test_a_block_is_permission_denied_in_rooms_words_and_room_out_of_reach_is_unavailable(stub, world, service):
    sam, kim = enrolled(stub, world, "sam"), enrolled(stub, world, "kim")
    sams = create(stub, sam, "What helped me was being heard.")
    blocks = service.threads.blocks  # room's lists, faked (course_world.FakeBlocks)
    blocks.block(sam, kim)
    mention = pb.CreatePostRequest(course_slug=COURSE, discussion_id=DISCUSSION, body="Agreed, @sam")
    for call, request in ((stub.CreatePost, mention), (stub.LikePost, pb.LikePostRequest(post_id=sams.id))):
        error = refused(call, request, md(kim))
        assert (error.code(), error.details()) == (grpc.StatusCode.PERMISSION_DENIED, CANNOT_REACH)
    blocks.blocked.clear()
    blocks.unavailable = True
    error = refused(stub.CreatePost, mention, md(kim))
    assert error.code() == grpc.StatusCode.UNAVAILABLE and "retry" in error.details()
    assert [p.id for p in listed(stub, kim).posts] == [sams.id]  # nothing was written
    assert create(stub, kim, "A plain reply needs no answer from room.").author_id == kim.person_id
