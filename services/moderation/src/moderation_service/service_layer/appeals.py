"""Service layer: appeals (issue 14 section 6). A person appeals one of their own warnings, mutes or bans once,
with text; whoever the permission matrix lets undo it (void the warning, lift the sanction) decides it, never the
moderator who acted (unless an admin) and never about themselves. An overturn voids the warning or lifts the
sanction through SanctionsService's own steps (void_in, lift_in) in the decision's transaction; either way the
person is told (a private notice, kind `appeal`), appeal_decided is published and the audit log records it."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from hearth_common.clock import utcnow
from hearth_common.idempotency import IdempotentCall
from hearth_common.ids import new_id, parse_uuid
from hearth_common.people import PersonFacts, is_admin
from hearth_common.text import required_text
from moderation_service.domain import appeals as rules
from moderation_service.domain import audit, events
from moderation_service.domain import permissions as perms
from moderation_service.domain.appeals import Appeal
from moderation_service.domain.errors import AppealNotFound, InvalidAppeal
from moderation_service.service_layer.facts import facts_of
from moderation_service.service_layer.keyed import run_keyed
from moderation_service.service_layer.sanctions import SanctionsService, lift_action
from moderation_service.service_layer.unit_of_work import UnitOfWork


class AppealsService:
    def __init__(self, uow_factory: Callable[[], UnitOfWork], clock: Callable[[], dt.datetime] = utcnow,
                 sanctions: SanctionsService | None = None):
        self.uow_factory = uow_factory
        self.clock = clock
        self.sanctions = sanctions or SanctionsService(uow_factory, clock)

    def file(self, person_id: str, subject_kind: object, subject_id: object, text: object,
             idempotency_key: object = None) -> dict:
        """The person appeals one of their own warnings, mutes or bans, once. NOT_FOUND alike for a missing one
        and another person's; FAILED_PRECONDITION for a second appeal, a kick or removal, or nothing left to
        undo."""
        if subject_kind not in rules.SUBJECT_KINDS:
            raise InvalidAppeal("subject_kind must be warning or sanction")
        subject_id = parse_uuid(subject_id, "subject_id", InvalidAppeal)
        text = required_text(text, "text", rules.TEXT_MAX, error=InvalidAppeal)
        call = IdempotentCall(person_id, "moderation.FileAppeal", idempotency_key,
                              {"subject_kind": subject_kind, "subject_id": subject_id, "text": text})

        def file(uow: UnitOfWork, now: dt.datetime) -> dict:
            if subject_kind == rules.WARNING:
                warning = rules.ensure_warning_appealable(uow.warnings.get(subject_id), person_id, subject_id)
                what, room_slug, acted_by = rules.WARNING, warning.room_slug, warning.issued_by
            else:
                sanction = rules.ensure_sanction_appealable(uow.sanctions.get(subject_id), person_id, subject_id)
                what, room_slug, acted_by = sanction.kind, sanction.room_slug, sanction.imposed_by
            if uow.appeals.of_subject(subject_kind, subject_id) is not None:
                raise rules.NotAppealable(f"this {what} was appealed already; an appeal is made once")
            appeal = Appeal(id=new_id(), person_id=person_id, subject_kind=subject_kind, subject_id=subject_id,
                            what=what, room_slug=room_slug, acted_by=acted_by, text=text, filed_at=now)
            uow.appeals.add(appeal)
            uow.audit.append(audit.entry("appeal_filed", now, audit.MEMBER, actor_id=person_id, target_id=person_id,
                                         room_slug=room_slug, subject_ref=appeal.id, reason=text,
                                         details=_details(appeal)))
            return appeal_view(appeal, for_moderator=False)

        return run_keyed(self.uow_factory, self.clock, call, file, (rules.ONE_APPEAL,))

    def decide(self, actor_id: str, appeal_id: object, decision: object, reason: object,
               idempotency_key: object = None) -> dict:
        """Upheld (it stands) or overturned (the warning voided, the ladder recounted and a sanction it brought
        lifted; or the sanction lifted), the person told, appeal_decided published, the audit log written: one
        transaction. PERMISSION_DENIED for whoever the matrix does not let undo it, or for the one who acted
        (unless an admin); NOT_FOUND, exactly as for an unknown appeal, for a moderator of the other cohort than
        the appellant's (issue 17 §2); FAILED_PRECONDITION once decided."""
        appeal_id = parse_uuid(appeal_id, "appeal_id", InvalidAppeal)
        if decision not in rules.DECISIONS:
            raise InvalidAppeal("decision must be upheld or overturned")
        reason = required_text(reason, "reason", rules.REASON_MAX, error=InvalidAppeal)
        call = IdempotentCall(actor_id, "moderation.DecideAppeal", idempotency_key,
                              {"appeal_id": appeal_id, "decision": decision, "reason": reason})

        def decide(uow: UnitOfWork, now: dt.datetime) -> dict:
            appeal = uow.appeals.get(appeal_id, lock=True)
            unknown = AppealNotFound(f"no appeal {appeal_id}")
            if appeal is None:
                self.sanctions.authorise(uow, perms.LIFT, actor_id, None, None, now, any_room=True)
                raise unknown
            warning = sanction = None
            if appeal.subject_kind == rules.WARNING:
                warning = uow.warnings.get(appeal.subject_id, lock=True)
            else:
                sanction = uow.sanctions.get(appeal.subject_id, lock=True)
            acting = self.sanctions.authorise(uow, _undo_action(appeal), actor_id, appeal.person_id,
                                              appeal.room_slug, now, unknown_if_refused=unknown,
                                              room_of_item=True)
            rules.ensure_not_the_actor(appeal, actor_id, is_admin(acting.actor, now))
            appeal.decide(actor_id, decision, reason, now)
            uow.appeals.save(appeal)
            overturn = f"overturned on appeal: {reason}"
            if decision == rules.OVERTURNED and warning is not None and warning.voided_at is None:
                self.sanctions.ensure_may_lift_what_it_brought(uow, warning, actor_id, now)
                SanctionsService.void_in(uow, warning, actor_id, overturn, now)
            if decision == rules.OVERTURNED and sanction is not None and sanction.in_force(now):
                SanctionsService.lift_in(uow, sanction, actor_id, overturn, now)
            uow.add_events([events.appeal_decided(appeal),
                            events.notice_issued(appeal.person_id, "appeal", rules.decided_notice(appeal),
                                                 appeal.room_slug, now)])
            uow.audit.append(audit.entry(
                audit.APPEAL_OVERTURNED if decision == rules.OVERTURNED else "appeal_upheld", now, audit.MODERATOR,
                actor_id=actor_id, target_id=appeal.person_id, room_slug=appeal.room_slug, subject_ref=appeal.id,
                reason=reason, details=_details(appeal)))
            return appeal_view(appeal, for_moderator=True)

        return run_keyed(self.uow_factory, self.clock, call, decide)

    def list(self, reader_id: str, to_decide: bool = False, limit: object = None) -> list[dict]:
        """The reader's own appeals, newest first; or (`to_decide`) the open appeals they may decide, oldest
        first: PERMISSION_DENIED for someone who may undo nothing anywhere."""
        limit = min(max(int(limit or 50), 1), rules.LIST_MAX)
        now = self.clock()
        with self.uow_factory() as uow:
            if not to_decide:
                return [appeal_view(a, for_moderator=False) for a in uow.appeals.of_person(reader_id)[:limit]]
            acting = self.sanctions.authorise(uow, perms.LIFT, reader_id, None, None, now, any_room=True)
            live_rooms = uow.live_sessions.rooms_led_by(reader_id)
            granted = uow.cohort_grants.rooms_of(reader_id, now)
            facts: dict[str, PersonFacts | None] = {}
            mine = []
            for appeal in uow.appeals.open(rules.OPEN_SCAN):
                if appeal.person_id not in facts:
                    facts[appeal.person_id] = facts_of(uow.people.get(appeal.person_id))
                if _may_decide(acting.actor, facts[appeal.person_id], appeal, live_rooms, granted, now):
                    mine.append(appeal_view(appeal, for_moderator=True))
                    if len(mine) == limit:
                        break
            return mine


def _undo_action(appeal: Appeal) -> str:
    """The matrix's action that undoes what is appealed: voiding the warning, lifting the sanction."""
    return perms.VOID_WARNING if appeal.subject_kind == rules.WARNING else lift_action(appeal.what, appeal.room_slug)


def _may_decide(actor: PersonFacts, target: PersonFacts | None, appeal: Appeal, live_rooms: list[str],
                granted_rooms: list[str], now: dt.datetime) -> bool:
    """Whether DecideAppeal would let the actor decide this appeal (for their list)."""
    if target is None or (appeal.acted_by == actor.person_id and not is_admin(actor, now)):
        return False
    return perms.allowed(_undo_action(appeal), actor, target, perms.Where(appeal.room_slug), live_rooms, now,
                         granted_rooms)


def _details(appeal: Appeal) -> dict:
    """The audit entry's details: what was appealed and who had acted (APPEAL_OVERTURNED's figures count it)."""
    return {"subject_kind": appeal.subject_kind, "subject_id": appeal.subject_id, "what": appeal.what,
            audit.OVERTURNED_ACTOR_KEY: appeal.acted_by}


def appeal_view(appeal: Appeal, for_moderator: bool) -> dict:
    """An appeal as its person sees it (never which moderators acted or decided) or as a moderator does."""
    return {"id": appeal.id, "person_id": appeal.person_id, "subject_kind": appeal.subject_kind,
            "subject_id": appeal.subject_id, "what": appeal.what, "room_slug": appeal.room_slug,
            "acted_by": appeal.acted_by if for_moderator else None, "text": appeal.text,
            "filed_at": appeal.filed_at, "status": appeal.status,
            "decided_by": appeal.decided_by if for_moderator else None,
            "decided_at": appeal.decided_at, "decision_reason": appeal.decision_reason}
