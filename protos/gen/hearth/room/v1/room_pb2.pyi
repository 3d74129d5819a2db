import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Audience(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    AUDIENCE_UNSPECIFIED: _ClassVar[Audience]
    AUDIENCE_ADULT: _ClassVar[Audience]
    AUDIENCE_TEEN: _ClassVar[Audience]

class RoomMode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ROOM_MODE_UNSPECIFIED: _ClassVar[RoomMode]
    ROOM_MODE_ALWAYS_OPEN: _ClassVar[RoomMode]
    ROOM_MODE_POP_UP: _ClassVar[RoomMode]
    ROOM_MODE_FACILITATED: _ClassVar[RoomMode]
AUDIENCE_UNSPECIFIED: Audience
AUDIENCE_ADULT: Audience
AUDIENCE_TEEN: Audience
ROOM_MODE_UNSPECIFIED: RoomMode
ROOM_MODE_ALWAYS_OPEN: RoomMode
ROOM_MODE_POP_UP: RoomMode
ROOM_MODE_FACILITATED: RoomMode

class Room(_message.Message):
    __slots__ = ("slug", "name", "description", "topic", "audience", "audience_kind", "mode", "active", "capacity", "access_summary", "opens_at", "closes_at", "access_policy_json", "slow_mode_seconds")
    SLUG_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    TOPIC_FIELD_NUMBER: _ClassVar[int]
    AUDIENCE_FIELD_NUMBER: _ClassVar[int]
    AUDIENCE_KIND_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    CAPACITY_FIELD_NUMBER: _ClassVar[int]
    ACCESS_SUMMARY_FIELD_NUMBER: _ClassVar[int]
    OPENS_AT_FIELD_NUMBER: _ClassVar[int]
    CLOSES_AT_FIELD_NUMBER: _ClassVar[int]
    ACCESS_POLICY_JSON_FIELD_NUMBER: _ClassVar[int]
    SLOW_MODE_SECONDS_FIELD_NUMBER: _ClassVar[int]
    slug: str
    name: str
    description: str
    topic: str
    audience: Audience
    audience_kind: str
    mode: RoomMode
    active: bool
    capacity: int
    access_summary: str
    opens_at: _timestamp_pb2.Timestamp
    closes_at: _timestamp_pb2.Timestamp
    access_policy_json: str
    slow_mode_seconds: int
    def __init__(self, slug: _Optional[str] = ..., name: _Optional[str] = ..., description: _Optional[str] = ..., topic: _Optional[str] = ..., audience: _Optional[_Union[Audience, str]] = ..., audience_kind: _Optional[str] = ..., mode: _Optional[_Union[RoomMode, str]] = ..., active: _Optional[bool] = ..., capacity: _Optional[int] = ..., access_summary: _Optional[str] = ..., opens_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., closes_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., access_policy_json: _Optional[str] = ..., slow_mode_seconds: _Optional[int] = ...) -> None: ...

class RoomSpec(_message.Message):
    __slots__ = ("slug", "name", "description", "topic", "audience", "audience_kind", "mode", "capacity", "access_policy_json", "slow_mode_seconds")
    SLUG_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    TOPIC_FIELD_NUMBER: _ClassVar[int]
    AUDIENCE_FIELD_NUMBER: _ClassVar[int]
    AUDIENCE_KIND_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    CAPACITY_FIELD_NUMBER: _ClassVar[int]
    ACCESS_POLICY_JSON_FIELD_NUMBER: _ClassVar[int]
    SLOW_MODE_SECONDS_FIELD_NUMBER: _ClassVar[int]
    slug: str
    name: str
    description: str
    topic: str
    audience: Audience
    audience_kind: str
    mode: RoomMode
    capacity: int
    access_policy_json: str
    slow_mode_seconds: int
    def __init__(self, slug: _Optional[str] = ..., name: _Optional[str] = ..., description: _Optional[str] = ..., topic: _Optional[str] = ..., audience: _Optional[_Union[Audience, str]] = ..., audience_kind: _Optional[str] = ..., mode: _Optional[_Union[RoomMode, str]] = ..., capacity: _Optional[int] = ..., access_policy_json: _Optional[str] = ..., slow_mode_seconds: _Optional[int] = ...) -> None: ...

class CreateRoomRequest(_message.Message):
    __slots__ = ("room", "idempotency_key")
    ROOM_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    room: RoomSpec
    idempotency_key: str
    def __init__(self, room: _Optional[_Union[RoomSpec, _Mapping]] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class CreateRoomResponse(_message.Message):
    __slots__ = ("room",)
    ROOM_FIELD_NUMBER: _ClassVar[int]
    room: Room
    def __init__(self, room: _Optional[_Union[Room, _Mapping]] = ...) -> None: ...

class UpdateRoomRequest(_message.Message):
    __slots__ = ("room",)
    ROOM_FIELD_NUMBER: _ClassVar[int]
    room: RoomSpec
    def __init__(self, room: _Optional[_Union[RoomSpec, _Mapping]] = ...) -> None: ...

class UpdateRoomResponse(_message.Message):
    __slots__ = ("room",)
    ROOM_FIELD_NUMBER: _ClassVar[int]
    room: Room
    def __init__(self, room: _Optional[_Union[Room, _Mapping]] = ...) -> None: ...

class ArchiveRoomRequest(_message.Message):
    __slots__ = ("slug",)
    SLUG_FIELD_NUMBER: _ClassVar[int]
    slug: str
    def __init__(self, slug: _Optional[str] = ...) -> None: ...

class ArchiveRoomResponse(_message.Message):
    __slots__ = ("room",)
    ROOM_FIELD_NUMBER: _ClassVar[int]
    room: Room
    def __init__(self, room: _Optional[_Union[Room, _Mapping]] = ...) -> None: ...

class ReopenRoomRequest(_message.Message):
    __slots__ = ("slug",)
    SLUG_FIELD_NUMBER: _ClassVar[int]
    slug: str
    def __init__(self, slug: _Optional[str] = ...) -> None: ...

class ReopenRoomResponse(_message.Message):
    __slots__ = ("room",)
    ROOM_FIELD_NUMBER: _ClassVar[int]
    room: Room
    def __init__(self, room: _Optional[_Union[Room, _Mapping]] = ...) -> None: ...

class OpenPopUpRequest(_message.Message):
    __slots__ = ("slug", "opens_at", "closes_at", "idempotency_key")
    SLUG_FIELD_NUMBER: _ClassVar[int]
    OPENS_AT_FIELD_NUMBER: _ClassVar[int]
    CLOSES_AT_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    slug: str
    opens_at: _timestamp_pb2.Timestamp
    closes_at: _timestamp_pb2.Timestamp
    idempotency_key: str
    def __init__(self, slug: _Optional[str] = ..., opens_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., closes_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class OpenPopUpResponse(_message.Message):
    __slots__ = ("room",)
    ROOM_FIELD_NUMBER: _ClassVar[int]
    room: Room
    def __init__(self, room: _Optional[_Union[Room, _Mapping]] = ...) -> None: ...

class Access(_message.Message):
    __slots__ = ("allowed", "missing")
    ALLOWED_FIELD_NUMBER: _ClassVar[int]
    MISSING_FIELD_NUMBER: _ClassVar[int]
    allowed: bool
    missing: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, allowed: _Optional[bool] = ..., missing: _Optional[_Iterable[str]] = ...) -> None: ...

class RoomWithAccess(_message.Message):
    __slots__ = ("room", "access")
    ROOM_FIELD_NUMBER: _ClassVar[int]
    ACCESS_FIELD_NUMBER: _ClassVar[int]
    room: Room
    access: Access
    def __init__(self, room: _Optional[_Union[Room, _Mapping]] = ..., access: _Optional[_Union[Access, _Mapping]] = ...) -> None: ...

class ListRoomsRequest(_message.Message):
    __slots__ = ("include_archived", "topic")
    INCLUDE_ARCHIVED_FIELD_NUMBER: _ClassVar[int]
    TOPIC_FIELD_NUMBER: _ClassVar[int]
    include_archived: bool
    topic: str
    def __init__(self, include_archived: _Optional[bool] = ..., topic: _Optional[str] = ...) -> None: ...

class ListRoomsResponse(_message.Message):
    __slots__ = ("rooms",)
    ROOMS_FIELD_NUMBER: _ClassVar[int]
    rooms: _containers.RepeatedCompositeFieldContainer[RoomWithAccess]
    def __init__(self, rooms: _Optional[_Iterable[_Union[RoomWithAccess, _Mapping]]] = ...) -> None: ...

class GetRoomRequest(_message.Message):
    __slots__ = ("slug",)
    SLUG_FIELD_NUMBER: _ClassVar[int]
    slug: str
    def __init__(self, slug: _Optional[str] = ...) -> None: ...

class GetRoomResponse(_message.Message):
    __slots__ = ("room",)
    ROOM_FIELD_NUMBER: _ClassVar[int]
    room: RoomWithAccess
    def __init__(self, room: _Optional[_Union[RoomWithAccess, _Mapping]] = ...) -> None: ...

class CheckAccessRequest(_message.Message):
    __slots__ = ("slug",)
    SLUG_FIELD_NUMBER: _ClassVar[int]
    slug: str
    def __init__(self, slug: _Optional[str] = ...) -> None: ...

class CheckAccessResponse(_message.Message):
    __slots__ = ("access",)
    ACCESS_FIELD_NUMBER: _ClassVar[int]
    access: Access
    def __init__(self, access: _Optional[_Union[Access, _Mapping]] = ...) -> None: ...

class JoinRoomRequest(_message.Message):
    __slots__ = ("slug",)
    SLUG_FIELD_NUMBER: _ClassVar[int]
    slug: str
    def __init__(self, slug: _Optional[str] = ...) -> None: ...

class Member(_message.Message):
    __slots__ = ("person_id", "username", "joined_at", "last_seen_at", "checked_in")
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    USERNAME_FIELD_NUMBER: _ClassVar[int]
    JOINED_AT_FIELD_NUMBER: _ClassVar[int]
    LAST_SEEN_AT_FIELD_NUMBER: _ClassVar[int]
    CHECKED_IN_FIELD_NUMBER: _ClassVar[int]
    person_id: str
    username: str
    joined_at: _timestamp_pb2.Timestamp
    last_seen_at: _timestamp_pb2.Timestamp
    checked_in: bool
    def __init__(self, person_id: _Optional[str] = ..., username: _Optional[str] = ..., joined_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., last_seen_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., checked_in: _Optional[bool] = ...) -> None: ...

class JoinRoomResponse(_message.Message):
    __slots__ = ("member", "seq")
    MEMBER_FIELD_NUMBER: _ClassVar[int]
    SEQ_FIELD_NUMBER: _ClassVar[int]
    member: Member
    seq: int
    def __init__(self, member: _Optional[_Union[Member, _Mapping]] = ..., seq: _Optional[int] = ...) -> None: ...

class LeaveRoomRequest(_message.Message):
    __slots__ = ("slug",)
    SLUG_FIELD_NUMBER: _ClassVar[int]
    slug: str
    def __init__(self, slug: _Optional[str] = ...) -> None: ...

class LeaveRoomResponse(_message.Message):
    __slots__ = ("left",)
    LEFT_FIELD_NUMBER: _ClassVar[int]
    left: bool
    def __init__(self, left: _Optional[bool] = ...) -> None: ...

class HeartbeatRequest(_message.Message):
    __slots__ = ("slug",)
    SLUG_FIELD_NUMBER: _ClassVar[int]
    slug: str
    def __init__(self, slug: _Optional[str] = ...) -> None: ...

class HeartbeatResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListMembersRequest(_message.Message):
    __slots__ = ("slug",)
    SLUG_FIELD_NUMBER: _ClassVar[int]
    slug: str
    def __init__(self, slug: _Optional[str] = ...) -> None: ...

class ListMembersResponse(_message.Message):
    __slots__ = ("members",)
    MEMBERS_FIELD_NUMBER: _ClassVar[int]
    members: _containers.RepeatedCompositeFieldContainer[Member]
    def __init__(self, members: _Optional[_Iterable[_Union[Member, _Mapping]]] = ...) -> None: ...

class Mention(_message.Message):
    __slots__ = ("person_id", "username")
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    USERNAME_FIELD_NUMBER: _ClassVar[int]
    person_id: str
    username: str
    def __init__(self, person_id: _Optional[str] = ..., username: _Optional[str] = ...) -> None: ...

class Message(_message.Message):
    __slots__ = ("message_id", "room_slug", "seq", "author_id", "author_username", "body", "reply_to", "mentions", "hearts", "hearted_by_me", "posted_at", "edited_at", "deleted")
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    ROOM_SLUG_FIELD_NUMBER: _ClassVar[int]
    SEQ_FIELD_NUMBER: _ClassVar[int]
    AUTHOR_ID_FIELD_NUMBER: _ClassVar[int]
    AUTHOR_USERNAME_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    REPLY_TO_FIELD_NUMBER: _ClassVar[int]
    MENTIONS_FIELD_NUMBER: _ClassVar[int]
    HEARTS_FIELD_NUMBER: _ClassVar[int]
    HEARTED_BY_ME_FIELD_NUMBER: _ClassVar[int]
    POSTED_AT_FIELD_NUMBER: _ClassVar[int]
    EDITED_AT_FIELD_NUMBER: _ClassVar[int]
    DELETED_FIELD_NUMBER: _ClassVar[int]
    message_id: str
    room_slug: str
    seq: int
    author_id: str
    author_username: str
    body: str
    reply_to: str
    mentions: _containers.RepeatedCompositeFieldContainer[Mention]
    hearts: int
    hearted_by_me: bool
    posted_at: _timestamp_pb2.Timestamp
    edited_at: _timestamp_pb2.Timestamp
    deleted: bool
    def __init__(self, message_id: _Optional[str] = ..., room_slug: _Optional[str] = ..., seq: _Optional[int] = ..., author_id: _Optional[str] = ..., author_username: _Optional[str] = ..., body: _Optional[str] = ..., reply_to: _Optional[str] = ..., mentions: _Optional[_Iterable[_Union[Mention, _Mapping]]] = ..., hearts: _Optional[int] = ..., hearted_by_me: _Optional[bool] = ..., posted_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., edited_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., deleted: _Optional[bool] = ...) -> None: ...

class PostMessageRequest(_message.Message):
    __slots__ = ("slug", "body", "reply_to", "idempotency_key")
    SLUG_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    REPLY_TO_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    slug: str
    body: str
    reply_to: str
    idempotency_key: str
    def __init__(self, slug: _Optional[str] = ..., body: _Optional[str] = ..., reply_to: _Optional[str] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class PostMessageResponse(_message.Message):
    __slots__ = ("message",)
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    message: Message
    def __init__(self, message: _Optional[_Union[Message, _Mapping]] = ...) -> None: ...

class EditMessageRequest(_message.Message):
    __slots__ = ("message_id", "body")
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    message_id: str
    body: str
    def __init__(self, message_id: _Optional[str] = ..., body: _Optional[str] = ...) -> None: ...

class EditMessageResponse(_message.Message):
    __slots__ = ("message",)
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    message: Message
    def __init__(self, message: _Optional[_Union[Message, _Mapping]] = ...) -> None: ...

class DeleteMessageRequest(_message.Message):
    __slots__ = ("message_id",)
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    message_id: str
    def __init__(self, message_id: _Optional[str] = ...) -> None: ...

class DeleteMessageResponse(_message.Message):
    __slots__ = ("message",)
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    message: Message
    def __init__(self, message: _Optional[_Union[Message, _Mapping]] = ...) -> None: ...

class HeartMessageRequest(_message.Message):
    __slots__ = ("message_id", "hearted", "idempotency_key")
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    HEARTED_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    message_id: str
    hearted: bool
    idempotency_key: str
    def __init__(self, message_id: _Optional[str] = ..., hearted: _Optional[bool] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class HeartMessageResponse(_message.Message):
    __slots__ = ("message",)
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    message: Message
    def __init__(self, message: _Optional[_Union[Message, _Mapping]] = ...) -> None: ...

class ListMessagesRequest(_message.Message):
    __slots__ = ("slug", "before_seq", "after_seq", "limit")
    SLUG_FIELD_NUMBER: _ClassVar[int]
    BEFORE_SEQ_FIELD_NUMBER: _ClassVar[int]
    AFTER_SEQ_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    slug: str
    before_seq: int
    after_seq: int
    limit: int
    def __init__(self, slug: _Optional[str] = ..., before_seq: _Optional[int] = ..., after_seq: _Optional[int] = ..., limit: _Optional[int] = ...) -> None: ...

class ListMessagesResponse(_message.Message):
    __slots__ = ("messages", "next_before_seq")
    MESSAGES_FIELD_NUMBER: _ClassVar[int]
    NEXT_BEFORE_SEQ_FIELD_NUMBER: _ClassVar[int]
    messages: _containers.RepeatedCompositeFieldContainer[Message]
    next_before_seq: int
    def __init__(self, messages: _Optional[_Iterable[_Union[Message, _Mapping]]] = ..., next_before_seq: _Optional[int] = ...) -> None: ...

class SubscribeRequest(_message.Message):
    __slots__ = ("slug", "after_seq")
    SLUG_FIELD_NUMBER: _ClassVar[int]
    AFTER_SEQ_FIELD_NUMBER: _ClassVar[int]
    slug: str
    after_seq: int
    def __init__(self, slug: _Optional[str] = ..., after_seq: _Optional[int] = ...) -> None: ...

class MemberChange(_message.Message):
    __slots__ = ("person_id", "username", "reason")
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    USERNAME_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    person_id: str
    username: str
    reason: str
    def __init__(self, person_id: _Optional[str] = ..., username: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class MessageDeletion(_message.Message):
    __slots__ = ("message_id", "message_seq", "deleted_by")
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_SEQ_FIELD_NUMBER: _ClassVar[int]
    DELETED_BY_FIELD_NUMBER: _ClassVar[int]
    message_id: str
    message_seq: int
    deleted_by: str
    def __init__(self, message_id: _Optional[str] = ..., message_seq: _Optional[int] = ..., deleted_by: _Optional[str] = ...) -> None: ...

class HeartsChange(_message.Message):
    __slots__ = ("message_id", "message_seq", "hearts")
    MESSAGE_ID_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_SEQ_FIELD_NUMBER: _ClassVar[int]
    HEARTS_FIELD_NUMBER: _ClassVar[int]
    message_id: str
    message_seq: int
    hearts: int
    def __init__(self, message_id: _Optional[str] = ..., message_seq: _Optional[int] = ..., hearts: _Optional[int] = ...) -> None: ...

class TurnChange(_message.Message):
    __slots__ = ("person_id", "by", "position")
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    BY_FIELD_NUMBER: _ClassVar[int]
    POSITION_FIELD_NUMBER: _ClassVar[int]
    person_id: str
    by: str
    position: int
    def __init__(self, person_id: _Optional[str] = ..., by: _Optional[str] = ..., position: _Optional[int] = ...) -> None: ...

class RoomEvent(_message.Message):
    __slots__ = ("room_slug", "seq", "kind", "occurred_at", "message", "deletion", "hearts", "member", "session", "turn", "slow_mode_seconds", "notice")
    ROOM_SLUG_FIELD_NUMBER: _ClassVar[int]
    SEQ_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    OCCURRED_AT_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    DELETION_FIELD_NUMBER: _ClassVar[int]
    HEARTS_FIELD_NUMBER: _ClassVar[int]
    MEMBER_FIELD_NUMBER: _ClassVar[int]
    SESSION_FIELD_NUMBER: _ClassVar[int]
    TURN_FIELD_NUMBER: _ClassVar[int]
    SLOW_MODE_SECONDS_FIELD_NUMBER: _ClassVar[int]
    NOTICE_FIELD_NUMBER: _ClassVar[int]
    room_slug: str
    seq: int
    kind: str
    occurred_at: _timestamp_pb2.Timestamp
    message: Message
    deletion: MessageDeletion
    hearts: HeartsChange
    member: MemberChange
    session: SupportSession
    turn: TurnChange
    slow_mode_seconds: int
    notice: Notice
    def __init__(self, room_slug: _Optional[str] = ..., seq: _Optional[int] = ..., kind: _Optional[str] = ..., occurred_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., message: _Optional[_Union[Message, _Mapping]] = ..., deletion: _Optional[_Union[MessageDeletion, _Mapping]] = ..., hearts: _Optional[_Union[HeartsChange, _Mapping]] = ..., member: _Optional[_Union[MemberChange, _Mapping]] = ..., session: _Optional[_Union[SupportSession, _Mapping]] = ..., turn: _Optional[_Union[TurnChange, _Mapping]] = ..., slow_mode_seconds: _Optional[int] = ..., notice: _Optional[_Union[Notice, _Mapping]] = ...) -> None: ...

class Notice(_message.Message):
    __slots__ = ("notice_id", "kind", "text", "room_slug", "resources", "issued_at", "read_at")
    NOTICE_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    ROOM_SLUG_FIELD_NUMBER: _ClassVar[int]
    RESOURCES_FIELD_NUMBER: _ClassVar[int]
    ISSUED_AT_FIELD_NUMBER: _ClassVar[int]
    READ_AT_FIELD_NUMBER: _ClassVar[int]
    notice_id: str
    kind: str
    text: str
    room_slug: str
    resources: _containers.RepeatedScalarFieldContainer[str]
    issued_at: _timestamp_pb2.Timestamp
    read_at: _timestamp_pb2.Timestamp
    def __init__(self, notice_id: _Optional[str] = ..., kind: _Optional[str] = ..., text: _Optional[str] = ..., room_slug: _Optional[str] = ..., resources: _Optional[_Iterable[str]] = ..., issued_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., read_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListNoticesRequest(_message.Message):
    __slots__ = ("before", "limit")
    BEFORE_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    before: int
    limit: int
    def __init__(self, before: _Optional[int] = ..., limit: _Optional[int] = ...) -> None: ...

class ListNoticesResponse(_message.Message):
    __slots__ = ("notices", "next_before")
    NOTICES_FIELD_NUMBER: _ClassVar[int]
    NEXT_BEFORE_FIELD_NUMBER: _ClassVar[int]
    notices: _containers.RepeatedCompositeFieldContainer[Notice]
    next_before: int
    def __init__(self, notices: _Optional[_Iterable[_Union[Notice, _Mapping]]] = ..., next_before: _Optional[int] = ...) -> None: ...

class MarkNoticeReadRequest(_message.Message):
    __slots__ = ("notice_id",)
    NOTICE_ID_FIELD_NUMBER: _ClassVar[int]
    notice_id: str
    def __init__(self, notice_id: _Optional[str] = ...) -> None: ...

class MarkNoticeReadResponse(_message.Message):
    __slots__ = ("notice",)
    NOTICE_FIELD_NUMBER: _ClassVar[int]
    notice: Notice
    def __init__(self, notice: _Optional[_Union[Notice, _Mapping]] = ...) -> None: ...

class SetSlowModeRequest(_message.Message):
    __slots__ = ("slug", "seconds")
    SLUG_FIELD_NUMBER: _ClassVar[int]
    SECONDS_FIELD_NUMBER: _ClassVar[int]
    slug: str
    seconds: int
    def __init__(self, slug: _Optional[str] = ..., seconds: _Optional[int] = ...) -> None: ...

class SetSlowModeResponse(_message.Message):
    __slots__ = ("seconds",)
    SECONDS_FIELD_NUMBER: _ClassVar[int]
    seconds: int
    def __init__(self, seconds: _Optional[int] = ...) -> None: ...

class SupportSession(_message.Message):
    __slots__ = ("session_id", "room_slug", "topic", "leader_id", "kind", "status", "starts_at", "duration_minutes", "started_at", "ended_at", "attendee_ids", "duration_seconds", "script_id")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    ROOM_SLUG_FIELD_NUMBER: _ClassVar[int]
    TOPIC_FIELD_NUMBER: _ClassVar[int]
    LEADER_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    STARTS_AT_FIELD_NUMBER: _ClassVar[int]
    DURATION_MINUTES_FIELD_NUMBER: _ClassVar[int]
    STARTED_AT_FIELD_NUMBER: _ClassVar[int]
    ENDED_AT_FIELD_NUMBER: _ClassVar[int]
    ATTENDEE_IDS_FIELD_NUMBER: _ClassVar[int]
    DURATION_SECONDS_FIELD_NUMBER: _ClassVar[int]
    SCRIPT_ID_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    room_slug: str
    topic: str
    leader_id: str
    kind: str
    status: str
    starts_at: _timestamp_pb2.Timestamp
    duration_minutes: int
    started_at: _timestamp_pb2.Timestamp
    ended_at: _timestamp_pb2.Timestamp
    attendee_ids: _containers.RepeatedScalarFieldContainer[str]
    duration_seconds: int
    script_id: str
    def __init__(self, session_id: _Optional[str] = ..., room_slug: _Optional[str] = ..., topic: _Optional[str] = ..., leader_id: _Optional[str] = ..., kind: _Optional[str] = ..., status: _Optional[str] = ..., starts_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., duration_minutes: _Optional[int] = ..., started_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., ended_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., attendee_ids: _Optional[_Iterable[str]] = ..., duration_seconds: _Optional[int] = ..., script_id: _Optional[str] = ...) -> None: ...

class ScheduleSessionRequest(_message.Message):
    __slots__ = ("slug", "topic", "starts_at", "duration_minutes", "idempotency_key", "script_id")
    SLUG_FIELD_NUMBER: _ClassVar[int]
    TOPIC_FIELD_NUMBER: _ClassVar[int]
    STARTS_AT_FIELD_NUMBER: _ClassVar[int]
    DURATION_MINUTES_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    SCRIPT_ID_FIELD_NUMBER: _ClassVar[int]
    slug: str
    topic: str
    starts_at: _timestamp_pb2.Timestamp
    duration_minutes: int
    idempotency_key: str
    script_id: str
    def __init__(self, slug: _Optional[str] = ..., topic: _Optional[str] = ..., starts_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., duration_minutes: _Optional[int] = ..., idempotency_key: _Optional[str] = ..., script_id: _Optional[str] = ...) -> None: ...

class ScheduleSessionResponse(_message.Message):
    __slots__ = ("session",)
    SESSION_FIELD_NUMBER: _ClassVar[int]
    session: SupportSession
    def __init__(self, session: _Optional[_Union[SupportSession, _Mapping]] = ...) -> None: ...

class ListSessionsRequest(_message.Message):
    __slots__ = ("slug", "include_past")
    SLUG_FIELD_NUMBER: _ClassVar[int]
    INCLUDE_PAST_FIELD_NUMBER: _ClassVar[int]
    slug: str
    include_past: bool
    def __init__(self, slug: _Optional[str] = ..., include_past: _Optional[bool] = ...) -> None: ...

class ListSessionsResponse(_message.Message):
    __slots__ = ("sessions",)
    SESSIONS_FIELD_NUMBER: _ClassVar[int]
    sessions: _containers.RepeatedCompositeFieldContainer[SupportSession]
    def __init__(self, sessions: _Optional[_Iterable[_Union[SupportSession, _Mapping]]] = ...) -> None: ...

class StartSessionRequest(_message.Message):
    __slots__ = ("session_id",)
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    def __init__(self, session_id: _Optional[str] = ...) -> None: ...

class StartSessionResponse(_message.Message):
    __slots__ = ("session",)
    SESSION_FIELD_NUMBER: _ClassVar[int]
    session: SupportSession
    def __init__(self, session: _Optional[_Union[SupportSession, _Mapping]] = ...) -> None: ...

class StartUnplannedSessionRequest(_message.Message):
    __slots__ = ("slug", "topic", "duration_minutes", "idempotency_key", "script_id")
    SLUG_FIELD_NUMBER: _ClassVar[int]
    TOPIC_FIELD_NUMBER: _ClassVar[int]
    DURATION_MINUTES_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    SCRIPT_ID_FIELD_NUMBER: _ClassVar[int]
    slug: str
    topic: str
    duration_minutes: int
    idempotency_key: str
    script_id: str
    def __init__(self, slug: _Optional[str] = ..., topic: _Optional[str] = ..., duration_minutes: _Optional[int] = ..., idempotency_key: _Optional[str] = ..., script_id: _Optional[str] = ...) -> None: ...

class StartUnplannedSessionResponse(_message.Message):
    __slots__ = ("session",)
    SESSION_FIELD_NUMBER: _ClassVar[int]
    session: SupportSession
    def __init__(self, session: _Optional[_Union[SupportSession, _Mapping]] = ...) -> None: ...

class EndSessionRequest(_message.Message):
    __slots__ = ("session_id",)
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    def __init__(self, session_id: _Optional[str] = ...) -> None: ...

class EndSessionResponse(_message.Message):
    __slots__ = ("session",)
    SESSION_FIELD_NUMBER: _ClassVar[int]
    session: SupportSession
    def __init__(self, session: _Optional[_Union[SupportSession, _Mapping]] = ...) -> None: ...

class CancelSessionRequest(_message.Message):
    __slots__ = ("session_id",)
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    def __init__(self, session_id: _Optional[str] = ...) -> None: ...

class CancelSessionResponse(_message.Message):
    __slots__ = ("session",)
    SESSION_FIELD_NUMBER: _ClassVar[int]
    session: SupportSession
    def __init__(self, session: _Optional[_Union[SupportSession, _Mapping]] = ...) -> None: ...

class CheckInRequest(_message.Message):
    __slots__ = ("slug", "checked_in")
    SLUG_FIELD_NUMBER: _ClassVar[int]
    CHECKED_IN_FIELD_NUMBER: _ClassVar[int]
    slug: str
    checked_in: bool
    def __init__(self, slug: _Optional[str] = ..., checked_in: _Optional[bool] = ...) -> None: ...

class CheckInResponse(_message.Message):
    __slots__ = ("checked_in",)
    CHECKED_IN_FIELD_NUMBER: _ClassVar[int]
    checked_in: bool
    def __init__(self, checked_in: _Optional[bool] = ...) -> None: ...

class RaiseHandRequest(_message.Message):
    __slots__ = ("slug",)
    SLUG_FIELD_NUMBER: _ClassVar[int]
    slug: str
    def __init__(self, slug: _Optional[str] = ...) -> None: ...

class LowerHandRequest(_message.Message):
    __slots__ = ("slug",)
    SLUG_FIELD_NUMBER: _ClassVar[int]
    slug: str
    def __init__(self, slug: _Optional[str] = ...) -> None: ...

class GiveTurnRequest(_message.Message):
    __slots__ = ("slug", "person_id")
    SLUG_FIELD_NUMBER: _ClassVar[int]
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    slug: str
    person_id: str
    def __init__(self, slug: _Optional[str] = ..., person_id: _Optional[str] = ...) -> None: ...

class SkipTurnRequest(_message.Message):
    __slots__ = ("slug", "person_id")
    SLUG_FIELD_NUMBER: _ClassVar[int]
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    slug: str
    person_id: str
    def __init__(self, slug: _Optional[str] = ..., person_id: _Optional[str] = ...) -> None: ...

class EndTurnRequest(_message.Message):
    __slots__ = ("slug",)
    SLUG_FIELD_NUMBER: _ClassVar[int]
    slug: str
    def __init__(self, slug: _Optional[str] = ...) -> None: ...

class GetTurnQueueRequest(_message.Message):
    __slots__ = ("slug",)
    SLUG_FIELD_NUMBER: _ClassVar[int]
    slug: str
    def __init__(self, slug: _Optional[str] = ...) -> None: ...

class Hand(_message.Message):
    __slots__ = ("person_id", "raised_at")
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    RAISED_AT_FIELD_NUMBER: _ClassVar[int]
    person_id: str
    raised_at: _timestamp_pb2.Timestamp
    def __init__(self, person_id: _Optional[str] = ..., raised_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class TurnQueueResponse(_message.Message):
    __slots__ = ("speaker_id", "speaker_since", "hands")
    SPEAKER_ID_FIELD_NUMBER: _ClassVar[int]
    SPEAKER_SINCE_FIELD_NUMBER: _ClassVar[int]
    HANDS_FIELD_NUMBER: _ClassVar[int]
    speaker_id: str
    speaker_since: _timestamp_pb2.Timestamp
    hands: _containers.RepeatedCompositeFieldContainer[Hand]
    def __init__(self, speaker_id: _Optional[str] = ..., speaker_since: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., hands: _Optional[_Iterable[_Union[Hand, _Mapping]]] = ...) -> None: ...

class CohortGrant(_message.Message):
    __slots__ = ("grant_id", "person_id", "room_slug", "reason", "granted_by", "granted_at", "expires_at", "revoked_by", "revoked_at")
    GRANT_ID_FIELD_NUMBER: _ClassVar[int]
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    ROOM_SLUG_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    GRANTED_BY_FIELD_NUMBER: _ClassVar[int]
    GRANTED_AT_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    REVOKED_BY_FIELD_NUMBER: _ClassVar[int]
    REVOKED_AT_FIELD_NUMBER: _ClassVar[int]
    grant_id: str
    person_id: str
    room_slug: str
    reason: str
    granted_by: str
    granted_at: _timestamp_pb2.Timestamp
    expires_at: _timestamp_pb2.Timestamp
    revoked_by: str
    revoked_at: _timestamp_pb2.Timestamp
    def __init__(self, grant_id: _Optional[str] = ..., person_id: _Optional[str] = ..., room_slug: _Optional[str] = ..., reason: _Optional[str] = ..., granted_by: _Optional[str] = ..., granted_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., expires_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., revoked_by: _Optional[str] = ..., revoked_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class GrantCohortAccessRequest(_message.Message):
    __slots__ = ("person_id", "slug", "reason", "expires_at", "idempotency_key")
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    SLUG_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    IDEMPOTENCY_KEY_FIELD_NUMBER: _ClassVar[int]
    person_id: str
    slug: str
    reason: str
    expires_at: _timestamp_pb2.Timestamp
    idempotency_key: str
    def __init__(self, person_id: _Optional[str] = ..., slug: _Optional[str] = ..., reason: _Optional[str] = ..., expires_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., idempotency_key: _Optional[str] = ...) -> None: ...

class GrantCohortAccessResponse(_message.Message):
    __slots__ = ("grant",)
    GRANT_FIELD_NUMBER: _ClassVar[int]
    grant: CohortGrant
    def __init__(self, grant: _Optional[_Union[CohortGrant, _Mapping]] = ...) -> None: ...

class RevokeCohortAccessRequest(_message.Message):
    __slots__ = ("grant_id",)
    GRANT_ID_FIELD_NUMBER: _ClassVar[int]
    grant_id: str
    def __init__(self, grant_id: _Optional[str] = ...) -> None: ...

class RevokeCohortAccessResponse(_message.Message):
    __slots__ = ("grant",)
    GRANT_FIELD_NUMBER: _ClassVar[int]
    grant: CohortGrant
    def __init__(self, grant: _Optional[_Union[CohortGrant, _Mapping]] = ...) -> None: ...

class ListCohortGrantsRequest(_message.Message):
    __slots__ = ("slug",)
    SLUG_FIELD_NUMBER: _ClassVar[int]
    slug: str
    def __init__(self, slug: _Optional[str] = ...) -> None: ...

class ListCohortGrantsResponse(_message.Message):
    __slots__ = ("grants",)
    GRANTS_FIELD_NUMBER: _ClassVar[int]
    grants: _containers.RepeatedCompositeFieldContainer[CohortGrant]
    def __init__(self, grants: _Optional[_Iterable[_Union[CohortGrant, _Mapping]]] = ...) -> None: ...

class Script(_message.Message):
    __slots__ = ("script_id", "session_type", "audience_cohort", "title", "opening", "prompts", "closing", "updated_by", "updated_at")
    SCRIPT_ID_FIELD_NUMBER: _ClassVar[int]
    SESSION_TYPE_FIELD_NUMBER: _ClassVar[int]
    AUDIENCE_COHORT_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    OPENING_FIELD_NUMBER: _ClassVar[int]
    PROMPTS_FIELD_NUMBER: _ClassVar[int]
    CLOSING_FIELD_NUMBER: _ClassVar[int]
    UPDATED_BY_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    script_id: str
    session_type: str
    audience_cohort: str
    title: str
    opening: str
    prompts: _containers.RepeatedScalarFieldContainer[str]
    closing: str
    updated_by: str
    updated_at: _timestamp_pb2.Timestamp
    def __init__(self, script_id: _Optional[str] = ..., session_type: _Optional[str] = ..., audience_cohort: _Optional[str] = ..., title: _Optional[str] = ..., opening: _Optional[str] = ..., prompts: _Optional[_Iterable[str]] = ..., closing: _Optional[str] = ..., updated_by: _Optional[str] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListScriptsRequest(_message.Message):
    __slots__ = ("session_type", "cohort")
    SESSION_TYPE_FIELD_NUMBER: _ClassVar[int]
    COHORT_FIELD_NUMBER: _ClassVar[int]
    session_type: str
    cohort: str
    def __init__(self, session_type: _Optional[str] = ..., cohort: _Optional[str] = ...) -> None: ...

class ListScriptsResponse(_message.Message):
    __slots__ = ("scripts",)
    SCRIPTS_FIELD_NUMBER: _ClassVar[int]
    scripts: _containers.RepeatedCompositeFieldContainer[Script]
    def __init__(self, scripts: _Optional[_Iterable[_Union[Script, _Mapping]]] = ...) -> None: ...

class GetScriptRequest(_message.Message):
    __slots__ = ("script_id",)
    SCRIPT_ID_FIELD_NUMBER: _ClassVar[int]
    script_id: str
    def __init__(self, script_id: _Optional[str] = ...) -> None: ...

class GetScriptResponse(_message.Message):
    __slots__ = ("script",)
    SCRIPT_FIELD_NUMBER: _ClassVar[int]
    script: Script
    def __init__(self, script: _Optional[_Union[Script, _Mapping]] = ...) -> None: ...

class PutScriptRequest(_message.Message):
    __slots__ = ("script",)
    SCRIPT_FIELD_NUMBER: _ClassVar[int]
    script: Script
    def __init__(self, script: _Optional[_Union[Script, _Mapping]] = ...) -> None: ...

class PutScriptResponse(_message.Message):
    __slots__ = ("script", "created")
    SCRIPT_FIELD_NUMBER: _ClassVar[int]
    CREATED_FIELD_NUMBER: _ClassVar[int]
    script: Script
    created: bool
    def __init__(self, script: _Optional[_Union[Script, _Mapping]] = ..., created: _Optional[bool] = ...) -> None: ...

class GetHostingFiguresRequest(_message.Message):
    __slots__ = ("person_id", "month")
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    MONTH_FIELD_NUMBER: _ClassVar[int]
    person_id: str
    month: str
    def __init__(self, person_id: _Optional[str] = ..., month: _Optional[str] = ...) -> None: ...

class HostingTeam(_message.Message):
    __slots__ = ("team", "minutes_hosted", "quota_minutes", "met")
    TEAM_FIELD_NUMBER: _ClassVar[int]
    MINUTES_HOSTED_FIELD_NUMBER: _ClassVar[int]
    QUOTA_MINUTES_FIELD_NUMBER: _ClassVar[int]
    MET_FIELD_NUMBER: _ClassVar[int]
    team: str
    minutes_hosted: int
    quota_minutes: int
    met: bool
    def __init__(self, team: _Optional[str] = ..., minutes_hosted: _Optional[int] = ..., quota_minutes: _Optional[int] = ..., met: _Optional[bool] = ...) -> None: ...

class HostedSession(_message.Message):
    __slots__ = ("session_id", "room_slug", "team", "topic", "started_at", "ended_at", "minutes_in_month", "others_attending", "counted", "note", "script_id")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    ROOM_SLUG_FIELD_NUMBER: _ClassVar[int]
    TEAM_FIELD_NUMBER: _ClassVar[int]
    TOPIC_FIELD_NUMBER: _ClassVar[int]
    STARTED_AT_FIELD_NUMBER: _ClassVar[int]
    ENDED_AT_FIELD_NUMBER: _ClassVar[int]
    MINUTES_IN_MONTH_FIELD_NUMBER: _ClassVar[int]
    OTHERS_ATTENDING_FIELD_NUMBER: _ClassVar[int]
    COUNTED_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    SCRIPT_ID_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    room_slug: str
    team: str
    topic: str
    started_at: _timestamp_pb2.Timestamp
    ended_at: _timestamp_pb2.Timestamp
    minutes_in_month: int
    others_attending: int
    counted: bool
    note: str
    script_id: str
    def __init__(self, session_id: _Optional[str] = ..., room_slug: _Optional[str] = ..., team: _Optional[str] = ..., topic: _Optional[str] = ..., started_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., ended_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., minutes_in_month: _Optional[int] = ..., others_attending: _Optional[int] = ..., counted: _Optional[bool] = ..., note: _Optional[str] = ..., script_id: _Optional[str] = ...) -> None: ...

class GetHostingFiguresResponse(_message.Message):
    __slots__ = ("person_id", "month", "quota_minutes", "minutes_hosted", "met", "teams", "sessions")
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    MONTH_FIELD_NUMBER: _ClassVar[int]
    QUOTA_MINUTES_FIELD_NUMBER: _ClassVar[int]
    MINUTES_HOSTED_FIELD_NUMBER: _ClassVar[int]
    MET_FIELD_NUMBER: _ClassVar[int]
    TEAMS_FIELD_NUMBER: _ClassVar[int]
    SESSIONS_FIELD_NUMBER: _ClassVar[int]
    person_id: str
    month: str
    quota_minutes: int
    minutes_hosted: int
    met: bool
    teams: _containers.RepeatedCompositeFieldContainer[HostingTeam]
    sessions: _containers.RepeatedCompositeFieldContainer[HostedSession]
    def __init__(self, person_id: _Optional[str] = ..., month: _Optional[str] = ..., quota_minutes: _Optional[int] = ..., minutes_hosted: _Optional[int] = ..., met: _Optional[bool] = ..., teams: _Optional[_Iterable[_Union[HostingTeam, _Mapping]]] = ..., sessions: _Optional[_Iterable[_Union[HostedSession, _Mapping]]] = ...) -> None: ...

class PersonalFilter(_message.Message):
    __slots__ = ("person_id", "username", "kind", "created_at")
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    USERNAME_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    person_id: str
    username: str
    kind: str
    created_at: _timestamp_pb2.Timestamp
    def __init__(self, person_id: _Optional[str] = ..., username: _Optional[str] = ..., kind: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class SetPersonalFilterRequest(_message.Message):
    __slots__ = ("person_id", "username", "kind", "on")
    PERSON_ID_FIELD_NUMBER: _ClassVar[int]
    USERNAME_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    ON_FIELD_NUMBER: _ClassVar[int]
    person_id: str
    username: str
    kind: str
    on: bool
    def __init__(self, person_id: _Optional[str] = ..., username: _Optional[str] = ..., kind: _Optional[str] = ..., on: _Optional[bool] = ...) -> None: ...

class SetPersonalFilterResponse(_message.Message):
    __slots__ = ("filter",)
    FILTER_FIELD_NUMBER: _ClassVar[int]
    filter: PersonalFilter
    def __init__(self, filter: _Optional[_Union[PersonalFilter, _Mapping]] = ...) -> None: ...

class ListPersonalFiltersRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListPersonalFiltersResponse(_message.Message):
    __slots__ = ("filters",)
    FILTERS_FIELD_NUMBER: _ClassVar[int]
    filters: _containers.RepeatedCompositeFieldContainer[PersonalFilter]
    def __init__(self, filters: _Optional[_Iterable[_Union[PersonalFilter, _Mapping]]] = ...) -> None: ...
