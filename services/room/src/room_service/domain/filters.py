"""Domain: personal mute and block: what one person hides for themselves, and who may not reach them.

A person's list holds at most one filter per other person (UNIQUE (owner, target)): `mute` hides the target's
messages from the owner's history and live streams; `block` does that and also refuses the target's
@mentions of, replies to, and hearts on, the owner. Nobody else is affected, and the target is never told of
a mute; of a block they learn only that they cannot reach this person (CannotReach).

What is never hidden: anything given as a moderator. Room's moderators speak as moderators through private
notices (warnings, care notices, "help is coming": no timeline items, so no filter sees them), removals and
restorations, session and turn changes and slow mode; those timeline items carry no author and pass. An
ordinary chat message is hideable whoever wrote it, staff included: a message records no capacity, and
hiding a chat message never hides a moderator's action or notice.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Collection, Mapping

from hearth_common import blocks
from hearth_common.blocks import CANNOT_REACH  # noqa: F401  (what the blocked person is told: common's words)
from hearth_common.ids import parse_uuid
from hearth_common.pacing import Pace
from room_service.domain.errors import CannotReach, InvalidFilter, UnblockFirst

MUTE = "mute"
BLOCK = "block"
KINDS = (MUTE, BLOCK)

# Changes to one's own list, per person: a burst, then one a second (a list is private, but each change is a
# write and a broadcast to the person's open streams; this stops a script flipping it in a loop).
FILTER_PACE = Pace(20, dt.timedelta(seconds=1), "changing your mute and block list")
MAX_FILTERS = 1000  # per person: far beyond any real use, and a bound on what every stream of theirs holds

# The timeline kinds that carry a message someone wrote (data["author_id"]): the only ones a filter hides.
AUTHORED_KINDS = frozenset({"message_posted", "message_edited", "message_restored"})


@dataclasses.dataclass(frozen=True)
class PersonalFilter:
    owner_id: str
    target_id: str
    kind: str  # MUTE or BLOCK
    created_at: dt.datetime


def check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise InvalidFilter(f"kind must be one of {', '.join(KINDS)}")
    return kind


def check_target(owner_id: str, target_id: str) -> None:
    if owner_id == target_id:
        raise InvalidFilter("you cannot mute or block yourself")


def changed(current: PersonalFilter | None, kind: str, on: bool) -> str | None:
    """The kind the owner's filter of this person has after setting `kind` `on` or off, given the current one
    (None: no filter). Idempotent. A block includes a mute: muting a blocked person keeps the block;
    unmuting one is refused (unblock them, which removes the filter: to keep them muted, mute them again);
    unblocking a muted-only person keeps the mute."""
    kind = check_kind(kind)
    now = current.kind if current is not None else None
    if on:
        return BLOCK if BLOCK in (kind, now) else MUTE
    if kind == BLOCK:
        return None if now == BLOCK else now
    if now == BLOCK:
        raise UnblockFirst("you have blocked this person; unblock them to see their messages again")
    return None


def hidden_from(item: Mapping, hidden: Collection[str]) -> bool:
    """Whether a timeline item is hidden from a stream whose person hides `hidden` (their muted and blocked
    people): a message they wrote. The per-item check of a live stream: a set lookup, no I/O."""
    return bool(hidden) and item.get("kind") in AUTHORED_KINDS and item["data"].get("author_id") in hidden


def check_may_reach(author_id: str, blocked_by: Collection[str], reached: Collection[str]) -> None:
    """Refuses a post, edit or heart by `author_id` that reaches (mentions, replies to, hearts) someone in
    `reached` who blocked them (`blocked_by`: the people who blocked the author, among those reached)."""
    blocks.check_may_reach(author_id, blocked_by, reached, CannotReach)


def check_blockers_question(author_id: object, person_ids: object) -> tuple[str, list[str]]:
    """The author and the distinct people of a `room.blockers_of` question (another service asking who among the
    people a post would reach blocks its author): UUIDs, at most blocks.ASKED_MAX people; InvalidFilter otherwise."""
    author = parse_uuid(author_id, "author_id", InvalidFilter)
    if not isinstance(person_ids, list | tuple) or len(person_ids) > blocks.ASKED_MAX:
        raise InvalidFilter(f"person_ids must be a list of at most {blocks.ASKED_MAX} person ids")
    return author, list(dict.fromkeys(parse_uuid(p, "person_ids", InvalidFilter) for p in person_ids))
