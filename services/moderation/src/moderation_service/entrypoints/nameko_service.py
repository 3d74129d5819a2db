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
from moderation_service.adapters.orm import PAGES_CHANNEL, ROOM_ACTIONS_CHANNEL, SANCTIONS_CHANNEL
from moderation_service.bootstrap import build_pager, build_relay, build_room_actions, build_sanctions, build_service
from moderation_service.service_layer.sanctions import SESSION_EVENTS
from moderation_service.service_layer.services import COURSE_EVENTS, ROOM_EVENTS

settings = settings_module.load()
log = logging.getLogger(__name__)
kit = WorkerKit(settings, build_relay)
# Work that falls due with time (a page's escalation MODERATION_PAGE_ESCALATION_SECONDS after its stage began, a
# sanction's end, a failed call to room retried: domain/room_actions, from 1 s, doubling) is slept until, and a
# new page, sanction or room action wakes its loop (NotifiedLoop); each loop also looks this often regardless
# (a safety net: a due time changed by anything but an insert).
DUE_WORK_SAFETY_SECONDS = 60.0


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

    # Pages nobody acknowledged within MODERATION_PAGE_ESCALATION_SECONDS reach their next stage (everyone on duty,
    # then admins), at the time they fall due; SKIP LOCKED, so several workers never escalate one page twice.
    escalate_pages = NotifiedLoop(lambda config: kit.engine, PAGES_CHANNEL,
                                  lambda config: build_pager(settings, kit.engine).escalate_until_next,
                                  interval=DUE_WORK_SAFETY_SECONDS)

    sanctions = Resource(lambda config: build_sanctions(settings, kit.engine))

    # The calls to room and course that decisions recorded (removals, restores), made as soon as one is recorded
    # (the table's insert trigger wakes it) and retried until each service answers (one runner; a kind's target
    # service is data: domain/room_actions.TARGETS).
    carry_out_room_actions = NotifiedLoop(lambda config: kit.engine, ROOM_ACTIONS_CHANNEL,
                                          lambda config: build_room_actions(settings, kit.engine).run_due_until_next,
                                          interval=DUE_WORK_SAFETY_SECONDS)

    # Ends the mutes and bans when their time comes (room already honours their end) and tells each person.
    end_sanctions = NotifiedLoop(lambda config: kit.engine, SANCTIONS_CHANNEL,
                                 lambda config: build_sanctions(settings, kit.engine).end_due_until_next,
                                 interval=DUE_WORK_SAFETY_SECONDS)

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
