"""Unit-test fakes for room: an in-memory transactional store behind every repository port, a clock, and room's
use cases built on them (no database, no broker)."""
from __future__ import annotations

import contextlib
import copy
import dataclasses
import datetime as dt
import itertools
import uuid
from collections.abc import Iterable
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, settings
from room_unit_helpers import ROOMS, START

from hearth_common.events import Event
from hearth_common.fakes import (
    IDEMPOTENCY_TABLE,
    INBOX_TABLE,
    FakeClock,
    FakeIdempotencyRecords,
    FakePaces,
    InMemoryDatabase,
    InMemoryRepository,
    InMemoryUnitOfWork,
    Tables,
    foreign_key,
    unique,
)
from room_service.domain.automod import RECENT_LIMIT, StoredRuleSet
from room_service.domain.filters import BLOCK, PersonalFilter
from room_service.domain.grants import CohortGrant
from room_service.domain.hosting import HostedSession
from room_service.domain.messages import Message
from room_service.domain.notices import Notice
from room_service.domain.people import KnownPerson
from room_service.domain.rooms import Room
from room_service.domain.sanctions import Sanction
from room_service.domain.scripts import ANY_AUDIENCE, Script
from room_service.domain.sessions import Session
from room_service.seed import STARTER_SCRIPTS
from room_service.service_layer.conversation import Conversation
from room_service.service_layer.services import RoomService
from room_service.service_layer.sessions import Sessions
from room_service.service_layer.unit_of_work import (
    AccessContext,
    Member,
    MessagePage,
    PostingContext,
    StreamState,
    TimelineItem,
    UnitOfWork,
)

TABLES = ("rooms", "people", "streams", "timeline", "members", "messages", "hearts", "paces", "sanctions",
          "cohort_grants", "sessions", "attendance", "hands", "notices", "automod_rule_set", "scripts",
          "personal_filters", INBOX_TABLE, IDEMPOTENCY_TABLE)


@dataclasses.dataclass
class StreamRow:
    last_seq: int = 0
    speaker_id: str | None = None
    speaker_since: dt.datetime | None = None


def _timelines_have_no_gap(tables: Tables) -> None:
    """What room's row lock on a stream guarantees: each room's timeline is numbered 1, 2, 3... up to its last seq."""
    for slug, stream in tables["streams"].items():
        seqs = sorted(seq for room, seq in tables["timeline"] if room == slug)
        assert seqs == list(range(1, stream.last_seq + 1)), f"fake database: {slug}'s timeline has a gap: {seqs}"


def _hearts_are_counted(tables: Tables) -> None:
    """A message's hearts count is its hearts rows (one statement updates both)."""
    for message in tables["messages"].values():
        hearts = sum(1 for message_id, _ in tables["hearts"] if message_id == message.message_id)
        assert message.hearts == hearts, f"fake database: message {message.message_id} counts {message.hearts} hearts"


# The uniqueness rules of adapters/orm.py, and what room's row locks and statements guarantee.
CONSTRAINTS = (
    unique("rooms", "rooms_name_key", lambda room: room.name),
    unique("messages", "messages_room_slug_seq_key", lambda m: (m.room_slug, m.seq)),
    _timelines_have_no_gap,
    foreign_key("timeline", lambda item: item["room_slug"], "streams"),
    _hearts_are_counted,
    foreign_key("members", lambda m: m.room_slug, "rooms"),
    unique("personal_filters", "pk_personal_filters", lambda f: (f.owner_id, f.target_id)),
)


class FakeDatabase(InMemoryDatabase):
    """room's tables and rules in memory, and the events committed with them, like the outbox."""

    def __init__(self):
        super().__init__(TABLES, CONSTRAINTS)

    def timeline(self, slug: str) -> list[TimelineItem]:
        return sorted((copy.deepcopy(item) for (room, _), item in self.tables["timeline"].items() if room == slug),
                      key=lambda item: item["seq"])


# --- repositories: each reads the unit of work's snapshot and stages its writes ---------------------------


class FakeRepository(InMemoryRepository):
    """What several of room's repositories read: a person's active sanctions, a room's live session."""

    def _active_sanctions(self, person_id: str) -> list[Sanction]:
        return [copy.deepcopy(s) for s in self._rows("sanctions").values() if s.person_id == person_id and s.active]

    def _live_session(self, slug: str) -> Session | None:
        return next((s for s in self._rows("sessions").values() if s.room_slug == slug and s.status == "live"), None)

    def _facilitated_open(self, slug: str) -> bool:
        checked_in = any(m.checked_in for (room, _), m in self._rows("members").items() if room == slug)
        return checked_in or self._live_session(slug) is not None


class FakeRoomsRepository(FakeRepository):
    def get(self, slug: str, *, lock: bool = False) -> Room | None:
        return self._get("rooms", slug)

    def list(self, include_archived: bool = False, topic: str | None = None) -> list[Room]:
        rooms = [r for r in self._rows("rooms").values()
                 if (include_archived or r.status == "active") and (not topic or r.topic == topic)]
        return [copy.deepcopy(r) for r in sorted(rooms, key=lambda r: r.name)]

    def access_context(self, slug: str, person_id: str, now: dt.datetime) -> AccessContext | None:
        room = self._get("rooms", slug)
        if room is None:
            return None
        live = self._live_session(slug)
        return AccessContext(
            room=room,
            person=self._get("people", person_id),
            sanctions=self._active_sanctions(person_id),
            cohort_grant=any(g.person_id == person_id and g.room_slug == slug and g.revoked_at is None
                             and g.expires_at > now for g in self._rows("cohort_grants").values()),
            facilitated_open=self._facilitated_open(slug),
            live_session_id=live.session_id if live is not None else None,
            member=self._get("members", (slug, person_id)),
        )

    def add_if_missing(self, room: Room, actor: str) -> bool:
        rooms = self._rows("rooms")
        if room.slug in rooms or any(r.name == room.name for r in rooms.values()):
            return False
        self._put("rooms", room.slug, room)
        return True

    def add(self, room: Room, actor: str) -> None:
        self._insert("rooms", room.slug, room, "rooms_pkey")

    def save(self, room: Room, actor: str) -> None:
        if room.slug in self._rows("rooms"):
            self._put("rooms", room.slug, room)


class FakePeopleRepository(FakeRepository):
    def get(self, person_id: str, *, lock: bool = False) -> KnownPerson | None:
        return self._get("people", person_id)

    def by_usernames(self, usernames: list[str]) -> dict[str, KnownPerson]:
        return {p.username: copy.deepcopy(p) for p in self._rows("people").values() if p.username in usernames}

    def save(self, person: KnownPerson) -> None:
        self._put("people", person.person_id, person)

    def lock_new(self, person_id: str) -> None:
        if person_id not in self._rows("people"):
            self._put("people", person_id, KnownPerson(person_id))


class FakeStreamsRepository(FakeRepository):
    def lock(self, slug: str) -> StreamState:
        stream = self._get("streams", slug) or StreamRow()
        self._put("streams", slug, stream)
        return StreamState(stream.last_seq, stream.speaker_id, stream.speaker_since)

    def next_seq(self, slug: str) -> int:
        stream = self._get("streams", slug) or StreamRow()
        stream.last_seq += 1
        self._put("streams", slug, stream)
        return stream.last_seq

    def set_speaker(self, slug: str, speaker_id: str | None, since: dt.datetime | None) -> None:
        stream = self._get("streams", slug)
        if stream is not None:
            self._put("streams", slug, dataclasses.replace(stream, speaker_id=speaker_id, speaker_since=since))

    def heads(self, slugs: list[str]) -> dict[str, int]:
        return {slug: s.last_seq for slug, s in self._rows("streams").items() if slug in slugs}


class FakeTimelineRepository(FakeRepository):
    def add(self, item: TimelineItem) -> None:
        self._insert("timeline", (item["room_slug"], item["seq"]), item, "pk_timeline")

    def after(self, slug: str, after_seq: int, limit: int, upto: int | None = None) -> list[TimelineItem]:
        items = [item for (room, seq), item in self._rows("timeline").items()
                 if room == slug and seq > after_seq and (upto is None or seq <= upto)]
        return copy.deepcopy(sorted(items, key=lambda item: item["seq"])[:limit])


class FakeMembersRepository(FakeRepository):
    def get(self, slug: str, person_id: str) -> Member | None:
        return self._get("members", (slug, person_id))

    def add_joined(self, member: Member, capacity: int, timeline_data: dict[str, Any], live_session_id: str | None,
                   joined: Event) -> int | None:
        """As the one statement: nothing at all when the room is full."""
        if sum(1 for room, _ in self._rows("members") if room == member.room_slug) >= capacity:
            return None
        self._insert("members", (member.room_slug, member.person_id), member, "pk_members")
        seq = self.uow.streams.next_seq(member.room_slug)
        if live_session_id is not None:
            self.uow.sessions.attend(live_session_id, member.person_id, member.joined_at)
        self.uow.add_events([dataclasses.replace(joined, data={**joined.data, "seq": seq})])
        self.uow.timeline.add(TimelineItem(room_slug=member.room_slug, seq=seq, kind="member_joined",
                                           data=timeline_data, occurred_at=member.joined_at))
        return seq

    def remove(self, slug: str, person_id: str) -> bool:
        return self._delete("members", (slug, person_id))

    def lock(self, slug: str, person_id: str, seen_before: dt.datetime | None = None) -> bool:
        member = self._rows("members").get((slug, person_id))
        return member is not None and (seen_before is None or member.last_seen_at < seen_before)

    def list(self, slug: str) -> list[Member]:
        members = [m for (room, _), m in self._rows("members").items() if room == slug]
        return copy.deepcopy(sorted(members, key=lambda m: m.joined_at))

    def to_recheck(self, now: dt.datetime, since: dt.datetime) -> list[tuple[str, str]]:
        """As the SQL: a NULL cohort or kind compares as unknown, so as not different."""
        found = []
        for (slug, person_id) in sorted(self._rows("members")):
            room, person = self._rows("rooms")[slug], self._rows("people").get(person_id)
            if person is None:
                continue
            other_cohort = person.cohort is not None and person.cohort != room.audience_cohort
            other_kind = room.audience_kind != "both" and person.kind is not None and person.kind != room.audience_kind
            role_lapsed = any(g.active and g.expires_at is not None
                              and since <= dt.datetime.fromisoformat(g.expires_at) <= now
                              for g in person.grants.values())
            banned = any(s.person_id == person_id and s.active and s.kind == "ban"
                         and (s.room_slug is None or s.room_slug == slug)
                         and (s.expires_at is None or s.expires_at > now) for s in self._rows("sanctions").values())
            if other_cohort or other_kind or role_lapsed or banned:
                found.append((slug, person_id))
        return found

    def rooms_of(self, person_id: str) -> list[str]:
        return [slug for slug, pid in self._rows("members") if pid == person_id]

    def touch(self, pairs: list[tuple[str, str]], now: dt.datetime) -> int:
        touched = 0
        for key in set(pairs):
            member = self._get("members", key)
            if member is not None:
                self._put("members", key, dataclasses.replace(member, last_seen_at=now))
                touched += 1
        return touched

    def set_checked_in(self, slug: str, person_id: str, checked_in: bool) -> None:
        member = self._get("members", (slug, person_id))
        if member is not None:
            self._put("members", (slug, person_id), dataclasses.replace(member, checked_in=checked_in))

    def checked_in_rooms(self) -> set[str]:
        return {slug for (slug, _), m in self._rows("members").items() if m.checked_in}

    def stale(self, before: dt.datetime, limit: int) -> list[tuple[str, str]]:
        return sorted(key for key, m in self._rows("members").items() if m.last_seen_at < before)[:limit]


class FakeMessagesRepository(FakeRepository):
    def get(self, message_id: str, *, lock: bool = False) -> Message | None:
        return self._get("messages", message_id)

    def save(self, message: Message) -> None:
        if message.message_id in self._rows("messages"):
            self._put("messages", message.message_id, message)

    def read(self, slug: str, person_id: str, now: dt.datetime, *, before_seq: int | None = None,
             after_seq: int | None = None, limit: int) -> tuple[AccessContext, MessagePage] | None:
        context = self.uow.rooms.access_context(slug, person_id, now)
        if context is None:
            return None
        hidden = self._hidden_by(person_id)  # as the SQL's NOT EXISTS: before the page is cut, so pages stay full
        in_room = [m for m in self._rows("messages").values() if m.room_slug == slug and m.author_id not in hidden]
        if after_seq is not None:
            page = sorted((m for m in in_room if m.seq > after_seq), key=lambda m: m.seq)[:limit]
        else:
            cursor = before_seq if before_seq is not None else 2**63 - 1
            page = sorted((m for m in in_room if m.seq < cursor), key=lambda m: -m.seq)[:limit]
        hearts = self._rows("hearts")
        return context, [(copy.deepcopy(m), m.hearts > 0 and (m.message_id, person_id) in hearts) for m in page]

    def _hidden_by(self, person_id: str) -> set[str]:
        return {f.target_id for f in self._rows("personal_filters").values() if f.owner_id == person_id}

    def _recent_writes(self, person_id: str, since: dt.datetime) -> list[dt.datetime]:
        mine = [m for m in self._rows("messages").values() if m.author_id == person_id]
        return ([m.posted_at for m in mine if m.posted_at > since]
                + [m.edited_at for m in mine if m.edited_at is not None and m.edited_at > since])

    def posting_context(self, slug: str, person_id: str, now: dt.datetime, since: dt.datetime,
                        since_in_room: dt.datetime, since_recent: dt.datetime) -> PostingContext | None:
        room = self._get("rooms", slug)
        if room is None:
            return None
        member = self._get("members", (slug, person_id))
        if member is not None:  # a post is a sign of life
            self._put("members", (slug, person_id), dataclasses.replace(member, last_seen_at=now))
        in_room = [m.posted_at for m in self._rows("messages").values()
                   if m.author_id == person_id and m.room_slug == slug and m.posted_at > since_in_room]
        return PostingContext(
            room=room,
            in_room=member is not None,
            member_username=member.username if member is not None else None,
            sanctions=self._active_sanctions(person_id),
            recent_posts=self._recent_writes(person_id, since),
            last_in_room=max(in_room) if in_room and room.slow_mode_seconds > 0 else None,
            facilitated_open=room.mode == "facilitated" and self._facilitated_open(slug),
            author_roles=person.facts().roles if (person := self._get("people", person_id)) else (),
            recent_in_room=[(m.body, m.posted_at) for m in sorted(
                self._rows("messages").values(), key=lambda m: m.posted_at, reverse=True)
                if m.author_id == person_id and m.room_slug == slug and m.posted_at > since_recent][:RECENT_LIMIT],
            automod_version=self.uow.automod.version(),
            author_cohort=person.cohort if person is not None else None,
        )

    def recent_writes(self, person_id: str, since: dt.datetime) -> list[dt.datetime]:
        return self._recent_writes(person_id, since)

    def add_posted(self, message: Message, timeline_data: dict[str, Any], posted: Event) -> int:
        """As the one statement: the message, its item and its event (the seq filled in)."""
        seq = self.uow.streams.next_seq(message.room_slug)
        self.uow.add_events([dataclasses.replace(posted, data={**posted.data, "seq": seq})])
        self._insert("messages", message.message_id, dataclasses.replace(message, seq=seq, hearts=0),
                     "pk_messages")
        self.uow.timeline.add(TimelineItem(room_slug=message.room_slug, seq=seq, kind="message_posted",
                                           data=timeline_data, occurred_at=message.posted_at))
        return seq

    def heart(self, message_id: str, person_id: str, on: bool, now: dt.datetime) -> int | None:
        key = (message_id, person_id)
        if on:
            if key in self._rows("hearts"):
                return None
            self._put("hearts", key, now)
        elif not self._delete("hearts", key):
            return None
        message = self._get("messages", message_id)
        message.hearts += 1 if on else -1
        self._put("messages", message_id, message)
        return message.hearts


class FakeSanctionsRepository(FakeRepository):
    def get(self, sanction_id: str, *, lock: bool = False) -> Sanction | None:
        return self._get("sanctions", sanction_id)

    def lock_new(self, sanction_id: str, person_id: str) -> None:
        if sanction_id not in self._rows("sanctions"):
            self._put("sanctions", sanction_id, Sanction(sanction_id, person_id, "mute", None, None, False, "", 0))

    def save(self, sanction: Sanction) -> None:
        if sanction.sanction_id in self._rows("sanctions"):
            self._put("sanctions", sanction.sanction_id, sanction)

    def active_for(self, person_id: str) -> list[Sanction]:
        return self._active_sanctions(person_id)


class FakeCohortGrantsRepository(FakeRepository):
    def add(self, grant: CohortGrant) -> None:
        self._insert("cohort_grants", grant.grant_id, grant, "cohort_grants_pkey")

    def get(self, grant_id: str, *, lock: bool = False) -> CohortGrant | None:
        return self._get("cohort_grants", grant_id)

    def revoke(self, grant_id: str, by: str, now: dt.datetime) -> None:
        grant = self._get("cohort_grants", grant_id)
        if grant is not None:
            self._put("cohort_grants", grant_id, dataclasses.replace(grant, revoked_by=by, revoked_at=now))

    def rooms_for(self, person_id: str, now: dt.datetime) -> set[str]:
        return {g.room_slug for g in self._rows("cohort_grants").values()
                if g.person_id == person_id and g.revoked_at is None and g.expires_at > now}

    def in_force_until(self, person_id: str, slug: str, now: dt.datetime) -> dt.datetime | None:
        return max((g.expires_at for g in self._rows("cohort_grants").values()
                    if g.person_id == person_id and g.room_slug == slug and g.revoked_at is None
                    and g.expires_at > now), default=None)

    def list(self, slug: str | None) -> list[CohortGrant]:
        grants = [g for g in self._rows("cohort_grants").values() if not slug or g.room_slug == slug]
        return sorted(grants, key=lambda g: g.granted_at, reverse=True)


class FakeSessionsRepository(FakeRepository):
    def get(self, session_id: str, *, lock: bool = False) -> Session | None:
        return self._get("sessions", session_id)

    def add(self, session: Session) -> None:
        self._insert("sessions", session.session_id, session, "sessions_pkey")

    def save(self, session: Session) -> None:
        if session.session_id in self._rows("sessions"):
            self._put("sessions", session.session_id, session)

    def live_in(self, slug: str) -> Session | None:
        return copy.deepcopy(self._live_session(slug))

    def _open(self) -> list[Session]:
        open_ = [s for s in self._rows("sessions").values() if s.status in ("live", "scheduled")]
        return sorted(open_, key=lambda s: s.started_at or s.starts_at)

    def overlapping(self, slug: str, starts_at: dt.datetime, ends_at: dt.datetime) -> list[Session]:
        return copy.deepcopy([s for s in self._open() if s.room_slug == slug
                              and (s.started_at or s.starts_at) < ends_at and s.planned_end > starts_at])

    def next_overdue(self, ended_before: dt.datetime) -> Session | None:
        return copy.deepcopy(next((s for s in self._open() if s.planned_end < ended_before), None))

    def live_rooms(self) -> set[str]:
        return {s.room_slug for s in self._rows("sessions").values() if s.status == "live"}

    def list(self, slugs: Iterable[str] | None, statuses: tuple[str, ...], limit: int = 200,
             latest: bool = False) -> list[Session]:
        rooms = set(slugs) if slugs is not None else None
        found = [s for s in self._rows("sessions").values()
                 if s.status in statuses and (rooms is None or s.room_slug in rooms)]
        found.sort(key=lambda s: (s.starts_at, s.session_id), reverse=latest)
        found = copy.deepcopy(found[:limit])
        return found[::-1] if latest else found

    def attend(self, session_id: str, person_id: str, now: dt.datetime) -> None:
        if (session_id, person_id) not in self._rows("attendance"):
            self._put("attendance", (session_id, person_id), now)

    def attendees(self, session_id: str) -> list[str]:
        seen = [(at, pid) for (sid, pid), at in self._rows("attendance").items() if sid == session_id]
        return [pid for _, pid in sorted(seen)]

    def hosted_by(self, leader_id: str, since: dt.datetime, until: dt.datetime) -> list[HostedSession]:
        found = []
        for s in self._rows("sessions").values():
            if s.leader_id != leader_id or s.status != "ended" or not (s.started_at < until and s.ended_at > since):
                continue
            room = self._get("rooms", s.room_slug)
            others = sum(1 for sid, pid in self._rows("attendance") if sid == s.session_id and pid != leader_id)
            found.append(HostedSession(s.session_id, s.room_slug, room.topic if room else "", s.topic, s.started_at,
                                       s.ended_at, others, s.script_id))
        return sorted(found, key=lambda h: (h.started_at, h.session_id))


class FakeScriptsRepository(FakeRepository):
    def get(self, script_id: str) -> Script | None:
        return self._get("scripts", script_id)

    def list(self, session_type: str | None, cohort: str | None) -> list[Script]:
        found = [s for s in self._rows("scripts").values()
                 if (session_type is None or s.session_type == session_type)
                 and (cohort is None or s.audience_cohort in (cohort, ANY_AUDIENCE))]
        return copy.deepcopy(sorted(found, key=lambda s: (s.title, s.script_id)))

    def put(self, script: Script) -> bool:
        created = script.script_id not in self._rows("scripts")
        self._put("scripts", script.script_id, script)
        return created

    def add_if_missing(self, script: Script) -> bool:
        if script.script_id in self._rows("scripts"):
            return False
        self._put("scripts", script.script_id, script)
        return True


class FakeHandsRepository(FakeRepository):
    def list(self, slug: str) -> list[tuple[str, dt.datetime]]:
        hands = [(pid, at) for (room, pid), at in self._rows("hands").items() if room == slug]
        return sorted(hands, key=lambda hand: (hand[1], hand[0]))

    def add(self, slug: str, person_id: str, raised_at: dt.datetime) -> None:
        if (slug, person_id) not in self._rows("hands"):
            self._put("hands", (slug, person_id), raised_at)

    def remove(self, slug: str, person_id: str) -> bool:
        return self._delete("hands", (slug, person_id))


class FakeNoticesRepository(FakeRepository):
    """A notice is keyed by its id (a repeat stores nothing); positions count up as the identity column does."""

    positions = itertools.count(1)

    def add(self, notice: Notice) -> bool:
        if notice.notice_id in self._rows("notices"):
            return False
        notice.position = next(self.positions)
        self._insert("notices", notice.notice_id, notice, "notices_pkey")
        return True

    def get(self, notice_id: str, person_id: str, *, lock: bool = False) -> Notice | None:
        notice = self._get("notices", notice_id)
        return notice if notice is not None and notice.person_id == person_id else None

    def save(self, notice: Notice) -> None:
        if notice.notice_id in self._rows("notices"):
            self._put("notices", notice.notice_id, notice)

    def page(self, person_id: str, before: int | None, limit: int) -> list[Notice]:
        mine = [n for n in self._rows("notices").values()
                if n.person_id == person_id and (before is None or n.position < before)]
        return copy.deepcopy(sorted(mine, key=lambda n: -n.position)[:limit])

    def received_since(self, person_ids: list[str], since: dt.datetime) -> list[Notice]:
        found = [n for n in self._rows("notices").values() if n.person_id in person_ids and n.received_at >= since]
        return copy.deepcopy(sorted(found, key=lambda n: n.position))

    def purge(self, received_before: dt.datetime) -> int:
        old = [key for key, n in self._rows("notices").items() if n.received_at < received_before]
        return sum(self._delete("notices", key) for key in old)

class FakeAutomodRepository(FakeRepository):
    def version(self) -> int:
        stored = self._get("automod_rule_set", True)
        return stored.version if stored is not None else 0

    def current(self) -> StoredRuleSet | None:
        return self._get("automod_rule_set", True)

    def keep_if_newer(self, stored: StoredRuleSet) -> bool:
        if self.version() >= stored.version and self.current() is not None:
            return False
        self._put("automod_rule_set", True, stored)
        return True


class FakePersonalFiltersRepository(FakeRepository):
    """Keyed by (owner, target), as the primary key is; a second insert of a pair raises UniqueViolation."""

    def get(self, owner_id: str, target_id: str) -> PersonalFilter | None:
        return self._get("personal_filters", (owner_id, target_id))

    def put(self, personal_filter: PersonalFilter) -> None:
        key = (personal_filter.owner_id, personal_filter.target_id)
        if key in self._rows("personal_filters"):
            self._put("personal_filters", key, personal_filter)
        else:
            self._insert("personal_filters", key, personal_filter, "pk_personal_filters")

    def remove(self, owner_id: str, target_id: str) -> bool:
        return self._delete("personal_filters", (owner_id, target_id))

    def list(self, owner_id: str) -> list[PersonalFilter]:
        mine = [f for f in self._rows("personal_filters").values() if f.owner_id == owner_id]
        return sorted(mine, key=lambda f: (f.created_at, f.target_id))

    def hidden_by(self, owners: list[str]) -> dict[str, set[str]]:
        hidden: dict[str, set[str]] = {}
        for f in self._rows("personal_filters").values():
            if f.owner_id in owners:
                hidden.setdefault(f.owner_id, set()).add(f.target_id)
        return hidden

    def count(self, owner_id: str) -> int:
        return len(self.list(owner_id))

    def blockers(self, target_id: str, owners: list[str]) -> set[str]:
        return {f.owner_id for f in self._rows("personal_filters").values()
                if f.target_id == target_id and f.kind == BLOCK and f.owner_id in owners}


class FakeUnitOfWork(InMemoryUnitOfWork, UnitOfWork):
    """room's transaction over the in-memory store, as its Core statements are: reads hand out copies, so a
    change reaches the store only through a repository's write."""

    def __init__(self, db: FakeDatabase):
        super().__init__(db)
        self.rooms = FakeRoomsRepository(self)
        self.people = FakePeopleRepository(self)
        self.streams = FakeStreamsRepository(self)
        self.timeline = FakeTimelineRepository(self)
        self.members = FakeMembersRepository(self)
        self.messages = FakeMessagesRepository(self)
        self.paces = FakePaces(self)
        self.sanctions = FakeSanctionsRepository(self)
        self.cohort_grants = FakeCohortGrantsRepository(self)
        self.sessions = FakeSessionsRepository(self)
        self.hands = FakeHandsRepository(self)
        self.notices = FakeNoticesRepository(self)
        self.automod = FakeAutomodRepository(self)
        self.scripts = FakeScriptsRepository(self)
        self.personal_filters = FakePersonalFiltersRepository(self)
        self.idempotency = FakeIdempotencyRecords(self)
        self.committed_with_last_write = False

    def __enter__(self):
        super().__enter__()
        self.committed_with_last_write = False
        return self

    def add_posted_and_commit(self, message: Message, timeline_data: dict[str, Any], posted: Event) -> int:
        """As the real one: the post's write and the commit together (all or nothing); then nothing more."""
        seq = self.messages.add_posted(message, timeline_data, posted)
        self.commit()
        self.committed_with_last_write = True
        return seq

    def add_events(self, events) -> None:
        if self.committed_with_last_write:
            raise RuntimeError("this unit of work committed with its last write: nothing may be added")
        super().add_events(events)

    def _stage(self, table, key, row) -> None:
        if self.committed_with_last_write:
            raise RuntimeError("this unit of work committed with its last write: nothing may be written")
        super()._stage(table, key, row)

    def commit(self) -> None:
        if not self.committed_with_last_write:
            super().commit()


@pytest.fixture
def db() -> FakeDatabase:
    db = FakeDatabase()
    db.tables["rooms"] = {room.slug: copy.deepcopy(room) for room in ROOMS}
    db.tables["scripts"] = {script.script_id: copy.deepcopy(script) for script in STARTER_SCRIPTS}
    return db


@pytest.fixture
def empty_store():
    """Makes a fresh store with no rooms and its unit of work factory, for each case of a property test."""

    def make() -> tuple[FakeDatabase, Any]:
        db = FakeDatabase()
        return db, lambda single_statements=False: FakeUnitOfWork(db)

    return make


# test_room_wall_property.py's profiles, chosen by HEARTH_WALL_PROFILE: a short one for make test (a fixed seed,
# so it cannot flake) and make safeguarding-check's 10,000 generated cases.
WALL_PROFILE = dict(stateful_step_count=30, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow],
                    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink])
settings.register_profile("wall-short", max_examples=200, derandomize=True, **WALL_PROFILE)
settings.register_profile("wall-check", max_examples=10_000, **WALL_PROFILE)


@pytest.fixture
def published(db) -> list[Event]:
    """The events committed so far, oldest first."""
    return db.published


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def uow_factory(db):
    # A single-statement unit of work (each statement commits itself) is one transaction here: the use cases
    # that ask for one write in one statement and commit it.
    return lambda single_statements=False: FakeUnitOfWork(db)


@pytest.fixture
def live() -> list[TimelineItem]:
    """The timeline items handed to the live fan-out, in the order their transactions committed."""
    return []


@pytest.fixture
def rooms(uow_factory, clock) -> RoomService:
    return RoomService(uow_factory, clock=clock)


@pytest.fixture
def conv(uow_factory, clock, live) -> Conversation:
    return Conversation(uow_factory, clock=clock, live=live.extend)


@pytest.fixture
def sessions(conv) -> Sessions:
    return Sessions(conv)


class Identity:
    """Feeds room's read model identity's events, each with a higher seq, as the worker would."""

    def __init__(self, rooms: RoomService):
        self.rooms = rooms
        self.seq = itertools.count(1)

    def event(self, event_type: str, person_id: str, **data) -> dict:
        envelope = {"event_id": str(uuid.uuid4()), "event_type": event_type, "source": "identity",
                    "seq": next(self.seq), "data": {"person_id": person_id, **data}}
        self.rooms.apply_identity_event(envelope)
        return envelope

    def register(self, username: str, cohort: str = "adult", kind: str = "member", roles: Iterable = (),
                 badges: Iterable[str] = ()) -> str:
        """A person room knows; `roles`: role names (global) or (role, room_slug) pairs. Returns their id."""
        person_id = str(uuid.uuid4())
        self.event("person_registered", person_id, username=username, kind=kind, cohort=cohort)
        for role in roles:
            self.grant(person_id, *((role,) if isinstance(role, str) else role))
        for badge in badges:
            self.event("badge_awarded", person_id, badge_slug=badge, award_id=str(uuid.uuid4()))
        return person_id

    def grant(self, person_id: str, role: str, room_id: str | None = None,
              expires_at: dt.datetime | None = None) -> str:
        grant_id = str(uuid.uuid4())
        self.event("role_granted", person_id, grant_id=grant_id, role=role, room_id=room_id,
                   expires_at=expires_at.isoformat() if expires_at else None)
        return grant_id


@pytest.fixture
def identity(rooms) -> Identity:
    return Identity(rooms)


@pytest.fixture
def admin(identity) -> str:
    return identity.register("ada_admin", kind="listener", roles=["admin"])


@pytest.fixture
def refused(db, live):
    """`with refused(ErrorType) as caught:` expects the call inside to raise it, having written nothing: no
    row, no event, no timeline item handed to the live fan-out."""

    @contextlib.contextmanager
    def expect(error: type[Exception], match: str | None = None):
        before, fanned_out = db.snapshot(), len(live)
        with pytest.raises(error, match=match) as caught:
            yield caught
        assert db.snapshot() == before
        assert len(live) == fanned_out

    return expect


class ModerationEvents:
    """Feeds room moderation's sanction events, each with a higher seq unless one is given."""

    def __init__(self, conv: Conversation):
        self.conv = conv
        self.seq = itertools.count(1)

    def envelope(self, event_type: str, data: dict, seq: int | None = None) -> dict:
        return {"event_id": str(uuid.uuid4()), "event_type": event_type, "source": "moderation",
                "seq": seq if seq is not None else next(self.seq), "data": data}

    def impose(self, person_id: str, kind: str, room_slug: str | None = None, expires_at: dt.datetime | None = None,
               sanction_id: str | None = None, seq: int | None = None) -> str:
        sanction_id = sanction_id or str(uuid.uuid4())
        self.conv.apply_sanction_event(self.envelope("sanction_imposed", {
            "sanction_id": sanction_id, "person_id": person_id, "kind": kind, "room_slug": room_slug,
            "expires_at": expires_at.isoformat() if expires_at else None, "reason": "test"}, seq))
        return sanction_id

    def lift(self, person_id: str, sanction_id: str, seq: int | None = None) -> None:
        self.conv.apply_sanction_event(self.envelope("sanction_lifted", {
            "sanction_id": sanction_id, "person_id": person_id}, seq))


@pytest.fixture
def moderation(conv) -> ModerationEvents:
    return ModerationEvents(conv)

