"""Service layer: moderation's use cases: reports, the review queue and decisions, and the read models kept from
identity's, room's and course's events. Each takes a unit of work and returns plain data (views)."""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from hearth_common.automod.rules import CRISIS_IS_HEARD
from hearth_common.clock import utcnow
from hearth_common.contracts import course as course_contract
from hearth_common.contracts import room as room_contract
from hearth_common.contracts.moderation import REPORT_REASONS
from hearth_common.idempotency import IdempotentCall, purge_expired
from hearth_common.ids import new_id, parse_uuid
from hearth_common.people import KnownPerson, apply_identity_event, is_admin
from hearth_common.text import optional_text, required_text
from hearth_common.vocabulary import ROOM_SLUG
from moderation_service.domain import audit, events
from moderation_service.domain import reports as rules
from moderation_service.domain import room_actions as actions
from moderation_service.domain.errors import (
    CaseClosed,
    CaseNotFound,
    InvalidReport,
    MessageNotKnown,
    NotAModerator,
    NotInCourseSection,
    NotInRoom,
)
from moderation_service.domain.reports import Case, CohortGrant, HiddenMessage, KnownMessage, Membership, Report
from moderation_service.domain.subjects import REMOVED_SEQ, PostedText, course_of, course_place, course_seq
from moderation_service.service_layer import views
from moderation_service.service_layer.automod import AutomodRules
from moderation_service.service_layer.crisis import care_for_crisis, tier_of
from moderation_service.service_layer.facts import facts_of
from moderation_service.service_layer.hiding import settle_hide
from moderation_service.service_layer.keyed import run_keyed
from moderation_service.service_layer.posted import of_course, of_room
from moderation_service.service_layer.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

QUEUE_LIMIT_MAX = 100
MESSAGE_RETENTION = dt.timedelta(days=30)
PURGE_BATCH = 1000
# The room events moderation keeps read models of.
ROOM_EVENTS = (room_contract.MessagePosted.TYPE, room_contract.MessageEdited.TYPE, room_contract.MessageDeleted.TYPE,
               room_contract.MessageRestored.TYPE, room_contract.MemberJoined.TYPE, room_contract.MemberLeft.TYPE,
               room_contract.CohortAccessGranted.TYPE, room_contract.CohortAccessRevoked.TYPE)
# The course events moderation keeps its read model of posts from (and scans, as room's messages).
COURSE_EVENTS = course_contract.POST_EVENT_TYPES


class ModerationService:
    def __init__(self, uow_factory: Callable[[], UnitOfWork], clock: Callable[[], dt.datetime] = utcnow,
                 message_retention: dt.timedelta = MESSAGE_RETENTION):
        """Decisions never call room: they record their calls (room_actions), which the worker makes."""
        self.uow_factory = uow_factory
        self.clock = clock
        self.message_retention = message_retention
        self.automod = AutomodRules(uow_factory, clock)  # automod's rules, tests and flags (service_layer/automod.py)

    # --- reports -----------------------------------------------------------------------------------------

    def reasons(self) -> list[dict]:
        """The taxonomy a report's reason comes from, with each reason's weight in the queue."""
        return [views.reason(name) for name in REPORT_REASONS]

    def report_message(self, actor_id: str, message_id: object, reason: object, note: object = None,
                       idempotency_key: object = None) -> dict:
        """A member of the message's room reports it (and so its author). Reporting the same message again
        returns the first report; nobody reports their own message."""
        message_id = required_text(message_id, "message_id", 64, error=InvalidReport)
        reason = rules.reason_of(reason)
        note = rules.note_of(reason, note)
        call = IdempotentCall(actor_id, "moderation.ReportMessage", idempotency_key,
                              {"message_id": message_id, "reason": reason, "note": note})

        def file(uow: UnitOfWork, now: dt.datetime) -> dict:
            message = uow.messages.get(message_id)
            if message is None or course_of(message.room_slug) is not None:  # a course post: ReportCoursePost
                raise MessageNotKnown(f"no room message {message_id!r} is known to moderation")
            return self._file(uow, actor_id, message.room_slug, message.author_id, reason, note, now, message)

        return self._idempotent(call, file)

    def report_course_post(self, actor_id: str, post_id: object, reason: object, note: object = None,
                           idempotency_key: object = None) -> dict:
        """A learner reports a course post (and so its author), as a member reports a room message: the same
        reasons, pace, one open case per person and idempotency. A course section is one cohort's (teens and
        adults never see each other's posts), so the reporter is of the post's section; course's enrolments do not
        reach moderation, so that is the check. Reporting the same post again returns the first report."""
        post_id = required_text(post_id, "post_id", 64, error=InvalidReport)
        reason = rules.reason_of(reason)
        note = rules.note_of(reason, note)
        call = IdempotentCall(actor_id, "moderation.ReportCoursePost", idempotency_key,
                              {"post_id": post_id, "reason": reason, "note": note})

        def file(uow: UnitOfWork, now: dt.datetime) -> dict:
            post = uow.messages.get(post_id)
            if post is None or course_of(post.room_slug) is None:
                raise MessageNotKnown(f"no course post {post_id!r} is known to moderation")
            reporter = facts_of(uow.people.get(actor_id))
            if not rules.may_report_in_section(reporter, post.section):
                raise NotInCourseSection("you can report only a post in your own section of a course")
            return self._file(uow, actor_id, post.room_slug, post.author_id, reason, note, now, post)

        return self._idempotent(call, file)

    def report_person(self, actor_id: str, room_slug: object, person_id: object, reason: object,
                      note: object = None, idempotency_key: object = None) -> dict:
        """A member of a room reports a person there (in it now, or recently). Idempotent per room and person
        while the report is open; nobody reports themselves."""
        if (refusal := ROOM_SLUG.refusal(room_slug, "room_slug")) is not None:
            raise InvalidReport(refusal)
        person_id = parse_uuid(person_id, "person_id", InvalidReport)
        reason = rules.reason_of(reason)
        note = rules.note_of(reason, note)
        call = IdempotentCall(actor_id, "moderation.ReportPerson", idempotency_key,
                              {"room_slug": room_slug, "person_id": person_id, "reason": reason, "note": note})

        def file(uow: UnitOfWork, now: dt.datetime) -> dict:
            rules.refuse_self_report(actor_id, person_id)
            # The reporter's own membership first, and one answer for both: a member of no room must not learn
            # from the refusal whether someone else is (or lately was) in it.
            reporter, subject = uow.members.get(room_slug, actor_id), uow.members.get(room_slug, person_id)
            if reporter is None or not reporter.counts(now) or subject is None or not subject.counts(now):
                raise NotInRoom(f"you can report only someone in a room you are both in (or were in lately), "
                                f"not in {room_slug!r}")
            return self._file(uow, actor_id, room_slug, person_id, reason, note, now, None)

        return self._idempotent(call, file)

    def _file(self, uow: UnitOfWork, actor_id: str, room_slug: str, subject_id: str, reason: str,
              note: str | None, now: dt.datetime, message: KnownMessage | None) -> dict:
        rules.refuse_self_report(actor_id, subject_id)
        reporter = uow.members.get(room_slug, actor_id)
        in_course = course_of(room_slug) is not None  # its caller checked the reporter's section
        if not in_course and (reporter is None or not reporter.counts(now)):
            raise NotInRoom(f"you can report only in a room you are in (or were in lately), not {room_slug!r}")
        message_id = message.id if message else None
        existing = uow.reports.open_by(actor_id, room_slug, subject_id, message_id)
        if existing is not None:  # the same thing reported again: the first report, nothing new
            return views.report(existing)
        uow.paces.set_due(actor_id, rules.PACE_ACTION,
                          rules.next_report_due(uow.paces.due(actor_id, rules.PACE_ACTION), now))
        case = uow.cases.open_about(subject_id, lock=True)
        if case is None:
            case = Case(id=new_id(), subject_id=subject_id, opened_at=now)
            uow.cases.add(case)
        report = Report(id=new_id(), case_id=case.id, reporter_id=actor_id, subject_id=subject_id,
                        room_slug=room_slug, reason=reason, note=note, filed_at=now, message_id=message_id,
                        message_body=message.body if message else None,
                        discussion_id=message.discussion_id if message else None)
        uow.reports.add(report)
        uow.add_events([events.report_filed(report)])
        uow.audit.append(audit.entry("report_filed", now, audit.MEMBER, actor_id=actor_id, target_id=subject_id,
                                     room_slug=room_slug, subject_ref=report.id, reason=reason,
                                     details={"case_id": case.id, "message_id": message_id, "note": note}))
        if message is not None:
            self._hide_if_weighty(uow, case, message, now)
        return views.report(report)

    def _hide_if_weighty(self, uow: UnitOfWork, case: Case, message: KnownMessage, now: dt.datetime) -> None:
        """Hides the message pending review (once) when its open reports weigh HIDE_THRESHOLD or more. The case
        is locked, so the filings about its author (all the message's open reports) come one at a time."""
        if uow.hidden_messages.get(message.id) is not None or not self._may_hide(uow, message, now):
            return
        reports = [r for r in uow.reports.open_in_case(case.id) if r.message_id == message.id]
        weight = rules.message_weight(reports, self._accuracies(uow, {r.reporter_id for r in reports}))
        if not rules.should_hide(weight):
            return
        action = actions.remove_message(message.id, rules.SYSTEM_ACTOR, rules.HIDDEN_REASON, now)
        uow.room_actions.add(action)
        uow.hidden_messages.add(HiddenMessage(message.id, case.id, message.room_slug, message.author_id, action.id,
                                              now, weight))
        uow.audit.append(audit.entry("message_hidden", now, audit.SYSTEM, target_id=message.author_id,
                                     room_slug=message.room_slug, subject_ref=message.id, reason=rules.HIDDEN_REASON,
                                     details={"case_id": case.id, "weight": weight,
                                              "threshold": rules.HIDE_THRESHOLD,
                                              "reporters": len({r.reporter_id for r in reports})}))

    @staticmethod
    def _may_hide(uow: UnitOfWork, message: KnownMessage, now: dt.datetime) -> bool:
        """A hide pending review never touches a message already removed (a restore would undo someone else's
        removal), an admin's (no queue lists cases about admins, so nobody could show it again), or one whose
        author's words read as crisis (medium tier on) or were cared for as crisis: that message stays posted.
        Its case stays in the queue either way."""
        if message.deleted or course_of(message.room_slug) is not None:
            return False  # course cannot show a post again (it has no restore): a course post waits for review
        author = facts_of(uow.people.get(message.author_id))
        if author is not None and is_admin(author, now):
            return False
        return uow.crisis_flags.get(message.id) is None and tier_of(message.body) < CRISIS_IS_HEARD

    def _idempotent(self, call: IdempotentCall, effect: Callable[[UnitOfWork, dt.datetime], dict]) -> dict:
        """Runs a filing in a unit of work, honouring the idempotency key. A twin filing at the same moment (the
        same report, or the first report about a person) meets a uniqueness rule: one more attempt then finds
        what the twin committed."""
        return run_keyed(self.uow_factory, self.clock, call, effect, (rules.ONE_OPEN_CASE, rules.ONE_OPEN_REPORT,
                                                            rules.ONE_HIDE))

    # --- the review queue ----------------------------------------------------------------------------------

    def queue(self, actor_id: str, room_slug: str | None = None, limit: int = 50) -> list[dict]:
        """The open cases the caller may act on, highest priority first (then oldest); `room_slug` narrows it to
        cases with a report in that room. Scope and order are the query's (CasesRepository.queue), so the top
        cases are right among any number of open ones. PermissionDenied for someone who moderates nowhere."""
        limit = min(max(int(limit or 50), 1), QUEUE_LIMIT_MAX)
        if room_slug is not None and (refusal := ROOM_SLUG.refusal(room_slug, "room_slug")) is not None:
            raise InvalidReport(refusal)
        now = self.clock()
        with self.uow_factory() as uow:
            moderator = facts_of(uow.people.get(actor_id))
            if moderator is None or not rules.moderates_somewhere(moderator, now):
                raise NotAModerator("the review queue is for moderators and admins")
            scope = rules.queue_scope(moderator, uow.cohort_grants.rooms_of(actor_id, now), now, room_slug)
            cases = [case for case, _ in uow.cases.queue(scope, now, limit)]
            reports = uow.reports.open_in_cases([case.id for case in cases])
            accuracies = self._accuracies(uow, {r.reporter_id for listed in reports.values() for r in listed})
            return [self._case_view(uow, case, reports[case.id], uow.people.get(case.subject_id), accuracies)
                    for case in cases]

    def get_case(self, actor_id: str, case_id: object) -> dict:
        """One case with all its reports (open, or as decided), for a moderator who may act on it."""
        case_id = parse_uuid(case_id, "case_id", InvalidReport)
        now = self.clock()
        with self.uow_factory() as uow:
            actor = facts_of(uow.people.get(actor_id))
            if actor is None or not rules.moderates_somewhere(actor, now):  # before any lookup: a member learns
                raise NotAModerator("cases are for moderators and admins")  # nothing of which case ids exist
            case = uow.cases.get(case_id)
            if case is None:
                raise CaseNotFound(f"no case {case_id}")
            reports = uow.reports.in_case(case.id) if not case.is_open else uow.reports.open_in_case(case.id)
            subject = uow.people.get(case.subject_id)
            rules.ensure_may_review(actor, case.subject_id, facts_of(subject), {r.room_slug for r in reports}, now,
                                    uow.cohort_grants.rooms_of(actor_id, now),
                                    unknown=CaseNotFound(f"no case {case_id}"))
            accuracies = self._accuracies(uow, {r.reporter_id for r in reports})
            return self._case_view(uow, case, reports, subject, accuracies)

    def decide_case(self, actor_id: str, case_id: object, decision: object, remove_messages: bool = False,
                    note: object = None, idempotency_key: object = None) -> dict:
        """A moderator decides a case, in one transaction: agree (with `remove_messages`, room is asked to remove
        each reported message), disagree or dismiss. Every open report in it closes with the decision and its
        reporters' accuracy follows (dismissed reports count for nobody); a message hidden pending review stays
        removed on agree and is shown again otherwise. The calls to room are recorded here and made by the
        worker (service_layer/room_actions.py), so a decision never waits on room. Announced as case_decided
        (`removed_message_ids`: the removals ordered) and written to the audit log. The note stays in moderation:
        room is given a neutral reason."""
        case_id = parse_uuid(case_id, "case_id", InvalidReport)
        decision = rules.decision_of(decision)
        note = optional_text(note, "note", rules.NOTE_MAX, error=InvalidReport)
        remove = bool(remove_messages) and decision == rules.AGREE
        call = IdempotentCall(actor_id, "moderation.DecideCase", idempotency_key,
                              {"case_id": case_id, "decision": decision, "remove_messages": remove, "note": note})

        def decide(uow: UnitOfWork, now: dt.datetime) -> dict:
            actor = facts_of(uow.people.get(actor_id))
            if actor is None or not rules.moderates_somewhere(actor, now):
                raise NotAModerator("deciding cases is for moderators and admins")
            case = uow.cases.get(case_id, lock=True)
            if case is None:
                raise CaseNotFound(f"no case {case_id}")
            # The caller is authorised before anything of the case's state is told (a reporter must not learn the
            # decision from the refusal): the rooms are those of all its reports once it is decided.
            reports = uow.reports.open_in_case(case.id) if case.is_open else uow.reports.in_case(case.id)
            subject = uow.people.get(case.subject_id)
            rules.ensure_may_review(actor, case.subject_id, facts_of(subject), {r.room_slug for r in reports}, now,
                                    uow.cohort_grants.rooms_of(actor_id, now),
                                    unknown=CaseNotFound(f"no case {case_id}"))
            if not case.is_open:
                raise CaseClosed(f"case {case_id} was decided already ({case.decision})")
            rules.ensure_not_a_reporter(actor_id, reports)
            removed = self._order_room_actions(uow, actor_id, case, reports, decision, remove, now)
            case.decide(decision, actor_id, note, removed, now, reports)
            uow.cases.save(case)
            for report in reports:
                uow.reports.save(report)
            accuracies = self._recount_accuracy(uow, {r.reporter_id for r in reports}, decision)
            uow.add_events([events.case_decided(case, reports)])
            rooms = sorted({r.room_slug for r in reports})
            uow.audit.append(audit.entry(
                "case_decided", now, audit.MODERATOR, actor_id=actor_id, target_id=case.subject_id,
                room_slug=rooms[0] if len(rooms) == 1 else None, subject_ref=case.id, reason=note,
                details={"decision": decision, "report_ids": [r.id for r in reports], "room_slugs": rooms,
                         "removed_message_ids": removed}))
            return self._case_view(uow, case, reports, subject, accuracies)

        return run_keyed(self.uow_factory, self.clock, call, decide)

    @staticmethod
    def _order_room_actions(uow: UnitOfWork, actor_id: str, case: Case, reports: list[Report], decision: str,
                            remove: bool, now: dt.datetime) -> list[str]:
        """Records the calls to room a decision needs; returns the messages whose removal it ordered (or keeps).
        agree: each reported message is removed when asked (`remove`), and one hidden pending review stays
        removed either way. disagree or dismiss: a hidden message is shown again (a hide room has not yet been
        asked to make is called off instead)."""
        reported = list(dict.fromkeys(r.message_id for r in reports if r.message_id))
        places = {r.message_id: r.room_slug for r in reports if r.message_id}
        hidden = {h.message_id: h for h in uow.hidden_messages.in_case(case.id, lock=True)
                  if h.status == rules.HIDDEN}
        removed = [m for m in reported if remove or m in hidden] if decision == rules.AGREE else []
        for message_id in removed:  # room's removal is idempotent: a hidden message asked again is no harm
            if course_of(places[message_id]) is not None:  # a course post: course removes it (one runner)
                uow.room_actions.add(actions.remove_post(message_id, actor_id, rules.REMOVED_REASON, now))
                continue
            uow.room_actions.add(actions.remove_message(message_id, actor_id, rules.REMOVED_REASON, now))
            if message_id not in hidden:
                settle_hide(uow, message_id, now)
        for hide in hidden.values():
            hide.decided_at = now
            if decision == rules.AGREE:
                hide.status = rules.KEPT_REMOVED
            else:
                hide.status = rules.RESTORED
                hiding = uow.room_actions.get(hide.action_id, lock=True)  # waits for a worker calling room now
                if hiding is not None and hiding.status == actions.PENDING:
                    hiding.cancel(now, f"case {case.id} decided ({decision}) before room hid the message")
                    uow.room_actions.save(hiding)
                elif hiding is not None and hiding.status == actions.DONE:
                    uow.room_actions.add(actions.restore_message(hide.message_id, actor_id, rules.RESTORED_REASON,
                                                                 now))
                uow.audit.append(audit.entry("message_restored", now, audit.MODERATOR, actor_id=actor_id,
                                             target_id=hide.author_id, room_slug=hide.room_slug,
                                             subject_ref=hide.message_id, reason=rules.RESTORED_REASON,
                                             details={"case_id": case.id, "decision": decision}))
            uow.hidden_messages.save(hide)
        return removed

    @staticmethod
    def _recount_accuracy(uow: UnitOfWork, reporter_ids: set[str], decision: str) -> dict[str, float]:
        """Recounts the case's reporters' accuracy after their reports were decided (rows locked in id order, so
        two decisions sharing a reporter recount one after the other); a dismissal changes nobody's."""
        if decision != rules.DISMISS and reporter_ids:
            uow.reporters.lock(sorted(reporter_ids))
            records = uow.reports.track_records(sorted(reporter_ids), rules.ACCURACY_WINDOW)
            for reporter_id in sorted(reporter_ids):
                upheld, decided = records.get(reporter_id, (0, 0))
                uow.reporters.save(reporter_id, upheld, decided, rules.accuracy(upheld, decided))
        return ModerationService._accuracies(uow, reporter_ids)

    @staticmethod
    def _accuracies(uow: UnitOfWork, reporter_ids: set[str]) -> dict[str, float]:
        """Each reporter's stored accuracy (a newcomer's when none is stored)."""
        stored = uow.reporters.accuracies(sorted(reporter_ids)) if reporter_ids else {}
        return {r: stored.get(r, rules.accuracy(0, 0)) for r in reporter_ids}

    @staticmethod
    def _case_view(uow: UnitOfWork, case: Case, reports: list[Report], subject: KnownPerson | None,
                   accuracies: dict[str, float]) -> dict:
        subject_view = views.subject(case.subject_id, subject, uow.reports.upheld_cases_about(case.subject_id))
        hidden = [h.message_id for h in uow.hidden_messages.in_case(case.id) if h.status == rules.HIDDEN]
        return views.case(case, reports, accuracies, rules.priority(reports, accuracies), subject_view, hidden)

    # --- read models from other services' events ----------------------------------------------------------

    def apply_identity_event(self, envelope: dict) -> bool:
        """Applies one of identity's events to the read model of people, once per event id."""
        with self.uow_factory() as uow:
            if apply_identity_event(uow.people, uow.claim_event, envelope) is None:
                return False
            uow.commit()
            return True

    def apply_room_event(self, envelope: dict) -> bool:
        """Applies one of room's message and membership events to the read models, once per event id; an older
        event (by the room timeline's seq) never overwrites a newer one. Returns whether the event was new."""
        event = room_contract.parse(envelope)
        p = event.payload
        if isinstance(p, room_contract.MessagePosted):
            # the author's own words (moderators are staff): what reports, hides and flags read
            return self._apply_new_post(envelope, of_room(p), KnownMessage(
                p.message_id, p.room_slug, p.author_id, p.original_body or p.body, p.posted_at, p.seq))
        with self.uow_factory() as uow:
            if not uow.claim_event(envelope):
                return False
            match p:
                case room_contract.MemberJoined() | room_contract.MemberLeft():
                    joined = isinstance(p, room_contract.MemberJoined)
                    current = uow.members.get(p.room_slug, p.person_id, lock=True)
                    if current is None or current.seq < p.seq:
                        uow.members.save(Membership(p.room_slug, p.person_id, joined,
                                                    p.joined_at if joined else p.left_at, p.seq))
                case room_contract.MessageRestored():  # a moderator showed it again: it may be removed anew
                    current = uow.messages.get(p.message_id, lock=True)
                    if current is None or current.seq < p.seq:
                        uow.messages.save(KnownMessage(
                            p.message_id, p.room_slug, p.author_id, current.body if current else p.body,
                            current.posted_at if current else p.restored_at, p.seq, deleted=False))
                case room_contract.CohortAccessGranted():
                    uow.cohort_grants.granted(CohortGrant(p.grant_id, p.person_id, p.room_slug, p.expires_at))
                case room_contract.CohortAccessRevoked():
                    uow.cohort_grants.revoked(CohortGrant(p.grant_id, p.person_id, p.room_slug, revoked=True))
                case room_contract.MessageEdited() | room_contract.MessageDeleted():
                    current = uow.messages.get(p.message_id, lock=True)
                    if current is None or current.seq < p.seq:
                        edited = isinstance(p, room_contract.MessageEdited)
                        uow.messages.save(KnownMessage(
                            p.message_id, p.room_slug, p.author_id,
                            (p.original_body or p.body) if edited else (current.body if current else ""),
                            current.posted_at if current else (p.edited_at if edited else p.deleted_at),
                            p.seq, deleted=not edited))
                    if isinstance(p, room_contract.MessageDeleted) and not (p.by_moderation
                                                                            and p.reason == rules.HIDDEN_REASON):
                        settle_hide(uow, p.message_id, p.deleted_at)  # not the hide's removal: never restored
                    if isinstance(p, room_contract.MessageEdited):  # words edited into crisis are met with care too
                        self.automod.flag_message(uow, of_room(p))
                        care_for_crisis(uow, of_room(p), self.clock())
            uow.commit()
            return True

    def apply_course_event(self, envelope: dict) -> bool:
        """Applies one of course's post events to the read model of posts (kept with room's messages, at the course's
        place), once per event id, and scans a created or edited post as a room message is scanned (automod's flags,
        crisis care: the same code). An older version (by its time; a removal is final) never overwrites a newer.
        A post removed (by its author, or by course for moderation) is marked deleted: its reports keep its text
        and stay open for a moderator, and the audit log notes the removal against the open cases naming it.
        Returns whether the event was new."""
        event = course_contract.parse(envelope)
        p = event.payload
        if not isinstance(p, course_contract.CoursePostCreated | course_contract.CoursePostEdited
                          | course_contract.CoursePostRemoved):
            return False
        place = course_place(p.course_slug)
        if isinstance(p, course_contract.CoursePostCreated):
            return self._apply_new_post(envelope, of_course(p), KnownMessage(
                p.post_id, place, p.author_id, p.body, p.created_at, course_seq(p.created_at),
                discussion_id=p.discussion_id, section=p.section))
        with self.uow_factory() as uow:
            if not uow.claim_event(envelope):
                return False
            current = uow.messages.get(p.post_id, lock=True)
            match p:
                case course_contract.CoursePostEdited():
                    seq = course_seq(p.edited_at, edited=True)
                    if current is None or current.seq < seq:
                        uow.messages.save(KnownMessage(p.post_id, place, p.author_id, p.body,
                                                       current.posted_at if current else p.edited_at, seq,
                                                       discussion_id=p.discussion_id, section=p.section))
                case course_contract.CoursePostRemoved():
                    if current is None or current.seq < REMOVED_SEQ:
                        uow.messages.save(KnownMessage(p.post_id, place, p.author_id, current.body if current else "",
                                                       current.posted_at if current else p.removed_at, REMOVED_SEQ,
                                                       deleted=True, discussion_id=p.discussion_id,
                                                       section=p.section))
                    self._note_post_removed(uow, p, place)
            if not isinstance(p, course_contract.CoursePostRemoved):
                self.automod.flag_message(uow, of_course(p))
                care_for_crisis(uow, of_course(p), self.clock())  # care only, as for a room message
            uow.commit()
            return True

    def _apply_new_post(self, envelope: dict, text: PostedText, message: KnownMessage) -> bool:
        """room's message_posted or course's course_post_created: the event claimed, the message recorded (unless a
        version of it is known already) and what automod reads read with them, automod's flags, crisis care (care
        only: never a report, warning or sanction), in one transaction. A benign post (nearly all) writes nothing
        more: on PostgreSQL one statement and the commit. Returns whether the event was new."""
        with self.uow_factory() as uow:
            if not self.automod.flag_new_post(uow, envelope, text, message):
                return False
            care_for_crisis(uow, text, self.clock())
            uow.commit()
            return True

    @staticmethod
    def _note_post_removed(uow: UnitOfWork, p: course_contract.CoursePostRemoved, place: str) -> None:
        """The audit log's note of a reported post's removal, for the moderator deciding its case: by its author
        (the case stays open: the report keeps the words), or by course on moderation's request."""
        case = uow.cases.open_about(p.author_id)
        if case is None or not any(r.message_id == p.post_id for r in uow.reports.open_in_case(case.id)):
            return
        uow.audit.append(audit.entry(
            "course_post_removed", p.removed_at, audit.SYSTEM, actor_id=p.removed_by, target_id=p.author_id,
            room_slug=place, subject_ref=p.post_id, reason=p.reason or None,
            details={"case_id": case.id, "by_moderation": p.by_moderation, "discussion_id": p.discussion_id}))

    # --- housekeeping --------------------------------------------------------------------------------------

    def purge_messages(self) -> int:
        """Forgets messages past the retention period (reports keep the reported message's text)."""
        before, purged = self.clock() - self.message_retention, 0
        while True:
            with self.uow_factory() as uow:
                count = uow.messages.purge(before, PURGE_BATCH)
                uow.commit()
            purged += count
            if count < PURGE_BATCH:
                return purged

    def purge_idempotency_records(self) -> int:
        return purge_expired(self.uow_factory, self.clock())
