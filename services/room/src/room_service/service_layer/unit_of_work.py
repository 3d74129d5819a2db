"""Service layer: the unit-of-work and repository contracts room's use cases are written against."""
from __future__ import annotations

import abc
import dataclasses
import datetime as dt
from collections.abc import Iterable
from typing import Any, Protocol, TypedDict

from hearth_common.events import Event
from hearth_common.idempotency import IdempotencyRecords
from hearth_common.pacing import PacesPort
from hearth_common.people import PeoplePort, RoleFact
from hearth_common.unit_of_work import UniqueViolation  # noqa: F401  (re-exported for the use cases)
from hearth_common.unit_of_work import UnitOfWork as BaseUnitOfWork
from room_service.domain.automod import StoredRuleSet
from room_service.domain.filters import PersonalFilter
from room_service.domain.grants import CohortGrant
from room_service.domain.hosting import HostedSession
from room_service.domain.messages import Message
from room_service.domain.notices import Notice
from room_service.domain.people import KnownPerson
from room_service.domain.rooms import Room
from room_service.domain.sanctions import Sanction
from room_service.domain.scripts import Script
from room_service.domain.sessions import Session

# --- what the repositories hand back besides the domain's entities ----------------------------------------


@dataclasses.dataclass(frozen=True)
class Member:
    """A person in a room: since when, last seen (heartbeat, post or open stream), and whether they hold a
    facilitated room open (checked in)."""

    room_slug: str
    person_id: str
    username: str | None
    joined_at: dt.datetime
    last_seen_at: dt.datetime
    checked_in: bool = False


@dataclasses.dataclass(frozen=True)
class AccessContext:
    """The room and everything its door decides on for one person, read together."""

    room: Room
    person: KnownPerson | None
    sanctions: list[Sanction]  # the person's active ones, anywhere
    cohort_grant: bool  # an unexpired, unrevoked cross-cohort grant for this room
    facilitated_open: bool  # a facilitator is checked in or a session is live
    live_session_id: str | None
    member: Member | None  # their membership of the room, if they are in it


@dataclasses.dataclass(frozen=True)
class PostingContext:
    """Everything a post is decided on, read together (the person's presence refreshed on the way)."""

    room: Room
    in_room: bool
    member_username: str | None
    sanctions: list[Sanction]
    recent_posts: list[dt.datetime]  # their posting and last-edit times within the rate window, any room
    last_in_room: dt.datetime | None  # their last post in this room, when it is in slow mode
    facilitated_open: bool  # a facilitated room held open (False for other modes)
    # for automod: the author's role grants (read model of people), their newest messages in this room within
    # automod.RECENT_WINDOW (body, posted at; newest first), and the version of the rule set kept (0: none yet)
    author_roles: tuple[RoleFact, ...] = ()
    recent_in_room: list[tuple[str, dt.datetime]] = dataclasses.field(default_factory=list)
    automod_version: int = 0
    author_cohort: str | None = None  # the author's cohort (read model of people): the wall is asked only across it


@dataclasses.dataclass(frozen=True)
class StreamState:
    """A room's stream row: its last timeline seq and who has the Sharing Circle's turn."""

    last_seq: int
    speaker_id: str | None
    speaker_since: dt.datetime | None


class TimelineItem(TypedDict):
    """One item of a room's timeline (gap-free `seq` per room), as stored, replayed and fanned out live."""

    room_slug: str
    seq: int
    kind: str
    data: dict[str, Any]
    occurred_at: dt.datetime


# A page of messages, each with whether the reader hearted it.
MessagePage = list[tuple[Message, bool]]


# --- the repositories --------------------------------------------------------------------------------------


class RoomsRepository(Protocol):
    def get(self, slug: str, *, lock: bool = False) -> Room | None: ...
    def list(self, include_archived: bool = False, topic: str | None = None) -> list[Room]: ...
    def access_context(self, slug: str, person_id: str, now: dt.datetime) -> AccessContext | None: ...
    def add_if_missing(self, room: Room, actor: str) -> bool: ...
    def add(self, room: Room, actor: str) -> None: ...
    def save(self, room: Room, actor: str) -> None: ...


class PeopleRepository(PeoplePort, Protocol):
    def by_usernames(self, usernames: list[str]) -> dict[str, KnownPerson]: ...


class StreamsRepository(Protocol):
    def lock(self, slug: str) -> StreamState: ...
    def next_seq(self, slug: str) -> int: ...
    def set_speaker(self, slug: str, speaker_id: str | None, since: dt.datetime | None) -> None: ...
    def heads(self, slugs: list[str]) -> dict[str, int]: ...


class TimelineRepository(Protocol):
    def add(self, item: TimelineItem) -> None: ...
    def after(self, slug: str, after_seq: int, limit: int, upto: int | None = None) -> list[TimelineItem]: ...


class MembersRepository(Protocol):
    def get(self, slug: str, person_id: str) -> Member | None: ...
    def add_joined(self, member: Member, capacity: int, timeline_data: dict[str, Any], live_session_id: str | None,
                   joined: Event) -> int | None: ...
    def remove(self, slug: str, person_id: str) -> bool: ...
    def lock(self, slug: str, person_id: str, seen_before: dt.datetime | None = None) -> bool: ...
    def list(self, slug: str) -> list[Member]: ...
    def to_recheck(self, now: dt.datetime, since: dt.datetime) -> list[tuple[str, str]]: ...
    def rooms_of(self, person_id: str) -> list[str]: ...
    def touch(self, pairs: list[tuple[str, str]], now: dt.datetime) -> int: ...
    def set_checked_in(self, slug: str, person_id: str, checked_in: bool) -> None: ...
    def checked_in_rooms(self) -> set[str]: ...
    def stale(self, before: dt.datetime, limit: int) -> list[tuple[str, str]]: ...


class MessagesRepository(Protocol):
    def get(self, message_id: str, *, lock: bool = False) -> Message | None: ...
    def save(self, message: Message) -> None: ...
    def read(self, slug: str, person_id: str, now: dt.datetime, *, before_seq: int | None = None,
             after_seq: int | None = None, limit: int) -> tuple[AccessContext, MessagePage] | None: ...
    def posting_context(self, slug: str, person_id: str, now: dt.datetime, since: dt.datetime,
                        since_in_room: dt.datetime, since_recent: dt.datetime) -> PostingContext | None: ...
    def recent_writes(self, person_id: str, since: dt.datetime) -> list[dt.datetime]: ...
    def add_posted(self, message: Message, timeline_data: dict[str, Any], posted: Event) -> int:
        """Stores the message at the room's next seq with its timeline item and the `posted` event (whose
        data's seq is filled in with that seq): all or nothing; returns the seq."""
    def heart(self, message_id: str, person_id: str, on: bool, now: dt.datetime) -> int | None: ...


class SanctionsRepository(Protocol):
    def get(self, sanction_id: str, *, lock: bool = False) -> Sanction | None: ...
    def lock_new(self, sanction_id: str, person_id: str) -> None: ...
    def save(self, sanction: Sanction) -> None: ...
    def active_for(self, person_id: str) -> list[Sanction]: ...


class CohortGrantsRepository(Protocol):
    def add(self, grant: CohortGrant) -> None: ...
    def get(self, grant_id: str, *, lock: bool = False) -> CohortGrant | None: ...
    def revoke(self, grant_id: str, by: str, now: dt.datetime) -> None: ...
    def rooms_for(self, person_id: str, now: dt.datetime) -> set[str]: ...
    def in_force_until(self, person_id: str, slug: str, now: dt.datetime) -> dt.datetime | None:
        """When the person's unrevoked grants for the room in force now end (the latest), or None."""
    def list(self, slug: str | None) -> list[CohortGrant]: ...


class SessionsRepository(Protocol):
    def get(self, session_id: str, *, lock: bool = False) -> Session | None: ...
    def add(self, session: Session) -> None: ...
    def save(self, session: Session) -> None: ...
    def live_in(self, slug: str) -> Session | None: ...
    def overlapping(self, slug: str, starts_at: dt.datetime, ends_at: dt.datetime) -> list[Session]: ...
    def next_overdue(self, ended_before: dt.datetime) -> Session | None: ...
    def live_rooms(self) -> set[str]: ...
    def list(self, slugs: Iterable[str] | None, statuses: tuple[str, ...], limit: int = 200,
             latest: bool = False) -> list[Session]: ...
    def attend(self, session_id: str, person_id: str, now: dt.datetime) -> None: ...
    def attendees(self, session_id: str) -> list[str]: ...
    def hosted_by(self, leader_id: str, since: dt.datetime, until: dt.datetime) -> list[HostedSession]:
        """The ended sessions the person led that ran within [since, until), each with its room's topic and how
        many people besides the leader attended."""


class ScriptsRepository(Protocol):
    """The library of facilitation scripts."""

    def get(self, script_id: str) -> Script | None: ...
    def list(self, session_type: str | None, cohort: str | None) -> list[Script]:
        """By title; of one session type (None: all), for one cohort (None: all; else its own and "any")."""
    def put(self, script: Script) -> bool: ...  # adds or replaces; True when it was new
    def add_if_missing(self, script: Script) -> bool: ...  # a seeded script: an admin's edit is kept


class HandsRepository(Protocol):
    def list(self, slug: str) -> list[tuple[str, dt.datetime]]: ...
    def add(self, slug: str, person_id: str, raised_at: dt.datetime) -> None: ...
    def remove(self, slug: str, person_id: str) -> bool: ...


class NoticesRepository(Protocol):
    def add(self, notice: Notice) -> bool:
        """Stores a new notice (its `position` set); False, storing nothing, when its id is stored already."""
    def get(self, notice_id: str, person_id: str, *, lock: bool = False) -> Notice | None:
        """The person's own notice by that id; None for none, or for another person's."""
    def save(self, notice: Notice) -> None: ...
    def page(self, person_id: str, before: int | None, limit: int) -> list[Notice]:
        """Up to `limit` of the person's notices with a position below `before` (None: from the newest),
        newest first."""
    def received_since(self, person_ids: list[str], since: dt.datetime) -> list[Notice]:
        """The notices of these people received at or after `since`, oldest first."""
    def purge(self, received_before: dt.datetime) -> int: ...

class AutomodRepository(Protocol):
    """The read model of moderation's automod rule set: the highest version received."""

    def version(self) -> int: ...  # 0 when none was received
    def current(self) -> StoredRuleSet | None: ...
    def keep_if_newer(self, stored: StoredRuleSet) -> bool: ...  # False (nothing written) unless it is newer


class PersonalFiltersRepository(Protocol):
    """Personal mute and block (domain/filters.py): at most one filter per (owner, target)."""

    def get(self, owner_id: str, target_id: str) -> PersonalFilter | None: ...
    def put(self, personal_filter: PersonalFilter) -> None: ...  # adds, or changes the kind of, the pair's filter
    def remove(self, owner_id: str, target_id: str) -> bool: ...  # False when there was none
    def list(self, owner_id: str) -> list[PersonalFilter]: ...  # oldest first
    def hidden_by(self, owners: list[str]) -> dict[str, set[str]]:
        """The people each of `owners` mutes or blocks, in one query (an owner with none is left out)."""
    def count(self, owner_id: str) -> int: ...
    def blockers(self, target_id: str, owners: list[str]) -> set[str]:
        """Those of `owners` who blocked `target_id`."""


class UnitOfWork(BaseUnitOfWork):
    """Room's transaction. Besides the outbox events, it collects the timeline items it wrote, which the
    service hands to the live fan-out once (and only if) the transaction committed."""

    rooms: RoomsRepository
    people: PeopleRepository
    streams: StreamsRepository
    timeline: TimelineRepository
    members: MembersRepository
    messages: MessagesRepository
    paces: PacesPort
    sanctions: SanctionsRepository
    cohort_grants: CohortGrantsRepository
    sessions: SessionsRepository
    hands: HandsRepository
    notices: NoticesRepository
    automod: AutomodRepository
    scripts: ScriptsRepository
    personal_filters: PersonalFiltersRepository
    idempotency: IdempotencyRecords  # the first results of calls made with an idempotency key

    def __enter__(self):
        super().__enter__()
        self.timeline_items: list[TimelineItem] = []
        return self

    @abc.abstractmethod
    def add_posted_and_commit(self, message: Message, timeline_data: dict[str, Any], posted: Event) -> int:
        """messages.add_posted as this transaction's last write, committed with it in the same round trip (the
        room's seq row, locked to take the seq, is never held while this process waits); returns the seq. A
        failure commits nothing. Afterwards commit() has nothing left to do, and nothing more may be written."""

    @abc.abstractmethod
    def claim_event(self, envelope: dict) -> bool:
        """Records an incoming event as handled in this transaction; False if it was handled before."""
