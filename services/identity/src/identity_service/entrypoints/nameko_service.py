"""Entrypoint: identity's nameko worker: internal RPC for other services, the outbox relay, replays of identity's
events, the cohort timer, and the badge rules fed by room's, moderation's and course's events (and a daily pass)."""
from __future__ import annotations

import datetime as dt
import logging

from nameko.timer import timer

from hearth_common.contracts import course, moderation, room
from hearth_common.nameko_deps import Resource, internal_rpc, jsonable
from hearth_common.nameko_kit import WorkerKit, event_handlers
from identity_service import settings as settings_module
from identity_service.bootstrap import build_badge_rules, build_relay, build_service
from identity_service.service_layer.badge_rules import CONSUMED

settings = settings_module.load()
log = logging.getLogger(__name__)
kit = WorkerKit(settings, build_relay)


def _feed_badge_rules(worker, envelope):
    worker.badge_rules.apply_event(envelope)


class IdentityWorker(
    kit.base(consumes_events=True),
    # badges earned by doing: posts, hearts and sessions (room), sanctions (moderation), completions (course)
    event_handlers(room.CONTRACT, _feed_badge_rules, CONSUMED["room"]),
    event_handlers(moderation.CONTRACT, _feed_badge_rules, CONSUMED["moderation"]),
    event_handlers(course.CONTRACT, _feed_badge_rules, CONSUMED["course"]),
):
    """nameko service `identity`."""

    name = "identity"

    identity = Resource(lambda config: build_service(settings, kit.engine))
    badge_rules = Resource(lambda config: build_badge_rules(settings, kit.engine))

    @internal_rpc
    def get_person(self, person_id=None, username=None):
        """The person by id or username: {id, username, kind, cohort, registered_at}."""
        return jsonable(self.identity.get_person(person_id=person_id, username=username))

    @internal_rpc
    def get_badges(self, person_id):
        """The badges a person holds now, oldest first."""
        return jsonable(self.identity.person_badges(person_id))

    @timer(interval=settings.cohort_check_interval_seconds)
    def promote_adults(self):
        """Moves teens who turned 18 into the adult cohort; each change is announced as cohort_changed."""
        promoted = self.identity.promote_adults()
        if promoted:
            log.info("teens promoted to adult", extra={"count": promoted})

    @timer(interval=30)  # a recovery pass: the evaluation normally runs with the event that changed the facts
    def evaluate_badges_due(self):
        """Evaluates the people whose facts changed but whose evaluation did not run (a worker stopped between
        an event and its evaluation)."""
        self.badge_rules.evaluate_due()

    @timer(interval=min(settings.badge_backfill_interval_seconds, 3600), eager=True)
    def backfill_badges(self):
        """The daily pass (every IDENTITY_BADGE_BACKFILL_INTERVAL_SECONDS, on one replica): every person evaluated
        against every badge rule, awarding and revoking what time made due (days held without a sanction,
        windows). Asked at start and hourly; runs when its period has passed since it last started anywhere."""
        result = self.badge_rules.backfill_if_due(dt.timedelta(seconds=settings.badge_backfill_interval_seconds))
        if result is not None:
            log.info("badge rules evaluated for everyone", extra=result)

    @timer(interval=3600)
    def purge_idempotency_records(self):
        """Deletes the records of idempotency keys older than their retention (24 hours)."""
        self.identity.purge_idempotency_records()
