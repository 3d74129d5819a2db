"""Service layer: warnings and the strike ladder, sanctions (mute, ban, kick, message removal, an exchange's
mute), lifting them early or at their end, a person's record, and the read model of live sessions. Every action
is authorised by the permission matrix (domain/permissions.py), writes one audit entry per person acted on, and
publishes its events and private notices through the outbox in the same transaction."""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

from hearth_common import errors
from hearth_common.clock import seconds_until, utcnow
from hearth_common.contracts import room as room_contract
from hearth_common.idempotency import IdempotentCall
from hearth_common.ids import new_id, parse_uuid
from hearth_common.people import PersonFacts, is_admin
from hearth_common.text import optional_text, required_text
from hearth_common.vocabulary import ROOM_SLUG
from moderation_service.domain import audit, events, room_actions
from moderation_service.domain import ladder as ladders
from moderation_service.domain import permissions as perms
from moderation_service.domain import sanctions as rules
from moderation_service.domain.cohorts import may_act_across_cohort
from moderation_service.domain.errors import (
    AlreadyEnded,
    InvalidSanction,
    MessageNotKnown,
    NotPermitted,
    NotPresent,
    PersonNotKnown,
    SanctionNotFound,
    WarningNotFound,
)
from moderation_service.domain.ladder import BAN, MUTE
from moderation_service.domain.reports import reason_of
from moderation_service.domain.sanctions import IssuedWarning, Sanction
from moderation_service.domain.sessions import LiveSession
from moderation_service.domain.subjects import course_of, room_of
from moderation_service.service_layer import views
from moderation_service.service_layer.facts import facts_of
from moderation_service.service_layer.hiding import settle_hide
from moderation_service.service_layer.keyed import run_keyed
from moderation_service.service_layer.unit_of_work import UnitOfWork

SESSION_EVENTS = (room_contract.SessionStarted.TYPE, room_contract.SessionEnded.TYPE)
END_BATCH = 100  # sanctions ended per pass of the worker's loop at most


@dataclasses.dataclass(frozen=True)
class Acting:
    """Who acts, on whom, where: what a use case has checked against the matrix."""

    actor: PersonFacts
    target: PersonFacts | None


class SanctionsService:
    def __init__(self, uow_factory: Callable[[], UnitOfWork], clock: Callable[[], dt.datetime] = utcnow):
        self.uow_factory = uow_factory
        self.clock = clock

    # --- the ladder ----------------------------------------------------------------------------------------

    def ladder(self) -> dict:
        """The strike ladder in force (the default until an admin edits it); anyone signed in may read it."""
        with self.uow_factory() as uow:
            return views.ladder(uow.ladders.current() or ladders.DEFAULT_LADDER)

    def set_ladder(self, actor_id: str, data: object, idempotency_key: object = None) -> dict:
        """An admin replaces the ladder (validated whole: InvalidLadder names the field). Warnings already given
        keep their lifetime; the new rungs apply from the next warning."""
        edited = ladders.ladder_from(data)
        call = IdempotentCall(actor_id, "moderation.SetLadder", idempotency_key, edited.to_dict())

        def change(uow: UnitOfWork, now: dt.datetime) -> dict:
            self._authorise(uow, perms.SET_LADDER, actor_id, None, None, now)
            current = uow.ladders.current()
            stored = dataclasses.replace(edited, version=(current.version if current else 0) + 1,
                                         changed_by=actor_id, changed_at=now)
            uow.ladders.add(stored)
            uow.audit.append(audit.entry("ladder_changed", now, audit.MODERATOR, actor_id=actor_id,
                                         subject_ref=f"ladder:{stored.version}", details=stored.to_dict()))
            return views.ladder(stored)

        return self._run(call, change)

    # --- warnings ------------------------------------------------------------------------------------------

    def issue_warning(self, actor_id: str, person_id: object, reason: object, note: object = None,
                      room_slug: object = None, idempotency_key: object = None) -> dict:
        """Warns a person for a reason of the taxonomy (in a room, or none). The person gets a private notice
        naming the reason and the ladder's next step; a warning that reaches a rung imposes its sanction in this
        same transaction."""
        person_id = parse_uuid(person_id, "person_id", InvalidSanction)
        reason = reason_of(reason)
        note = optional_text(note, "note", rules.NOTE_MAX, error=InvalidSanction)
        room_slug = _optional_room(room_slug)
        call = IdempotentCall(actor_id, "moderation.IssueWarning", idempotency_key,
                              {"person_id": person_id, "reason": reason, "note": note, "room_slug": room_slug})

        def warn(uow: UnitOfWork, now: dt.datetime) -> dict:
            self._authorise(uow, perms.WARN, actor_id, person_id, room_slug, now,
                            unknown_if_refused=_unknown_person(person_id))
            uow.people.get(person_id, lock=True)  # one person's warnings are counted one at a time
            ladder = uow.ladders.current() or ladders.DEFAULT_LADDER
            warning = IssuedWarning(id=new_id(), person_id=person_id, reason=reason, tier=ladder.tier_of(reason),
                              note=note, room_slug=room_slug, issued_by=actor_id, issued_at=now,
                              expires_at=now + ladder.lifetime(reason))
            active = rules.active_count(uow.warnings.of_person(person_id), now) + 1
            rung = ladder.rung_at(active)
            sanction = None
            if rung is not None and (where := self._rung_scope(uow, rung.kind, actor_id, person_id, room_slug,
                                                               now)) is not None:
                sanction = Sanction(
                    id=new_id(), person_id=person_id, kind=rung.kind, room_slug=where or None,
                    reason=f"{active} active warnings: the ladder's {rung.describe()}", note=None,
                    imposed_by=actor_id, imposed_at=now,
                    expires_at=now + dt.timedelta(minutes=rung.minutes) if rung.minutes is not None else None,
                    source=rules.BY_LADDER, warning_id=warning.id)
                warning.sanction_id = sanction.id
            elif rung is not None:  # the warner may not impose the rung's sanction: an admin or moderator decides
                uow.audit.append(audit.entry(
                    "ladder_rung_not_imposed", now, audit.MODERATOR, actor_id=actor_id, target_id=person_id,
                    room_slug=room_slug, subject_ref=warning.id, reason=f"the ladder's {rung.describe()}",
                    details={"active_warnings": active, "kind": rung.kind}))
            uow.warnings.add(warning)
            uow.add_events([events.warning_issued(warning, active),
                            _notice(person_id, "warning", rules.warning_notice(warning, active, ladder, sanction),
                                    room_slug, now)])
            uow.audit.append(audit.entry("warning_issued", now, audit.MODERATOR, actor_id=actor_id,
                                         target_id=person_id, room_slug=room_slug, subject_ref=warning.id,
                                         reason=note or reason, details={"reason": reason, "tier": warning.tier,
                                                                         "active_warnings": active}))
            if sanction is not None:
                self._impose(uow, sanction, now)
            return {**views.warning(warning, now), "active_warnings": active,
                    "sanction": views.sanction(sanction, now) if sanction else None,
                    "next_step": ladder.next_step(active)}

        return self._run(call, warn)

    def void_warning(self, actor_id: str, warning_id: object, reason: object, idempotency_key: object = None
                     ) -> dict:
        """An admin, or a moderator other than its issuer, voids a warning (e.g. an appeal overturned it): it no
        longer counts, the ladder is recounted, a sanction it brought is lifted, and the person is told."""
        warning_id = parse_uuid(warning_id, "warning_id", InvalidSanction)
        reason = required_text(reason, "reason", rules.REASON_MAX, error=InvalidSanction)
        call = IdempotentCall(actor_id, "moderation.VoidWarning", idempotency_key,
                              {"warning_id": warning_id, "reason": reason})

        def void(uow: UnitOfWork, now: dt.datetime) -> dict:
            warning = uow.warnings.get(warning_id, lock=True)
            unknown = WarningNotFound(f"no warning {warning_id}")
            if warning is None:
                self._authorise(uow, perms.VOID_WARNING, actor_id, None, None, now, any_room=True)
                raise unknown
            acting = self._authorise(uow, perms.VOID_WARNING, actor_id, warning.person_id, warning.room_slug, now,
                                     unknown_if_refused=unknown, room_of_item=True)
            if warning.issued_by == actor_id and not is_admin(acting.actor, now):
                raise NotPermitted("another moderator (or an admin) voids a warning, not the one who gave it")
            if warning.voided_at is not None:
                raise AlreadyEnded(f"warning {warning_id} was voided already")
            self.ensure_may_lift_what_it_brought(uow, warning, actor_id, now)
            active = self.void_in(uow, warning, actor_id, reason, now)
            return {**views.warning(warning, now), "active_warnings": active}

        return self._run(call, void)

    @staticmethod
    def void_in(uow: UnitOfWork, warning: IssuedWarning, actor_id: str, reason: str, now: dt.datetime) -> int:
        """Voids a warning in this transaction (its caller authorised it): the ladder is recounted, a sanction it
        brought and still in force is lifted, the person is told; the count of warnings still active. VoidWarning
        and an overturned appeal both do this."""
        warning.void(actor_id, reason, now)
        uow.warnings.save(warning)
        active = rules.active_count(uow.warnings.of_person(warning.person_id), now)
        uow.add_events([events.warning_voided(warning, active), _notice(
            warning.person_id, "warning",
            f"A warning you were given was voided: {reason}. You have {active} active warning"
            f"{'s' if active != 1 else ''}.", warning.room_slug, now)])
        uow.audit.append(audit.entry("warning_voided", now, audit.MODERATOR, actor_id=actor_id,
                                     target_id=warning.person_id, room_slug=warning.room_slug,
                                     subject_ref=warning.id, reason=reason, details={"active_warnings": active}))
        if warning.sanction_id is not None:
            brought = uow.sanctions.get(warning.sanction_id, lock=True)
            if brought is not None and brought.in_force(now):
                SanctionsService._lift(uow, brought, actor_id,
                                       f"the warning that brought it was voided: {reason}", now)
        return active

    # --- sanctions -----------------------------------------------------------------------------------------

    def impose(self, actor_id: str, person_id: object, kind: object, room_slug: object, minutes: object,
               reason: object, note: object = None, idempotency_key: object = None) -> dict:
        """A mute (1 minute to 28 days) or ban (1 minute to a year, or until lifted: `minutes` None), in a room
        or every room (`room_slug` None). Published as sanction_imposed (room enforces it; a ban removes the
        person from the rooms it covers); the person is told."""
        person_id = parse_uuid(person_id, "person_id", InvalidSanction)
        if kind not in (MUTE, BAN):
            raise InvalidSanction("kind must be mute or ban")
        room_slug = _optional_room(room_slug)
        minutes = ladders.validate_minutes(kind, minutes, "duration_minutes", InvalidSanction)
        reason = required_text(reason, "reason", rules.REASON_MAX, error=InvalidSanction)
        note = optional_text(note, "note", rules.NOTE_MAX, error=InvalidSanction)
        action = perms.MUTE if kind == MUTE else (perms.ROOM_BAN if room_slug else perms.GLOBAL_BAN)
        call = IdempotentCall(actor_id, "moderation.ImposeSanction", idempotency_key,
                              {"person_id": person_id, "kind": kind, "room_slug": room_slug, "minutes": minutes,
                               "reason": reason, "note": note})

        def impose(uow: UnitOfWork, now: dt.datetime) -> dict:
            self._authorise(uow, action, actor_id, person_id, room_slug, now,
                            unknown_if_refused=_unknown_person(person_id))
            sanction = Sanction(id=new_id(), person_id=person_id, kind=kind, room_slug=room_slug, reason=reason,
                                note=note, imposed_by=actor_id, imposed_at=now,
                                expires_at=now + dt.timedelta(minutes=minutes) if minutes is not None else None)
            self._impose(uow, sanction, now)
            return views.sanction(sanction, now)

        return self._run(call, impose)

    def kick(self, actor_id: str, room_slug: object, person_id: object, reason: object,
             idempotency_key: object = None) -> dict:
        """Removes a person from a room (room.remove_person, carried out by the worker); they may come back."""
        room_slug = _required_room(room_slug)
        person_id = parse_uuid(person_id, "person_id", InvalidSanction)
        reason = required_text(reason, "reason", rules.REASON_MAX, error=InvalidSanction)
        call = IdempotentCall(actor_id, "moderation.KickPerson", idempotency_key,
                              {"room_slug": room_slug, "person_id": person_id, "reason": reason})

        def kick(uow: UnitOfWork, now: dt.datetime) -> dict:
            self._authorise(uow, perms.KICK, actor_id, person_id, room_slug, now,
                            unknown_if_refused=_unknown_person(person_id))
            membership = uow.members.get(room_slug, person_id)
            if membership is None or not membership.present:
                raise NotPresent(f"that person is not in {room_slug}")
            sanction = Sanction(id=new_id(), person_id=person_id, kind=rules.KICK, room_slug=room_slug,
                                reason=reason, note=None, imposed_by=actor_id, imposed_at=now, expires_at=None,
                                status=rules.DONE, ended_at=now)
            uow.room_actions.add(room_actions.remove_person(room_slug, person_id, actor_id, reason, now))
            self._impose(uow, sanction, now)
            return views.sanction(sanction, now)

        return self._run(call, kick)

    def remove_message(self, actor_id: str, message_id: object, reason: object, idempotency_key: object = None
                       ) -> dict:
        """Removes a message with a reason (room.remove_message, carried out by the worker); its author is told. A
        course post is removed the same way through course (course.remove_post; its sanction names no room)."""
        message_id = required_text(message_id, "message_id", 64, error=InvalidSanction)
        reason = required_text(reason, "reason", rules.REASON_MAX, error=InvalidSanction)
        call = IdempotentCall(actor_id, "moderation.RemoveMessage", idempotency_key,
                              {"message_id": message_id, "reason": reason})

        def remove(uow: UnitOfWork, now: dt.datetime) -> dict:
            message = uow.messages.get(message_id)
            unknown = MessageNotKnown(f"no message {message_id!r} is known to moderation")
            if message is None:
                self._authorise(uow, perms.REMOVE_MESSAGE, actor_id, None, None, now, any_room=True)
                raise unknown
            self._authorise(uow, perms.REMOVE_MESSAGE, actor_id, message.author_id, message.room_slug, now,
                            unknown_if_refused=unknown, room_of_item=True)
            # a message hidden pending review is the moderator's to remove: the hide becomes final, never restored
            if not settle_hide(uow, message_id, now) and message.deleted:
                raise AlreadyEnded(f"message {message_id} was removed already")
            in_course = course_of(message.room_slug) is not None
            sanction = Sanction(id=new_id(), person_id=message.author_id, kind=rules.MESSAGE_REMOVAL,
                                room_slug=room_of(message.room_slug), reason=reason, note=None, imposed_by=actor_id,
                                imposed_at=now, expires_at=None, status=rules.DONE, message_id=message_id,
                                ended_at=now)
            uow.room_actions.add((room_actions.remove_post if in_course else room_actions.remove_message)(
                message_id, actor_id, reason, now))
            self._impose(uow, sanction, now)
            return views.sanction(sanction, now)

        return self._run(call, remove)

    def mute_exchange(self, actor_id: str, room_slug: object, person_ids: object, minutes: object, reason: object,
                      idempotency_key: object = None) -> list[dict]:
        """De-escalation: mutes everyone named in an exchange in a room (2 to 10 people, each in the room now)
        for 1 to 60 minutes, each their own sanction sharing one exchange id; all or none (each must be one the
        caller may mute)."""
        room_slug = _required_room(room_slug)
        if not isinstance(person_ids, (list, tuple)) or not (
                rules.EXCHANGE_PEOPLE_MIN <= len(set(person_ids)) == len(person_ids) <= rules.EXCHANGE_PEOPLE_MAX):
            raise InvalidSanction(f"person_ids must name {rules.EXCHANGE_PEOPLE_MIN} to "
                                  f"{rules.EXCHANGE_PEOPLE_MAX} different people")
        people = [parse_uuid(p, "person_ids", InvalidSanction) for p in person_ids]
        if isinstance(minutes, bool) or not isinstance(minutes, int) or not (
                rules.EXCHANGE_MINUTES_MIN <= minutes <= rules.EXCHANGE_MINUTES_MAX):
            raise InvalidSanction(f"duration_minutes must be {rules.EXCHANGE_MINUTES_MIN} to "
                                  f"{rules.EXCHANGE_MINUTES_MAX} for an exchange")
        reason = required_text(reason, "reason", rules.REASON_MAX, error=InvalidSanction)
        call = IdempotentCall(actor_id, "moderation.MuteExchange", idempotency_key,
                              {"room_slug": room_slug, "person_ids": sorted(people), "minutes": minutes,
                               "reason": reason})

        def mute(uow: UnitOfWork, now: dt.datetime) -> dict:
            exchange_id, muted = new_id(), []
            for person_id in people:
                self._authorise(uow, perms.MUTE_EXCHANGE, actor_id, person_id, room_slug, now,
                                unknown_if_refused=_unknown_person(person_id))
                membership = uow.members.get(room_slug, person_id)
                if membership is None or not membership.present:
                    raise NotPresent(f"person_ids: {person_id} is not in {room_slug}")
                muted.append(Sanction(id=new_id(), person_id=person_id, kind=MUTE, room_slug=room_slug,
                                      reason=reason, note=None, imposed_by=actor_id, imposed_at=now,
                                      expires_at=now + dt.timedelta(minutes=minutes), exchange_id=exchange_id))
            for sanction in muted:
                self._impose(uow, sanction, now)
            return {"exchange_id": exchange_id, "sanctions": [views.sanction(s, now) for s in muted]}

        return self._run(call, mute)["sanctions"]

    def lift(self, actor_id: str, sanction_id: object, reason: object, idempotency_key: object = None) -> dict:
        """Lifts a mute or ban before its end, with a reason (sanction_lifted); the person is told. A mute is
        lifted by whoever may lift where it applies, a ban by whoever may impose it there."""
        sanction_id = parse_uuid(sanction_id, "sanction_id", InvalidSanction)
        reason = required_text(reason, "reason", rules.REASON_MAX, error=InvalidSanction)
        call = IdempotentCall(actor_id, "moderation.LiftSanction", idempotency_key,
                              {"sanction_id": sanction_id, "reason": reason})

        def lift(uow: UnitOfWork, now: dt.datetime) -> dict:
            sanction = uow.sanctions.get(sanction_id, lock=True)
            unknown = SanctionNotFound(f"no sanction {sanction_id}")
            if sanction is None:
                self._authorise(uow, perms.LIFT, actor_id, None, None, now, any_room=True)
                raise unknown
            self._authorise(uow, lift_action(sanction.kind, sanction.room_slug), actor_id, sanction.person_id,
                            sanction.room_slug, now, unknown_if_refused=unknown, room_of_item=True)
            if not sanction.lasting or not sanction.in_force(now):
                raise AlreadyEnded(f"sanction {sanction_id} is not in force (it is {sanction.status})"
                                   if sanction.lasting else f"a {sanction.kind} is done at once; nothing to lift")
            self._lift(uow, sanction, actor_id, reason, now)
            return views.sanction(sanction, now)

        return self._run(call, lift)

    def end_due_until_next(self, limit: int = END_BATCH) -> float | None:
        """The worker's notified loop (woken by a new sanction): ends the sanctions due (end_due), then says in how
        many seconds the next one ends (at once when the batch was cut at its limit; None: none with an end)."""
        if self.end_due(limit) >= limit:
            return 0.0
        with self.uow_factory() as uow:
            return seconds_until(uow.sanctions.next_end_at(), self.clock())

    def end_due(self, limit: int = END_BATCH) -> int:
        """Ends the mutes and bans whose time has come (room already honours their expires_at): each is marked
        expired, written to the audit log and its person told."""
        with self.uow_factory() as uow:
            now = self.clock()
            due = uow.sanctions.due_to_end(now, limit)
            for sanction in due:
                sanction.expire()
                uow.sanctions.save(sanction)
                uow.add_events([_notice(sanction.person_id, "sanction", rules.ended_notice(sanction),
                                        sanction.room_slug, now)])
                uow.audit.append(audit.entry("sanction_expired", now, audit.SYSTEM, target_id=sanction.person_id,
                                             room_slug=sanction.room_slug, subject_ref=sanction.id,
                                             details={"kind": sanction.kind}))
            uow.commit()
            return len(due)

    # --- a person's record ---------------------------------------------------------------------------------

    def record(self, actor_id: str, person_id: object) -> dict:
        """A person's warnings and sanctions, active and past, newest first, for a moderator of their cohort."""
        person_id = parse_uuid(person_id, "person_id", InvalidSanction)
        with self.uow_factory() as uow:
            now = self.clock()
            self._authorise(uow, perms.VIEW_RECORD, actor_id, person_id, None, now,
                            unknown_if_refused=_unknown_person(person_id))
            ladder = uow.ladders.current() or ladders.DEFAULT_LADDER
            warnings = uow.warnings.of_person(person_id)
            active = rules.active_count(warnings, now)
            return {"person_id": person_id, "active_warnings": active, "next_step": ladder.next_step(active),
                    "warnings": [views.warning(w, now) for w in warnings],
                    "sanctions": [views.sanction(s, now) for s in uow.sanctions.of_person(person_id)]}

    # --- live sessions, from room's events -----------------------------------------------------------------

    def apply_session_event(self, envelope: dict) -> bool:
        """Keeps which sessions are live and who leads them, once per event id; an older event (by the room
        timeline's seq) never overwrites a newer one."""
        event = room_contract.parse(envelope)
        p = event.payload
        if not isinstance(p, (room_contract.SessionStarted, room_contract.SessionEnded)):
            return False
        with self.uow_factory() as uow:
            if not uow.claim_event(envelope):
                return False
            current = uow.live_sessions.get(p.session_id, lock=True)
            if current is None or current.seq < p.seq:
                uow.live_sessions.save(LiveSession(p.session_id, p.room_slug, p.leader_id,
                                                   isinstance(p, room_contract.SessionStarted), p.seq))
            uow.commit()
            return True

    # --- shared steps --------------------------------------------------------------------------------------

    def _authorise(self, uow: UnitOfWork, action: str, actor_id: str, person_id: str | None,
                   room_slug: str | None, now: dt.datetime, any_room: bool = False,
                   unknown_if_refused: errors.NotFound | None = None, room_of_item: bool = False) -> Acting:
        """The matrix's answer: first for the caller alone (so who may not act learns nothing of the person),
        then with the person. `any_room`: whether the caller may do this anywhere at all (before a lookup).
        `unknown_if_refused`: the use case's answer for an unknown person or item (the NotFound it raises for an
        id that does not exist), given by every use case naming a person by a person id (GetRecord,
        IssueWarning, ImposeSanction, KickPerson, MuteExchange: _unknown_person) or a warning, sanction, message
        or appeal by its own id (VoidWarning, LiftSanction, RemoveMessage, DecideAppeal: `room_of_item`, the
        room being the item's, not the caller's choice). A caller refused because the person is of the other
        cohort is answered exactly with it, so the refusal does not tell a moderator that the person is of the
        other cohort, a teen to an adult moderator (issue 17 §2). For an item the caller alone is checked as for
        an unknown item (may they do this anywhere), and a refusal in the item's room, which would name a room
        of the other cohort, is answered so too (the issue is silent; the teen's side). Refusals about oneself
        or an admin, and an item's of one's own cohort, tell no cohort and stay."""
        actor = facts_of(uow.people.get(actor_id))
        live_rooms = uow.live_sessions.rooms_led_by(actor_id) if actor is not None else []
        where = perms.Where(room_slug)
        if any_room or room_of_item:
            if actor is None or not any(perms.allowed(action, actor, None, perms.Where(r), live_rooms, now)
                                        for r in [None, *live_rooms, *_granted_rooms(actor)]):
                raise NotPermitted(f"you may not {perms.DESCRIPTIONS[action]}")
            if any_room:
                return Acting(actor, None)
        granted = uow.cohort_grants.rooms_of(actor_id, now) if actor is not None and person_id else frozenset()

        def of_the_other_cohort(target: PersonFacts | None) -> bool:  # (not oneself, nor an admin)
            return (unknown_if_refused is not None and actor is not None and target is not None
                    and target.person_id != actor.person_id and not is_admin(target, now)
                    and not may_act_across_cohort(actor, granted, room_slug, target.cohort, now))

        try:
            perms.ensure_allowed(action, actor, None, where, live_rooms, now)
        except errors.PermissionDenied:
            if room_of_item and person_id is not None and of_the_other_cohort(facts_of(uow.people.get(person_id))):
                raise unknown_if_refused from None
            raise
        if person_id is None:
            return Acting(actor, None)
        target = facts_of(uow.people.get(person_id))
        if target is None:
            raise _unknown_person(person_id)
        try:
            perms.ensure_allowed(action, actor, target, where, live_rooms, now, granted)
        except errors.PermissionDenied:
            if of_the_other_cohort(target):
                raise unknown_if_refused from None
            raise
        return Acting(actor, target)

    def authorise(self, uow: UnitOfWork, action: str, actor_id: str, person_id: str | None, room_slug: str | None,
                  now: dt.datetime, any_room: bool = False, unknown_if_refused: errors.NotFound | None = None,
                  room_of_item: bool = False) -> Acting:
        """The matrix's answer, for other use cases acting on warnings and sanctions (appeals)."""
        return self._authorise(uow, action, actor_id, person_id, room_slug, now, any_room, unknown_if_refused,
                               room_of_item)

    def _rung_scope(self, uow: UnitOfWork, kind: str, actor_id: str, person_id: str, room_slug: str | None,
                    now: dt.datetime) -> str | None:
        """Where a ladder rung's sanction applies. A mute applies in every room ("") as the ladder says, whoever
        warned: warnings count across rooms, and a mute is short and appealable (7 Cups' ladder). A ban is capped
        at what the warner may impose (a warning is no way around the matrix to a ban on every room): every room
        when they may ban there, else the warning's room when they may ban there, else None: not imposed by this
        warning (its audit entry says so, for an admin to decide)."""
        if kind == MUTE:
            return ""
        for where in (None, room_slug) if room_slug else (None,):
            try:
                self._authorise(uow, lift_action(kind, where), actor_id, person_id, where, now)
            except errors.PermissionDenied:
                continue
            return where or ""
        return None

    def ensure_may_lift_what_it_brought(self, uow: UnitOfWork, warning: IssuedWarning, actor_id: str,
                                        now: dt.datetime) -> None:
        """Voiding a warning lifts the sanction it brought: for a ban, whoever voids it must be one who may lift
        that ban (a moderator of one room does not lift a ban on every room by voiding its warning). A ladder's
        mute falls with its warning, as the ladder recounted says."""
        if warning.sanction_id is None:
            return
        brought = uow.sanctions.get(warning.sanction_id)
        if brought is not None and brought.in_force(now) and brought.kind == BAN:
            try:
                self._authorise(uow, lift_action(brought.kind, brought.room_slug), actor_id, warning.person_id,
                                brought.room_slug, now)
            except errors.PermissionDenied:
                raise NotPermitted(f"voiding this warning would lift the {brought.kind} it brought"
                                   f"{' in every room' if brought.room_slug is None else ''}, which you may not "
                                   "lift: ask an admin") from None

    @staticmethod
    def lift_in(uow: UnitOfWork, sanction: Sanction, actor_id: str, reason: str, now: dt.datetime) -> None:
        """Lifts a mute or ban in force in this transaction (its caller authorised it): sanction_lifted, the
        person told, the audit entry. LiftSanction, a voided warning and an overturned appeal all do this."""
        SanctionsService._lift(uow, sanction, actor_id, reason, now)

    @staticmethod
    def _impose(uow: UnitOfWork, sanction: Sanction, now: dt.datetime) -> None:
        uow.sanctions.add(sanction)
        if sanction.lasting:
            uow.add_events([events.sanction_imposed(sanction)])
        uow.add_events([_notice(sanction.person_id, "sanction", rules.sanction_notice(sanction), sanction.room_slug,
                                now)])
        uow.audit.append(audit.entry(
            f"{sanction.kind}_imposed" if sanction.lasting else sanction.kind, now, audit.MODERATOR,
            actor_id=sanction.imposed_by, target_id=sanction.person_id, room_slug=sanction.room_slug,
            subject_ref=sanction.id, reason=sanction.reason,
            details={"kind": sanction.kind, "source": sanction.source,
                     "expires_at": sanction.expires_at.isoformat() if sanction.expires_at else None,
                     "warning_id": sanction.warning_id, "message_id": sanction.message_id,
                     "exchange_id": sanction.exchange_id}))

    @staticmethod
    def _lift(uow: UnitOfWork, sanction: Sanction, actor_id: str, reason: str, now: dt.datetime) -> None:
        sanction.lift(actor_id, reason, now)
        uow.sanctions.save(sanction)
        uow.add_events([events.sanction_lifted(sanction),
                        _notice(sanction.person_id, "sanction", rules.ended_notice(sanction), sanction.room_slug,
                                now)])
        uow.audit.append(audit.entry("sanction_lifted", now, audit.MODERATOR, actor_id=actor_id,
                                     target_id=sanction.person_id, room_slug=sanction.room_slug,
                                     subject_ref=sanction.id, reason=reason, details={"kind": sanction.kind}))

    def _run(self, call: IdempotentCall, effect: Callable[[UnitOfWork, dt.datetime], dict]) -> dict:
        """One unit of work honouring the idempotency key; a concurrent ladder edit meets the version's
        uniqueness and is tried once more on the new version."""
        return run_keyed(self.uow_factory, self.clock, call, effect, (ladders.ONE_LADDER_VERSION,))


def lift_action(kind: str, room_slug: str | None) -> str:
    """The matrix's action for lifting a sanction of this kind there: a mute's `lift`; a ban is lifted by whoever
    may impose it."""
    if kind != BAN:
        return perms.LIFT
    return perms.ROOM_BAN if room_slug else perms.GLOBAL_BAN


def _notice(person_id: str, kind: str, text: str, room_slug: str | None, now: dt.datetime):
    return events.notice_issued(person_id, kind, text, room_slug, now)


def _granted_rooms(actor: PersonFacts) -> list[str]:
    return [f.room_id for f in actor.roles if f.room_id]


def _unknown_person(person_id: str) -> PersonNotKnown:
    """The answer for a person moderation does not know (and for one of the other cohort: _authorise)."""
    return PersonNotKnown(f"no person {person_id} is known to moderation")


def _optional_room(value: object) -> str | None:
    if value is None or value == "":
        return None
    return _required_room(value)


def _required_room(value: object) -> str:
    if (refusal := ROOM_SLUG.refusal(value, "room_slug")) is not None:
        raise InvalidSanction(refusal)
    return value

