"""Entrypoint: room's nameko worker: read models from identity's and moderation's events (people, sanctions, the
automod rule set), private notices from moderation's and course's events, moderation's RPC, course's question of
who blocks a post's author, the presence sweep, the closing of overdue sessions, the outbox relay and replays of
room's events."""
from __future__ import annotations

import functools
import logging

from nameko.timer import timer

from hearth_common.contracts import course, identity, moderation
from hearth_common.nameko_deps import Resource, internal_rpc, jsonable
from hearth_common.nameko_kit import WorkerKit, event_handlers
from room_service import settings as settings_module
from room_service.adapters.live import AccessPublisher, NoticePublisher
from room_service.bootstrap import build_conversation, build_relay, build_service

settings = settings_module.load()
log = logging.getLogger(__name__)
kit = WorkerKit(settings, build_relay)


@functools.cache
def _conversation():
    """Conversation and Sessions, built once for the worker's handlers and timers; notices it stores go to their
    person's live streams on every room-grpc replica."""
    conversation, sessions = build_conversation(settings, kit.engine)
    conversation.notices.deliver = NoticePublisher(settings.amqp_uri)
    return conversation, sessions


def _rooms():
    """RoomService for identity's events; a narrowing one makes the person's open live streams ask the door again."""
    rooms = build_service(settings, kit.engine)
    rooms.access_changed = AccessPublisher(settings.amqp_uri)
    return rooms


class RoomWorker(
    kit.base(consumes_events=True),
    # identity's events: the read model of people; moderation's: the read model of sanctions
    event_handlers(identity.CONTRACT, lambda worker, envelope: worker.rooms.apply_identity_event(envelope)),
    event_handlers(moderation.CONTRACT, lambda worker, envelope: worker.conversation.apply_sanction_event(envelope),
                   moderation.SANCTION_EVENT_TYPES),
    # moderation's private notices: kept for their person alone and delivered on their live streams
    event_handlers(moderation.CONTRACT, lambda worker, envelope: worker.conversation.receive_notice(envelope),
                   moderation.NOTICE_EVENT_TYPES),
    # course's reminders to a mentor of a practicum waiting for their review: a private notice to the mentor
    event_handlers(course.CONTRACT, lambda worker, envelope: worker.conversation.receive_reminder(envelope),
                   course.REMINDER_EVENT_TYPES),
    # moderation's automod rule set: the read model room-grpc applies at post time
    event_handlers(moderation.CONTRACT, lambda worker, envelope: worker.conversation.apply_automod_event(envelope),
                   moderation.AUTOMOD_EVENT_TYPES),
):
    """nameko service `room`."""

    name = "room"

    rooms = Resource(lambda config: _rooms())
    conversation = Resource(lambda config: _conversation()[0])
    sessions = Resource(lambda config: _conversation()[1])

    # --- internal RPC: only the services hearth_common.service_rpc.RPC_CALLERS names reach these -------

    @internal_rpc
    def get_room(self, slug):
        """The room as the catalogue shows it (identity checks a room-scoped grant's slug); NotFound for none."""
        return jsonable(self.rooms.describe_room(slug))

    @internal_rpc
    def remove_message(self, message_id, moderator_id, reason=""):
        """Removes a message for moderation (idempotent); returns the message as it now stands."""
        log.info("message removal", extra={"caller": self.calling_service, "moderator_id": moderator_id})
        return jsonable(self.conversation.delete(moderator_id, message_id, moderator=True, reason=reason))

    @internal_rpc
    def restore_message(self, message_id, moderator_id, reason=""):
        """Undoes a moderation removal (idempotent): the message is back with its body; FailedPrecondition for one
        its author deleted. Returns the message as it now stands."""
        log.info("message restored", extra={"caller": self.calling_service, "moderator_id": moderator_id})
        return jsonable(self.conversation.restore_message(moderator_id, message_id, reason))

    @internal_rpc
    def remove_person(self, room_slug, person_id, moderator_id, reason=""):
        """Removes a person from a room for moderation; False when they were not in it."""
        log.info("person removal", extra={"caller": self.calling_service, "moderator_id": moderator_id})
        return self.conversation.remove_person(moderator_id, room_slug, person_id, reason)

    @internal_rpc
    def blockers_of(self, author_id, person_ids):
        """Those of `person_ids` (at most hearth_common.blocks.ASKED_MAX) who block `author_id`: course asks before
        a post, reply or like of the author's reaches them, and refuses it if anyone does."""
        return self.conversation.blockers_of(author_id, person_ids)

    # --- presence ---------------------------------------------------------------------------------

    @timer(interval=max(settings.presence_timeout_seconds / 6, 1.0))
    def sweep_presence(self):
        """Drops people whose client vanished (no heartbeat or open stream for the presence timeout), and people
        whose cross-cohort grant or role that let them into a room has expired (Conversation.evict_lapsed)."""
        removed = self.conversation.sweep_presence()
        if removed:
            log.info("vanished clients dropped", extra={"count": removed})
        lapsed = self.conversation.evict_lapsed()
        if lapsed:
            log.info("members whose grant or role lapsed taken out", extra={"count": lapsed})

    @timer(interval=settings.session_sweep_seconds)
    def close_overdue_sessions(self):
        """Half an hour after a session's planned end: ends it if nobody did (the room's door follows), or
        calls it off if it never started."""
        closed = self.sessions.close_overdue()
        if closed:
            log.info("overdue sessions closed", extra={"count": closed})

    @timer(interval=3600)
    def purge_notices(self):
        """Deletes private notices past their retention (notices.NOTICE_RETENTION, 180 days)."""
        purged = self.conversation.notices.purge()
        if purged:
            log.info("old notices deleted", extra={"count": purged})

    @timer(interval=3600)
    def purge_idempotency_records(self):
        """Deletes the records of idempotency keys older than their retention (24 hours)."""
        self.rooms.purge_idempotency_records()
