"""Entrypoint: moderation's nameko worker: read models from identity's events (people), room's (messages,
members) and course's (posts, scanned as room's messages are), the outbox relay and replays of moderation's events,
the calls to room and course decisions recorded, the purge timers."""
from __future__ import annotations

import logging

from nameko.timer import timer

from hearth_common.contracts import course, identity, room
from hearth_common.nameko_deps import NotifiedLoop, Resource
from hearth_common.nameko_kit import WorkerKit, event_handlers
from moderation_service import settings as settings_module
from moderation_service.adapters.orm import ROOM_ACTIONS_CHANNEL
from moderation_service.bootstrap import build_pager, build_relay, build_room_actions, build_sanctions, build_service
from moderation_service.service_layer.sanctions import SESSION_EVENTS
from moderation_service.service_layer.services import COURSE_EVENTS, ROOM_EVENTS

settings = settings_module.load()
log = logging.getLogger(__name__)
kit = WorkerKit(settings, build_relay)
# A page escalates MODERATION_PAGE_ESCALATION_SECONDS (2 minutes) after its stage began: looked for this often.
PAGE_ESCALATION_CHECK_SECONDS = 5
# A new room action runs at once (notified); one that failed is retried when due (domain/room_actions: from 1 s,
# doubling), looked for this often.
ROOM_ACTIONS_RETRY_SECONDS = 5.0


class ModerationWorker(
    kit.base(consumes_events=True),
    # identity's events: the read model of people; room's: the messages reports name and who is in which room
    event_handlers(identity.CONTRACT, lambda worker, envelope: worker.moderation.apply_identity_event(envelope)),
    event_handlers(room.CONTRACT, lambda worker, envelope: worker.moderation.apply_room_event(envelope), ROOM_EVENTS),
    # room's session events: who leads a live session where (section 2's permission matrix)
    event_handlers(room.CONTRACT, lambda worker, envelope: worker.sanctions.apply_session_event(envelope),
                   SESSION_EVENTS),
    # course's post events: course posts, reported and scanned like room's messages
    event_handlers(course.CONTRACT, lambda worker, envelope: worker.moderation.apply_course_event(envelope),
                   COURSE_EVENTS),
):
    """nameko service `moderation`."""

    name = "moderation"

    # the read models' units of work (every room post's among them) on an autocommit pool: BEGIN with the first
    # statement
    moderation = Resource(lambda config: build_service(settings, kit.engine, kit.autocommit_engine))
    pager = Resource(lambda config: build_pager(settings, kit.engine))

    @timer(interval=PAGE_ESCALATION_CHECK_SECONDS)
    def escalate_pages(self):
        """Pages nobody acknowledged within MODERATION_PAGE_ESCALATION_SECONDS reach their next stage (everyone
        on duty, then admins); SKIP LOCKED, so several workers never escalate one page twice."""
        self.pager.escalate_due()

    sanctions = Resource(lambda config: build_sanctions(settings, kit.engine))

    # The calls to room and course that decisions recorded (removals, restores), made as soon as one is recorded
    # (the table's insert trigger wakes it) and retried until each service answers (one runner; a kind's target
    # service is data: domain/room_actions.TARGETS).
    carry_out_room_actions = NotifiedLoop(lambda config: kit.engine, ROOM_ACTIONS_CHANNEL,
                                          lambda config: build_room_actions(settings, kit.engine).run_due,
                                          interval=ROOM_ACTIONS_RETRY_SECONDS)

    @timer(interval=5)
    def end_sanctions(self):
        """Ends the mutes and bans whose time has come (room already honours their end) and tells each person."""
        self.sanctions.end_due()

    @timer(interval=3600)
    def purge_messages(self):
        """Forgets messages past their retention (MODERATION_MESSAGE_RETENTION_DAYS; reports keep their text)."""
        purged = self.moderation.purge_messages()
        if purged:
            log.info("messages past retention purged", extra={"count": purged})

    @timer(interval=3600)
    def purge_idempotency_records(self):
        """Deletes the records of idempotency keys older than their retention (24 hours)."""
        self.moderation.purge_idempotency_records()
