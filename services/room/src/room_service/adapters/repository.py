"""Adapters: room's repositories (SQLAlchemy Core) and its unit of work."""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from hearth_common.clock import utcnow
from hearth_common.db import PreparedStatement
from hearth_common.events import Event
from hearth_common.idempotency_records import SqlIdempotencyRecords
from hearth_common.inbox import claim_event
from hearth_common.outbox import outbox_row
from hearth_common.pacing_table import PacesRepository
from hearth_common.sql_unit_of_work import CoreUnitOfWork
from hearth_common.unit_of_work import UniqueViolation
from room_service.adapters import orm
from room_service.domain import automod
from room_service.domain.automod import StoredRuleSet
from room_service.domain.filters import BLOCK, PersonalFilter
from room_service.domain.grants import CohortGrant
from room_service.domain.hosting import HostedSession
from room_service.domain.messages import Message
from room_service.domain.notices import Notice
from room_service.domain.people import BadgeState, GrantState, KnownPerson
from room_service.domain.rooms import Room
from room_service.domain.sanctions import Sanction
from room_service.domain.scripts import ANY_AUDIENCE, Script
from room_service.domain.sessions import Session as SupportSession
from room_service.service_layer.unit_of_work import (
    AccessContext,
    Member,
    MessagePage,
    PostingContext,
    StreamState,
    TimelineItem,
    UnitOfWork,
)

SOURCE = "room"
_ROOM_FIELDS = [f.name for f in dataclasses.fields(Room)]
_MESSAGE_FIELDS = [f.name for f in dataclasses.fields(Message)]
_SANCTION_FIELDS = [f.name for f in dataclasses.fields(Sanction)]
_SESSION_FIELDS = [f.name for f in dataclasses.fields(SupportSession)]
_GRANT_FIELDS = [f.name for f in dataclasses.fields(CohortGrant)]
_NOTICE_FIELDS = [f.name for f in dataclasses.fields(Notice)]
_SCRIPT_FIELDS = [f.name for f in dataclasses.fields(Script)]


# The door's facts (see RoomsRepository.access_context) as the columns of one row about the room r, for
# :person_id at :now. Written out whole in each statement that needs it (the door check, the history pages),
# and kept identical: test_room_sql_statements checks that. The room's columns are named: a prepared
# statement selecting r.* would fail ("cached plan must not change result type") once a migration adds a
# column to rooms while the service runs. A facilitated room is open (Room.closed_now) while a facilitator is
# checked in or a session is live.
_ACCESS_CONTEXT_SQL = """SELECT r.slug, r.name, r.description, r.topic, r.audience_cohort, r.audience_kind, r.mode,
       r.status, r.capacity, r.access_policy, r.opens_at, r.closes_at, r.slow_mode_seconds,
       (SELECT row_to_json(p) FROM people p WHERE p.person_id = :person_id) AS person,
       (SELECT coalesce(json_agg(json_build_object(
                  'sanction_id', s.sanction_id, 'person_id', s.person_id, 'kind', s.kind,
                  'room_slug', s.room_slug, 'expires_at', s.expires_at, 'active', s.active,
                  'reason', s.reason, 'seq', s.seq)), '[]')
          FROM sanctions s WHERE s.person_id = :person_id AND s.active) AS sanctions,
       EXISTS (SELECT 1 FROM cohort_grants g WHERE g.person_id = :person_id AND g.room_slug = r.slug
                 AND g.revoked_at IS NULL AND g.expires_at > :now) AS cohort_grant,
       EXISTS (SELECT 1 FROM members m WHERE m.room_slug = r.slug AND m.checked_in) AS facilitator_in,
       (SELECT s.session_id FROM sessions s WHERE s.room_slug = r.slug AND s.status = 'live' LIMIT 1)
         AS live_session_id,
       (SELECT row_to_json(m) FROM members m WHERE m.room_slug = r.slug AND m.person_id = :person_id)
         AS member
  FROM rooms r WHERE r.slug = :slug"""

# The door's columns and a page of the room's messages as one JSON column (text ids, ISO times), each with
# whether :person_id hearted it: newest first before :cursor, or oldest first after it. Two fixed statements,
# one per direction.
_READ_BEFORE_SQL = """
SELECT r.slug, r.name, r.description, r.topic, r.audience_cohort, r.audience_kind, r.mode,
       r.status, r.capacity, r.access_policy, r.opens_at, r.closes_at, r.slow_mode_seconds,
       (SELECT row_to_json(p) FROM people p WHERE p.person_id = :person_id) AS person,
       (SELECT coalesce(json_agg(json_build_object(
                  'sanction_id', s.sanction_id, 'person_id', s.person_id, 'kind', s.kind,
                  'room_slug', s.room_slug, 'expires_at', s.expires_at, 'active', s.active,
                  'reason', s.reason, 'seq', s.seq)), '[]')
          FROM sanctions s WHERE s.person_id = :person_id AND s.active) AS sanctions,
       EXISTS (SELECT 1 FROM cohort_grants g WHERE g.person_id = :person_id AND g.room_slug = r.slug
                 AND g.revoked_at IS NULL AND g.expires_at > :now) AS cohort_grant,
       EXISTS (SELECT 1 FROM members m WHERE m.room_slug = r.slug AND m.checked_in) AS facilitator_in,
       (SELECT s.session_id FROM sessions s WHERE s.room_slug = r.slug AND s.status = 'live' LIMIT 1)
         AS live_session_id,
       (SELECT row_to_json(m) FROM members m WHERE m.room_slug = r.slug AND m.person_id = :person_id)
         AS member,
       (SELECT coalesce(json_agg(page ORDER BY page.seq DESC), '[]') FROM (
          SELECT m.message_id, m.room_slug, m.seq, m.author_id, m.author_username, m.body, m.reply_to,
                 m.mentions, m.hearts, m.posted_at, m.edited_at, m.deleted_at, m.deleted_by,
                 m.deleted_by_moderation,
                 m.hearts > 0 AND EXISTS (SELECT 1 FROM hearts h WHERE h.message_id = m.message_id
                                            AND h.person_id = :person_id) AS hearted
            FROM messages m WHERE m.room_slug = r.slug AND m.seq < :cursor
               AND NOT EXISTS (SELECT 1 FROM personal_filters f  -- muted or blocked by the reader
                                WHERE f.owner_id = :person_id AND f.target_id = m.author_id)
           ORDER BY m.seq DESC LIMIT :limit) page) AS page
  FROM rooms r WHERE r.slug = :slug"""
_READ_AFTER_SQL = """
SELECT r.slug, r.name, r.description, r.topic, r.audience_cohort, r.audience_kind, r.mode,
       r.status, r.capacity, r.access_policy, r.opens_at, r.closes_at, r.slow_mode_seconds,
       (SELECT row_to_json(p) FROM people p WHERE p.person_id = :person_id) AS person,
       (SELECT coalesce(json_agg(json_build_object(
                  'sanction_id', s.sanction_id, 'person_id', s.person_id, 'kind', s.kind,
                  'room_slug', s.room_slug, 'expires_at', s.expires_at, 'active', s.active,
                  'reason', s.reason, 'seq', s.seq)), '[]')
          FROM sanctions s WHERE s.person_id = :person_id AND s.active) AS sanctions,
       EXISTS (SELECT 1 FROM cohort_grants g WHERE g.person_id = :person_id AND g.room_slug = r.slug
                 AND g.revoked_at IS NULL AND g.expires_at > :now) AS cohort_grant,
       EXISTS (SELECT 1 FROM members m WHERE m.room_slug = r.slug AND m.checked_in) AS facilitator_in,
       (SELECT s.session_id FROM sessions s WHERE s.room_slug = r.slug AND s.status = 'live' LIMIT 1)
         AS live_session_id,
       (SELECT row_to_json(m) FROM members m WHERE m.room_slug = r.slug AND m.person_id = :person_id)
         AS member,
       (SELECT coalesce(json_agg(page ORDER BY page.seq ASC), '[]') FROM (
          SELECT m.message_id, m.room_slug, m.seq, m.author_id, m.author_username, m.body, m.reply_to,
                 m.mentions, m.hearts, m.posted_at, m.edited_at, m.deleted_at, m.deleted_by,
                 m.deleted_by_moderation,
                 m.hearts > 0 AND EXISTS (SELECT 1 FROM hearts h WHERE h.message_id = m.message_id
                                            AND h.person_id = :person_id) AS hearted
            FROM messages m WHERE m.room_slug = r.slug AND m.seq > :cursor
               AND NOT EXISTS (SELECT 1 FROM personal_filters f  -- muted or blocked by the reader
                                WHERE f.owner_id = :person_id AND f.target_id = m.author_id)
           ORDER BY m.seq ASC LIMIT :limit) page) AS page
  FROM rooms r WHERE r.slug = :slug"""


def sanctions_from_json(rows: list[dict]) -> list[Sanction]:
    return [
        Sanction(**s | {"expires_at": dt.datetime.fromisoformat(s["expires_at"]) if s["expires_at"] else None})
        for s in rows
    ]


def member_from(row) -> Member:
    """From a members row (or its JSON, times as ISO text)."""
    def when(value):
        return dt.datetime.fromisoformat(value) if isinstance(value, str) else value

    return Member(room_slug=row["room_slug"], person_id=row["person_id"], username=row["username"],
                  joined_at=when(row["joined_at"]), last_seen_at=when(row["last_seen_at"]),
                  checked_in=row["checked_in"])


def access_context_from(row) -> AccessContext:
    """The access context from a row with the door's columns (_ACCESS_CONTEXT_SQL)."""
    return AccessContext(
        room=Room(**{k: row[k] for k in _ROOM_FIELDS}),
        person=PeopleRepository.person_from(row["person"]) if row["person"] else None,
        sanctions=sanctions_from_json(row["sanctions"]),
        cohort_grant=row["cohort_grant"],
        facilitated_open=row["facilitator_in"] or row["live_session_id"] is not None,
        live_session_id=str(row["live_session_id"]) if row["live_session_id"] else None,
        member=member_from(row["member"]) if row["member"] else None,
    )


class RoomsRepository:
    def __init__(self, session: Connection):
        self.session = session

    def get(self, slug: str, *, lock: bool = False) -> Room | None:
        stmt = sa.select(orm.rooms).where(orm.rooms.c.slug == slug)
        row = self.session.execute(stmt.with_for_update() if lock else stmt).mappings().first()
        return Room(**{k: row[k] for k in _ROOM_FIELDS}) if row else None

    def list(self, include_archived: bool = False, topic: str | None = None) -> list[Room]:
        stmt = sa.select(orm.rooms).order_by(orm.rooms.c.name)
        if not include_archived:
            stmt = stmt.where(orm.rooms.c.status == "active")
        if topic:
            stmt = stmt.where(orm.rooms.c.topic == topic)
        return [Room(**{k: row[k] for k in _ROOM_FIELDS}) for row in self.session.execute(stmt).mappings()]

    _ACCESS_CONTEXT = PreparedStatement("room_access_context", _ACCESS_CONTEXT_SQL)

    def access_context(self, slug: str, person_id: str, now: dt.datetime) -> AccessContext | None:
        """Everything deciding whether a person may enter a room rests on, in one round trip: the room, room's
        read model of the person, their active sanctions, a cross-cohort grant, whether a facilitator is
        checked in or a session is live, and their membership. None when the room does not exist."""
        row = self._ACCESS_CONTEXT(self.session, {"slug": slug, "person_id": person_id, "now": now}).mappings().first()
        return access_context_from(row) if row is not None else None

    def add_if_missing(self, room: Room, actor: str) -> bool:
        """Inserts the room unless its slug, or its name, is taken (an admin may have named a room so before
        the catalogue grew); returns whether it was added."""
        values = {k: getattr(room, k) for k in _ROOM_FIELDS} | {"updated_at": utcnow(), "updated_by": actor}
        stmt = postgresql.insert(orm.rooms).values(**values).on_conflict_do_nothing()
        return self.session.execute(stmt).rowcount == 1

    def add(self, room: Room, actor: str) -> None:
        values = {k: getattr(room, k) for k in _ROOM_FIELDS} | {"updated_at": utcnow(), "updated_by": actor}
        self.session.execute(sa.insert(orm.rooms).values(**values))

    def save(self, room: Room, actor: str) -> None:
        values = {k: getattr(room, k) for k in _ROOM_FIELDS if k != "slug"}
        values |= {"updated_at": utcnow(), "updated_by": actor}
        self.session.execute(sa.update(orm.rooms).where(orm.rooms.c.slug == room.slug).values(**values))


class PeopleRepository:
    def __init__(self, session: Connection):
        self.session = session

    def get(self, person_id: str, *, lock: bool = False) -> KnownPerson | None:
        stmt = sa.select(orm.people).where(orm.people.c.person_id == person_id)
        if lock:
            stmt = stmt.with_for_update()
        row = self.session.execute(stmt).mappings().first()
        return self.person_from(row) if row is not None else None

    def by_usernames(self, usernames: list[str]) -> dict[str, KnownPerson]:
        """The known people with these (lower-case, as identity stores them) usernames, keyed by username."""
        if not usernames:
            return {}
        stmt = sa.select(orm.people).where(orm.people.c.username.in_(usernames))
        return {row["username"]: self.person_from(row) for row in self.session.execute(stmt).mappings()}

    @staticmethod
    def person_from(row) -> KnownPerson:
        """From a people row (or its JSON)."""
        return KnownPerson(
            person_id=row["person_id"],
            username=row["username"],
            kind=row["kind"],
            cohort=row["cohort"],
            cohort_seq=row["cohort_seq"],
            badges={slug: BadgeState(**state) for slug, state in row["badges"].items()},
            grants={gid: GrantState(**state) for gid, state in row["grants"].items()},
        )

    def save(self, person: KnownPerson) -> None:
        values = {
            "person_id": person.person_id,
            "username": person.username,
            "kind": person.kind,
            "cohort": person.cohort,
            "cohort_seq": person.cohort_seq,
            "badges": {slug: dataclasses.asdict(s) for slug, s in person.badges.items()},
            "grants": {gid: dataclasses.asdict(g) for gid, g in person.grants.items()},
            "updated_at": utcnow(),
        }
        stmt = postgresql.insert(orm.people).values(**values)
        self.session.execute(stmt.on_conflict_do_update(index_elements=[orm.people.c.person_id], set_=values))

    def lock_new(self, person_id: str) -> None:
        """Makes sure a row exists and is locked, so concurrent first events for one person serialise."""
        self.session.execute(
            postgresql.insert(orm.people)
            .values(person_id=person_id, badges={}, grants={}, updated_at=utcnow())
            .on_conflict_do_nothing(index_elements=[orm.people.c.person_id])
        )


class StreamsRepository:
    """Per-room timeline heads: gap-free sequence numbers under a row lock."""

    def __init__(self, session: Connection):
        self.session = session

    def lock(self, slug: str) -> StreamState:
        """Locks the room's stream row (creating it), serialising this room's timeline writes; returns it."""
        t = orm.room_streams
        stmt = (
            postgresql.insert(t)
            .values(room_slug=slug, last_seq=0)
            .on_conflict_do_update(index_elements=[t.c.room_slug], set_={"last_seq": t.c.last_seq})
            .returning(t.c.last_seq, t.c.speaker_id, t.c.speaker_since)
        )
        return StreamState(**self.session.execute(stmt).mappings().one())

    def next_seq(self, slug: str) -> int:
        t = orm.room_streams
        stmt = (
            postgresql.insert(t)
            .values(room_slug=slug, last_seq=1)
            .on_conflict_do_update(index_elements=[t.c.room_slug], set_={"last_seq": t.c.last_seq + 1})
            .returning(t.c.last_seq)
        )
        return self.session.execute(stmt).scalar_one()

    def set_speaker(self, slug: str, speaker_id: str | None, since: dt.datetime | None) -> None:
        t = orm.room_streams
        self.session.execute(
            sa.update(t).where(t.c.room_slug == slug).values(speaker_id=speaker_id, speaker_since=since))

    def heads(self, slugs: list[str]) -> dict[str, int]:
        t = orm.room_streams
        rows = self.session.execute(sa.select(t.c.room_slug, t.c.last_seq).where(t.c.room_slug.in_(slugs)))
        return {slug: seq for slug, seq in rows}


class TimelineRepository:
    def __init__(self, session: Connection):
        self.session = session

    def add(self, item: TimelineItem) -> None:
        self.session.execute(sa.insert(orm.timeline).values(**item))

    def after(self, slug: str, after_seq: int, limit: int, upto: int | None = None) -> list[TimelineItem]:
        t = orm.timeline
        stmt = sa.select(t).where(t.c.room_slug == slug, t.c.seq > after_seq)
        if upto is not None:
            stmt = stmt.where(t.c.seq <= upto)
        rows = self.session.execute(stmt.order_by(t.c.seq).limit(limit)).mappings()
        return [TimelineItem(room_slug=r["room_slug"], seq=r["seq"], kind=r["kind"], data=r["data"],
                             occurred_at=r["occurred_at"]) for r in rows]


class MembersRepository:
    def __init__(self, session: Connection):
        self.session = session

    def get(self, slug: str, person_id: str) -> Member | None:
        t = orm.members
        stmt = sa.select(t).where(t.c.room_slug == slug, t.c.person_id == person_id)
        row = self.session.execute(stmt).mappings().first()
        return member_from(row) if row else None

    _ADD_JOINED = PreparedStatement("room_add_joined", """
        WITH stream AS (
            INSERT INTO room_streams (room_slug, last_seq, present) VALUES (:room_slug, 1, 1)
            ON CONFLICT (room_slug) DO UPDATE
              SET last_seq = room_streams.last_seq + 1, present = room_streams.present + 1
              WHERE room_streams.present < :capacity
            RETURNING last_seq
        ), member AS (
            INSERT INTO members (room_slug, person_id, username, joined_at, last_seen_at, checked_in)
            SELECT :room_slug, :person_id, :username, :now, :now, false FROM stream
        ), attended AS (
            INSERT INTO attendance (session_id, person_id, first_seen_at)
            SELECT CAST(:session_id AS uuid), :person_id, :now FROM stream WHERE CAST(:session_id AS uuid) IS NOT NULL
            ON CONFLICT DO NOTHING
        ), announced AS (
            INSERT INTO outbox (event_id, event_type, payload, request_id, occurred_at)
            SELECT :event_id, :event_type, jsonb_set(:payload, '{data,seq}', to_jsonb(stream.last_seq)),
                   :request_id, :occurred_at
              FROM stream
        )
        INSERT INTO timeline (room_slug, seq, kind, data, occurred_at)
        SELECT :room_slug, stream.last_seq, 'member_joined', :data, :now FROM stream
        RETURNING seq
    """, json_params=("data", "payload"))

    def add_joined(self, member: Member, capacity: int, timeline_data: dict, live_session_id: str | None,
                   joined: Event) -> int | None:
        """Adds the member unless the room is at capacity, with their attendance of the live session if any,
        the member_joined item at the room's next seq and the `joined` event (its data's seq filled in) in
        the outbox: one statement, so the stream row's lock is held only from here to commit. Returns the
        seq, or None when the room is full."""
        try:
            return self._ADD_JOINED(self.session, {
                "room_slug": member.room_slug, "person_id": member.person_id, "username": member.username,
                "now": member.joined_at, "capacity": capacity, "session_id": live_session_id,
                "data": timeline_data, **outbox_row(joined, SOURCE),
            }).scalar_one_or_none()
        except IntegrityError as exc:  # the same person joined concurrently; the transaction is spoilt
            raise UniqueViolation("pk_members") from exc

    _REMOVE = sa.text("""
        WITH gone AS (DELETE FROM members WHERE room_slug = :slug AND person_id = :person_id RETURNING 1)
        UPDATE room_streams SET present = present - 1 WHERE room_slug = :slug AND EXISTS (SELECT 1 FROM gone)
    """)

    def remove(self, slug: str, person_id: str) -> bool:
        """Removes the member and counts them out of the room; False when they were not in it."""
        return self.session.execute(self._REMOVE, {"slug": slug, "person_id": person_id}).rowcount == 1

    def lock(self, slug: str, person_id: str, seen_before: dt.datetime | None = None) -> bool:
        """Locks the person's membership row until commit; False when they are not in the room (or, with
        `seen_before`, were seen since then: checked on the row as last committed, after any wait)."""
        t = orm.members
        stmt = sa.select(t.c.person_id).where(t.c.room_slug == slug, t.c.person_id == person_id)
        if seen_before is not None:
            stmt = stmt.where(t.c.last_seen_at < seen_before)
        return self.session.execute(stmt.with_for_update()).first() is not None

    def list(self, slug: str) -> list[Member]:
        t = orm.members
        stmt = sa.select(t).where(t.c.room_slug == slug).order_by(t.c.joined_at)
        return [member_from(row) for row in self.session.execute(stmt).mappings()]

    _TO_RECHECK = sa.text("""
        SELECT m.room_slug, m.person_id FROM members m
          JOIN rooms r ON r.slug = m.room_slug
          JOIN people p ON p.person_id = m.person_id
         WHERE p.cohort <> r.audience_cohort OR (r.audience_kind <> 'both' AND p.kind <> r.audience_kind)
            OR EXISTS (SELECT 1 FROM jsonb_each(p.grants) g
                        WHERE (g.value->>'active')::boolean AND g.value->>'expires_at' IS NOT NULL
                          AND (g.value->>'expires_at')::timestamptz BETWEEN :since AND :now)
            OR EXISTS (SELECT 1 FROM sanctions s
                        WHERE s.person_id = m.person_id AND s.active AND s.kind = 'ban'
                          AND (s.room_slug IS NULL OR s.room_slug = m.room_slug)
                          AND (s.expires_at IS NULL OR s.expires_at > :now))
    """)

    def to_recheck(self, now: dt.datetime, since: dt.datetime) -> list[tuple[str, str]]:
        """(room, person) for members whose right to be there may have lapsed without an event: those of the
        other cohort or kind than their room's (staff let in by a grant or a role), those with a role
        that expired between `since` and `now`, and those banned there (a join that raced the ban's event)."""
        return [tuple(row) for row in self.session.execute(self._TO_RECHECK, {"now": now, "since": since})]

    def rooms_of(self, person_id: str) -> list[str]:
        t = orm.members
        return list(self.session.execute(sa.select(t.c.room_slug).where(t.c.person_id == person_id)).scalars())

    def touch(self, pairs: list[tuple[str, str]], now: dt.datetime) -> int:
        if not pairs:
            return 0
        t = orm.members
        stmt = sa.update(t).where(sa.tuple_(t.c.room_slug, t.c.person_id).in_(pairs)).values(last_seen_at=now)
        return self.session.execute(stmt).rowcount

    def set_checked_in(self, slug: str, person_id: str, checked_in: bool) -> None:
        t = orm.members
        self.session.execute(
            sa.update(t).where(t.c.room_slug == slug, t.c.person_id == person_id).values(checked_in=checked_in)
        )

    def checked_in_rooms(self) -> set[str]:
        t = orm.members
        return set(self.session.execute(sa.select(t.c.room_slug).where(t.c.checked_in).distinct()).scalars())

    def stale(self, before: dt.datetime, limit: int) -> list[tuple[str, str]]:
        t = orm.members
        stmt = (
            sa.select(t.c.room_slug, t.c.person_id)
            .where(t.c.last_seen_at < before)
            .order_by(t.c.room_slug)
            .limit(limit)
        )
        return [tuple(row) for row in self.session.execute(stmt)]


class MessagesRepository:
    def __init__(self, session: Connection):
        self.session = session

    @staticmethod
    def _message(row) -> Message:
        values = {k: row[k] for k in _MESSAGE_FIELDS}
        values["message_id"] = str(values["message_id"])
        values["reply_to"] = str(values["reply_to"]) if values["reply_to"] else None
        return Message(**values)

    def get(self, message_id: str, *, lock: bool = False) -> Message | None:
        stmt = sa.select(orm.messages).where(orm.messages.c.message_id == message_id)
        row = self.session.execute(stmt.with_for_update() if lock else stmt).mappings().first()
        return self._message(row) if row else None

    def save(self, message: Message) -> None:
        t = orm.messages
        values = {k: getattr(message, k) for k in _MESSAGE_FIELDS if k != "message_id"}
        self.session.execute(sa.update(t).where(t.c.message_id == message.message_id).values(**values))

    _READ_BEFORE = PreparedStatement("room_read_before", _READ_BEFORE_SQL)
    _READ_AFTER = PreparedStatement("room_read_after", _READ_AFTER_SQL)

    def read(self, slug: str, person_id: str, now: dt.datetime, *, before_seq: int | None = None,
             after_seq: int | None = None, limit: int) -> tuple[AccessContext, MessagePage] | None:
        """The room's access context for the person (see RoomsRepository.access_context) and up to `limit`
        messages before `before_seq` (newest first; None: the newest) or after `after_seq` (oldest first),
        each with whether the person hearted it: one round trip. None when the room does not exist."""
        forward = after_seq is not None
        cursor = after_seq if forward else (before_seq if before_seq is not None else 2**63 - 1)
        row = (self._READ_AFTER if forward else self._READ_BEFORE)(self.session, {
            "slug": slug, "person_id": person_id, "now": now, "cursor": cursor, "limit": limit,
        }).mappings().first()
        if row is None:
            return None
        return access_context_from(row), [(self._from_json(m), m["hearted"]) for m in row["page"]]

    @staticmethod
    def _from_json(m: dict) -> Message:
        when = dt.datetime.fromisoformat
        return Message(
            message_id=m["message_id"], room_slug=m["room_slug"], seq=m["seq"], author_id=m["author_id"],
            author_username=m["author_username"], body=m["body"], posted_at=when(m["posted_at"]),
            reply_to=m["reply_to"], mentions=m["mentions"], hearts=m["hearts"],
            edited_at=m["edited_at"] and when(m["edited_at"]), deleted_at=m["deleted_at"] and when(m["deleted_at"]),
            deleted_by=m["deleted_by"], deleted_by_moderation=m["deleted_by_moderation"],
        )

    # The person's posts and edits take turns until commit: the first statement takes a lock of the
    # transaction keyed on the person, so two sent at once cannot both pass the rate on the same count. It is
    # a statement of its own, sent in the same round trip: under READ COMMITTED the read that follows takes
    # its snapshot after the lock is granted, and so sees the write that held it. The recent writes are when
    # the person posted, and last edited each of their messages, after :since (any room): edits count with
    # posts against the posting rate (messages.check_editing_rate).
    _POSTING_CONTEXT = PreparedStatement("room_posting_context", f"""
        WITH present AS (
            UPDATE members SET last_seen_at = :now WHERE room_slug = :slug AND person_id = :person_id
            RETURNING username
        )
        SELECT {", ".join(f"r.{name}" for name in _ROOM_FIELDS)},
               (SELECT count(*) FROM present) AS is_member,
               (SELECT username FROM present) AS member_username,
               (SELECT coalesce(json_agg(json_build_object(
                          'sanction_id', s.sanction_id, 'person_id', s.person_id, 'kind', s.kind,
                          'room_slug', s.room_slug, 'expires_at', s.expires_at, 'active', s.active,
                          'reason', s.reason, 'seq', s.seq)), '[]')
                  FROM sanctions s WHERE s.person_id = :person_id AND s.active) AS sanctions,
               (SELECT coalesce(array_agg(w.at), '{{}}') FROM (
                  SELECT m.posted_at AS at FROM messages m WHERE m.author_id = :person_id AND m.posted_at > :since
                  UNION ALL
                  SELECT m.edited_at FROM messages m WHERE m.author_id = :person_id AND m.edited_at > :since
               ) w) AS recent_posts,
               (SELECT max(m.posted_at) FROM messages m
                  WHERE m.author_id = :person_id AND m.room_slug = :slug AND m.posted_at > :since_in_room
                    AND r.slow_mode_seconds > 0) AS last_in_room,
               r.mode = 'facilitated' AND (
                 EXISTS (SELECT 1 FROM members m WHERE m.room_slug = r.slug AND m.checked_in)
                 OR (SELECT s.session_id FROM sessions s WHERE s.room_slug = r.slug AND s.status = 'live' LIMIT 1)
                    IS NOT NULL) AS facilitated_open,
               (SELECT p.grants FROM people p WHERE p.person_id = :person_id) AS grants,
               (SELECT p.cohort FROM people p WHERE p.person_id = :person_id) AS author_cohort,
               (SELECT coalesce(json_agg(json_build_array(w.body, w.posted_at)), '[]') FROM (
                  SELECT m.body, m.posted_at FROM messages m
                   WHERE m.author_id = :person_id AND m.posted_at > :since_recent AND m.room_slug = :slug
                   ORDER BY m.posted_at DESC LIMIT :recent_limit) w) AS recent_in_room,
               coalesce((SELECT a.version FROM automod_rule_set a), 0) AS automod_version
          FROM rooms r WHERE r.slug = :slug
    """, before="SELECT pg_advisory_xact_lock(hashtext('hearth-room-writes'), hashtext(:person_id))")

    def posting_context(self, slug: str, person_id: str, now: dt.datetime, since: dt.datetime,
                        since_in_room: dt.datetime, since_recent: dt.datetime) -> PostingContext | None:
        """Everything a post is decided on, in one round trip: the room, whether the person is in it (and
        their presence refreshed), their active sanctions, their recent posting (and editing) times anywhere,
        their last post in this room, whether the room is open if facilitated, and for automod their role
        grants, their newest messages in this room since `since_recent` and the rule set's version. None when
        the room does not exist. The person's other posts and edits wait for this transaction to end."""
        row = self._POSTING_CONTEXT(self.session, {
            "slug": slug, "person_id": person_id, "now": now, "since": since, "since_in_room": since_in_room,
            "since_recent": since_recent, "recent_limit": automod.RECENT_LIMIT,
        }).mappings().first()
        if row is None:
            return None
        return PostingContext(
            room=Room(**{k: row[k] for k in _ROOM_FIELDS}),
            in_room=bool(row["is_member"]),
            member_username=row["member_username"],
            sanctions=sanctions_from_json(row["sanctions"]),
            recent_posts=list(row["recent_posts"]),
            last_in_room=row["last_in_room"],
            facilitated_open=bool(row["facilitated_open"]),
            author_roles=KnownPerson(person_id, grants={gid: GrantState(**state) for gid, state in
                                                        (row["grants"] or {}).items()}).facts().roles,
            recent_in_room=[(body, dt.datetime.fromisoformat(at)) for body, at in row["recent_in_room"]],
            automod_version=row["automod_version"],
            author_cohort=row["author_cohort"],
        )

    # As in _POSTING_CONTEXT: the writer's turn, then their recent writes.
    _RECENT_WRITES = sa.text("""
        SELECT pg_advisory_xact_lock(hashtext('hearth-room-writes'), hashtext(:person_id));
        SELECT m.posted_at AS at FROM messages m WHERE m.author_id = :person_id AND m.posted_at > :since
        UNION ALL
        SELECT m.edited_at FROM messages m WHERE m.author_id = :person_id AND m.edited_at > :since
    """)

    def recent_writes(self, person_id: str, since: dt.datetime) -> list[dt.datetime]:
        """When this person posted, and last edited each of their messages, after `since` (any room); the
        person's other posts and edits wait for this transaction to end."""
        return list(self.session.execute(self._RECENT_WRITES, {"person_id": person_id, "since": since}).scalars())

    _ADD_POSTED = PreparedStatement("room_add_posted", """
        WITH stream AS (
            INSERT INTO room_streams (room_slug, last_seq) VALUES (:room_slug, 1)
            ON CONFLICT (room_slug) DO UPDATE SET last_seq = room_streams.last_seq + 1
            RETURNING last_seq
        ), message AS (
            INSERT INTO messages (message_id, room_slug, seq, author_id, author_username, body, reply_to, mentions,
                                  hearts, posted_at)
            SELECT CAST(:message_id AS uuid), :room_slug, stream.last_seq, :author_id, :author_username, :body,
                   CAST(:reply_to AS uuid), :mentions, 0, :posted_at FROM stream
            RETURNING seq
        ), announced AS (
            INSERT INTO outbox (event_id, event_type, payload, request_id, occurred_at)
            SELECT :event_id, :event_type, jsonb_set(:payload, '{data,seq}', to_jsonb(message.seq)),
                   :request_id, :occurred_at
              FROM message
        )
        INSERT INTO timeline (room_slug, seq, kind, data, occurred_at)
        SELECT :room_slug, message.seq, 'message_posted', :data, :posted_at FROM message
        RETURNING seq
    """, json_params=("mentions", "data", "payload"))

    # What SqlAlchemyUnitOfWork.add_posted_and_commit reads after the commit that ends _ADD_POSTED's message
    # (which answers with the last statement's rows only): the seq the post took.
    _POSTED_SEQ = "SELECT seq FROM messages WHERE message_id = CAST(:message_id AS uuid)"

    @staticmethod
    def _posted_values(message: Message, timeline_data: dict, posted: Event) -> dict:
        return {
            "message_id": message.message_id, "room_slug": message.room_slug, "author_id": message.author_id,
            "author_username": message.author_username, "body": message.body, "reply_to": message.reply_to,
            "mentions": message.mentions, "posted_at": message.posted_at, "data": timeline_data,
            **outbox_row(posted, SOURCE),
        }

    def add_posted(self, message: Message, timeline_data: dict, posted: Event) -> int:
        """Takes the room's next seq and stores the message, its timeline item and the `posted` event (its
        data's seq filled in) in the outbox: one statement, one round trip; returns the seq (the stream row
        stays locked until commit, as with StreamsRepository.next_seq: see add_posted_and_commit)."""
        return self._ADD_POSTED(self.session, self._posted_values(message, timeline_data, posted)).scalar_one()

    def heart(self, message_id: str, person_id: str, on: bool, now: dt.datetime) -> int | None:
        """Adds or removes one person's heart; returns the new count, or None when nothing changed."""
        h, m = orm.hearts, orm.messages
        if on:
            stmt = postgresql.insert(h).values(message_id=message_id, person_id=person_id, hearted_at=now)
            changed = self.session.execute(stmt.on_conflict_do_nothing()).rowcount == 1
        else:
            stmt = sa.delete(h).where(h.c.message_id == message_id, h.c.person_id == person_id)
            changed = self.session.execute(stmt).rowcount == 1
        if not changed:
            return None
        stmt = (
            sa.update(m)
            .where(m.c.message_id == message_id)
            .values(hearts=m.c.hearts + (1 if on else -1))
            .returning(m.c.hearts)
        )
        return self.session.execute(stmt).scalar_one()


class SanctionsRepository:
    def __init__(self, session: Connection):
        self.session = session

    def get(self, sanction_id: str, *, lock: bool = False) -> Sanction | None:
        stmt = sa.select(orm.sanctions).where(orm.sanctions.c.sanction_id == sanction_id)
        row = self.session.execute(stmt.with_for_update() if lock else stmt).mappings().first()
        return Sanction(**{k: row[k] for k in _SANCTION_FIELDS}) if row else None

    def lock_new(self, sanction_id: str, person_id: str) -> None:
        """Serialises concurrent first events for one sanction on a placeholder row (seq 0, inactive)."""
        self.session.execute(
            postgresql.insert(orm.sanctions)
            .values(sanction_id=sanction_id, person_id=person_id, kind="mute", active=False, seq=0, updated_at=utcnow())
            .on_conflict_do_nothing(index_elements=[orm.sanctions.c.sanction_id])
        )

    def save(self, sanction: Sanction) -> None:
        t = orm.sanctions
        values = {k: getattr(sanction, k) for k in _SANCTION_FIELDS if k != "sanction_id"} | {"updated_at": utcnow()}
        self.session.execute(sa.update(t).where(t.c.sanction_id == sanction.sanction_id).values(**values))

    def active_for(self, person_id: str) -> list[Sanction]:
        t = orm.sanctions
        stmt = sa.select(t).where(t.c.person_id == person_id, t.c.active)
        return [Sanction(**{k: row[k] for k in _SANCTION_FIELDS}) for row in self.session.execute(stmt).mappings()]


class CohortGrantsRepository:
    def __init__(self, session: Connection):
        self.session = session

    @staticmethod
    def _grant(row) -> CohortGrant:
        return CohortGrant(**{k: row[k] for k in _GRANT_FIELDS} | {"grant_id": str(row["grant_id"])})

    def add(self, grant: CohortGrant) -> None:
        self.session.execute(sa.insert(orm.cohort_grants).values(**dataclasses.asdict(grant)))

    def get(self, grant_id: str, *, lock: bool = False) -> CohortGrant | None:
        t = orm.cohort_grants
        stmt = sa.select(t).where(t.c.grant_id == grant_id)
        row = self.session.execute(stmt.with_for_update() if lock else stmt).mappings().first()
        return self._grant(row) if row else None

    def revoke(self, grant_id: str, by: str, now: dt.datetime) -> None:
        t = orm.cohort_grants
        self.session.execute(sa.update(t).where(t.c.grant_id == grant_id).values(revoked_by=by, revoked_at=now))

    def rooms_for(self, person_id: str, now: dt.datetime) -> set[str]:
        t = orm.cohort_grants
        stmt = sa.select(t.c.room_slug).where(
            t.c.person_id == person_id, t.c.revoked_at.is_(None), t.c.expires_at > now
        )
        return set(self.session.execute(stmt).scalars())

    def in_force_until(self, person_id: str, slug: str, now: dt.datetime) -> dt.datetime | None:
        t = orm.cohort_grants
        stmt = sa.select(sa.func.max(t.c.expires_at)).where(
            t.c.person_id == person_id, t.c.room_slug == slug, t.c.revoked_at.is_(None), t.c.expires_at > now
        )
        return self.session.execute(stmt).scalar()

    def list(self, slug: str | None) -> list[CohortGrant]:
        t = orm.cohort_grants
        stmt = sa.select(t).order_by(t.c.granted_at.desc())
        if slug:
            stmt = stmt.where(t.c.room_slug == slug)
        return [self._grant(row) for row in self.session.execute(stmt).mappings()]


class SessionsRepository:
    def __init__(self, session: Connection):
        self.session = session

    @staticmethod
    def _session(row) -> SupportSession:
        values = {k: row[k] for k in _SESSION_FIELDS}
        return SupportSession(**values | {"session_id": str(values["session_id"])})

    def get(self, session_id: str, *, lock: bool = False) -> SupportSession | None:
        stmt = sa.select(orm.sessions).where(orm.sessions.c.session_id == session_id)
        row = self.session.execute(stmt.with_for_update() if lock else stmt).mappings().first()
        return self._session(row) if row else None

    def add(self, s: SupportSession) -> None:
        self.session.execute(sa.insert(orm.sessions).values(**{k: getattr(s, k) for k in _SESSION_FIELDS}))

    def save(self, s: SupportSession) -> None:
        t = orm.sessions
        values = {k: getattr(s, k) for k in _SESSION_FIELDS if k != "session_id"}
        self.session.execute(sa.update(t).where(t.c.session_id == s.session_id).values(**values))

    def live_in(self, slug: str) -> SupportSession | None:
        t = orm.sessions
        row = self.session.execute(
            sa.select(t).where(t.c.room_slug == slug, t.c.status == "live").limit(1)
        ).mappings().first()
        return self._session(row) if row else None

    @staticmethod
    def _span():
        """A session's start (or when it started) and its planned end, as SQL (SupportSession.planned_end)."""
        t = orm.sessions
        began = sa.func.coalesce(t.c.started_at, t.c.starts_at)
        return began, began + sa.func.make_interval(0, 0, 0, 0, 0, t.c.duration_minutes)

    def overlapping(self, slug: str, starts_at: dt.datetime, ends_at: dt.datetime) -> list[SupportSession]:
        """The room's scheduled or live sessions whose time overlaps [starts_at, ends_at), however many the
        room has booked."""
        t = orm.sessions
        began, planned_end = self._span()
        stmt = sa.select(t).where(t.c.room_slug == slug, t.c.status.in_(("live", "scheduled")),
                                  began < ends_at, planned_end > starts_at).order_by(began)
        return [self._session(row) for row in self.session.execute(stmt).mappings()]

    def next_overdue(self, ended_before: dt.datetime) -> SupportSession | None:
        """A live or still scheduled session whose planned end is before `ended_before`, locked; one another
        transaction holds is skipped (workers closing overdue sessions side by side take different ones)."""
        t = orm.sessions
        began, planned_end = self._span()
        stmt = (sa.select(t).where(t.c.status.in_(("live", "scheduled")), planned_end < ended_before)
                .order_by(began).limit(1).with_for_update(skip_locked=True))
        row = self.session.execute(stmt).mappings().first()
        return self._session(row) if row else None

    def live_rooms(self) -> set[str]:
        t = orm.sessions
        return set(self.session.execute(sa.select(t.c.room_slug).where(t.c.status == "live").distinct()).scalars())

    def list(self, slugs: Iterable[str] | None, statuses: tuple[str, ...], limit: int = 200,
             latest: bool = False) -> list[SupportSession]:
        """Sessions in these statuses, of these rooms (None: every room), by start: the first `limit`, or
        the last `limit` with `latest` (still in order of start)."""
        t = orm.sessions
        stmt = sa.select(t).where(t.c.status.in_(statuses))
        if slugs is not None:
            stmt = stmt.where(t.c.room_slug.in_(list(slugs)))
        order = (t.c.starts_at.desc(), t.c.session_id) if latest else (t.c.starts_at, t.c.session_id)
        found = [self._session(row) for row in self.session.execute(stmt.order_by(*order).limit(limit)).mappings()]
        return found[::-1] if latest else found

    def attend(self, session_id: str, person_id: str, now: dt.datetime) -> None:
        self.session.execute(
            postgresql.insert(orm.attendance)
            .values(session_id=session_id, person_id=person_id, first_seen_at=now)
            .on_conflict_do_nothing()
        )

    def attendees(self, session_id: str) -> list[str]:
        t = orm.attendance
        stmt = sa.select(t.c.person_id).where(t.c.session_id == session_id).order_by(t.c.first_seen_at)
        return list(self.session.execute(stmt).scalars())

    def hosted_by(self, leader_id: str, since: dt.datetime, until: dt.datetime) -> list[HostedSession]:
        t, a, r = orm.sessions, orm.attendance, orm.rooms
        others = (sa.select(sa.func.count()).where(a.c.session_id == t.c.session_id, a.c.person_id != leader_id)
                  .scalar_subquery())
        stmt = (
            sa.select(t.c.session_id, t.c.room_slug, sa.func.coalesce(r.c.topic, "").label("team"), t.c.topic,
                      t.c.started_at, t.c.ended_at, others.label("others_attending"), t.c.script_id)
            .select_from(t.outerjoin(r, r.c.slug == t.c.room_slug))
            .where(t.c.leader_id == leader_id, t.c.status == "ended", t.c.started_at < until, t.c.ended_at > since)
            .order_by(t.c.started_at, t.c.session_id)
        )
        return [HostedSession(**dict(row) | {"session_id": str(row["session_id"])})
                for row in self.session.execute(stmt).mappings()]


class ScriptsRepository:
    def __init__(self, session: Connection):
        self.session = session

    @staticmethod
    def _script(row) -> Script:
        return Script(**{k: row[k] for k in _SCRIPT_FIELDS} | {"prompts": tuple(row["prompts"])})

    @staticmethod
    def _values(script: Script) -> dict:
        return {k: getattr(script, k) for k in _SCRIPT_FIELDS} | {"prompts": list(script.prompts)}

    def get(self, script_id: str) -> Script | None:
        t = orm.scripts
        row = self.session.execute(sa.select(t).where(t.c.script_id == script_id)).mappings().first()
        return self._script(row) if row else None

    def list(self, session_type: str | None, cohort: str | None) -> list[Script]:
        t = orm.scripts
        stmt = sa.select(t).order_by(t.c.title, t.c.script_id)
        if session_type is not None:
            stmt = stmt.where(t.c.session_type == session_type)
        if cohort is not None:
            stmt = stmt.where(t.c.audience_cohort.in_((cohort, ANY_AUDIENCE)))
        return [self._script(row) for row in self.session.execute(stmt).mappings()]

    def put(self, script: Script) -> bool:
        t = orm.scripts
        values = self._values(script)
        stmt = postgresql.insert(t).values(**values)
        # xmax = 0 only on a row this statement inserted: whether the script was new
        stmt = stmt.on_conflict_do_update(index_elements=[t.c.script_id], set_=values).returning(
            sa.literal_column("xmax = 0"))
        return bool(self.session.execute(stmt).scalar_one())

    def add_if_missing(self, script: Script) -> bool:
        stmt = postgresql.insert(orm.scripts).values(**self._values(script)).on_conflict_do_nothing()
        return self.session.execute(stmt).rowcount == 1


class HandsRepository:
    """The Sharing Circle queue of raised hands, first come first served."""

    def __init__(self, session: Connection):
        self.session = session

    def list(self, slug: str) -> list[tuple[str, dt.datetime]]:
        t = orm.hands
        stmt = (sa.select(t.c.person_id, t.c.raised_at).where(t.c.room_slug == slug)
                .order_by(t.c.raised_at, t.c.person_id))
        return [tuple(row) for row in self.session.execute(stmt)]

    def add(self, slug: str, person_id: str, raised_at: dt.datetime) -> None:
        stmt = postgresql.insert(orm.hands).values(room_slug=slug, person_id=person_id, raised_at=raised_at)
        self.session.execute(stmt.on_conflict_do_nothing())

    def remove(self, slug: str, person_id: str) -> bool:
        t = orm.hands
        return self.session.execute(sa.delete(t).where(t.c.room_slug == slug, t.c.person_id == person_id)).rowcount == 1


class NoticesRepository:
    def __init__(self, session: Connection):
        self.session = session

    @staticmethod
    def _notice(row) -> Notice:
        return Notice(**{k: row[k] for k in _NOTICE_FIELDS})

    def add(self, notice: Notice) -> bool:
        t = orm.notices
        values = {k: getattr(notice, k) for k in _NOTICE_FIELDS if k != "position"}
        position = self.session.execute(
            postgresql.insert(t).values(**values).on_conflict_do_nothing(index_elements=[t.c.notice_id])
            .returning(t.c.position)).scalar()
        if position is None:
            return False
        notice.position = position
        return True

    def get(self, notice_id: str, person_id: str, *, lock: bool = False) -> Notice | None:
        t = orm.notices
        stmt = sa.select(t).where(t.c.notice_id == notice_id, t.c.person_id == person_id)
        row = self.session.execute(stmt.with_for_update() if lock else stmt).mappings().first()
        return self._notice(row) if row else None

    def save(self, notice: Notice) -> None:
        t = orm.notices
        self.session.execute(sa.update(t).where(t.c.notice_id == notice.notice_id).values(read_at=notice.read_at))

    def page(self, person_id: str, before: int | None, limit: int) -> list[Notice]:
        t = orm.notices
        stmt = sa.select(t).where(t.c.person_id == person_id)
        if before is not None:
            stmt = stmt.where(t.c.position < before)
        rows = self.session.execute(stmt.order_by(t.c.position.desc()).limit(limit)).mappings()
        return [self._notice(row) for row in rows]

    def received_since(self, person_ids: list[str], since: dt.datetime) -> list[Notice]:
        t = orm.notices
        rows = self.session.execute(sa.select(t).where(t.c.person_id.in_(person_ids), t.c.received_at >= since)
                                    .order_by(t.c.position)).mappings()
        return [self._notice(row) for row in rows]

    def purge(self, received_before: dt.datetime) -> int:
        t = orm.notices
        return self.session.execute(sa.delete(t).where(t.c.received_at < received_before)).rowcount

class AutomodRepository:
    """The read model of moderation's automod rule set: one row, the highest version received."""

    def __init__(self, session: Connection):
        self.session = session

    def version(self) -> int:
        return self.session.execute(sa.select(orm.automod_rule_set.c.version)).scalar() or 0

    def current(self) -> StoredRuleSet | None:
        t = orm.automod_rule_set
        row = self.session.execute(sa.select(t.c.version, t.c.rule_set, t.c.changed_by, t.c.changed_at)).first()
        return StoredRuleSet(*row) if row else None

    def keep_if_newer(self, stored: StoredRuleSet) -> bool:
        """Replaces the kept set only with a newer version (a late older one writes nothing), atomically."""
        t = orm.automod_rule_set
        values = {"version": stored.version, "rule_set": stored.rule_set, "changed_by": stored.changed_by,
                  "changed_at": stored.changed_at, "updated_at": utcnow()}
        stmt = postgresql.insert(t).values(singleton=True, **values)
        stmt = stmt.on_conflict_do_update(index_elements=[t.c.singleton], set_=values,
                                          where=t.c.version < stmt.excluded.version)
        return self.session.execute(stmt).rowcount == 1


class PersonalFiltersRepository:
    """Personal mute and block, one row per (owner, target)."""

    def __init__(self, session: Connection):
        self.session = session

    @staticmethod
    def _filter(row) -> PersonalFilter:
        return PersonalFilter(owner_id=row["owner_id"], target_id=row["target_id"], kind=row["kind"],
                              created_at=row["created_at"])

    def get(self, owner_id: str, target_id: str) -> PersonalFilter | None:
        t = orm.personal_filters
        row = self.session.execute(sa.select(t).where(t.c.owner_id == owner_id, t.c.target_id == target_id)
                                   ).mappings().first()
        return self._filter(row) if row is not None else None

    def put(self, personal_filter: PersonalFilter) -> None:
        t = orm.personal_filters
        stmt = postgresql.insert(t).values(**dataclasses.asdict(personal_filter))
        self.session.execute(stmt.on_conflict_do_update(index_elements=[t.c.owner_id, t.c.target_id],
                                                        set_={"kind": stmt.excluded.kind}))

    def remove(self, owner_id: str, target_id: str) -> bool:
        t = orm.personal_filters
        return self.session.execute(
            sa.delete(t).where(t.c.owner_id == owner_id, t.c.target_id == target_id)).rowcount > 0

    def list(self, owner_id: str) -> list[PersonalFilter]:
        t = orm.personal_filters
        stmt = sa.select(t).where(t.c.owner_id == owner_id).order_by(t.c.created_at, t.c.target_id)
        return [self._filter(row) for row in self.session.execute(stmt).mappings()]

    def hidden_by(self, owners: list[str]) -> dict[str, set[str]]:
        if not owners:
            return {}
        t = orm.personal_filters
        hidden: dict[str, set[str]] = {}
        for owner_id, target_id in self.session.execute(
                sa.select(t.c.owner_id, t.c.target_id).where(t.c.owner_id.in_(owners))):
            hidden.setdefault(owner_id, set()).add(target_id)
        return hidden

    def count(self, owner_id: str) -> int:
        t = orm.personal_filters
        stmt = sa.select(sa.func.count()).select_from(t).where(t.c.owner_id == owner_id)
        return self.session.execute(stmt).scalar_one()

    def blockers(self, target_id: str, owners: list[str]) -> set[str]:
        if not owners:
            return set()
        t = orm.personal_filters
        stmt = sa.select(t.c.owner_id).where(t.c.target_id == target_id, t.c.kind == BLOCK,
                                             t.c.owner_id.in_(owners))
        return set(self.session.execute(stmt).scalars())


class SqlAlchemyUnitOfWork(CoreUnitOfWork, UnitOfWork):
    def __init__(self, engine: Engine, single_statements: bool = False, engine_autocommits: bool = False):
        super().__init__(engine, orm.outbox, SOURCE, single_statements=single_statements,
                         engine_autocommits=engine_autocommits)

    def open_repositories(self, connection: Connection) -> None:
        self.rooms = RoomsRepository(connection)
        self.people = PeopleRepository(connection)
        self.streams = StreamsRepository(connection)
        self.timeline = TimelineRepository(connection)
        self.members = MembersRepository(connection)
        self.messages = MessagesRepository(connection)
        self.paces = PacesRepository(connection, orm.paces)
        self.sanctions = SanctionsRepository(connection)
        self.cohort_grants = CohortGrantsRepository(connection)
        self.sessions = SessionsRepository(connection)
        self.hands = HandsRepository(connection)
        self.notices = NoticesRepository(connection)
        self.automod = AutomodRepository(connection)
        self.scripts = ScriptsRepository(connection)
        self.personal_filters = PersonalFiltersRepository(connection)
        self.idempotency = SqlIdempotencyRecords(connection, orm.idempotency_records)

    def add_posted_and_commit(self, message: Message, timeline_data: dict, posted: Event) -> int:
        """The post's statement, COMMIT and the read of its seq in one round trip (CoreUnitOfWork.commit_with)."""
        return self.commit_with(MessagesRepository._ADD_POSTED,
                                MessagesRepository._posted_values(message, timeline_data, posted),
                                MessagesRepository._POSTED_SEQ).scalar_one()

    def claim_event(self, envelope: dict) -> bool:
        return claim_event(self.connection, orm.inbox, envelope)


def uow_factory(engine: Engine, autocommit_engine: Engine | None = None):
    """Units of work on `engine`; `single_statements=True` for use cases that write in one statement. With
    `autocommit_engine` (make_engine(autocommit=True)), every unit runs there: single statements commit as
    they run (no per-call switching of the connection), and a transaction's BEGIN goes with its first
    statement (CoreUnitOfWork), a round trip fewer per transaction."""

    def new(single_statements: bool = False) -> SqlAlchemyUnitOfWork:
        if autocommit_engine is not None:
            return SqlAlchemyUnitOfWork(autocommit_engine, single_statements, engine_autocommits=True)
        return SqlAlchemyUnitOfWork(engine, single_statements)

    return new
