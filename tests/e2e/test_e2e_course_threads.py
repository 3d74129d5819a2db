"""End-to-end: course threads with identity and course as real processes over gRPC: (c) a teen and an adult in
the same course never see each other's replies (nor can one @mention the other); (d) "load more" returns every reply
exactly once, in order, while others post."""
import threading
import time

import grpc
import pytest
from hearth.course.v1 import course_pb2 as cpb
from hearth.course.v1 import course_pb2_grpc
from hearth.identity.v1 import identity_pb2 as ipb
from test_e2e_course import known_to_course
from test_e2e_live import People
from test_e2e_rooms import T

COURSE = "group-dynamics"
DISCUSSION = "introduction"


def enrolled(people, courses, name, years=30):
    person_id, md = people.new(name, years=years, kind=ipb.PERSON_KIND_LISTENER)
    known_to_course(courses, md)
    courses.Enrol(cpb.EnrolRequest(course_slug=COURSE), metadata=md, timeout=T)
    return person_id, md


def post(courses, md, body, parent_id=""):
    """Posts, waiting out the per-person pace when told to (RESOURCE_EXHAUSTED with retry-after)."""
    while True:
        try:
            return courses.CreatePost(cpb.CreatePostRequest(course_slug=COURSE, discussion_id=DISCUSSION, body=body,
                                                            parent_id=parent_id), metadata=md, timeout=T).post
        except grpc.RpcError as error:
            if error.code() != grpc.StatusCode.RESOURCE_EXHAUSTED:
                raise
            time.sleep(float(dict(error.trailing_metadata())["retry-after"]))


def thread(courses, md, **fields):
    return courses.ListPosts(cpb.ListPostsRequest(course_slug=COURSE, discussion_id=DISCUSSION, **fields),
                             metadata=md, timeout=T)


def test_a_teen_and_an_adult_in_one_course_never_see_each_others_replies(course_stack):
    identity_target, course_target = course_stack
    people = People(identity_target)
    courses = course_pb2_grpc.CourseServiceStub(grpc.insecure_channel(course_target))
    _, adult = enrolled(people, courses, "e2e_thr_adult")
    _, teen = enrolled(people, courses, "e2e_thr_teen", years=15)

    adults_reply = post(courses, adult, "Being heard without advice. @e2e_thr_teen?")
    teens_reply = post(courses, teen, "Someone who remembered my name.")
    assert (adults_reply.section, teens_reply.section) == ("adult", "teen")
    assert list(adults_reply.mention_ids) == []  # the teen is in the other section: left as plain text

    as_adult, as_teen = thread(courses, adult), thread(courses, teen)
    assert [p.id for p in as_adult.posts] == [adults_reply.id] and as_adult.section == "adult"
    assert [p.id for p in as_teen.posts] == [teens_reply.id] and as_teen.section == "teen"
    with pytest.raises(grpc.RpcError) as refusal:
        thread(courses, teen, section="adult")
    assert refusal.value.code() == grpc.StatusCode.PERMISSION_DENIED
    for call, request in ((courses.CreatePost, cpb.CreatePostRequest(course_slug=COURSE, discussion_id=DISCUSSION,
                                                                     body="reply", parent_id=adults_reply.id)),
                          (courses.LikePost, cpb.LikePostRequest(post_id=adults_reply.id))):
        with pytest.raises(grpc.RpcError) as refusal:
            call(request, metadata=teen, timeout=T)
        assert refusal.value.code() == grpc.StatusCode.NOT_FOUND
    assert list(courses.ListMentions(cpb.ListMentionsRequest(), metadata=teen, timeout=T).posts) == []


def test_load_more_returns_every_reply_exactly_once_while_others_post(course_stack):
    identity_target, course_target = course_stack
    people = People(identity_target)
    courses = course_pb2_grpc.CourseServiceStub(grpc.insecure_channel(course_target))
    writers = [enrolled(people, courses, f"e2e_thr_writer{n}")[1] for n in range(4)]
    _, reader = enrolled(people, courses, "e2e_thr_reader")
    per_writer = 7
    posted: list[str] = []
    failures: list[BaseException] = []
    cursor, first_seq = "", 1
    while True:  # past what the section's thread holds already
        page = thread(courses, reader, page_size=100, cursor=cursor)
        cursor, first_seq = page.next_cursor, first_seq + len(page.posts)
        if not page.has_more:
            break

    def write(md, n):
        try:
            for k in range(per_writer):
                posted.append(post(courses, md, f"writer {n}, reply {k}").id)
        except BaseException as exc:  # surfaced below: a writer's failure must fail the test
            failures.append(exc)

    running = [threading.Thread(target=write, args=(md, n)) for n, md in enumerate(writers)]
    for t in running:
        t.start()
    seen: list[tuple[int, str]] = []
    while True:
        writing = any(t.is_alive() for t in running)
        page = thread(courses, reader, page_size=3, cursor=cursor)
        seen += [(p.seq, p.id) for p in page.posts]
        cursor = page.next_cursor
        if not writing and not page.has_more:
            break
    for t in running:
        t.join()
    assert failures == []
    assert [seq for seq, _ in seen] == list(range(first_seq, first_seq + len(writers) * per_writer))
    assert sorted(post_id for _, post_id in seen) == sorted(posted)
