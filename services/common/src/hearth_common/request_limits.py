"""Cross-cutting: the sizes a gRPC request may have, checked at the edge before any work is done for it.

Every string, bytes and repeated field of every request message has a limit: a service's own overrides first
(taken from its domain constants, so the edge is never tighter than the domain's rule), then common's defaults
by the field's name (slugs, usernames, ids, tokens, reasons, from common's vocabulary), else free text. The check walks
the request's protobuf descriptor (nested messages, repeated fields, maps, oneofs) and answers with a refusal
that names the field and its limit, never the value ("slug is 17000 characters; at most 64"). The same limits
bound the largest legal request, which sizes the server's maximum receive message length.
"""
from __future__ import annotations

import dataclasses
import fnmatch
from collections.abc import Iterable, Mapping

from google.protobuf import descriptor_pool
from google.protobuf.descriptor import Descriptor, FieldDescriptor

from hearth_common.idempotency import KEY_MAX
from hearth_common.ids import ID_MAX
from hearth_common.vocabulary import BADGE_SLUG, ROOM_SLUG, USERNAME


@dataclasses.dataclass(frozen=True)
class Limit:
    """The most characters a text field (bytes for a bytes field, items for a repeated one) may have. With
    `trimmed`, the domain trims the text before its own check, so whitespace around it does not count (only
    the server's receive limit bounds it)."""

    most: int
    trimmed: bool = False


def free_text(most: int) -> Limit:
    """A limit for text the domain trims before measuring (names, reasons, bodies)."""
    return Limit(most, trimmed=True)


SLUG_MAX = max(ROOM_SLUG.max_length, BADGE_SLUG.max_length)
TOKEN_MAX = 4096  # an access token (a JWT with its roles) or a refresh token; neither is near this
IDEMPOTENCY_KEY_MAX = KEY_MAX  # hearth_common.idempotency's rule, which every keyed call follows
REASON_MAX = 1000  # a service names its own (identity's and room's are 500)
FREE_TEXT_MAX = 4000  # any other text, unless the service names its limit
BYTES_MAX = 65_536
ITEMS_MAX = 100  # any repeated field (and map), unless the service names its limit
# However small the largest legal request, a field sent too long (a 17,000-character slug) must reach the
# edge's check and be refused naming the field, not be cut off by gRPC as an oversized message.
RECEIVE_FLOOR_BYTES = 64 * 1024

# Field-name patterns (fnmatch; a pattern with a '.' matches the field's full name, as in
# 'hearth.room.v1.RoomSpec.topic' or '*.RoomSpec.topic'), tried in order after a service's own overrides.
DEFAULT_TEXT: Mapping[str, Limit] = {
    "slug": Limit(SLUG_MAX),
    "*_slug": Limit(SLUG_MAX),
    "username": Limit(USERNAME.max_length),
    "*_username": Limit(USERNAME.max_length),
    "id": Limit(ID_MAX),
    "*_id": Limit(ID_MAX),
    "ids": Limit(ID_MAX),  # each of a list of ids
    "*_ids": Limit(ID_MAX),
    "*token": Limit(TOKEN_MAX),
    "idempotency_key": free_text(IDEMPOTENCY_KEY_MAX),
    "reason": free_text(REASON_MAX),
    "note": free_text(REASON_MAX),
    "*": free_text(FREE_TEXT_MAX),
}
DEFAULT_BYTES: Mapping[str, Limit] = {"*": Limit(BYTES_MAX)}
DEFAULT_ITEMS: Mapping[str, Limit] = {"*": Limit(ITEMS_MAX)}

_TEXT, _BYTES, _MESSAGE, _SCALAR = "text", "bytes", "message", "scalar"
_VARINT_MAX, _TAG_MAX = 10, 5


@dataclasses.dataclass(frozen=True)
class _Step:
    """What to check of one field: its kind (text, bytes, a message or another scalar), the limit of its text
    (of each item when repeated), and when repeated the limit on its items (and on a map's text keys)."""

    name: str
    kind: str
    limit: Limit | None = None
    items: Limit | None = None
    is_map: bool = False
    map_key: Limit | None = None


class RequestLimits:
    """The limits of every field of every request message, with a service's overrides before the defaults.

    `text`, `bytes_` and `items` map field-name patterns to limits (see DEFAULT_TEXT); a service passes the
    ones its domain sets, e.g. `{"body": free_text(MAX_BODY)}`."""

    def __init__(
        self,
        text: Mapping[str, Limit] | None = None,
        bytes_: Mapping[str, Limit] | None = None,
        items: Mapping[str, Limit] | None = None,
    ):
        self.text = _ordered(text, DEFAULT_TEXT)
        self.bytes = _ordered(bytes_, DEFAULT_BYTES)
        self.items = _ordered(items, DEFAULT_ITEMS)
        self._plans: dict[str, tuple[_Step, ...]] = {}

    # --- the check -------------------------------------------------------------------------------------

    def refusal(self, request) -> str | None:
        """What is too big in the request, naming the field and its limit; None when it is within them."""
        return self._refusal(request, "")

    def _refusal(self, message, prefix: str) -> str | None:
        for step in self._plan(message.DESCRIPTOR):
            name = prefix + step.name
            value = getattr(message, step.name)
            if step.items is not None:
                if len(value) > step.items.most:
                    return f"{name} has {len(value)} items; at most {step.items.most}"
                if step.is_map:
                    if step.map_key is not None:
                        for key in value:
                            if (problem := _too_long(key, step.map_key, f"{name} key")) is not None:
                                return problem
                    value = value.values()
                for index, item in enumerate(value):
                    if (problem := self._item(item, step, f"{name}[{index}]")) is not None:
                        return problem
            elif step.kind == _MESSAGE:
                if message.HasField(step.name) and (problem := self._refusal(value, name + ".")) is not None:
                    return problem
            elif (problem := _too_long(value, step.limit, name, step.kind)) is not None:
                return problem
        return None

    def _item(self, item, step: _Step, name: str) -> str | None:
        if step.kind == _MESSAGE:
            return self._refusal(item, name + ".")
        return None if step.kind == _SCALAR else _too_long(item, step.limit, name, step.kind)

    def _plan(self, descriptor: Descriptor) -> tuple[_Step, ...]:
        plan = self._plans.get(descriptor.full_name)
        if plan is None:
            plan = self._plans[descriptor.full_name] = tuple(
                step for field in descriptor.fields if (step := self._step(field)) is not None
            )
        return plan

    def _step(self, field: FieldDescriptor) -> _Step | None:
        """The check of a field (None for a singular number, enum or bool: its size is fixed)."""
        items = self.items_of(field) if field.is_repeated else None
        checked, is_map, map_key = field, False, None
        if field.type == FieldDescriptor.TYPE_MESSAGE and field.message_type.GetOptions().map_entry:
            key, checked = field.message_type.fields_by_name["key"], field.message_type.fields_by_name["value"]
            is_map = True
            map_key = self.limit_of(key, as_field=field) if key.type == FieldDescriptor.TYPE_STRING else None
        if checked.type == FieldDescriptor.TYPE_MESSAGE:
            return _Step(field.name, _MESSAGE, None, items, is_map, map_key)
        if _is_text(checked):
            kind = _TEXT if checked.type == FieldDescriptor.TYPE_STRING else _BYTES
            return _Step(field.name, kind, self.limit_of(checked, as_field=field), items, is_map, map_key)
        return _Step(field.name, _SCALAR, None, items, is_map) if items is not None else None

    def limit_of(self, field: FieldDescriptor, as_field: FieldDescriptor | None = None) -> Limit:
        """The limit of a text or bytes field (of each of its items when repeated; a map's keys and values
        take the limit of the map field `as_field`)."""
        rules = self.bytes if field.type == FieldDescriptor.TYPE_BYTES else self.text
        return _match(rules, as_field or field)

    def items_of(self, field: FieldDescriptor) -> Limit:
        """The most items a repeated field (or map) may have."""
        return _match(self.items, field)

    # --- the largest legal request ------------------------------------------------------------------------

    def largest_bytes(self, descriptor: Descriptor, _seen: frozenset[str] = frozenset()) -> int:
        """An upper bound of the encoded size of a request within every limit (text at 4 bytes a character,
        every field of a oneof present, every integer at its longest)."""
        if descriptor.full_name in _seen:
            raise ValueError(f"{descriptor.full_name} nests itself: its largest size has no bound")
        seen = _seen | {descriptor.full_name}
        total = 0
        for field in descriptor.fields:
            repeated = field.is_repeated
            if field.type == FieldDescriptor.TYPE_MESSAGE and field.message_type.GetOptions().map_entry:
                entry = field.message_type.fields_by_name
                one = self._value_bytes(entry["key"], field, seen) + self._value_bytes(entry["value"], field, seen)
                one = _TAG_MAX + _varint_size(one) + one
            else:
                one = self._value_bytes(field, field, seen)
            total += one * (self.items_of(field).most if repeated else 1)
        return total

    def _value_bytes(self, field: FieldDescriptor, limited_as: FieldDescriptor, seen: frozenset[str]) -> int:
        if field.type == FieldDescriptor.TYPE_MESSAGE:
            size = self.largest_bytes(field.message_type, seen)
            return _TAG_MAX + _varint_size(size) + size
        if not _is_text(field):  # a number, an enum or a bool
            return _TAG_MAX + _VARINT_MAX
        most = self.limit_of(field, as_field=limited_as).most
        size = most * (4 if field.type == FieldDescriptor.TYPE_STRING else 1)  # UTF-8: at most 4 bytes a character
        return _TAG_MAX + _varint_size(size) + size

    def widest(self, message_class):
        """A message of the class with every field at its limit: text of 4-byte characters, numbers at their
        longest, every repeated field full and the last field of each oneof set. What largest_bytes bounds
        (whitespace around text the domain trims is not counted by its limit, only by the receive limit)."""
        message = message_class()
        self._fill(message)
        return message

    def _fill(self, message) -> None:
        for field in message.DESCRIPTOR.fields:
            count = self.items_of(field).most if field.is_repeated else 1
            target = getattr(message, field.name)
            if field.type == FieldDescriptor.TYPE_MESSAGE and field.message_type.GetOptions().map_entry:
                key, value = field.message_type.fields_by_name["key"], field.message_type.fields_by_name["value"]
                for index in range(count):
                    entry_key = self._widest_value(key, field, index)
                    if value.type == FieldDescriptor.TYPE_MESSAGE:
                        self._fill(target[entry_key])
                    else:
                        target[entry_key] = self._widest_value(value, field, index)
            elif field.type == FieldDescriptor.TYPE_MESSAGE:
                for _ in range(count):
                    self._fill(target.add() if field.is_repeated else target)
            elif field.is_repeated:
                target.extend(self._widest_value(field, field, index) for index in range(count))
            else:
                setattr(message, field.name, self._widest_value(field, field, 0))

    def _widest_value(self, field: FieldDescriptor, limited_as: FieldDescriptor, index: int):
        if field.type == FieldDescriptor.TYPE_STRING:
            limit = self.limit_of(field, as_field=limited_as)
            unique = str(index)  # map keys differ
            text = unique + "\U0001F600" * (limit.most - len(unique))
            return text
        if field.type == FieldDescriptor.TYPE_BYTES:
            return b"\xff" * self.limit_of(field, as_field=limited_as).most
        if field.type == FieldDescriptor.TYPE_BOOL:
            return index == 0
        if field.type == FieldDescriptor.TYPE_ENUM:
            return field.enum_type.values[-1].number
        if field.cpp_type in (FieldDescriptor.CPPTYPE_FLOAT, FieldDescriptor.CPPTYPE_DOUBLE):
            return -1.5
        if field.cpp_type in (FieldDescriptor.CPPTYPE_UINT32, FieldDescriptor.CPPTYPE_UINT64):
            return 2 ** (32 if field.cpp_type == FieldDescriptor.CPPTYPE_UINT32 else 64) - 1 - index
        return -1 - index  # a negative varint takes its ten bytes

    def receive_limit(self, service_names: Iterable[str], pool=None) -> int:
        """The server's maximum receive message length: the largest legal request of any method of the named
        services (those the descriptor pool knows), never below RECEIVE_FLOOR_BYTES."""
        pool = pool or descriptor_pool.Default()
        largest = 0
        for name in service_names:
            try:
                service = pool.FindServiceByName(name)
            except KeyError:
                continue
            for method in service.methods:
                largest = max(largest, self.largest_bytes(method.input_type))
        return max(RECEIVE_FLOOR_BYTES, largest + 1024)


def _ordered(overrides: Mapping[str, Limit] | None, defaults: Mapping[str, Limit]) -> tuple[tuple[str, Limit], ...]:
    overrides = dict(overrides or {})
    return (*overrides.items(), *((p, limit) for p, limit in defaults.items() if p not in overrides))


def _match(rules: tuple[tuple[str, Limit], ...], field: FieldDescriptor) -> Limit:
    for pattern, limit in rules:
        if fnmatch.fnmatchcase(field.full_name if "." in pattern else field.name, pattern):
            return limit
    raise LookupError(f"no limit for {field.full_name}: the rules need a '*' pattern")


def _too_long(value, limit: Limit, name: str, kind: str = _TEXT) -> str | None:
    size = len(value)
    if size <= limit.most:
        return None
    if limit.trimmed and kind == _TEXT:
        size = len(value.strip())
        if size <= limit.most:
            return None
    unit = "characters" if kind == _TEXT else "bytes"
    return f"{name} is {size} {unit}; at most {limit.most}"


def _is_text(field: FieldDescriptor) -> bool:
    return field.type in (FieldDescriptor.TYPE_STRING, FieldDescriptor.TYPE_BYTES)


def _varint_size(number: int) -> int:
    return max(1, (number.bit_length() + 6) // 7)
