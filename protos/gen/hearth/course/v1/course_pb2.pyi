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

class QuizQuestion(_message.Message):
    __slots__ = ("id", "text", "options")
    ID_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    id: str
    text: str
    options: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, id: _Optional[str] = ..., text: _Optional[str] = ..., options: _Optional[_Iterable[str]] = ...) -> None: ...

class Quiz(_message.Message):
    __slots__ = ("course_slug", "quiz_id", "title", "pass_mark", "max_attempts", "questions", "attempts_used", "attempts_left", "passed", "best_score")
    COURSE_SLUG_FIELD_NUMBER: _ClassVar[int]
    QUIZ_ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    PASS_MARK_FIELD_NUMBER: _ClassVar[int]
    MAX_ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    QUESTIONS_FIELD_NUMBER: _ClassVar[int]
    ATTEMPTS_USED_FIELD_NUMBER: _ClassVar[int]
    ATTEMPTS_LEFT_FIELD_NUMBER: _ClassVar[int]
    PASSED_FIELD_NUMBER: _ClassVar[int]
    BEST_SCORE_FIELD_NUMBER: _ClassVar[int]
    course_slug: str
    quiz_id: str
    title: str
    pass_mark: int
    max_attempts: int
    questions: _containers.RepeatedCompositeFieldContainer[QuizQuestion]
    attempts_used: int
    attempts_left: int
    passed: bool
    best_score: int
    def __init__(self, course_slug: _Optional[str] = ..., quiz_id: _Optional[str] = ..., title: _Optional[str] = ..., pass_mark: _Optional[int] = ..., max_attempts: _Optional[int] = ..., questions: _Optional[_Iterable[_Union[QuizQuestion, _Mapping]]] = ..., attempts_used: _Optional[int] = ..., attempts_left: _Optional[int] = ..., passed: _Optional[bool] = ..., best_score: _Optional[int] = ...) -> None: ...

class GetQuizRequest(_message.Message):
    __slots__ = ("course_slug", "quiz_id")
    COURSE_SLUG_FIELD_NUMBER: _ClassVar[int]
    QUIZ_ID_FIELD_NUMBER: _ClassVar[int]
    course_slug: str
    quiz_id: str
    def __init__(self, course_slug: _Optional[str] = ..., quiz_id: _Optional[str] = ...) -> None: ...

class GetQuizResponse(_message.Message):
    __slots__ = ("quiz",)
    QUIZ_FIELD_NUMBER: _ClassVar[int]
    quiz: Quiz
    def __init__(self, quiz: _Optional[_Union[Quiz, _Mapping]] = ...) -> None: ...

class SubmitQuizAttemptRequest(_message.Message):
    __slots__ = ("course_slug", "quiz_id", "answers")
    COURSE_SLUG_FIELD_NUMBER: _ClassVar[int]
    QUIZ_ID_FIELD_NUMBER: _ClassVar[int]
    ANSWERS_FIELD_NUMBER: _ClassVar[int]
    course_slug: str
    quiz_id: str
    answers: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, course_slug: _Optional[str] = ..., quiz_id: _Optional[str] = ..., answers: _Optional[_Iterable[int]] = ...) -> None: ...

class SubmitQuizAttemptResponse(_message.Message):
    __slots__ = ("score", "out_of", "pass_mark", "passed", "attempts_left")
    SCORE_FIELD_NUMBER: _ClassVar[int]
    OUT_OF_FIELD_NUMBER: _ClassVar[int]
    PASS_MARK_FIELD_NUMBER: _ClassVar[int]
    PASSED_FIELD_NUMBER: _ClassVar[int]
    ATTEMPTS_LEFT_FIELD_NUMBER: _ClassVar[int]
    score: int
    out_of: int
    pass_mark: int
    passed: bool
    attempts_left: int
    def __init__(self, score: _Optional[int] = ..., out_of: _Optional[int] = ..., pass_mark: _Optional[int] = ..., passed: _Optional[bool] = ..., attempts_left: _Optional[int] = ...) -> None: ...

class RequirementProgress(_message.Message):
    __slots__ = ("kind", "met", "detail", "next_step", "overdue")
    KIND_FIELD_NUMBER: _ClassVar[int]
    MET_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    NEXT_STEP_FIELD_NUMBER: _ClassVar[int]
    OVERDUE_FIELD_NUMBER: _ClassVar[int]
    kind: str
    met: bool
    detail: str
    next_step: str
    overdue: bool
    def __init__(self, kind: _Optional[str] = ..., met: _Optional[bool] = ..., detail: _Optional[str] = ..., next_step: _Optional[str] = ..., overdue: _Optional[bool] = ...) -> None: ...

class Completion(_message.Message):
    __slots__ = ("id", "course_slug", "person_id", "username", "course_title", "badge_slug", "certificate_id", "completed_at", "revoked", "revoked_at", "revoke_reason", "section")
    ID_FIELD_NUMBER: _ClassVar[int]
    COURSE_SLUG_FIELD_NUMBER: _ClassVar[int]
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    USERNAME_FIELD_NUMBER: _ClassVar[int]
    COURSE_TITLE_FIELD_NUMBER: _ClassVar[int]
    BADGE_SLUG_FIELD_NUMBER: _ClassVar[int]
    CERTIFICATE_ID_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_AT_FIELD_NUMBER: _ClassVar[int]
    REVOKED_FIELD_NUMBER: _ClassVar[int]
    REVOKED_AT_FIELD_NUMBER: _ClassVar[int]
    REVOKE_REASON_FIELD_NUMBER: _ClassVar[int]
    SECTION_FIELD_NUMBER: _ClassVar[int]
    id: str
    course_slug: str
    person_id: str
    username: str
    course_title: str
    badge_slug: str
    certificate_id: str
    completed_at: _timestamp_pb2.Timestamp
    revoked: bool
    revoked_at: _timestamp_pb2.Timestamp
    revoke_reason: str
    section: str
    def __init__(self, id: _Optional[str] = ..., course_slug: _Optional[str] = ..., person_id: _Optional[str] = ..., username: _Optional[str] = ..., course_title: _Optional[str] = ..., badge_slug: _Optional[str] = ..., certificate_id: _Optional[str] = ..., completed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., revoked: _Optional[bool] = ..., revoked_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., revoke_reason: _Optional[str] = ..., section: _Optional[str] = ...) -> None: ...

class GetProgressRequest(_message.Message):
    __slots__ = ("course_slug", "person_id")
    COURSE_SLUG_FIELD_NUMBER: _ClassVar[int]
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    course_slug: str
    person_id: str
    def __init__(self, course_slug: _Optional[str] = ..., person_id: _Optional[str] = ...) -> None: ...

class GetProgressResponse(_message.Message):
    __slots__ = ("course_slug", "person_id", "requirements", "complete", "completion", "next_step", "section")
    COURSE_SLUG_FIELD_NUMBER: _ClassVar[int]
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    REQUIREMENTS_FIELD_NUMBER: _ClassVar[int]
    COMPLETE_FIELD_NUMBER: _ClassVar[int]
    COMPLETION_FIELD_NUMBER: _ClassVar[int]
    NEXT_STEP_FIELD_NUMBER: _ClassVar[int]
    SECTION_FIELD_NUMBER: _ClassVar[int]
    course_slug: str
    person_id: str
    requirements: _containers.RepeatedCompositeFieldContainer[RequirementProgress]
    complete: bool
    completion: Completion
    next_step: str
    section: str
    def __init__(self, course_slug: _Optional[str] = ..., person_id: _Optional[str] = ..., requirements: _Optional[_Iterable[_Union[RequirementProgress, _Mapping]]] = ..., complete: _Optional[bool] = ..., completion: _Optional[_Union[Completion, _Mapping]] = ..., next_step: _Optional[str] = ..., section: _Optional[str] = ...) -> None: ...

class Mentorship(_message.Message):
    __slots__ = ("course_slug", "person_id", "mentor_id", "review", "waiting_since", "reviewed_at", "feedback", "reminded_at")
    COURSE_SLUG_FIELD_NUMBER: _ClassVar[int]
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    MENTOR_ID_FIELD_NUMBER: _ClassVar[int]
    REVIEW_FIELD_NUMBER: _ClassVar[int]
    WAITING_SINCE_FIELD_NUMBER: _ClassVar[int]
    REVIEWED_AT_FIELD_NUMBER: _ClassVar[int]
    FEEDBACK_FIELD_NUMBER: _ClassVar[int]
    REMINDED_AT_FIELD_NUMBER: _ClassVar[int]
    course_slug: str
    person_id: str
    mentor_id: str
    review: str
    waiting_since: _timestamp_pb2.Timestamp
    reviewed_at: _timestamp_pb2.Timestamp
    feedback: str
    reminded_at: _timestamp_pb2.Timestamp
    def __init__(self, course_slug: _Optional[str] = ..., person_id: _Optional[str] = ..., mentor_id: _Optional[str] = ..., review: _Optional[str] = ..., waiting_since: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., reviewed_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., feedback: _Optional[str] = ..., reminded_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class AssignMentorRequest(_message.Message):
    __slots__ = ("course_slug", "person_id", "mentor_id")
    COURSE_SLUG_FIELD_NUMBER: _ClassVar[int]
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    MENTOR_ID_FIELD_NUMBER: _ClassVar[int]
    course_slug: str
    person_id: str
    mentor_id: str
    def __init__(self, course_slug: _Optional[str] = ..., person_id: _Optional[str] = ..., mentor_id: _Optional[str] = ...) -> None: ...

class AssignMentorResponse(_message.Message):
    __slots__ = ("mentorship",)
    MENTORSHIP_FIELD_NUMBER: _ClassVar[int]
    mentorship: Mentorship
    def __init__(self, mentorship: _Optional[_Union[Mentorship, _Mapping]] = ...) -> None: ...

class ListMentorQueueRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class LedSession(_message.Message):
    __slots__ = ("session_id", "room_slug", "kind", "duration_seconds", "attendee_count", "script_id", "ended_at")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    ROOM_SLUG_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    DURATION_SECONDS_FIELD_NUMBER: _ClassVar[int]
    ATTENDEE_COUNT_FIELD_NUMBER: _ClassVar[int]
    SCRIPT_ID_FIELD_NUMBER: _ClassVar[int]
    ENDED_AT_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    room_slug: str
    kind: str
    duration_seconds: int
    attendee_count: int
    script_id: str
    ended_at: _timestamp_pb2.Timestamp
    def __init__(self, session_id: _Optional[str] = ..., room_slug: _Optional[str] = ..., kind: _Optional[str] = ..., duration_seconds: _Optional[int] = ..., attendee_count: _Optional[int] = ..., script_id: _Optional[str] = ..., ended_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class MentorQueueItem(_message.Message):
    __slots__ = ("mentorship", "course_title", "username", "sessions", "overdue")
    MENTORSHIP_FIELD_NUMBER: _ClassVar[int]
    COURSE_TITLE_FIELD_NUMBER: _ClassVar[int]
    USERNAME_FIELD_NUMBER: _ClassVar[int]
    SESSIONS_FIELD_NUMBER: _ClassVar[int]
    OVERDUE_FIELD_NUMBER: _ClassVar[int]
    mentorship: Mentorship
    course_title: str
    username: str
    sessions: _containers.RepeatedCompositeFieldContainer[LedSession]
    overdue: bool
    def __init__(self, mentorship: _Optional[_Union[Mentorship, _Mapping]] = ..., course_title: _Optional[str] = ..., username: _Optional[str] = ..., sessions: _Optional[_Iterable[_Union[LedSession, _Mapping]]] = ..., overdue: _Optional[bool] = ...) -> None: ...

class ListMentorQueueResponse(_message.Message):
    __slots__ = ("items",)
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    items: _containers.RepeatedCompositeFieldContainer[MentorQueueItem]
    def __init__(self, items: _Optional[_Iterable[_Union[MentorQueueItem, _Mapping]]] = ...) -> None: ...

class ReviewPracticumRequest(_message.Message):
    __slots__ = ("course_slug", "person_id", "decision", "feedback")
    COURSE_SLUG_FIELD_NUMBER: _ClassVar[int]
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    DECISION_FIELD_NUMBER: _ClassVar[int]
    FEEDBACK_FIELD_NUMBER: _ClassVar[int]
    course_slug: str
    person_id: str
    decision: str
    feedback: str
    def __init__(self, course_slug: _Optional[str] = ..., person_id: _Optional[str] = ..., decision: _Optional[str] = ..., feedback: _Optional[str] = ...) -> None: ...

class ReviewPracticumResponse(_message.Message):
    __slots__ = ("mentorship",)
    MENTORSHIP_FIELD_NUMBER: _ClassVar[int]
    mentorship: Mentorship
    def __init__(self, mentorship: _Optional[_Union[Mentorship, _Mapping]] = ...) -> None: ...

class ListCompletionsRequest(_message.Message):
    __slots__ = ("course_slug", "person_id")
    COURSE_SLUG_FIELD_NUMBER: _ClassVar[int]
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    course_slug: str
    person_id: str
    def __init__(self, course_slug: _Optional[str] = ..., person_id: _Optional[str] = ...) -> None: ...

class ListCompletionsResponse(_message.Message):
    __slots__ = ("completions",)
    COMPLETIONS_FIELD_NUMBER: _ClassVar[int]
    completions: _containers.RepeatedCompositeFieldContainer[Completion]
    def __init__(self, completions: _Optional[_Iterable[_Union[Completion, _Mapping]]] = ...) -> None: ...

class RevokeCompletionRequest(_message.Message):
    __slots__ = ("completion_id", "reason")
    COMPLETION_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    completion_id: str
    reason: str
    def __init__(self, completion_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class RevokeCompletionResponse(_message.Message):
    __slots__ = ("completion",)
    COMPLETION_FIELD_NUMBER: _ClassVar[int]
    completion: Completion
    def __init__(self, completion: _Optional[_Union[Completion, _Mapping]] = ...) -> None: ...

class VerifyCertificateRequest(_message.Message):
    __slots__ = ("certificate_id",)
    CERTIFICATE_ID_FIELD_NUMBER: _ClassVar[int]
    certificate_id: str
    def __init__(self, certificate_id: _Optional[str] = ...) -> None: ...

class VerifyCertificateResponse(_message.Message):
    __slots__ = ("valid", "revoked", "document", "signature", "key_id", "public_key_pem", "certificate_id", "username", "course_title", "completed_on", "revoked_at", "key_retired", "detail")
    VALID_FIELD_NUMBER: _ClassVar[int]
    REVOKED_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    SIGNATURE_FIELD_NUMBER: _ClassVar[int]
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    PUBLIC_KEY_PEM_FIELD_NUMBER: _ClassVar[int]
    CERTIFICATE_ID_FIELD_NUMBER: _ClassVar[int]
    USERNAME_FIELD_NUMBER: _ClassVar[int]
    COURSE_TITLE_FIELD_NUMBER: _ClassVar[int]
    COMPLETED_ON_FIELD_NUMBER: _ClassVar[int]
    REVOKED_AT_FIELD_NUMBER: _ClassVar[int]
    KEY_RETIRED_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    valid: bool
    revoked: bool
    document: str
    signature: str
    key_id: str
    public_key_pem: str
    certificate_id: str
    username: str
    course_title: str
    completed_on: str
    revoked_at: _timestamp_pb2.Timestamp
    key_retired: bool
    detail: str
    def __init__(self, valid: _Optional[bool] = ..., revoked: _Optional[bool] = ..., document: _Optional[str] = ..., signature: _Optional[str] = ..., key_id: _Optional[str] = ..., public_key_pem: _Optional[str] = ..., certificate_id: _Optional[str] = ..., username: _Optional[str] = ..., course_title: _Optional[str] = ..., completed_on: _Optional[str] = ..., revoked_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., key_retired: _Optional[bool] = ..., detail: _Optional[str] = ...) -> None: ...
