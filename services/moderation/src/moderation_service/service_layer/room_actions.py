"""Service layer: carries out the calls to room and course that decisions recorded (domain/room_actions.py), each
until its service has done it: the worker runs this one runner on a timer, so a decision never waits on another
service and a crash loses nothing. A kind's target service is data (room_actions.TARGETS)."""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from hearth_common import errors
from hearth_common.clock import seconds_until, utcnow
from moderation_service.domain import room_actions as actions
from moderation_service.domain.room_actions import RoomAction
from moderation_service.service_layer.ports import CourseCalls, RoomCalls
from moderation_service.service_layer.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)
BATCH = 50  # actions carried out per run at most (the loop runs again shortly)


class RoomActionRunner:
    def __init__(self, uow_factory: Callable[[], UnitOfWork], room: RoomCalls,
                 clock: Callable[[], dt.datetime] = utcnow, course: CourseCalls | None = None):
        """`course`: where remove_post goes (None: such an action waits, retried, until a runner has course)."""
        self.uow_factory = uow_factory
        self.room = room
        self.course = course
        self.clock = clock

    def run_due_until_next(self, limit: int = BATCH) -> float | None:
        """The worker's notified loop: carries out the due actions (run_due), then says in how many seconds the
        next pending one falls due (a failed call's retry; at once when the batch was cut at its limit; None:
        none pending)."""
        if self.run_due(limit) >= limit:
            return 0.0
        with self.uow_factory() as uow:
            return seconds_until(uow.room_actions.next_due_at(), self.clock())

    def run_due(self, limit: int = BATCH) -> int:
        """Carries out the due actions, one transaction each (the row stays locked while its service is called, so
        two workers never make the same call at once). Returns how many were tried."""
        tried = 0
        while tried < limit:
            with self.uow_factory() as uow:
                now = self.clock()
                action = uow.room_actions.next_due(now)
                if action is None:
                    return tried
                if self._overtaken(uow, action):
                    action.succeeded(now, gone=True)
                    action.last_error = "a moderator's removal of the message was recorded since: it stays removed"
                else:
                    self._carry_out(action, now)
                uow.room_actions.save(action)
                uow.commit()
            tried += 1
        return tried

    @staticmethod
    def _overtaken(uow: UnitOfWork, action: RoomAction) -> bool:
        """A restore of a message hidden pending review gives way to any other removal of it recorded meanwhile (a
        moderator's RemoveMessage that committed just after the decision to show it again, whose call may even
        be due first): a moderator's removal wins over the hide's undoing, whichever room is asked first."""
        if action.kind != actions.RESTORE_MESSAGE:
            return False
        message_id = action.args["message_id"]
        hide = uow.hidden_messages.get(message_id)
        return uow.room_actions.removal_besides(message_id, hide.action_id if hide is not None else None)

    def _carry_out(self, action: RoomAction, now: dt.datetime) -> None:
        try:
            self._call(action)
        except errors.NotFound:
            action.succeeded(now, gone=True)  # the service no longer has it: nothing left to do
        except (errors.FailedPrecondition, errors.InvalidArgument) as refusal:
            # a refusal for good (e.g. a message its author deleted): asking again cannot change the answer
            action.succeeded(now, gone=True)
            action.last_error = str(refusal)[:actions.ERROR_MAX]
            log.warning("a moderation action was refused", extra={"action_id": action.id, "kind": action.kind,
                                                                   "target": action.target, "error": str(refusal)})
        except Exception as failure:
            # the service did not answer, broke, or refused the caller (e.g. PermissionDenied while a rolling deploy
            # has not yet given moderation a new RPC): try again later, never drop the call
            action.failed(now, f"{type(failure).__name__}: {failure}")
            log.warning("a moderation action failed; will retry",
                        extra={"action_id": action.id, "kind": action.kind, "target": action.target,
                               "attempts": action.attempts, "error": action.last_error})
        else:
            action.succeeded(now)

    def _call(self, action: RoomAction) -> None:
        match action.kind:
            case actions.REMOVE_MESSAGE:
                self.room.remove_message(action.args["message_id"], action.moderator_id, action.reason)
            case actions.RESTORE_MESSAGE:
                self.room.restore_message(action.args["message_id"], action.moderator_id, action.reason)
            case actions.REMOVE_PERSON:
                self.room.remove_person(action.args["room_slug"], action.args["person_id"], action.moderator_id,
                                        action.reason)
            case actions.REMOVE_POST:
                if self.course is None:
                    raise ConnectionError("this runner has no client of course")
                self.course.remove_post(action.args["post_id"], action.moderator_id, action.reason)
