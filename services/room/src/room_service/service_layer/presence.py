"""Service layer: being in a room: joining, leaving, staying present, who is there, and following the room's
timeline live."""
from __future__ import annotations

import asyncio
import collections
import dataclasses
import datetime as dt
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from typing import Any

from hearth_common.errors import DomainError
from room_service.domain import errors, events, sanctions
from room_service.domain.filters import hidden_from
from room_service.service_layer.access import (
    access_context,
    decide_in,
    load_room,
    require_reader,
    require_this_side_of_the_wall,
)
from room_service.service_layer.timeline import Transactions, remove_member
from room_service.service_layer.unit_of_work import Member, TimelineItem, UniqueViolation
from room_service.service_layer.views import member_view

PRESENCE_TIMEOUT = dt.timedelta(seconds=60)
# How often a stream with an end of access (staff across the wall) looks at the clock while no item comes.
ACCESS_RECHECK_SECONDS = 1.0
MAX_REPLAY_PAGE = 500
# Timeline reads of live streams filling a seq jump or reaching a head (their first, from where they start, is not
# counted), by room; on the event loop only. The live hub's gap wait exists to keep it low (adapters/live.py).
CATCH_UP_READS: collections.Counter = collections.Counter()


class Presence:
    """Join, leave, heartbeats and the sweep of vanished clients; members; live streams of the timeline."""

    def __init__(self, transactions: Transactions, presence_timeout: dt.timedelta = PRESENCE_TIMEOUT):
        self.tx = transactions
        self.presence_timeout = presence_timeout

    def join(self, person_id: str, slug: str) -> dict:
        """Enters the room (idempotent: joining again only refreshes presence). Two round trips: the door's
        facts are read, then the join is written in one self-committing statement, so the room's row lock
        is never held while this process does anything else."""
        now = self.tx.clock()
        with self.tx.begin(single_statements=True) as uow:
            context = access_context(uow, slug, person_id, now)
            room, person = context.room, context.person
            sanctions.check(context.sanctions, "ban", slug, now)
            decision = decide_in(context, now)
            if not decision.allowed:
                raise errors.NotAllowedIn(f"you may not enter {room.name}: " + "; ".join(decision.missing))
            if context.member is not None:
                uow.members.touch([(slug, person_id)], now)
                uow.commit()
                return {"member": member_view(dataclasses.replace(context.member, last_seen_at=now)), "seq": None}
            member = Member(room_slug=slug, person_id=person_id, username=person.username, joined_at=now,
                            last_seen_at=now)
            data = {"person_id": person_id, "username": person.username or ""}
            joined = events.member_joined(slug, person_id, now)
            try:  # written with the membership, the seq filled in
                seq = uow.members.add_joined(member, room.capacity, data, context.live_session_id, joined)
            except UniqueViolation:  # a concurrent join of the same person won: joining is idempotent
                return self.join(person_id, slug)
            if seq is None:
                raise errors.RoomFull(f"{room.name} is full ({room.capacity} people); try again in a few minutes",
                                      retry_after_seconds=60.0)
            uow.timeline_items.append(TimelineItem(room_slug=slug, seq=seq, kind="member_joined", data=data,
                                                   occurred_at=now))
            self.tx.commit(uow)
            return {"member": member_view(member), "seq": seq}

    def leave(self, person_id: str, slug: str) -> bool:
        """Leaves the room; False when the person was not in it."""
        with self.tx.begin() as uow:
            load_room(uow, slug)  # NotFound for a room that does not exist, not a failed write
            left = remove_member(uow, slug, person_id, "left", self.tx.clock())
            self.tx.commit(uow)
            return left

    def touch(self, person_id: str, slug: str) -> None:
        """Presence heartbeat: a person still here. Refused when they are not in the room (they timed out)."""
        with self.tx.begin() as uow:
            if not uow.members.touch([(slug, person_id)], self.tx.clock()):
                raise errors.NotInRoom("you are not in this room (you may have timed out); join it again")
            uow.commit()

    def touch_many(self, pairs: Iterable[tuple[str, str]]) -> int:
        """Refreshes presence for (room, person) pairs with an open live stream; returns how many matched."""
        pairs = list(pairs)
        with self.tx.begin() as uow:
            touched = uow.members.touch(pairs, self.tx.clock())
            uow.commit()
            return touched

    def sweep_presence(self, limit: int = 500) -> int:
        """Removes people whose client vanished (no heartbeat or stream for the presence timeout)."""
        now = self.tx.clock()
        removed = 0
        with self.tx.begin() as uow:
            stale = uow.members.stale(now - self.presence_timeout, limit)
        for slug, person_id in stale:
            with self.tx.begin() as uow:  # unless they came back meanwhile, or someone else swept them
                removed += remove_member(uow, slug, person_id, "timed_out", now,
                                         seen_before=now - self.presence_timeout)
                self.tx.commit(uow)
        return removed

    def members(self, person_id: str, slug: str) -> list[dict]:
        with self.tx.begin() as uow:
            now = self.tx.clock()
            require_reader(access_context(uow, slug, person_id, now), slug, now)
            return [member_view(m) for m in uow.members.list(slug)]

    # --- the timeline, for live streams ---------------------------------------------------------

    def open_stream(self, person_id: str, slug: str) -> int:
        """Authorises a live stream (the person must be in the room); returns the room's last seq."""
        return self.authorise_stream(person_id, slug)[0]

    def authorise_stream(self, person_id: str, slug: str) -> tuple[int, dt.datetime | None]:
        """Authorises a live stream (the person must be in the room); returns the room's last seq and, for
        staff across the teen/adult wall, when their grant for the room ends (None: the stream has no end of
        access). The seq is read first: a leave committed before it fails the membership check, one after it
        has a higher seq and ends the stream (follow)."""
        with self.tx.begin(single_statements=True) as uow:
            head = uow.streams.heads([slug]).get(slug, 0)
            now = self.tx.clock()
            context = access_context(uow, slug, person_id, now)
            if context.member is None:
                raise errors.NotInRoom("join the room first")
            require_this_side_of_the_wall(context, now, "follow")
            person, room = context.person, context.room
            if person is None or not person.known or person.cohort == room.audience_cohort:
                return head, None  # the room's own cohort: no extra query
            return head, room.across_the_wall_until(person, now, uow.cohort_grants.in_force_until(person_id, slug, now))

    async def follow(self, person_id: str, slug: str, after_seq: int | None, subscription,
                     run_blocking: Callable[..., Awaitable]) -> AsyncIterator[dict[str, Any]]:
        """A live stream's items, in seq order, each exactly once, from after `after_seq` (None: from now).

        `subscription` must be registered before this is called (so nothing committed meanwhile is missed);
        its asyncio mailbox brings broker items and head seqs. A jump in seq is filled from the timeline
        table, an item already delivered is dropped, and a message by someone the person muted or blocked is
        skipped (its seq still counts as delivered). The stream ends when the person leaves the room. The
        person's private notices come in between (kind `notice`, seq 0: no item of the room's timeline).
        Database reads go through `run_blocking(function, *args)` so the event loop never waits on them.
        """
        if after_seq is not None and after_seq < 0:
            raise errors.InvalidPage("after_seq must not be negative; send the last seq you received, or none for "
                                     "now")
        head, access_ends = await run_blocking(self.authorise_stream, person_id, slug)
        subscription.access_ends = access_ends
        clock = self.tx.clock

        def check_access() -> None:
            """Staff across the wall: nothing is delivered once their grant has ended (expiry sends no event);
            the stream ends then, whether or not an item is waiting. (A revocation ends it by its member_left.)"""
            if access_ends is not None and clock() >= access_ends:
                raise errors.AccessEnded("your access to this room ended (your cross-cohort grant expired)")

        async def next_got() -> dict:
            """The mailbox's next entry; with an end of access, woken at least every ACCESS_RECHECK_SECONDS to
            end the stream on time with no item."""
            if access_ends is None:
                return await subscription.mailbox.get()
            while True:
                check_access()
                wait = min(ACCESS_RECHECK_SECONDS, max((access_ends - clock()).total_seconds(), 0.0))
                try:
                    return await asyncio.wait_for(subscription.mailbox.get(), wait)
                except TimeoutError:
                    continue
        # The person's mute and block list, kept on the subscription: the hub replaces it when they change it
        # (LiveHub.publish_filters), and a change that came while this was read is newer than what was read.
        changes = getattr(subscription, "hidden_changes", 0)
        hidden = await run_blocking(self.hidden_authors, person_id)
        if getattr(subscription, "hidden_changes", 0) == changes:
            subscription.hidden = hidden
        if after_seq is not None and after_seq > head:  # else everything up to it would be dropped unseen
            raise errors.InvalidPage(f"after_seq {after_seq} is past this room's last seq ({head}); resume from "
                                     "the last seq received in this room, or subscribe without after_seq")
        delivered = head if after_seq is None else after_seq

        async def catch_up(upto: int | None) -> list[TimelineItem]:
            nonlocal delivered
            items: list[TimelineItem] = []
            while upto is None or delivered < upto:
                if upto is not None:
                    CATCH_UP_READS[slug] += 1
                page = await run_blocking(self.timeline_after, slug, delivered, upto)
                items += page
                if page:
                    delivered = subscription.delivered = page[-1]["seq"]
                if len(page) < MAX_REPLAY_PAGE:
                    break
            return items

        def ends_stream(item) -> bool:
            """The person left after the stream opened (a leave in the replay before that was followed by a
            rejoin, or the door would have refused the stream)."""
            return item["kind"] == "member_left" and item["data"].get("person_id") == person_id and item["seq"] > head

        # The first item tells the client where the stream starts (what to resume from if it drops now). Where it
        # starts is set first: the live hub orders the room's items from there (adapters/live.py, the gap wait).
        subscription.delivered = delivered
        yield {"room_slug": slug, "seq": delivered, "kind": "subscribed", "data": {}, "occurred_at": self.tx.clock()}
        for item in await catch_up(None):
            if not hidden_from(item, subscription.hidden):
                check_access()
                yield item
            if ends_stream(item):
                return
        while True:
            got = await next_got()
            check_access()
            if "access" in got:  # their access changed (a grant revoked): the door is asked again
                try:
                    _, access_ends = await run_blocking(self.authorise_stream, person_id, slug)
                except DomainError as refused:
                    raise errors.AccessEnded("your access to this room ended") from refused
                subscription.access_ends = access_ends
                continue
            if "notice" in got:  # the person's private notice: no item of this room's timeline (no seq)
                yield {"room_slug": "", "seq": 0, "kind": "notice", "data": got["notice"],
                       "occurred_at": got["notice"]["received_at"]}
                continue
            target = got.get("head", got.get("seq"))
            if target <= delivered:
                continue
            if "head" in got or target > delivered + 1:
                items = await catch_up(target)
            else:
                delivered = subscription.delivered = target
                items = [got]
            for item in items:
                if not hidden_from(item, subscription.hidden):  # muted or blocked by this stream's person
                    check_access()
                    yield item
                if ends_stream(item):
                    return

    def hidden_authors(self, person_id: str) -> frozenset[str]:
        """The people whose messages this person hides (their personal mute and block list)."""
        with self.tx.begin(single_statements=True) as uow:
            return frozenset(f.target_id for f in uow.personal_filters.list(person_id))

    def timeline_after(self, slug: str, after_seq: int, upto: int | None = None,
                       limit: int = MAX_REPLAY_PAGE) -> list[TimelineItem]:
        with self.tx.begin(single_statements=True) as uow:
            return uow.timeline.after(slug, after_seq, limit, upto)

    def heads(self, slugs: list[str]) -> dict[str, int]:
        with self.tx.begin(single_statements=True) as uow:
            return uow.streams.heads(slugs)
