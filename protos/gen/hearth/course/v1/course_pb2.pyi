import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Course(_message.Message):
    __slots__ = ("slug", "title", "summary", "badge_slug", "enrolment_policy_json", "enrolment_policy_summary", "status", "requirements_json", "discussion_count", "created_at", "updated_at")
    SLUG_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    BADGE_SLUG_FIELD_NUMBER: _ClassVar[int]
    ENROLMENT_POLICY_JSON_FIELD_NUMBER: _ClassVar[int]
    ENROLMENT_POLICY_SUMMARY_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    REQUIREMENTS_JSON_FIELD_NUMBER: _ClassVar[int]
    DISCUSSION_COUNT_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    slug: str
    title: str
    summary: str
    badge_slug: str
    enrolment_policy_json: str
    enrolment_policy_summary: str
    status: str
    requirements_json: str
    discussion_count: int
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    def __init__(self, slug: _Optional[str] = ..., title: _Optional[str] = ..., summary: _Optional[str] = ..., badge_slug: _Optional[str] = ..., enrolment_policy_json: _Optional[str] = ..., enrolment_policy_summary: _Optional[str] = ..., status: _Optional[str] = ..., requirements_json: _Optional[str] = ..., discussion_count: _Optional[int] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Discussion(_message.Message):
    __slots__ = ("id", "position", "title", "opening_post", "created_at", "updated_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    POSITION_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    OPENING_POST_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    position: int
    title: str
    opening_post: str
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., position: _Optional[int] = ..., title: _Optional[str] = ..., opening_post: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Enrolment(_message.Message):
    __slots__ = ("course_slug", "person_id", "section", "status", "enrolled_at", "withdrawn_at")
    COURSE_SLUG_FIELD_NUMBER: _ClassVar[int]
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    SECTION_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    ENROLLED_AT_FIELD_NUMBER: _ClassVar[int]
    WITHDRAWN_AT_FIELD_NUMBER: _ClassVar[int]
    course_slug: str
    person_id: str
    section: str
    status: str
    enrolled_at: _timestamp_pb2.Timestamp
    withdrawn_at: _timestamp_pb2.Timestamp
    def __init__(self, course_slug: _Optional[str] = ..., person_id: _Optional[str] = ..., section: _Optional[str] = ..., status: _Optional[str] = ..., enrolled_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., withdrawn_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CourseListing(_message.Message):
    __slots__ = ("course", "may_enrol", "missing", "enrolled")
    COURSE_FIELD_NUMBER: _ClassVar[int]
    MAY_ENROL_FIELD_NUMBER: _ClassVar[int]
    MISSING_FIELD_NUMBER: _ClassVar[int]
    ENROLLED_FIELD_NUMBER: _ClassVar[int]
    course: Course
    may_enrol: bool
    missing: _containers.RepeatedScalarFieldContainer[str]
    enrolled: bool
    def __init__(self, course: _Optional[_Union[Course, _Mapping]] = ..., may_enrol: _Optional[bool] = ..., missing: _Optional[_Iterable[str]] = ..., enrolled: _Optional[bool] = ...) -> None: ...

class CreateCourseRequest(_message.Message):
    __slots__ = ("slug", "title", "summary", "badge_slug", "enrolment_policy_json", "status", "requirements_json")
    SLUG_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    BADGE_SLUG_FIELD_NUMBER: _ClassVar[int]
    ENROLMENT_POLICY_JSON_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    REQUIREMENTS_JSON_FIELD_NUMBER: _ClassVar[int]
    slug: str
    title: str
    summary: str
    badge_slug: str
    enrolment_policy_json: str
    status: str
    requirements_json: str
    def __init__(self, slug: _Optional[str] = ..., title: _Optional[str] = ..., summary: _Optional[str] = ..., badge_slug: _Optional[str] = ..., enrolment_policy_json: _Optional[str] = ..., status: _Optional[str] = ..., requirements_json: _Optional[str] = ...) -> None: ...

class CreateCourseResponse(_message.Message):
    __slots__ = ("course",)
    COURSE_FIELD_NUMBER: _ClassVar[int]
    course: Course
    def __init__(self, course: _Optional[_Union[Course, _Mapping]] = ...) -> None: ...

class UpdateCourseRequest(_message.Message):
    __slots__ = ("slug", "title", "summary", "badge_slug", "enrolment_policy_json", "status", "requirements_json")
    SLUG_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    BADGE_SLUG_FIELD_NUMBER: _ClassVar[int]
    ENROLMENT_POLICY_JSON_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    REQUIREMENTS_JSON_FIELD_NUMBER: _ClassVar[int]
    slug: str
    title: str
    summary: str
    badge_slug: str
    enrolment_policy_json: str
    status: str
    requirements_json: str
    def __init__(self, slug: _Optional[str] = ..., title: _Optional[str] = ..., summary: _Optional[str] = ..., badge_slug: _Optional[str] = ..., enrolment_policy_json: _Optional[str] = ..., status: _Optional[str] = ..., requirements_json: _Optional[str] = ...) -> None: ...

class UpdateCourseResponse(_message.Message):
    __slots__ = ("course",)
    COURSE_FIELD_NUMBER: _ClassVar[int]
    course: Course
    def __init__(self, course: _Optional[_Union[Course, _Mapping]] = ...) -> None: ...

class AddDiscussionRequest(_message.Message):
    __slots__ = ("course_slug", "discussion_id", "title", "opening_post")
    COURSE_SLUG_FIELD_NUMBER: _ClassVar[int]
    DISCUSSION_ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    OPENING_POST_FIELD_NUMBER: _ClassVar[int]
    course_slug: str
    discussion_id: str
    title: str
    opening_post: str
    def __init__(self, course_slug: _Optional[str] = ..., discussion_id: _Optional[str] = ..., title: _Optional[str] = ..., opening_post: _Optional[str] = ...) -> None: ...

class AddDiscussionResponse(_message.Message):
    __slots__ = ("discussion",)
    DISCUSSION_FIELD_NUMBER: _ClassVar[int]
    discussion: Discussion
    def __init__(self, discussion: _Optional[_Union[Discussion, _Mapping]] = ...) -> None: ...

class UpdateDiscussionRequest(_message.Message):
    __slots__ = ("course_slug", "discussion_id", "title", "opening_post")
    COURSE_SLUG_FIELD_NUMBER: _ClassVar[int]
    DISCUSSION_ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    OPENING_POST_FIELD_NUMBER: _ClassVar[int]
    course_slug: str
    discussion_id: str
    title: str
    opening_post: str
    def __init__(self, course_slug: _Optional[str] = ..., discussion_id: _Optional[str] = ..., title: _Optional[str] = ..., opening_post: _Optional[str] = ...) -> None: ...

class UpdateDiscussionResponse(_message.Message):
    __slots__ = ("discussion",)
    DISCUSSION_FIELD_NUMBER: _ClassVar[int]
    discussion: Discussion
    def __init__(self, discussion: _Optional[_Union[Discussion, _Mapping]] = ...) -> None: ...

class ReorderDiscussionsRequest(_message.Message):
    __slots__ = ("course_slug", "discussion_ids")
    COURSE_SLUG_FIELD_NUMBER: _ClassVar[int]
    DISCUSSION_IDS_FIELD_NUMBER: _ClassVar[int]
    course_slug: str
    discussion_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, course_slug: _Optional[str] = ..., discussion_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class ReorderDiscussionsResponse(_message.Message):
    __slots__ = ("discussions",)
    DISCUSSIONS_FIELD_NUMBER: _ClassVar[int]
    discussions: _containers.RepeatedCompositeFieldContainer[Discussion]
    def __init__(self, discussions: _Optional[_Iterable[_Union[Discussion, _Mapping]]] = ...) -> None: ...

class ListCoursesRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListCoursesResponse(_message.Message):
    __slots__ = ("courses",)
    COURSES_FIELD_NUMBER: _ClassVar[int]
    courses: _containers.RepeatedCompositeFieldContainer[CourseListing]
    def __init__(self, courses: _Optional[_Iterable[_Union[CourseListing, _Mapping]]] = ...) -> None: ...

class GetCourseRequest(_message.Message):
    __slots__ = ("slug",)
    SLUG_FIELD_NUMBER: _ClassVar[int]
    slug: str
    def __init__(self, slug: _Optional[str] = ...) -> None: ...

class GetCourseResponse(_message.Message):
    __slots__ = ("listing", "discussions", "enrolment")
    LISTING_FIELD_NUMBER: _ClassVar[int]
    DISCUSSIONS_FIELD_NUMBER: _ClassVar[int]
    ENROLMENT_FIELD_NUMBER: _ClassVar[int]
    listing: CourseListing
    discussions: _containers.RepeatedCompositeFieldContainer[Discussion]
    enrolment: Enrolment
    def __init__(self, listing: _Optional[_Union[CourseListing, _Mapping]] = ..., discussions: _Optional[_Iterable[_Union[Discussion, _Mapping]]] = ..., enrolment: _Optional[_Union[Enrolment, _Mapping]] = ...) -> None: ...

class EnrolRequest(_message.Message):
    __slots__ = ("course_slug",)
    COURSE_SLUG_FIELD_NUMBER: _ClassVar[int]
    course_slug: str
    def __init__(self, course_slug: _Optional[str] = ...) -> None: ...

class EnrolResponse(_message.Message):
    __slots__ = ("enrolment",)
    ENROLMENT_FIELD_NUMBER: _ClassVar[int]
    enrolment: Enrolment
    def __init__(self, enrolment: _Optional[_Union[Enrolment, _Mapping]] = ...) -> None: ...

class ListMyEnrolmentsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListMyEnrolmentsResponse(_message.Message):
    __slots__ = ("enrolments",)
    ENROLMENTS_FIELD_NUMBER: _ClassVar[int]
    enrolments: _containers.RepeatedCompositeFieldContainer[Enrolment]
    def __init__(self, enrolments: _Optional[_Iterable[_Union[Enrolment, _Mapping]]] = ...) -> None: ...

class WithdrawRequest(_message.Message):
    __slots__ = ("course_slug",)
    COURSE_SLUG_FIELD_NUMBER: _ClassVar[int]
    course_slug: str
    def __init__(self, course_slug: _Optional[str] = ...) -> None: ...

class WithdrawResponse(_message.Message):
    __slots__ = ("enrolment",)
    ENROLMENT_FIELD_NUMBER: _ClassVar[int]
    enrolment: Enrolment
    def __init__(self, enrolment: _Optional[_Union[Enrolment, _Mapping]] = ...) -> None: ...

class Post(_message.Message):
    __slots__ = ("id", "course_slug", "discussion_id", "section", "seq", "author_id", "parent_id", "body", "state", "mention_ids", "likes", "liked", "words", "created_at", "edited_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    COURSE_SLUG_FIELD_NUMBER: _ClassVar[int]
    DISCUSSION_ID_FIELD_NUMBER: _ClassVar[int]
    SECTION_FIELD_NUMBER: _ClassVar[int]
    SEQ_FIELD_NUMBER: _ClassVar[int]
    AUTHOR_ID_FIELD_NUMBER: _ClassVar[int]
    PARENT_ID_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    MENTION_IDS_FIELD_NUMBER: _ClassVar[int]
    LIKES_FIELD_NUMBER: _ClassVar[int]
    LIKED_FIELD_NUMBER: _ClassVar[int]
    WORDS_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    EDITED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    course_slug: str
    discussion_id: str
    section: str
    seq: int
    author_id: str
    parent_id: str
    body: str
    state: str
    mention_ids: _containers.RepeatedScalarFieldContainer[str]
    likes: int
    liked: bool
    words: int
    created_at: _timestamp_pb2.Timestamp
    edited_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., course_slug: _Optional[str] = ..., discussion_id: _Optional[str] = ..., section: _Optional[str] = ..., seq: _Optional[int] = ..., author_id: _Optional[str] = ..., parent_id: _Optional[str] = ..., body: _Optional[str] = ..., state: _Optional[str] = ..., mention_ids: _Optional[_Iterable[str]] = ..., likes: _Optional[int] = ..., liked: _Optional[bool] = ..., words: _Optional[int] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., edited_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CreatePostRequest(_message.Message):
    __slots__ = ("course_slug", "discussion_id", "body", "parent_id")
    COURSE_SLUG_FIELD_NUMBER: _ClassVar[int]
    DISCUSSION_ID_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    PARENT_ID_FIELD_NUMBER: _ClassVar[int]
    course_slug: str
    discussion_id: str
    body: str
    parent_id: str
    def __init__(self, course_slug: _Optional[str] = ..., discussion_id: _Optional[str] = ..., body: _Optional[str] = ..., parent_id: _Optional[str] = ...) -> None: ...

class CreatePostResponse(_message.Message):
    __slots__ = ("post",)
    POST_FIELD_NUMBER: _ClassVar[int]
    post: Post
    def __init__(self, post: _Optional[_Union[Post, _Mapping]] = ...) -> None: ...

class EditPostRequest(_message.Message):
    __slots__ = ("post_id", "body")
    POST_ID_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    post_id: str
    body: str
    def __init__(self, post_id: _Optional[str] = ..., body: _Optional[str] = ...) -> None: ...

class EditPostResponse(_message.Message):
    __slots__ = ("post",)
    POST_FIELD_NUMBER: _ClassVar[int]
    post: Post
    def __init__(self, post: _Optional[_Union[Post, _Mapping]] = ...) -> None: ...

class DeletePostRequest(_message.Message):
    __slots__ = ("post_id",)
    POST_ID_FIELD_NUMBER: _ClassVar[int]
    post_id: str
    def __init__(self, post_id: _Optional[str] = ...) -> None: ...

class DeletePostResponse(_message.Message):
    __slots__ = ("post",)
    POST_FIELD_NUMBER: _ClassVar[int]
    post: Post
    def __init__(self, post: _Optional[_Union[Post, _Mapping]] = ...) -> None: ...

class ListPostsRequest(_message.Message):
    __slots__ = ("course_slug", "discussion_id", "page_size", "cursor", "section")
    COURSE_SLUG_FIELD_NUMBER: _ClassVar[int]
    DISCUSSION_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    SECTION_FIELD_NUMBER: _ClassVar[int]
    course_slug: str
    discussion_id: str
    page_size: int
    cursor: str
    section: str
    def __init__(self, course_slug: _Optional[str] = ..., discussion_id: _Optional[str] = ..., page_size: _Optional[int] = ..., cursor: _Optional[str] = ..., section: _Optional[str] = ...) -> None: ...

class ListPostsResponse(_message.Message):
    __slots__ = ("posts", "next_cursor", "has_more", "section")
    POSTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_CURSOR_FIELD_NUMBER: _ClassVar[int]
    HAS_MORE_FIELD_NUMBER: _ClassVar[int]
    SECTION_FIELD_NUMBER: _ClassVar[int]
    posts: _containers.RepeatedCompositeFieldContainer[Post]
    next_cursor: str
    has_more: bool
    section: str
    def __init__(self, posts: _Optional[_Iterable[_Union[Post, _Mapping]]] = ..., next_cursor: _Optional[str] = ..., has_more: _Optional[bool] = ..., section: _Optional[str] = ...) -> None: ...

class LikePostRequest(_message.Message):
    __slots__ = ("post_id",)
    POST_ID_FIELD_NUMBER: _ClassVar[int]
    post_id: str
    def __init__(self, post_id: _Optional[str] = ...) -> None: ...

class LikePostResponse(_message.Message):
    __slots__ = ("post",)
    POST_FIELD_NUMBER: _ClassVar[int]
    post: Post
    def __init__(self, post: _Optional[_Union[Post, _Mapping]] = ...) -> None: ...

class UnlikePostRequest(_message.Message):
    __slots__ = ("post_id",)
    POST_ID_FIELD_NUMBER: _ClassVar[int]
    post_id: str
    def __init__(self, post_id: _Optional[str] = ...) -> None: ...

class UnlikePostResponse(_message.Message):
    __slots__ = ("post",)
    POST_FIELD_NUMBER: _ClassVar[int]
    post: Post
    def __init__(self, post: _Optional[_Union[Post, _Mapping]] = ...) -> None: ...

class ListMentionsRequest(_message.Message):
    __slots__ = ("page_size", "cursor")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    cursor: str
    def __init__(self, page_size: _Optional[int] = ..., cursor: _Optional[str] = ...) -> None: ...

class ListMentionsResponse(_message.Message):
    __slots__ = ("posts", "next_cursor")
    POSTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_CURSOR_FIELD_NUMBER: _ClassVar[int]
    posts: _containers.RepeatedCompositeFieldContainer[Post]
    next_cursor: str
    def __init__(self, posts: _Optional[_Iterable[_Union[Post, _Mapping]]] = ..., next_cursor: _Optional[str] = ...) -> None: ...

class RemovePostRequest(_message.Message):
    __slots__ = ("post_id", "reason")
    POST_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    post_id: str
    reason: str
    def __init__(self, post_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class RemovePostResponse(_message.Message):
    __slots__ = ("post",)
    POST_FIELD_NUMBER: _ClassVar[int]
    post: Post
    def __init__(self, post: _Optional[_Union[Post, _Mapping]] = ...) -> None: ...
