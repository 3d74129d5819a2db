"""Seed: the starter room catalogue (rooms.json beside this module) and the facilitation script library
(scripts.json), each record checked by the room domain's rules."""
from __future__ import annotations

import collections
import dataclasses
from collections.abc import Mapping
from typing import Any

from hearth_common.seed import SeedError, read_document, read_records
from room_service.domain.rooms import Room
from room_service.domain.scripts import Script, script_from

# A seeded room gives every field a Room requires (the window and slow mode start unset).
RoomSpec = collections.namedtuple(
    "RoomSpec", [field.name for field in dataclasses.fields(Room) if field.default is dataclasses.MISSING]
)
RoomSpec.__doc__ = """One seeded room; plain data, so it can exist before the ORM maps Room.

access_policy is a JSON-able badge-lock expression:
{"always": true} | {"badge": slug} | {"kind": "member"|"listener"} | {"cohort": "teen"|"adult"}
| {"role": role} | {"all_of": [...]} | {"any_of": [...]} | {"not": {...}}.
Every policy in rooms.json pins the room's cohort in a top-level all_of (or is the bare cohort clause), so
adults and teens never share a room; a role clause means a live grant of that role, global or scoped to this room.
"""


def load_catalogue() -> tuple[tuple[str, ...], tuple[RoomSpec, ...]]:
    """The topics and rooms this package ships."""
    return parse_catalogue(read_document(__package__, "rooms.json", frozenset({"topics", "rooms"})))


def parse_catalogue(document: Mapping[str, Any]) -> tuple[tuple[str, ...], tuple[RoomSpec, ...]]:
    """The topics and rooms of a catalogue document; SeedError says which room is malformed and how."""
    topics = tuple(document["topics"])
    if len(set(topics)) != len(topics) or not all(isinstance(topic, str) for topic in topics):
        raise SeedError("the topics must be distinct strings")
    rooms = read_records(document["rooms"], RoomSpec, lambda spec: Room(**spec._asdict()).validate(), "room")
    for spec in rooms:
        if spec.topic not in topics:
            raise SeedError(f"room {spec.slug}: topic {spec.topic!r} is not one of the catalogue's topics")
    return topics, rooms


# A seeded script: its id is its slug; the other fields are Script's own (scripts.json's records).
ScriptSpec = collections.namedtuple(
    "ScriptSpec", ["slug", "session_type", "audience_cohort", "title", "opening", "prompts", "closing"])


def _script(spec: ScriptSpec) -> Script:
    return script_from(spec._asdict() | {"script_id": spec.slug}, "seed", None)


def load_scripts() -> tuple[Script, ...]:
    """The facilitation scripts this package ships, validated."""
    document = read_document(__package__, "scripts.json", frozenset({"scripts"}))
    return tuple(_script(spec) for spec in read_records(document["scripts"], ScriptSpec, _script, "script"))


# Read once, when the migrate step (or a test) first imports the seed; the services' processes never do.
TOPICS, STARTER_ROOMS = load_catalogue()
STARTER_SCRIPTS = load_scripts()
