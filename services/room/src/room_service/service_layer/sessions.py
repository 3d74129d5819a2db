"""Service layer: support sessions (scheduled and unplanned), attendance, facilitator check-in and Sharing
Circle turns."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from hearth_common.idempotency import IdempotentCall
from hearth_common.ids import new_id
from hearth_common.people import is_admin
from hearth_common.text import shown
from room_service.domain import errors, events
from room_service.domain import sessions as rules
from room_service.domain.circle import SHARING_CIRCLE_TOPIC, TurnQueue
from room_service.domain.rooms import Room
from room_service.domain.sessions import Session
from room_service.service_layer.access import (
    decide_all,
    known_person,
    load_room,
    require_may_enter,
    require_member,
)
from room_service.service_layer.conversation import Conversation
from room_service.service_layer.hosting import Hosting
from room_service.service_layer.scripts import Scripts, find_script
from room_service.service_layer.timeline import Transactions, append, parse_uuid, set_checked_in
from room_service.service_layer.unit_of_work import UnitOfWork
from room_service.service_layer.views import queue_view, session_view, timeline_session

LISTED = 200  # ListSessions: at most this many upcoming or live sessions, and as many past ones


def active_room(uow: UnitOfWork, slug: str) -> Room:
    """The room, if sessions may be held there (it exists and is not archived)."""
    room = load_room(uow, slug)
    if room.status != "active":
        raise errors.RoomArchived(f"{room.name} is archived; sessions are held in open rooms")
    return room


class Sessions:
    """Sessions, check-ins and turns; shares the conversation's units of work, clock and live fan-out. With them
    the script library (`scripts`) and the leaders' hosting figures (`hosting`, against `quotas`)."""

    def __init__(self, conversation: Conversation, quotas: Mapping[tuple[str, str], int] | None = None):
        self.conversation = conversation
        self.tx: Transactions = conversation.transactions
        self.scripts = Scripts(self.tx)
        self.hosting = Hosting(self.tx, quotas)

    def clock(self) -> dt.datetime:
        return self.tx.clock()

    # --- sessions -----------------------------------------------------------------------------

    def schedule(self, actor_id: str, slug: str, topic: str, starts_at: dt.datetime | None,
                 duration_minutes: int, idempotency_key: str | None = None, script_id: str = "") -> dict:
        """A retry with the same key (same room, topic, start, length and script) gets the first session.
        `script_id`: a facilitation script of the library fit for the room (empty: none)."""
        call = IdempotentCall(actor_id, "room.ScheduleSession", idempotency_key,
                              {"slug": slug, "topic": topic, "starts_at": starts_at, "minutes": duration_minutes}
                              | ({"script_id": script_id} if script_id else {}))
        return call.run(lambda: self._schedule(call, actor_id, slug, topic, starts_at, duration_minutes, script_id),
                        self.tx.begin)

    def _schedule(self, call: IdempotentCall, actor_id: str, slug: str, topic: str, starts_at: dt.datetime | None,
                  duration_minutes: int, script_id: str) -> dict:
        now = self.clock()
        with self.tx.begin() as uow:
            if (stored := call.stored(uow.idempotency)) is not None:
                return stored
            room = active_room(uow, slug)
            if not rules.may_schedule(known_person(uow, actor_id).facts(), slug, now):
                raise errors.MayNotRunSessions("only Support Session Leaders (and admins) schedule sessions")
            require_may_enter(uow, slug, actor_id, now, "lead a session")
            chosen = self._script(uow, room, script_id, "scheduled")
            session = Session.schedule(new_id(), slug, topic, actor_id, starts_at, duration_minutes, now, chosen)
            uow.streams.lock(slug)  # two leaders booking the same hour: the second sees the first
            session.check_clashes(uow.sessions.overlapping(slug, session.starts_at, session.planned_end))
            uow.sessions.add(session)
            append(uow, slug, "session_scheduled", timeline_session(session), now)
            result = call.remember(uow.idempotency, session_view(session), now)
            self.tx.commit(uow)
            return result

    def list(self, viewer_id: str, slug: str = "", include_past: bool = False) -> list[dict]:
        """Sessions (of one room, or all) in the rooms the viewer may enter, open now or not; admins see all.
        In order of start: the first LISTED scheduled or live ones and, with include_past, the LISTED most
        recent ended or called-off ones."""
        now = self.clock()
        with self.tx.begin() as uow:
            viewer = uow.people.get(viewer_id)
            if slug:
                load_room(uow, slug)
            if viewer is not None and is_admin(viewer.facts(), now):
                rooms = [slug] if slug else None
            elif slug:
                require_may_enter(uow, slug, viewer_id, now, "see the sessions")
                rooms = [slug]
            else:  # the rooms' doors asked together, in the database's one read of the catalogue
                catalogue = uow.rooms.list(include_archived=True)
                decisions = decide_all(uow, catalogue, viewer, now, check_open=False)
                rooms = [room.slug for room, decision in zip(catalogue, decisions) if decision.allowed]
            sessions = uow.sessions.list(rooms, ("scheduled", "live"), LISTED)
            if include_past:
                sessions = uow.sessions.list(rooms, ("ended", "cancelled"), LISTED, latest=True) + sessions
            return [session_view(s) for s in sorted(sessions, key=lambda s: s.starts_at)]

    def start(self, actor_id: str, session_id: str) -> dict:
        now = self.clock()
        with self.tx.begin() as uow:
            session = self._session(uow, session_id)
            active_room(uow, session.room_slug)
            if actor_id == session.leader_id and not rules.may_schedule(known_person(uow, actor_id).facts(),
                                                                         session.room_slug, now):
                raise errors.MayNotRunSessions("you no longer hold the Support Session Leader role, so you cannot "
                                               "start this session; a moderator or admin may call it off")
            require_may_enter(uow, session.room_slug, actor_id, now, "lead a session")
            uow.streams.lock(session.room_slug)
            if uow.sessions.live_in(session.room_slug) is not None:
                raise errors.SessionAlreadyLive("another session is live in this room; end it first")
            session.start(actor_id, now)
            uow.sessions.save(session)
            return self._went_live(uow, session, now)

    def start_unplanned(self, actor_id: str, slug: str, topic: str, duration_minutes: int,
                        idempotency_key: str | None = None, script_id: str = "") -> dict:
        """An On-spot Host opens a session on the spot in a room they are in. A retry with the same key (same
        room, topic, length and script) gets the first session, even once it has ended."""
        call = IdempotentCall(actor_id, "room.StartUnplannedSession", idempotency_key,
                              {"slug": slug, "topic": topic, "minutes": duration_minutes}
                              | ({"script_id": script_id} if script_id else {}))
        return call.run(lambda: self._start_unplanned(call, actor_id, slug, topic, duration_minutes, script_id),
                        self.tx.begin)

    def _start_unplanned(self, call: IdempotentCall, actor_id: str, slug: str, topic: str,
                         duration_minutes: int, script_id: str) -> dict:
        now = self.clock()
        with self.tx.begin() as uow:
            if (stored := call.stored(uow.idempotency)) is not None:
                return stored
            room = active_room(uow, slug)
            if not rules.may_host_unplanned(known_person(uow, actor_id).facts(), slug, now):
                raise errors.MayNotRunSessions("only On-spot Hosts (and admins) start unplanned sessions")
            if uow.members.get(slug, actor_id) is None:
                raise errors.NotInRoom("join the room first: an unplanned session starts in a room you are in")
            uow.streams.lock(slug)
            if uow.sessions.live_in(slug) is not None:
                raise errors.SessionAlreadyLive("a session is live in this room already")
            chosen = self._script(uow, room, script_id, "unplanned")
            session = Session.unplanned(new_id(), slug, topic, actor_id, now, duration_minutes or 60, chosen)
            session.check_clashes(uow.sessions.overlapping(slug, session.starts_at, session.planned_end))
            uow.sessions.add(session)
            return self._went_live(uow, session, now, call)

    def _went_live(self, uow: UnitOfWork, session: Session, now: dt.datetime,
                   call: IdempotentCall | None = None) -> dict:
        for member in uow.members.list(session.room_slug):  # everyone in the room when it starts attends
            uow.sessions.attend(session.session_id, member.person_id, now)
        item = append(uow, session.room_slug, "session_started", timeline_session(session), now)
        uow.add_events([events.session_started(session, item["seq"])])
        result = call.remember(uow.idempotency, session_view(session), now) if call else session_view(session)
        self.tx.commit(uow)
        return result

    def end(self, actor_id: str, session_id: str) -> dict:
        now = self.clock()
        with self.tx.begin() as uow:
            session = self._session(uow, session_id)
            session.end(actor_id, now, self._as_moderator(uow, actor_id, session, now, "end a session"))
            data = self._ended(uow, session, now, ended_by=actor_id)
            self.tx.commit(uow)
            return session_view(session) | {"attendee_ids": data["attendee_ids"],
                                            "duration_seconds": data["duration_seconds"]}

    def close_overdue(self, limit: int = 100) -> int:
        """Closes sessions whose time is OVERRUN_GRACE past their planned end: a live one nobody ended ends as
        of that end (session_ended with ended_by null and ended_automatically), a scheduled one never started
        is called off (session_cancelled on the timeline). Returns how many. Safe to run in several workers at
        once: each session is closed once, in a transaction of its own."""
        closed = 0
        while closed < limit:
            now = self.clock()
            with self.tx.begin() as uow:
                session = uow.sessions.next_overdue(now - rules.OVERRUN_GRACE)
                if session is None:
                    return closed
                if session.overran(now):
                    session.end_overrun(now)
                    self._ended(uow, session, now, ended_by=None)
                elif session.lapsed(now):
                    session.call_off_lapsed(now)
                    uow.sessions.save(session)
                    append(uow, session.room_slug, "session_cancelled", timeline_session(session) | {"lapsed": True},
                           now)
                else:
                    return closed
                self.tx.commit(uow)
                closed += 1
        return closed

    def _ended(self, uow: UnitOfWork, session: Session, now: dt.datetime, ended_by: str | None) -> dict:
        """Saves an ended session and writes its timeline item and session_ended event; returns the event's
        data."""
        uow.sessions.save(session)
        attendees = uow.sessions.attendees(session.session_id)
        item = append(uow, session.room_slug, "session_ended", timeline_session(session), now)
        ended = events.session_ended(session, attendees, item["seq"], ended_by)
        uow.add_events([ended])
        return ended.data

    def cancel(self, actor_id: str, session_id: str) -> dict:
        now = self.clock()
        with self.tx.begin() as uow:
            session = self._session(uow, session_id)
            session.cancel(actor_id, now, self._as_moderator(uow, actor_id, session, now, "call off a session"))
            uow.sessions.save(session)
            append(uow, session.room_slug, "session_cancelled", timeline_session(session), now)
            self.tx.commit(uow)
            return session_view(session)

    def _as_moderator(self, uow: UnitOfWork, actor_id: str, session: Session, now: dt.datetime, what: str) -> bool:
        """Whether the actor acts on someone else's session as a moderator or admin of its room; they do so
        only in a room they may enter themselves (as with slow mode). A session's leader acts on their own
        session without this."""
        if actor_id == session.leader_id or not rules.may_moderate(known_person(uow, actor_id).facts(),
                                                                   session.room_slug, now):
            return False
        require_may_enter(uow, session.room_slug, actor_id, now, what)
        return True

    @staticmethod
    def _script(uow: UnitOfWork, room: Room, script_id: str, kind: str) -> str | None:
        """The chosen script's id, once found in the library and fit for this room and kind of session."""
        if not script_id:
            return None
        find_script(uow, script_id).check_fits(room.topic, room.audience_cohort, kind)
        return script_id

    def _session(self, uow: UnitOfWork, session_id: str) -> Session:
        session = uow.sessions.get(parse_uuid(session_id, "session_id"), lock=True)
        if session is None:
            raise errors.SessionNotFound(f"no session {shown(session_id)}; ListSessions shows them")
        return session

    # --- facilitators holding a facilitated room open --------------------------------------------

    def check_in(self, actor_id: str, slug: str, checked_in: bool = True) -> bool:
        """A facilitator in the room checks in (opening a facilitated room) or out."""
        now = self.clock()
        with self.tx.begin() as uow:
            room = load_room(uow, slug)
            member = uow.members.get(slug, actor_id)
            checking_out = not checked_in and member is not None  # needs no role: one may have lapsed
            if not checking_out and not room.is_facilitator(known_person(uow, actor_id).facts(), now):
                raise errors.NotStaff("only this room's moderators, hosts, session leaders or admins check in")
            if member is None:
                raise errors.NotInRoom("join the room first, then check in")
            if member.checked_in != checked_in:
                set_checked_in(uow, slug, actor_id, checked_in, now)
            self.tx.commit(uow)
            return checked_in

    # --- the Sharing Circle -------------------------------------------------------------------

    def _circle(self, uow: UnitOfWork, slug: str) -> tuple[Room, TurnQueue]:
        room = load_room(uow, slug)
        if room.topic != SHARING_CIRCLE_TOPIC:
            raise errors.NoTurnQueue(f"{room.name} has no turn queue; turns are taken in Sharing Circle rooms")
        stream = uow.streams.lock(slug)
        queue = TurnQueue(slug, uow.hands.list(slug), stream.speaker_id, stream.speaker_since)
        return room, queue

    def _require_host(self, uow: UnitOfWork, room: Room, actor_id: str, now: dt.datetime) -> None:
        live = uow.sessions.live_in(room.slug)
        leads = live is not None and live.leader_id == actor_id
        if not leads and not room.is_facilitator(known_person(uow, actor_id).facts(), now):
            raise errors.NotCircleHost("only the circle's host (the session leader, an On-spot Host or a moderator) "
                                       "does this")
        if uow.members.get(room.slug, actor_id) is None:  # in the room: past its door, cohort included
            raise errors.NotInRoom("join the room first: the circle is hosted from inside it")

    def raise_hand(self, person_id: str, slug: str) -> dict:
        with self.tx.begin() as uow:
            room, queue = self._circle(uow, slug)
            now = self.clock()  # read holding the room's lock: the queue's order is the order hands came in
            require_member(uow, person_id, slug, now)
            before = queue.position(person_id)
            position = queue.raise_hand(person_id, known_person(uow, person_id).kind, now)
            if before is None:
                uow.hands.add(slug, person_id, now)
                append(uow, slug, "hand_raised", {"person_id": person_id, "position": position}, now)
            self.tx.commit(uow)
            return queue_view(queue)

    def lower_hand(self, person_id: str, slug: str) -> dict:
        now = self.clock()
        with self.tx.begin() as uow:
            room, queue = self._circle(uow, slug)
            if queue.lower_hand(person_id):
                uow.hands.remove(slug, person_id)
                append(uow, slug, "hand_lowered", {"person_id": person_id}, now)
            self.tx.commit(uow)
            return queue_view(queue)

    def give_turn(self, actor_id: str, slug: str, person_id: str = "") -> dict:
        now = self.clock()
        with self.tx.begin() as uow:
            room, queue = self._circle(uow, slug)
            self._require_host(uow, room, actor_id, now)
            speaker = queue.give_turn(person_id or None, now=now)
            uow.hands.remove(slug, speaker)
            uow.streams.set_speaker(slug, speaker, now)
            append(uow, slug, "turn_given", {"person_id": speaker, "by": actor_id}, now)
            self.tx.commit(uow)
            return queue_view(queue)

    def skip(self, actor_id: str, slug: str, person_id: str = "") -> dict:
        now = self.clock()
        with self.tx.begin() as uow:
            room, queue = self._circle(uow, slug)
            self._require_host(uow, room, actor_id, now)
            skipped = queue.skip(person_id or None)
            uow.hands.remove(slug, skipped)
            append(uow, slug, "turn_skipped", {"person_id": skipped, "by": actor_id}, now)
            self.tx.commit(uow)
            return queue_view(queue)

    def end_turn(self, actor_id: str, slug: str) -> dict:
        """The speaker passes, or the host ends the turn."""
        now = self.clock()
        with self.tx.begin() as uow:
            room, queue = self._circle(uow, slug)
            if queue.speaker_id != actor_id:
                self._require_host(uow, room, actor_id, now)
            ended = queue.end_turn()
            if ended is not None:
                uow.streams.set_speaker(slug, None, None)
                append(uow, slug, "turn_ended", {"person_id": ended, "by": actor_id}, now)
            self.tx.commit(uow)
            return queue_view(queue)

    def queue(self, person_id: str, slug: str) -> dict:
        with self.tx.begin() as uow:
            room, queue = self._circle(uow, slug)
            require_member(uow, person_id, slug, self.clock())
            return queue_view(queue)

