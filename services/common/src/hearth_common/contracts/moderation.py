"""Cross-cutting (pure): the contract of moderation's events (exchange `moderation.events`, routing key = type):
the sanctions room enforces from its read model.

A mute stops a person posting, a ban stops them joining; `room_slug` null means every room, `expires_at` null
means until lifted. Consumers keep each sanction with the `seq` of the event that set it, so events may
arrive twice or out of order.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import ClassVar

from hearth_common.contracts.base import Contract, Payload, Received, rule

SOURCE = "moderation"
SANCTION_KINDS: tuple[str, ...] = ("mute", "ban")


def _sanction_id():
    return rule(max_length=64)


def _person_id():
    return rule(max_length=36)


@dataclasses.dataclass(frozen=True, kw_only=True)
class SanctionImposed(Payload):
    """A person was muted or banned, in one room or every room, for a time or until lifted."""

    TYPE: ClassVar[str] = "sanction_imposed"
    sanction_id: str = _sanction_id()
    person_id: str = _person_id()
    kind: str = rule(choices=SANCTION_KINDS)
    room_slug: str | None = rule(max_length=64, default=None)
    expires_at: dt.datetime | None = None
    reason: str = rule(empty=True, default="")


@dataclasses.dataclass(frozen=True, kw_only=True)
class SanctionLifted(Payload):
    """A sanction ended before it expired."""

    TYPE: ClassVar[str] = "sanction_lifted"
    sanction_id: str = _sanction_id()
    person_id: str = _person_id()


ModerationPayload = SanctionImposed | SanctionLifted

CONTRACT = Contract(SOURCE, SanctionImposed, SanctionLifted)
EVENT_TYPES = CONTRACT.types


def parse(envelope: object) -> Received[ModerationPayload]:
    """One of moderation's events as published; InvalidEvent (naming the field) when it breaks this contract."""
    return CONTRACT.parse(envelope)
