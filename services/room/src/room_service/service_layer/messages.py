"""Service layer: talking in a room: posting, editing, deleting, hearts, @mentions and the history's pages."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from hearth_common.idempotency import IdempotentCall
from hearth_common.ids import new_id
from hearth_common.paging import Page, page_before
from hearth_common.text import shown
from room_service.domain import automod, errors, events, filters, sanctions
from room_service.domain import messages as msgs
from room_service.domain.messages import Message
from room_service.domain.rooms import Room
from room_service.service_layer.access import (
    access_context,
    require_member,
    require_reader,
    require_this_side_of_the_wall,
    room_not_found,
)
from room_service.service_layer.automod import AutomodRules
from room_service.service_layer.timeline import Transactions, append, parse_uuid
from room_service.service_layer.unit_of_work import TimelineItem, UnitOfWork
from room_service.service_layer.views import message_view, timeline_message

MAX_PAGE = 100


def find_message(uow: UnitOfWork, message_id: str, lock: bool = False) -> Message:
    message = uow.messages.get(parse_uuid(message_id, "message_id"), lock=lock)
    if message is None:
        raise errors.MessageNotFound(f"no message {shown(message_id)}")
    return message


def require_may_speak(room: Room, facilitated_open: bool, active: Iterable[sanctions.Sanction],
                      now: dt.datetime) -> None:
    """Posting and editing need the room active and open now (Room.closed_now), and no ban or mute in force
    there (a ban ends membership, but a join may have raced it); reading needs none of that."""
    if room.status != "active":
        raise errors.RoomArchived(f"{room.name} is archived; it is read-only now")
    if closed := room.closed_now(now, facilitated_open=facilitated_open):
        raise errors.RoomClosed(f"you may not post or edit messages in {room.name} now: {closed}")
    for kind in ("ban", "mute"):
        sanctions.check(active, kind, room.slug, now)


def delete_message(uow: UnitOfWork, message: Message, by: str, now: dt.datetime, *, by_moderation: bool,
                   reason: str = "") -> None:
    """Deletes the message (its author, or a moderator: `by_moderation`), with the timeline item and event."""
    message.delete(by, now, moderator=by_moderation)
    uow.messages.save(message)
    item = append(uow, message.room_slug, "message_deleted",
                  {"message_id": message.message_id, "message_seq": message.seq, "deleted_by": by}, now)
    uow.add_events([events.message_deleted(message, item["seq"], by_moderation=by_moderation, reason=reason)])


def mentions(uow: UnitOfWork, body: str, room: Room, now: dt.datetime) -> list[dict]:
    """@usernames resolved to the people in the room now (staff of the other cohort only with a grant in force:
    not one whose grant expired before the sweep took them out); any other name stays plain text. Resolving by
    membership, not by cohort, tells the author nothing the member list does not: resolving everyone of the
    room's cohort let an adult learn that a username identity knows yet an adult room leaves plain is a teen's
    (issue 17 §2)."""
    names = msgs.mentioned_usernames(body)
    known = uow.people.by_usernames(names)

    def here(person) -> bool:
        if uow.members.get(room.slug, person.person_id) is None:
            return False
        return person.cohort == room.audience_cohort or room.across_the_wall(
            person, now, cohort_grant=room.slug in uow.cohort_grants.rooms_for(person.person_id, now)) is None

    return [{"person_id": known[n].person_id, "username": known[n].username} for n in names
            if n in known and here(known[n])]


def check_reach(uow: UnitOfWork, author_id: str, message: Message, parent_author: str | None = None) -> None:
    """Refuses a message that mentions or replies to someone who blocked its author (CannotReach, saying no
    more). A mention that did not resolve (across the cohorts' wall) reaches nobody and is not checked."""
    reached = [m["person_id"] for m in message.mentions] + ([parent_author] if parent_author else [])
    if reached:
        filters.check_may_reach(author_id, uow.personal_filters.blockers(author_id, reached), reached)


class Messages:
    """A member's messages: post, edit, delete their own, hearts; and reading the room's history. Posts and
    edits pass automod (`rules`, moderation's rule set) before anything is written."""

    def __init__(self, transactions: Transactions, rules: AutomodRules | None = None):
        self.tx = transactions
        self.rules = rules or AutomodRules(transactions)

    def post(self, person_id: str, slug: str, body: str, reply_to: str | None = None,
             idempotency_key: str | None = None) -> dict:
        """A retry with the same key (same room, text and reply) gets the first message; nothing is posted again."""
        body = msgs.clean_body(body)
        call = IdempotentCall(person_id, "room.PostMessage", idempotency_key,
                              {"slug": slug, "body": body, "reply_to": reply_to or None})
        return call.run(lambda: self._post(call, person_id, slug, body, reply_to), self.tx.begin)

    def _post(self, call: IdempotentCall, person_id: str, slug: str, body: str, reply_to: str | None) -> dict:
        now = self.tx.clock()
        with self.tx.begin() as uow:
            if (stored := call.stored(uow.idempotency)) is not None:
                return stored
            slow_window = dt.timedelta(seconds=msgs.MAX_SLOW_MODE_SECONDS)
            context = uow.messages.posting_context(slug, person_id, now, now - msgs.RATE_WINDOW, now - slow_window,
                                                   now - automod.RECENT_WINDOW)
            if context is None:
                raise room_not_found(slug)
            room = context.room
            if not context.in_room:
                raise errors.NotInRoom("join the room before posting")
            if context.author_cohort is not None and context.author_cohort != room.audience_cohort:
                # staff across the wall: their grant must be in force now, not until the sweep takes them out
                # (one more query, for them alone; the same cohort's posts keep their single round trip)
                require_this_side_of_the_wall(access_context(uow, slug, person_id, now), now, "post in")
            require_may_speak(room, context.facilitated_open, context.sanctions, now)
            msgs.check_posting_rate(context.recent_posts, context.last_in_room, room.slow_mode_seconds, now)
            if reply_to:
                reply_to = parse_uuid(reply_to, "reply_to")  # stored and announced in the one canonical form
                parent = uow.messages.get(reply_to)
                if parent is None or parent.room_slug != slug:
                    raise msgs.InvalidMessage("reply_to must name a message in this room")
                parent_author = parent.author_id
            else:
                parent_author = None
            screened = automod.screen(  # a block refuses here: nothing written, no seq taken
                self.rules.for_version(uow, context.automod_version), body, slug, room.audience_cohort,
                automod.roles_in(context.author_roles, slug, now),
                automod.recent_messages(context.recent_in_room, body, now))
            body = screened.body
            message = Message(
                message_id=new_id(), room_slug=slug, seq=0, author_id=person_id,
                author_username=context.member_username, body=body, posted_at=now, reply_to=reply_to or None,
                mentions=mentions(uow, body, room, now) if "@" in body else [],
            )
            check_reach(uow, person_id, message, parent_author)  # refused: nothing written, no seq taken
            timeline_data = timeline_message(message)
            del timeline_data["seq"]  # the item's own seq is the message's
            # the message, its item and its event in one statement (the event's seq filled in there)
            posted = events.message_posted(message, original_body=screened.original)
            if call.key is None:  # and the commit with it: the room's seq row is not held while we wait
                message.seq = uow.add_posted_and_commit(message, timeline_data, posted)
            else:  # the answer remembered (it holds the seq) commits with the post
                message.seq = uow.messages.add_posted(message, timeline_data, posted)
            uow.timeline_items.append(TimelineItem(room_slug=slug, seq=message.seq, kind="message_posted",
                                                   data=timeline_data, occurred_at=now))
            result = call.remember(uow.idempotency, message_view(message), now)
            self.tx.commit(uow)  # without a key: committed already; the item goes to the live fan-out
            return result

    def edit(self, person_id: str, message_id: str, body: str) -> dict:
        now = self.tx.clock()
        with self.tx.begin() as uow:
            message = find_message(uow, message_id, lock=True)
            context = access_context(uow, message.room_slug, person_id, now)
            if context.member is None:
                raise errors.NotInRoom("join the room first")
            require_this_side_of_the_wall(context, now, "edit messages in")
            require_may_speak(context.room, context.facilitated_open, context.sanctions, now)
            last_edited_at = message.edited_at
            message.edit(person_id, body, [], now)  # the author's own, not deleted: then how often
            msgs.check_editing_rate(last_edited_at, uow.messages.recent_writes(person_id, now - msgs.RATE_WINDOW), now)
            # An edit is screened as a post is (no spam history: it adds no message to the room's flow).
            roles = context.person.facts().roles if context.person is not None else ()
            screened = automod.screen(self.rules.for_version(uow, uow.automod.version()), message.body,
                                      message.room_slug, context.room.audience_cohort,
                                      automod.roles_in(roles, message.room_slug, now))
            message.body = screened.body
            message.mentions = mentions(uow, message.body, context.room, now)
            parent = uow.messages.get(message.reply_to) if message.reply_to else None
            check_reach(uow, person_id, message, parent.author_id if parent is not None else None)
            uow.messages.save(message)
            item = append(uow, message.room_slug, "message_edited", timeline_message(message), now)
            uow.add_events([events.message_edited(message, item["seq"], original_body=screened.original)])
            self.tx.commit(uow)
            return message_view(message)

    def delete(self, person_id: str, message_id: str) -> dict:
        """Its author deletes a message."""
        now = self.tx.clock()
        with self.tx.begin() as uow:
            message = find_message(uow, message_id, lock=True)
            delete_message(uow, message, person_id, now, by_moderation=False)
            self.tx.commit(uow)
            return message_view(message)

    def heart(self, person_id: str, message_id: str, on: bool, idempotency_key: str | None = None) -> dict:
        """Gives or takes back a heart (idempotent: a second heart changes nothing and returns the same count);
        never on one's own message, nor on a deleted or removed one. Each new heart is announced as
        message_hearted; taking one back only changes the count. Returns the message with its count. With a
        key, a retry gets the first answer even if the heart was changed in between (it does not undo a later
        change)."""
        call = IdempotentCall(person_id, "room.HeartMessage", idempotency_key, {"message_id": message_id, "on": on})
        return call.run(lambda: self._heart(call, person_id, message_id, on), self.tx.begin)

    def _heart(self, call: IdempotentCall, person_id: str, message_id: str, on: bool) -> dict:
        now = self.tx.clock()
        with self.tx.begin() as uow:
            if (stored := call.stored(uow.idempotency)) is not None:
                return stored
            message = find_message(uow, message_id)
            require_member(uow, person_id, message.room_slug, now)
            message.check_heart(person_id, giving=on)
            if on:  # a heart reaches its author as a mention does
                filters.check_may_reach(person_id, uow.personal_filters.blockers(person_id, [message.author_id]),
                                        [message.author_id])
            count = uow.messages.heart(message.message_id, person_id, on, now)
            if count is not None:  # a change: it is announced, so it is paced (a refusal rolls it back)
                due_at = msgs.pace_hearts(uow.paces.due(person_id, "heart"), now)
                uow.paces.set_due(person_id, "heart", due_at)
                message.hearts = count
                append(uow, message.room_slug, "hearts_changed",
                       {"message_id": message.message_id, "message_seq": message.seq, "hearts": count}, now)
                if on:  # a new heart is a fact others count (identity's "hearts received" badges)
                    uow.add_events([events.message_hearted(message, person_id, count, now)])
            result = call.remember(uow.idempotency, message_view(message, hearted=on), now)
            self.tx.commit(uow)
            return result

    def history(self, person_id: str, slug: str, *, before_seq: int = 0, after_seq: int | None = None,
                limit: int = 50) -> dict:
        """A page of messages: backwards from `before_seq` (0: the newest), or forwards after `after_seq`."""
        if not 1 <= limit <= MAX_PAGE:
            raise errors.InvalidPage(f"limit must be between 1 and {MAX_PAGE}")
        if before_seq < 0 or (after_seq is not None and after_seq < 0):
            raise errors.InvalidPage("before_seq and after_seq must not be negative")
        now = self.tx.clock()
        with self.tx.begin(single_statements=True) as uow:  # one read: no BEGIN/ROLLBACK round trips
            if after_seq is not None:
                read = uow.messages.read(slug or "", person_id, now, after_seq=after_seq, limit=limit)
            else:  # one row past the page says whether anything is older
                read = uow.messages.read(slug or "", person_id, now, before_seq=before_seq or None, limit=limit + 1)
        if read is None:
            raise room_not_found(slug)
        context, page = read
        require_reader(context, slug, now)  # the page was read with the door's facts; shown only past it
        # The cursor for "load more": pass it as before_seq. 0 when this page reaches the start.
        older = Page(page, 0) if after_seq is not None else page_before(page, limit, lambda row: row[0].seq)
        return {
            "messages": [message_view(m, hearted) for m, hearted in older.items],
            "next_before_seq": older.before,
        }
