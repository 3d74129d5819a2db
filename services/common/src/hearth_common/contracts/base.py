"""Cross-cutting (pure): the machinery of event contracts: typed payloads, their JSON form, and parsing that
refuses a malformed event with a reason naming the field."""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import types
import typing
from collections.abc import Mapping
from typing import Any, ClassVar, Generic, TypeVar

from hearth_common.errors import InvalidArgument
from hearth_common.events import Event


class InvalidEvent(InvalidArgument):
    """An event that breaks its producer's contract. Delivering it again cannot mend it, so a worker
    dead-letters it at once; the message names the event type and the field at fault."""


def rule(*, choices: tuple[str, ...] = (), max_length: int | None = None, minimum: int | None = None,
         empty: bool = False, omitted_when_none: bool = False, default: Any = dataclasses.MISSING) -> Any:
    """A payload field with rules beyond its type. A `str` is non-empty unless `empty`; `choices` lists the
    only values allowed; `minimum` bounds an `int`; `omitted_when_none` leaves the key out of the JSON when
    the value is None (a key the producer sends only sometimes: give it `default=None`); with a `default`, a
    reader accepts the key missing."""
    metadata = {"choices": choices, "max_length": max_length, "minimum": minimum, "empty": empty,
                "omitted_when_none": omitted_when_none}
    return dataclasses.field(default=default, metadata=metadata)


class Payload:
    """Base of a contract's payloads: one frozen keyword-only dataclass per event type, named by `TYPE`.

    Producers construct one and call `.event()`; consumers get one from their contract's `parse`."""

    TYPE: ClassVar[str]

    def data(self) -> dict[str, Any]:
        """The event's JSON `data`, field for field (datetimes as ISO-8601 text, tuples as lists)."""
        data = {}
        for field, _ in _fields(type(self)):
            value = getattr(self, field.name)
            if value is None and field.metadata.get("omitted_when_none"):
                continue
            data[field.name] = _json(value)
        return data

    def event(self, **envelope: Any) -> Event:
        """The event to write to the outbox (`envelope`: Event's id, occurred_at or request_id, if given)."""
        return Event(self.TYPE, self.data(), **envelope)

    @classmethod
    def from_data(cls, data: Any) -> Payload:
        """The payload a JSON `data` object holds; InvalidEvent names the first field that breaks the contract.
        Keys the contract does not name are ignored: a producer may add a field before its consumers know it."""
        if not isinstance(data, Mapping):
            raise InvalidEvent(f"{cls.TYPE}: data must be an object")
        values = {}
        for field, hint in _fields(cls):
            if field.name in data:
                values[field.name] = _read(cls.TYPE, field, hint, data[field.name])
            elif field.default is dataclasses.MISSING:
                raise InvalidEvent(f"{cls.TYPE}: data.{field.name} is missing")
        return cls(**values)


P = TypeVar("P", bound=Payload)


@dataclasses.dataclass(frozen=True)
class Received(Generic[P]):
    """An event as a consumer receives it: the envelope the relay published, with its payload typed."""

    event_id: str
    type: str
    source: str
    seq: int
    payload: P
    occurred_at: dt.datetime | None = None
    request_id: str | None = None


class Contract:
    """The events one service publishes (on `<source>.events`, routing key = type) and their parser."""

    def __init__(self, source: str, *payloads: type[Payload]):
        self.source = source
        self.payloads: dict[str, type[Payload]] = {payload.TYPE: payload for payload in payloads}
        self.types: tuple[str, ...] = tuple(self.payloads)

    def parse(self, envelope: Any) -> Received:
        """The typed event in an envelope as published (event_id, event_type, source, occurred_at, request_id,
        seq, data); InvalidEvent, naming the field, for anything that breaks the contract, an event type the
        source does not publish included."""
        if not isinstance(envelope, Mapping):
            raise InvalidEvent(f"an event from {self.source} must be a JSON object")
        event_type = envelope.get("event_type")
        payload = self.payloads.get(event_type) if isinstance(event_type, str) else None
        if payload is None:
            raise InvalidEvent(f"unknown {self.source} event {event_type!r}; {self.source} publishes "
                               + ", ".join(self.types))
        seq = envelope.get("seq")
        if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:  # without it, order could not be kept
            raise InvalidEvent(f"{event_type}: seq must be the outbox sequence number (an integer from 1)")
        event_id = envelope.get("event_id")
        if not isinstance(event_id, str) or not event_id:
            raise InvalidEvent(f"{event_type}: event_id must be a non-empty string")
        source = envelope.get("source", self.source)
        if source != self.source:
            raise InvalidEvent(f"{event_type}: source must be {self.source!r}, got {source!r}")
        request_id = envelope.get("request_id")
        if request_id is not None and not isinstance(request_id, str):
            raise InvalidEvent(f"{event_type}: request_id must be a string or null")
        occurred_at = envelope.get("occurred_at")
        if occurred_at is not None:
            occurred_at = _moment(event_type, "occurred_at", occurred_at, optional=True)
        return Received(event_id=event_id, type=event_type, source=self.source, seq=seq,
                        payload=payload.from_data(envelope.get("data")), occurred_at=occurred_at,
                        request_id=request_id)


# --- reading and writing the JSON form ------------------------------------------------------------


@functools.cache
def _fields(cls: type) -> tuple[tuple[dataclasses.Field, Any], ...]:
    hints = typing.get_type_hints(cls)
    return tuple((field, hints[field.name]) for field in dataclasses.fields(cls))


def _json(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_json(item) for item in value]
    return value


def _shape(hint: Any) -> tuple[Any, bool]:
    """The type a hint names, and whether it allows None."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        args = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        return args[0], len(args) < len(typing.get_args(hint))
    return hint, False


def _either(choices: tuple[str, ...]) -> str:
    return choices[0] if len(choices) == 1 else f"{', '.join(choices[:-1])} or {choices[-1]}"


def _read(event_type: str, field: dataclasses.Field, hint: Any, value: Any) -> Any:
    kind, optional = _shape(hint)
    if value is None and optional:
        return None
    rules, name = field.metadata, f"{event_type}: data.{field.name}"
    or_null = ", or null" if optional else ""
    if kind is str:
        if rules.get("choices"):
            if value not in rules["choices"]:
                raise InvalidEvent(f"{name} must be {_either(rules['choices'])}{or_null}, got {value!r}")
            return value
        limit, empty = rules.get("max_length"), rules.get("empty")
        if not isinstance(value, str) or (not value and not empty) or (limit is not None and len(value) > limit):
            what = "a string" if empty else "a non-empty string"
            raise InvalidEvent(f"{name} must be {what}" + (f" of at most {limit} characters" if limit else "")
                               + or_null)
        return value
    if kind is bool:
        if not isinstance(value, bool):
            raise InvalidEvent(f"{name} must be true or false{or_null}")
        return value
    if kind is int:
        minimum = rules.get("minimum")
        if not isinstance(value, int) or isinstance(value, bool) or (minimum is not None and value < minimum):
            raise InvalidEvent(f"{name} must be an integer" + (f" from {minimum}" if minimum is not None else "")
                               + or_null)
        return value
    if kind is dt.datetime:
        return _moment(event_type, f"data.{field.name}", value, optional)
    if kind is dict:  # an object whose own contract its consumer checks (e.g. automod's RuleSet.from_dict)
        if not isinstance(value, Mapping) or not all(isinstance(key, str) for key in value):
            raise InvalidEvent(f"{name} must be a JSON object{or_null}")
        return dict(value)
    if typing.get_origin(kind) is tuple:
        if not isinstance(value, (list, tuple)) or not all(isinstance(item, str) and item for item in value):
            raise InvalidEvent(f"{name} must be a list of non-empty strings{or_null}")
        return tuple(value)
    raise TypeError(f"{event_type}.{field.name}: a contract field cannot be of type {hint!r}")


def _moment(event_type: str, field: str, value: Any, optional: bool) -> dt.datetime:
    or_null = ", or null" if optional else ""
    try:
        moment = dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidEvent(f"{event_type}: {field} must be an ISO-8601 time with a UTC offset{or_null}") from None
    if moment.tzinfo is None:
        raise InvalidEvent(f"{event_type}: {field} must carry a UTC offset, as in 2026-06-15T18:00:00+00:00")
    return moment
