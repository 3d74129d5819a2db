"""Service layer: being in a room and talking there: join/leave, presence, messages, hearts, history, the timeline."""
from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable

from hearth_common.errors import InvalidArgument, NotFound, PermissionDenied
from hearth_common.events import Event
from room_service.domain import errors, sanctions
from room_service.domain import messages as msgs
from room_service.domain.errors import NotAllowedIn, NotInRoom, RoomFull
from room_service.domain.messages import Message
from room_service.domain.people import KnownPerson
from room_service.domain.rooms import Decision, Room
from room_service.domain.sessions import may_moderate
from room_service.service_layer.unit_of_work import (
    AccessContext,
    CohortGrant,
    Member,
    TimelineItem,
    UniqueViolation,
    UnitOfWork,
)

PRESENCE_TIMEOUT = dt.timedelta(seconds=60)
MAX_PAGE = 100
MAX_REPLAY_PAGE = 500
LAPSED_ROLE_WINDOW = dt.timedelta(hours=1)  # how far back the presence sweep looks for roles that expired
MAX_GRANT = dt.timedelta(days=30)
MAX_GRANT_REASON = 500


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def room_not_found(slug: str) -> errors.RoomNotFound:
    return errors.RoomNotFound(f"no room with slug {slug!r}; ListRooms shows the catalogue")


def load_room(uow: UnitOfWork, slug: str, lock: bool = False) -> Room:
    room = uow.rooms.get(slug or "", lock=lock)
    if room is None:
        raise room_not_found(slug)
    return room


def require_admin(uow: UnitOfWork, actor_id: str, now: dt.datetime, what: str) -> None:
    """Admin from room's own read model of roles (a token's roles may be minutes stale)."""
    person = uow.people.get(actor_id)
    if person is None or not person.facts().has_role("admin", "", now):
        raise errors.NotAdmin(f"only an admin may {what}")


def require_moderator(uow: UnitOfWork, actor_id: str, slug: str, now: dt.datetime, what: str) -> None:
    """A chat room moderator of this room (or of every room) or an admin, from room's read model of roles."""
    person = uow.people.get(actor_id)
    if person is None or not may_moderate(person.facts(), slug, now):
        raise errors.NotModerator(f"only a chat room moderator of this room or an admin may {what}")


def append(uow: UnitOfWork, slug: str, kind: str, data: dict, now: dt.datetime) -> TimelineItem:
    """Writes the room's next timeline item (gap-free seq under the stream's row lock) in this transaction."""
    item = TimelineItem(room_slug=slug, seq=uow.streams.next_seq(slug), kind=kind, data=data, occurred_at=now)
    uow.timeline.add(item)
    uow.timeline_items.append(item)
    return item


def access_context(uow: UnitOfWork, slug: str, person_id: str, now: dt.datetime) -> AccessContext:
    """The room and everything its door depends on for this person (one query); NotFound for no room."""
    context = uow.rooms.access_context(slug or "", person_id, now)
    if context is None:
        raise room_not_found(slug)
    return context


def banned(active: Iterable[sanctions.Sanction], slug: str, now: dt.datetime) -> Decision | None:
    """The refusal for a person banned from the room (their active sanctions), or None."""
    ban = sanctions.in_force(active, "ban", slug, now)
    return Decision(False, (sanctions.banned_because(ban),)) if ban is not None else None


def decide_in(context: AccessContext, now: dt.datetime, check_open: bool = True) -> Decision:
    """The access decision from an access_context(): a ban, the person, an open facilitated room, a staff grant."""
    room = context.room
    return banned(context.sanctions, room.slug, now) or room.decide(
        context.person, now, facilitated_open=context.facilitated_open, cohort_grant=context.cohort_grant,
        check_open=check_open)


def remove_member(uow: UnitOfWork, slug: str, person_id: str, reason: str, now: dt.datetime,
                  by: str | None = None, note: str = "", seen_before: dt.datetime | None = None) -> bool:
    """Takes the person out of the room (their place in the Sharing Circle's line and turn too), with the
    member_left timeline item and event; False when they were not in it, or (`seen_before`: the presence
    sweep) were seen since then, a heartbeat or post racing the sweep, or a rejoin. The membership row is
    locked before the room's stream row, in the order a post takes them (no deadlock with one)."""
    if not uow.members.lock(slug, person_id, seen_before):
        return False
    stream = uow.streams.lock(slug)
    uow.members.remove(slug, person_id)
    uow.hands.remove(slug, person_id)  # leaving the Sharing Circle ends one's place in line and one's turn
    if stream.speaker_id == person_id:
        uow.streams.set_speaker(slug, None, None)
    item = append(uow, slug, "member_left", {"person_id": person_id, "reason": reason}, now)
    data = {"room_slug": slug, "person_id": person_id, "reason": reason, "seq": item["seq"], "left_at": now.isoformat()}
    if by:
        data["removed_by"] = by
    if note:
        data["note"] = note[:500]
    uow.add_events([Event("member_left", data)])
    return True


def evict_refused(uow: UnitOfWork, pairs: Iterable[tuple[str, str]], now: dt.datetime) -> int:
    """Asks the door again, for each (room, person) with the person in the room, whether they still belong
    there (the person only: not whether the room is open now) and takes out those who do not
    (`no_longer_allowed`): a teen who turned 18 leaves the teen rooms, staff whose role or cross-cohort
    grant ended leave the rooms only that let them in. Returns how many were taken out."""
    removed = 0
    for slug, person_id in pairs:
        context, decision = door_for(uow, slug, person_id, now)
        member = context.member
        if member is None:
            continue
        if not decision.allowed:
            reason = "banned" if banned(context.sanctions, slug, now) else "no_longer_allowed"
            removed += remove_member(uow, slug, person_id, reason, now)
        elif member.checked_in and not context.room.is_facilitator(context.person.facts(), now):
            set_checked_in(uow, slug, person_id, False, now)  # no longer staff here: no longer holds it open
    return removed


def set_checked_in(uow: UnitOfWork, slug: str, person_id: str, checked_in: bool, now: dt.datetime) -> None:
    """Checks a facilitator in the room in (a facilitated room is open while one is) or out, with the
    timeline item."""
    uow.members.set_checked_in(slug, person_id, checked_in)
    append(uow, slug, "facilitator_checked_in" if checked_in else "facilitator_checked_out",
           {"person_id": person_id}, now)


def door_for(uow: UnitOfWork, slug: str, person_id: str, now: dt.datetime) -> tuple[AccessContext, Decision]:
    """The access context and the door's answer about the person alone (whether the room is open now aside)."""
    context = access_context(uow, slug, person_id, now)
    return context, decide_in(context, now, check_open=False)


def require_may_speak(room: Room, facilitated_open: bool, active: Iterable[sanctions.Sanction], now: dt.datetime) -> None:
    """Posting and editing need the room active and open now (Room.closed_now), and no ban or mute in force
    there (a ban ends membership, but a join may have raced it); reading needs none of that."""
    if room.status != "active":
        raise errors.RoomArchived(f"{room.name} is archived; it is read-only now")
    if closed := room.closed_now(now, facilitated_open=facilitated_open):
        raise errors.RoomClosed(f"you may not post or edit messages in {room.name} now: {closed}")
    for kind in ("ban", "mute"):
        sanctions.check(active, kind, room.slug, now)


def require_may_enter(uow: UnitOfWork, slug: str, person_id: str, now: dt.datetime, what: str) -> AccessContext:
    """Staff act on a room only where they may be themselves (its cohort or a grant for it, its kind or as its
    facilitator, its policy): the door asked about the person, open now or not. Returns the access context."""
    context, decision = door_for(uow, slug, person_id, now)
    if not decision.allowed:
        raise NotAllowedIn(f"you may not {what} in {context.room.name}: " + "; ".join(decision.missing))
    return context


def require_reader(context: AccessContext, slug: str, now: dt.datetime) -> None:
    """Those who may enter read a room (members, and others to look before joining); the banned do not."""
    sanctions.check(context.sanctions, "ban", slug, now)
    decision = decide_in(context, now)
    if not decision.allowed and context.member is None:
        raise NotAllowedIn(f"you may not read {context.room.name}: " + "; ".join(decision.missing))


def decide_all(uow: UnitOfWork, rooms: list[Room], person: KnownPerson | None, now: dt.datetime,
               check_open: bool = True) -> list:
    """The access decisions for a list of rooms with four queries in all, not a query per room."""
    open_rooms = uow.members.checked_in_rooms() | uow.sessions.live_rooms()
    granted = uow.cohort_grants.rooms_for(person.person_id, now) if person is not None else set()
    active = uow.sanctions.active_for(person.person_id) if person is not None else []
    return [
        banned(active, room.slug, now)
        or room.decide(person, now, facilitated_open=room.slug in open_rooms, cohort_grant=room.slug in granted,
                       check_open=check_open)
        for room in rooms
    ]


def message_view(m: Message, hearted: bool = False) -> dict:
    return {
        "message_id": m.message_id,
        "room_slug": m.room_slug,
        "seq": m.seq,
        "author_id": m.author_id,
        "author_username": m.author_username or "",
        "body": "" if m.deleted else m.body,
        "reply_to": m.reply_to,
        "mentions": [] if m.deleted else m.mentions,
        "hearts": m.hearts,
        "hearted_by_me": hearted,
        "posted_at": m.posted_at,
        "edited_at": m.edited_at,
        "deleted": m.deleted,
    }


def _timeline_message(m: Message) -> dict:
    """A message as the timeline stores it (JSON): what every subscriber sees, without per-viewer fields."""
    view = message_view(m)
    view.pop("hearted_by_me")
    return {k: (v.isoformat() if isinstance(v, dt.datetime) else v) for k, v in view.items()}


def member_view(member: Member) -> dict:
    return {
        "person_id": member.person_id,
        "username": member.username or "",
        "joined_at": member.joined_at,
        "last_seen_at": member.last_seen_at,
        "checked_in": member.checked_in,
    }


class Conversation:
    """Join, leave, presence, messages and history. `live` receives committed timeline items for fan-out."""

    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        clock: Callable[[], dt.datetime] = utcnow,
        live: Callable[[list[dict]], None] | None = None,
        presence_timeout: dt.timedelta = PRESENCE_TIMEOUT,
    ):
        self.uow_factory = uow_factory
        self.clock = clock
        self.live = live
        self.presence_timeout = presence_timeout

    def commit(self, uow: UnitOfWork) -> None:
        """Commits, then hands the timeline items written to the live fan-out (best effort: subscribers fill
        any gap from the timeline table, so a lost notification delays an item but never loses it)."""
        items = list(uow.timeline_items)
        uow.commit()
        if items and self.live is not None:
            self.live(items)

    # --- who is in the room -------------------------------------------------------------------

    def join(self, person_id: str, slug: str) -> dict:
        """Enters the room (idempotent: joining again only refreshes presence). Two round trips: the door's
        facts are read, then the join is written in one self-committing statement, so the room's row lock
        is never held while this process does anything else."""
        now = self.clock()
        with self.uow_factory(single_statements=True) as uow:
            context = access_context(uow, slug, person_id, now)
            room, person = context.room, context.person
            sanctions.check(context.sanctions, "ban", slug, now)
            decision = decide_in(context, now)
            if not decision.allowed:
                raise NotAllowedIn(f"you may not enter {room.name}: " + "; ".join(decision.missing))
            if context.member is not None:
                uow.members.touch([(slug, person_id)], now)
                uow.commit()
                return {"member": member_view(dataclasses.replace(context.member, last_seen_at=now)), "seq": None}
            member = Member(room_slug=slug, person_id=person_id, username=person.username, joined_at=now,
                            last_seen_at=now)
            data = {"person_id": person_id, "username": person.username or ""}
            joined = Event("member_joined", {"room_slug": slug, "person_id": person_id, "seq": None,
                                             "joined_at": now.isoformat()})
            try:  # written with the membership, the seq filled in
                seq = uow.members.add_joined(member, room.capacity, data, context.live_session_id, joined)
            except UniqueViolation:  # a concurrent join of the same person won: joining is idempotent
                return self.join(person_id, slug)
            if seq is None:
                raise RoomFull(f"{room.name} is full ({room.capacity} people); try again in a few minutes",
                               retry_after_seconds=60.0)
            uow.timeline_items.append(TimelineItem(room_slug=slug, seq=seq, kind="member_joined", data=data,
                                                   occurred_at=now))
            self.commit(uow)
            return {"member": member_view(member), "seq": seq}

    def leave(self, person_id: str, slug: str) -> bool:
        """Leaves the room; False when the person was not in it."""
        with self.uow_factory() as uow:
            load_room(uow, slug)  # NotFound for a room that does not exist, not a failed write
            left = remove_member(uow, slug, person_id, "left", self.clock())
            self.commit(uow)
            return left

    def touch(self, person_id: str, slug: str) -> None:
        """Presence heartbeat: a person still here. Refused when they are not in the room (they timed out)."""
        with self.uow_factory() as uow:
            if not uow.members.touch([(slug, person_id)], self.clock()):
                raise NotInRoom("you are not in this room (you may have timed out); join it again")
            uow.commit()

    def touch_many(self, pairs: Iterable[tuple[str, str]]) -> int:
        """Refreshes presence for (room, person) pairs with an open live stream; returns how many matched."""
        pairs = list(pairs)
        with self.uow_factory() as uow:
            touched = uow.members.touch(pairs, self.clock())
            uow.commit()
            return touched

    def evict_lapsed(self) -> int:
        """Takes people out of rooms once what let them in has expired (expiry sends no event): a cross-cohort
        grant, or a role (one that expired within the last LAPSED_ROLE_WINDOW; a sweep runs far more often);
        and anyone in a room they are banned from (their join raced the ban). Returns how many were taken out."""
        now = self.clock()
        with self.uow_factory() as uow:
            pairs = uow.members.to_recheck(now, now - LAPSED_ROLE_WINDOW)
        removed = 0
        for pair in pairs:  # a transaction each: holding one room's stream row while locking another member's
            with self.uow_factory() as uow:  # row could deadlock with that member's post
                removed += evict_refused(uow, [pair], now)
                self.commit(uow)
        return removed

    def sweep_presence(self, limit: int = 500) -> int:
        """Removes people whose client vanished (no heartbeat or stream for the presence timeout)."""
        now = self.clock()
        removed = 0
        with self.uow_factory() as uow:
            stale = uow.members.stale(now - self.presence_timeout, limit)
        for slug, person_id in stale:
            with self.uow_factory() as uow:  # unless they came back meanwhile, or someone else swept them
                removed += remove_member(uow, slug, person_id, "timed_out", now,
                                         seen_before=now - self.presence_timeout)
                self.commit(uow)
        return removed

    def members(self, person_id: str, slug: str) -> list[dict]:
        with self.uow_factory() as uow:
            now = self.clock()
            require_reader(access_context(uow, slug, person_id, now), slug, now)
            return [member_view(m) for m in uow.members.list(slug)]

    def _require_member(self, uow: UnitOfWork, person_id: str, slug: str) -> Member:
        member = uow.members.get(slug, person_id)
        if member is None:
            if uow.rooms.get(slug) is None:
                load_room(uow, slug)  # raises NotFound
            raise NotInRoom("join the room first")
        return member

    # --- messages -----------------------------------------------------------------------------

    def _mentions(self, uow: UnitOfWork, body: str, room: Room) -> list[dict]:
        """@usernames resolved to people of the room's cohort, or in the room (staff with a grant); any other
        name stays plain text, so nobody learns of accounts across the cohorts."""
        names = msgs.mentioned_usernames(body)
        known = uow.people.by_usernames(names)
        return [{"person_id": known[n].person_id, "username": known[n].username} for n in names
                if n in known and (known[n].cohort == room.audience_cohort
                                   or uow.members.get(room.slug, known[n].person_id) is not None)]

    def post(self, person_id: str, slug: str, body: str, reply_to: str | None = None) -> dict:
        body = msgs.clean_body(body)
        now = self.clock()
        with self.uow_factory() as uow:
            slow_window = dt.timedelta(seconds=msgs.MAX_SLOW_MODE_SECONDS)
            context = uow.messages.posting_context(slug, person_id, now, now - msgs.RATE_WINDOW, now - slow_window)
            if context is None:
                load_room(uow, slug)  # raises NotFound
            room = context.room
            if not context.in_room:
                raise NotInRoom("join the room before posting")
            require_may_speak(room, context.facilitated_open, context.sanctions, now)
            msgs.check_posting_rate(context.recent_posts, context.last_in_room, room.slow_mode_seconds, now)
            if reply_to:
                reply_to = _uuid(reply_to, "reply_to")  # stored and announced in the one canonical form
                parent = uow.messages.get(reply_to)
                if parent is None or parent.room_slug != slug:
                    raise msgs.InvalidMessage("reply_to must name a message in this room")
            message = Message(
                message_id=str(uuid.uuid4()), room_slug=slug, seq=0, author_id=person_id,
                author_username=context.member_username, body=body, posted_at=now, reply_to=reply_to or None,
                mentions=self._mentions(uow, body, room) if "@" in body else [],
            )
            timeline_data = _timeline_message(message)
            del timeline_data["seq"]  # the item's own seq is the message's
            message.seq = uow.messages.add_posted(message, timeline_data)
            uow.timeline_items.append(TimelineItem(room_slug=slug, seq=message.seq, kind="message_posted",
                                                   data=timeline_data, occurred_at=now))
            uow.add_events([Event("message_posted", {
                "room_slug": slug, "message_id": message.message_id, "seq": message.seq, "author_id": person_id,
                "body": body, "reply_to": message.reply_to,
                "mention_ids": [m["person_id"] for m in message.mentions], "posted_at": now.isoformat()})])
            self.commit(uow)
            return message_view(message)

    def edit(self, person_id: str, message_id: str, body: str) -> dict:
        now = self.clock()
        with self.uow_factory() as uow:
            message = self._message(uow, message_id, lock=True)
            context = access_context(uow, message.room_slug, person_id, now)
            if context.member is None:
                raise NotInRoom("join the room first")
            require_may_speak(context.room, context.facilitated_open, context.sanctions, now)
            last_edited_at = message.edited_at
            message.edit(person_id, body, [], now)  # the author's own, not deleted: then how often
            msgs.check_editing_rate(last_edited_at, uow.messages.recent_writes(person_id, now - msgs.RATE_WINDOW), now)
            message.mentions = self._mentions(uow, message.body, context.room)
            uow.messages.save(message)
            item = append(uow, message.room_slug, "message_edited", _timeline_message(message), now)
            uow.add_events([Event("message_edited", {
                "room_slug": message.room_slug, "message_id": message.message_id, "seq": item["seq"],
                "message_seq": message.seq, "author_id": person_id, "body": message.body,
                "edited_at": now.isoformat()})])
            self.commit(uow)
            return message_view(message)

    def delete(self, person_id: str, message_id: str, *, moderator: bool = False, reason: str = "") -> dict:
        """Deletes a message: its author, or (`moderator`) a moderator of its room (idempotent then)."""
        now = self.clock()
        with self.uow_factory() as uow:
            message = self._message(uow, message_id, lock=True)
            if moderator:
                require_moderator(uow, person_id, message.room_slug, now, "remove someone else's message")
            if message.deleted and moderator:
                return message_view(message)
            message.delete(person_id, now, moderator=moderator)
            uow.messages.save(message)
            item = append(uow, message.room_slug, "message_deleted",
                          {"message_id": message.message_id, "message_seq": message.seq, "deleted_by": person_id}, now)
            uow.add_events([Event("message_deleted", {
                "room_slug": message.room_slug, "message_id": message.message_id, "seq": item["seq"],
                "message_seq": message.seq, "author_id": message.author_id, "deleted_by": person_id,
                "by_moderation": moderator, "reason": reason, "deleted_at": now.isoformat()})])
            self.commit(uow)
            return message_view(message)

    def heart(self, person_id: str, message_id: str, on: bool) -> dict:
        """Gives or takes back a heart (idempotent); returns the message with its count."""
        now = self.clock()
        with self.uow_factory() as uow:
            message = self._message(uow, message_id)
            self._require_member(uow, person_id, message.room_slug)
            if message.deleted:
                raise msgs.MessageDeleted("this message was deleted")
            count = uow.messages.heart(message.message_id, person_id, on, now)
            if count is not None:  # a change: it is announced, so it is paced (a refusal rolls it back)
                due_at = msgs.pace_hearts(uow.messages.pace(person_id, "heart"), now)
                uow.messages.set_pace(person_id, "heart", due_at)
                message.hearts = count
                append(uow, message.room_slug, "hearts_changed",
                       {"message_id": message.message_id, "message_seq": message.seq, "hearts": count}, now)
            self.commit(uow)
            return message_view(message, hearted=on)

    def history(self, person_id: str, slug: str, *, before_seq: int = 0, after_seq: int | None = None,
                limit: int = 50) -> dict:
        """A page of messages: backwards from `before_seq` (0: the newest), or forwards after `after_seq`."""
        if not 1 <= limit <= MAX_PAGE:
            raise InvalidArgument(f"limit must be between 1 and {MAX_PAGE}")
        if before_seq < 0 or (after_seq is not None and after_seq < 0):
            raise InvalidArgument("before_seq and after_seq must not be negative")
        now = self.clock()
        with self.uow_factory(single_statements=True) as uow:  # one read: no BEGIN/ROLLBACK round trips
            if after_seq is not None:
                read = uow.messages.read(slug or "", person_id, now, after_seq=after_seq, limit=limit)
            else:  # one row past the page says whether anything is older
                read = uow.messages.read(slug or "", person_id, now, before_seq=before_seq or None, limit=limit + 1)
        if read is None:
            raise room_not_found(slug)
        context, page = read
        require_reader(context, slug, now)  # the page was read with the door's facts; shown only past it
        more_before = after_seq is None and len(page) > limit
        if after_seq is None:
            page = list(reversed(page[:limit]))
        return {
            "messages": [message_view(m, hearted) for m, hearted in page],
            # The cursor for "load more": pass it as before_seq. 0 when this page reaches the start.
            "next_before_seq": page[0][0].seq if more_before else 0,
        }

    def _message(self, uow: UnitOfWork, message_id: str, lock: bool = False) -> Message:
        message = uow.messages.get(_uuid(message_id, "message_id"), lock=lock)
        if message is None:
            raise msgs.MessageNotFound(f"no message {message_id!r}")
        return message

    # --- the timeline, for live streams ---------------------------------------------------------

    def open_stream(self, person_id: str, slug: str) -> int:
        """Authorises a live stream (the person must be in the room); returns the room's last seq. The seq is
        read first: a leave committed before it fails the membership check, one after it has a higher seq and
        ends the stream (follow)."""
        with self.uow_factory(single_statements=True) as uow:
            head = uow.streams.heads([slug]).get(slug, 0)
            self._require_member(uow, person_id, slug)
            return head

    async def follow(self, person_id: str, slug: str, after_seq: int | None, subscription,
                     run_blocking: Callable[..., Awaitable]) -> AsyncIterator[dict]:
        """A live stream's items, in seq order, each exactly once, from after `after_seq` (None: from now).

        `subscription` must be registered before this is called (so nothing committed meanwhile is missed);
        its asyncio mailbox brings broker items and head seqs. A jump in seq is filled from the timeline
        table, an item already delivered is dropped. The stream ends when the person leaves the room.
        Database reads go through `run_blocking(function, *args)` so the event loop never waits on them.
        """
        if after_seq is not None and after_seq < 0:
            raise InvalidArgument("after_seq must not be negative; send the last seq you received, or none for now")
        head = await run_blocking(self.open_stream, person_id, slug)
        if after_seq is not None and after_seq > head:  # else everything up to it would be dropped unseen
            raise InvalidArgument(f"after_seq {after_seq} is past this room's last seq ({head}); resume from the "
                                  "last seq received in this room, or subscribe without after_seq")
        delivered = head if after_seq is None else after_seq

        async def catch_up(upto: int | None) -> list[dict]:
            nonlocal delivered
            items: list[dict] = []
            while upto is None or delivered < upto:
                page = await run_blocking(self.timeline_after, slug, delivered, upto)
                items += page
                if page:
                    delivered = subscription.delivered = page[-1]["seq"]
                if len(page) < MAX_REPLAY_PAGE:
                    break
            return items

        def ends_stream(item: dict) -> bool:
            """The person left after the stream opened (a leave in the replay before that was followed by a
            rejoin, or the door would have refused the stream)."""
            return item["kind"] == "member_left" and item["data"].get("person_id") == person_id and item["seq"] > head

        # The first item tells the client where the stream starts (what to resume from if it drops now).
        yield {"room_slug": slug, "seq": delivered, "kind": "subscribed", "data": {}, "occurred_at": self.clock()}
        subscription.delivered = delivered
        for item in await catch_up(None):
            yield item
            if ends_stream(item):
                return
        while True:
            got = await subscription.mailbox.get()
            target = got.get("head", got.get("seq"))
            if target <= delivered:
                continue
            if "head" in got or target > delivered + 1:
                items = await catch_up(target)
            else:
                delivered = subscription.delivered = target
                items = [got]
            for item in items:
                yield item
                if ends_stream(item):
                    return

    def timeline_after(self, slug: str, after_seq: int, upto: int | None = None, limit: int = MAX_REPLAY_PAGE) -> list[dict]:
        with self.uow_factory(single_statements=True) as uow:
            return uow.timeline.after(slug, after_seq, limit, upto)

    def heads(self, slugs: list[str]) -> dict[str, int]:
        with self.uow_factory(single_statements=True) as uow:
            return uow.streams.heads(slugs)

    # --- moderation ---------------------------------------------------------------------------

    def remove_person(self, moderator_id: str, slug: str, person_id: str, reason: str) -> bool:
        """A moderator of the room removes someone from it (idempotent: False when they were not in it)."""
        now = self.clock()
        with self.uow_factory() as uow:
            load_room(uow, slug)
            require_moderator(uow, moderator_id, slug, now, "remove someone from a room")
            removed = remove_member(uow, slug, person_id, "removed", now, by=moderator_id, note=reason)
            self.commit(uow)
            return removed

    def set_slow_mode(self, actor_id: str, slug: str, seconds: int) -> int:
        """Room staff (facilitators of the room) set slow mode; 0 turns it off."""
        now = self.clock()
        with self.uow_factory() as uow:
            room = load_room(uow, slug, lock=True)
            person = uow.people.get(actor_id)
            if person is None or not room.is_facilitator(person.facts(), now):
                raise PermissionDenied("only this room's moderators, hosts, session leaders or admins set slow mode")
            require_may_enter(uow, slug, actor_id, now, "set slow mode")
            room.slow_mode_seconds = seconds
            room.validate()
            uow.rooms.save(room, actor_id)
            append(uow, slug, "slow_mode_changed", {"seconds": seconds, "by": actor_id}, now)
            self.commit(uow)
            return seconds

    def apply_sanction_event(self, envelope: dict) -> bool:
        """Applies one of moderation's sanction events, once per event id; a ban removes the person from the
        rooms it covers. Returns whether the event was new."""
        data = envelope.get("data") or {}
        sanction_id, person_id = data.get("sanction_id"), data.get("person_id")
        now = self.clock()
        with self.uow_factory() as uow:
            sanctions.apply_event(None, envelope)  # validates the contract before anything is written
            uow.sanctions.lock_new(sanction_id, person_id)
            if not uow.claim_event(envelope):
                return False
            current = uow.sanctions.get(sanction_id, lock=True)
            updated = sanctions.apply_event(current if current.seq else None, envelope)
            if updated is not None:
                uow.sanctions.save(updated)
                if updated.active and updated.kind == "ban":
                    for slug in uow.members.rooms_of(person_id):
                        if updated.in_force("ban", slug, now):
                            remove_member(uow, slug, person_id, "banned", now)
            self.commit(uow)
            return True

    # --- staff cross-cohort grants --------------------------------------------------------------

    def grant_cohort_access(self, admin_id: str, person_id: str, slug: str, reason: str, expires_at: dt.datetime | None) -> dict:
        """An admin lets a staff member enter one room of the other age cohort; audited and time-boxed."""
        now = self.clock()
        reason = (reason or "").strip()
        if not 10 <= len(reason) <= MAX_GRANT_REASON:
            raise InvalidArgument(f"say why in 10 to {MAX_GRANT_REASON} characters (got {len(reason)}); the grant is "
                                  "kept as an audit record")
        expires_at = expires_at or now + dt.timedelta(days=1)
        if not now < expires_at <= now + MAX_GRANT:
            raise InvalidArgument("expires_at must be in the future and at most 30 days ahead")
        with self.uow_factory() as uow:
            require_admin(uow, admin_id, now, "manage cross-cohort grants")
            room = load_room(uow, slug)
            person = uow.people.get(person_id)
            if person is None or not person.known:
                raise InvalidArgument("room does not know this person yet; check the person id")
            if person.cohort == room.audience_cohort:
                raise InvalidArgument(f"{person.username} is in the {person.cohort} cohort already; no grant is needed")
            if not room.is_facilitator(person.facts(), now):
                raise PermissionDenied("only staff (moderators, hosts, session leaders, admins) may hold a cross-cohort grant")
            grant = CohortGrant(grant_id=str(uuid.uuid4()), person_id=person_id, room_slug=slug, reason=reason,
                                granted_by=admin_id, granted_at=now, expires_at=expires_at)
            uow.cohort_grants.add(grant)
            uow.add_events([Event("cohort_access_granted", {
                "grant_id": grant.grant_id, "person_id": grant.person_id, "room_slug": grant.room_slug,
                "reason": grant.reason, "granted_by": grant.granted_by, "granted_at": grant.granted_at.isoformat(),
                "expires_at": grant.expires_at.isoformat()})])
            self.commit(uow)
            return grant_view(grant)

    def revoke_cohort_access(self, admin_id: str, grant_id: str) -> dict:
        now = self.clock()
        with self.uow_factory() as uow:
            require_admin(uow, admin_id, now, "manage cross-cohort grants")
            grant = uow.cohort_grants.get(_uuid(grant_id, "grant_id"), lock=True)
            if grant is None:
                raise NotFound(f"no cross-cohort grant {grant_id!r}; ListCohortGrants shows them")
            if grant.revoked_at is None:
                uow.cohort_grants.revoke(grant.grant_id, admin_id, now)
                grant = dataclasses.replace(grant, revoked_by=admin_id, revoked_at=now)
                uow.add_events([Event("cohort_access_revoked", {
                    "grant_id": grant.grant_id, "person_id": grant.person_id,
                    "room_slug": grant.room_slug, "revoked_by": admin_id, "revoked_at": now.isoformat()})])
                context, decision = door_for(uow, grant.room_slug, grant.person_id, now)
                if context.member is not None and not decision.allowed:  # unless another grant lets them stay
                    remove_member(uow, grant.room_slug, grant.person_id, "grant_revoked", now, by=admin_id)
            self.commit(uow)
            return grant_view(grant)

    def list_cohort_grants(self, admin_id: str, slug: str = "") -> list[dict]:
        with self.uow_factory() as uow:
            require_admin(uow, admin_id, self.clock(), "read cross-cohort grants")
            return [grant_view(grant) for grant in uow.cohort_grants.list(slug or None)]


def _uuid(value: str, field: str) -> str:
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        raise InvalidArgument(f"{field} must be a UUID, got {value!r}") from None


def grant_view(grant: CohortGrant) -> dict:
    return dataclasses.asdict(grant)
