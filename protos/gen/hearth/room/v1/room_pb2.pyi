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
    __slots__ = ("slug", "name", "description", "topic", "audience", "audience_kind", "mode", "active", "capacity", "access_summary", "opens_at", "closes_at", "access_policy_json")
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
    def __init__(self, slug: _Optional[str] = ..., name: _Optional[str] = ..., description: _Optional[str] = ..., topic: _Optional[str] = ..., audience: _Optional[_Union[Audience, str]] = ..., audience_kind: _Optional[str] = ..., mode: _Optional[_Union[RoomMode, str]] = ..., active: _Optional[bool] = ..., capacity: _Optional[int] = ..., access_summary: _Optional[str] = ..., opens_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., closes_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., access_policy_json: _Optional[str] = ...) -> None: ...

class RoomSpec(_message.Message):
    __slots__ = ("slug", "name", "description", "topic", "audience", "audience_kind", "mode", "capacity", "access_policy_json")
    SLUG_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    TOPIC_FIELD_NUMBER: _ClassVar[int]
    AUDIENCE_FIELD_NUMBER: _ClassVar[int]
    AUDIENCE_KIND_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    CAPACITY_FIELD_NUMBER: _ClassVar[int]
    ACCESS_POLICY_JSON_FIELD_NUMBER: _ClassVar[int]
    slug: str
    name: str
    description: str
    topic: str
    audience: Audience
    audience_kind: str
    mode: RoomMode
    capacity: int
    access_policy_json: str
    def __init__(self, slug: _Optional[str] = ..., name: _Optional[str] = ..., description: _Optional[str] = ..., topic: _Optional[str] = ..., audience: _Optional[_Union[Audience, str]] = ..., audience_kind: _Optional[str] = ..., mode: _Optional[_Union[RoomMode, str]] = ..., capacity: _Optional[int] = ..., access_policy_json: _Optional[str] = ...) -> None: ...

class CreateRoomRequest(_message.Message):
    __slots__ = ("room",)
    ROOM_FIELD_NUMBER: _ClassVar[int]
    room: RoomSpec
    def __init__(self, room: _Optional[_Union[RoomSpec, _Mapping]] = ...) -> None: ...

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
    __slots__ = ("slug", "opens_at", "closes_at")
    SLUG_FIELD_NUMBER: _ClassVar[int]
    OPENS_AT_FIELD_NUMBER: _ClassVar[int]
    CLOSES_AT_FIELD_NUMBER: _ClassVar[int]
    slug: str
    opens_at: _timestamp_pb2.Timestamp
    closes_at: _timestamp_pb2.Timestamp
    def __init__(self, slug: _Optional[str] = ..., opens_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., closes_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

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
