"""Cross-cutting: conversions between protobuf values (Timestamp, prefixed enums) and plain Python values."""
from __future__ import annotations

import datetime as dt

from google.protobuf.timestamp_pb2 import Timestamp

from hearth_common.errors import InvalidArgument

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


def to_timestamp(value: dt.datetime | str | None) -> Timestamp | None:
    """A Timestamp from an aware datetime or its ISO-8601 form (as JSON carries it); None stays None."""
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.astimezone(dt.timezone.utc)  # a naive time is local, as datetime.astimezone takes it
    since = value - _EPOCH  # a quarter of Timestamp.FromDatetime's cost (it is on every message of a page)
    return Timestamp(seconds=since.days * 86_400 + since.seconds, nanos=since.microseconds * 1000)


def set_timestamp(field: Timestamp, value: dt.datetime | str | None) -> None:
    """Sets a message's Timestamp field in place to what to_timestamp would make of `value` (None leaves it
    unset): for a message added to a repeated field, this skips building a Timestamp and copying it in."""
    if value is None:
        return
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.astimezone(dt.timezone.utc)
    since = value - _EPOCH
    field.seconds = since.days * 86_400 + since.seconds
    field.nanos = since.microseconds * 1000


def from_timestamp(message, field: str) -> dt.datetime | None:
    """The field's time as an aware UTC datetime, or None when the field is unset; InvalidArgument naming
    the field for a time no datetime holds (before year 1 or after 9999, or nanos out of range)."""
    if not message.HasField(field):
        return None
    try:
        return getattr(message, field).ToDatetime(tzinfo=dt.timezone.utc)
    except (ValueError, OverflowError):
        raise InvalidArgument(f"{field} is not a valid time (seconds from 0001-01-01 to 9999-12-31, "
                              "nanos 0 to 999,999,999)") from None


def enum_value(enum_wrapper, number: int, prefix: str) -> str:
    """PERSON_KIND_MEMBER -> 'member'; unknown or UNSPECIFIED numbers -> '' (refused by domain validation)."""
    try:
        name = enum_wrapper.Name(number)
    except ValueError:
        return ""
    value = name.removeprefix(prefix).lower()
    return "" if value == "unspecified" else value


def enum_number(enum_wrapper, value: str, prefix: str) -> int:
    return enum_wrapper.Value(prefix + value.upper())
