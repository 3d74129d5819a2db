"""Entrypoint: course's nameko worker: the read model of people from identity's events and the practicum sessions from
room's `session_ended` (both backfilled from their producer's outbox on the first start), the mentors' review
reminders, moderation's removal of posts, and the outbox relay and replays of course's events."""
from __future__ import annotations

import logging

from nameko.timer import timer

from course_service import settings as settings_module
from course_service.bootstrap import build_relay, build_service
from course_service.service_layer.views import PostView
from hearth_common.contracts import identity, room
from hearth_common.nameko_deps import Resource, internal_rpc, jsonable
from hearth_common.nameko_kit import WorkerKit, event_handlers

settings = settings_module.load()
kit = WorkerKit(settings, build_relay)
log = logging.getLogger(__name__)
REMINDER_SWEEP_SECONDS = 900  # how often the worker looks for practicum reviews waiting more than 3 days


def post_record(view: PostView) -> dict:
    """A post as an internal RPC returns it (JSON-safe)."""
    p = view.post
    return jsonable({"post_id": p.id, "course_slug": p.course_slug, "discussion_id": p.discussion_id,
                     "section": p.section, "author_id": p.author_id, "state": view.state, "removed_by": p.removed_by,
                     "by_moderation": p.by_moderation, "reason": p.removal_reason, "removed_at": p.deleted_at})


class CourseWorker(
    kit.base(consumes_events=True),
    # identity's events: the read model of people (cohort for the section, badges and roles for the policy)
    event_handlers(identity.CONTRACT, lambda worker, envelope: worker.course.apply_identity_event(envelope)),
    # room's sessions: the practicum (a session the learner led counts for each course they are enrolled in)
    event_handlers(room.CONTRACT, lambda worker, envelope: worker.course.progress.record_session(envelope),
                   types=[room.SessionEnded.TYPE]),
):
    """nameko service `course`."""

    name = "course"

    course = Resource(lambda config: build_service(settings, kit.engine))

    # --- internal RPC: only the services hearth_common.service_rpc.RPC_CALLERS names reach these -------

    @internal_rpc
    def remove_post(self, post_id, moderator_id, reason=""):
        """Removes a post for moderation (idempotent: a post already taken down stays as it was, and nothing is
        sent again); NotFound for an unknown id. Returns the post as it now stands."""
        log.info("post removal", extra={"caller": self.calling_service, "moderator_id": moderator_id})
        return post_record(self.course.threads.remove_post(post_id, moderator_id, reason))

    # --- timers ----------------------------------------------------------------------------------------------

    @timer(interval=REMINDER_SWEEP_SECONDS)
    def remind_mentors(self):
        """Records a reminder on each practicum review waiting more than 3 days (once per 3 days each) and announces
        it (`mentor_review_overdue`), which room delivers to the mentor as a private notice."""
        reminded = self.course.progress.remind_mentors()
        if reminded:
            log.info("mentor reviews overdue", extra={"reminded": reminded})
