"""End-to-end: a personal block set in room reaches course's threads: identity, room and course as real processes,
course-grpc asking room-worker `room.blockers_of` over RabbitMQ. sam blocks kim in room; kim's @mention of sam,
reply to sam's post and like of it in the Group Dynamics Course are refused with room's words, nothing written;
lee, whom nobody blocks, reaches sam; a mute refuses nothing; unblocking lets kim reach sam again."""
import uuid

import grpc
import pytest
from hearth.course.v1 import course_pb2 as cpb
from hearth.course.v1 import course_pb2_grpc
from hearth.identity.v1 import identity_pb2 as ipb
from hearth.room.v1 import room_pb2 as rpb
from hearth.room.v1 import room_pb2_grpc
from test_e2e_course import known_to_course
from test_e2e_course_flagship import COURSE, PRACTICE_ROOM, flagship_stack  # noqa: F401  (fixture)
from test_e2e_live import People, known_to_room
from test_e2e_rooms import T

from hearth_common.blocks import CANNOT_REACH

DISCUSSION = "introduction"


def test_a_block_in_room_refuses_mentions_replies_and_likes_in_course_threads(flagship_stack):  # noqa: F811
    identity_target, room_target, course_target, _ = flagship_stack
    people = People(identity_target)
    rooms = room_pb2_grpc.RoomServiceStub(grpc.insecure_channel(room_target))
    courses = course_pb2_grpc.CourseServiceStub(grpc.insecure_channel(course_target))
    tag = uuid.uuid4().hex[:6]
    names = {who: f"blk_{who}_{tag}" for who in ("sam", "kim", "lee")}
    ids, md = {}, {}
    for who, name in names.items():
        ids[who], md[who] = people.new(name, kind=ipb.PERSON_KIND_LISTENER)
    for who in names:
        known_to_room(rooms, md[who], PRACTICE_ROOM)
        known_to_course(courses, md[who])
        courses.Enrol(cpb.EnrolRequest(course_slug=COURSE), metadata=md[who], timeout=T)

    def post(who, body, parent_id=""):
        return courses.CreatePost(cpb.CreatePostRequest(course_slug=COURSE, discussion_id=DISCUSSION, body=body,
                                                        parent_id=parent_id), metadata=md[who], timeout=T).post

    def refused(call, request, who):
        with pytest.raises(grpc.RpcError) as caught:
            call(request, metadata=md[who], timeout=T)
        return caught.value.code(), caught.value.details()

    def set_filter(kind, on):
        rooms.SetPersonalFilter(rpb.SetPersonalFilterRequest(person_id=ids["kim"], kind=kind, on=on),
                                metadata=md["sam"], timeout=T)

    sams = post("sam", "What helped me most was being listened to.")
    set_filter("mute", True)  # a mute is room's alone: kim reaches sam in the course as before
    post("kim", f"Same for me, @{names['sam']}.", parent_id=sams.id)
    set_filter("block", True)
    mention = cpb.CreatePostRequest(course_slug=COURSE, discussion_id=DISCUSSION, body=f"Thanks @{names['sam']}")
    reply = cpb.CreatePostRequest(course_slug=COURSE, discussion_id=DISCUSSION, body="Thanks", parent_id=sams.id)
    for call, request in ((courses.CreatePost, mention), (courses.CreatePost, reply),
                          (courses.LikePost, cpb.LikePostRequest(post_id=sams.id))):
        assert refused(call, request, "kim") == (grpc.StatusCode.PERMISSION_DENIED, CANNOT_REACH)
    thread = courses.ListPosts(cpb.ListPostsRequest(course_slug=COURSE, discussion_id=DISCUSSION, page_size=100),
                               metadata=md["sam"], timeout=T).posts
    mine = [p for p in thread if p.author_id == ids["kim"]]
    assert len(mine) == 1 and [p.likes for p in thread if p.id == sams.id] == [0]  # nothing written

    assert list(post("lee", f"Thanks @{names['sam']}", parent_id=sams.id).mention_ids) == [ids["sam"]]
    assert list(post("sam", f"Noted, @{names['kim']}").mention_ids) == [ids["kim"]]  # a block is one way

    set_filter("block", False)
    assert list(post("kim", f"Sorry @{names['sam']}", parent_id=sams.id).mention_ids) == [ids["sam"]]
    assert courses.LikePost(cpb.LikePostRequest(post_id=sams.id), metadata=md["kim"], timeout=T).post.likes == 1
