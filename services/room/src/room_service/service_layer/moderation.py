"""Service layer: keeping a room safe: moderation's removals (RPCs), slow mode, and the read model of sanctions
from moderation's events."""
from __future__ import annotations

from room_service.domain import errors, events, sanctions
from room_service.service_layer.access import load_room, require_may_enter
from room_service.service_layer.messages import delete_message, find_message
from room_service.service_layer.timeline import Transactions, append, remove_member
from room_service.service_layer.views import message_view, timeline_message


class Moderation:
    """Removals and restores for the moderation service, slow mode by the room's staff, and sanctions (mutes,
    bans) as moderation announces them.

    The removals and restores are called only by moderation, over internal RPC whose caller the broker proves
    (hearth_common.service_rpc.RPC_CALLERS). Moderation authorises the person acting by its own permission
    matrix (chat room moderators in their rooms, session leaders and hosts in their live session's room, admins;
    or moderation itself when a message is hidden pending review), so room does not check that person's role
    again: `moderator_id` is who the record names (a person's id, or `service:moderation`)."""

    def __init__(self, transactions: Transactions):
        self.tx = transactions

    def remove_message(self, moderator_id: str, message_id: str, reason: str = "") -> dict:
        """Moderation removes a message (idempotent); returns the message as it now stands."""
        now = self.tx.clock()
        with self.tx.begin() as uow:
            message = find_message(uow, message_id, lock=True)
            if message.deleted:
                return message_view(message)
            delete_message(uow, message, moderator_id, now, by_moderation=True, reason=reason)
            self.tx.commit(uow)
            return message_view(message)

    def restore_message(self, moderator_id: str, message_id: str, reason: str = "") -> dict:
        """Moderation undoes its removal (a message hidden pending review that
        they found fine): it is back in history at its place with its body, and live streams get a
        `message_restored` item with it (idempotent). Refused for a message its author deleted."""
        now = self.tx.clock()
        with self.tx.begin() as uow:
            message = find_message(uow, message_id, lock=True)
            if not message.restore():
                return message_view(message)
            uow.messages.save(message)
            item = append(uow, message.room_slug, "message_restored",
                          timeline_message(message) | {"restored_by": moderator_id}, now)
            uow.add_events([events.message_restored(message, item["seq"], moderator_id, reason, now)])
            self.tx.commit(uow)
            return message_view(message)

    def remove_person(self, moderator_id: str, slug: str, person_id: str, reason: str) -> bool:
        """Moderation removes someone from a room (idempotent: False when they were not in it)."""
        now = self.tx.clock()
        with self.tx.begin() as uow:
            load_room(uow, slug)
            removed = remove_member(uow, slug, person_id, "removed", now, by=moderator_id, note=reason)
            self.tx.commit(uow)
            return removed

    def set_slow_mode(self, actor_id: str, slug: str, seconds: int) -> int:
        """Room staff (facilitators of the room) set slow mode; 0 turns it off."""
        now = self.tx.clock()
        with self.tx.begin() as uow:
            room = load_room(uow, slug, lock=True)
            person = uow.people.get(actor_id)
            if person is None or not room.is_facilitator(person.facts(), now):
                raise errors.NotStaff("only this room's moderators, hosts, session leaders or admins set slow mode")
            require_may_enter(uow, slug, actor_id, now, "set slow mode")
            room.slow_mode_seconds = seconds
            room.validate()
            uow.rooms.save(room, actor_id)
            append(uow, slug, "slow_mode_changed", {"seconds": seconds, "by": actor_id}, now)
            self.tx.commit(uow)
            return seconds

    def apply_sanction_event(self, envelope: dict) -> bool:
        """Applies one of moderation's sanction events, once per event id; a ban removes the person from the
        rooms it covers. Returns whether the event was new."""
        data = envelope.get("data") or {}
        sanction_id, person_id = data.get("sanction_id"), data.get("person_id")
        now = self.tx.clock()
        with self.tx.begin() as uow:
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
            self.tx.commit(uow)
            return True
