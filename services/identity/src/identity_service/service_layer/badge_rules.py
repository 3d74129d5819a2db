"""Service layer: badges earned by doing: other services' events kept as per-person facts (once per event, through
the inbox), and the rules evaluated on them, awarding and revoking through the one award use case."""
from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Callable, Iterable

from hearth_common.contracts import InvalidEvent, Received
from hearth_common.contracts import course as course_events
from hearth_common.contracts import moderation as moderation_events
from hearth_common.contracts import room as room_events
from hearth_common.errors import AlreadyExists, NotFound
from hearth_common.people import Actor
from identity_service.domain.badge_rules import Activity, BadgeRule, Fact, kept_once, times_read
from identity_service.domain.errors import BadgeNotFound
from identity_service.service_layer.ports import RoomTopics
from identity_service.service_layer.services import IdentityService
from identity_service.service_layer.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

CONTRACTS = {c.source: c for c in (room_events.CONTRACT, moderation_events.CONTRACT, course_events.CONTRACT)}
# The events the rules are fed, by producer (the worker binds exactly these).
CONSUMED = {
    "room": ("message_posted", "message_hearted", "session_ended"),
    "moderation": ("sanction_imposed", "sanction_lifted"),
    "course": ("course_completed", "completion_revoked"),
}
COURSE = Actor(service="course")  # a course's own badge is course's award (`service:course`), made by identity


@dataclasses.dataclass(frozen=True)
class RuleActor(Actor):
    """identity itself, acting for one badge rule: trusted like an internal caller, recorded as `rule:<badge>`."""

    rule: str = ""

    @classmethod
    def of(cls, rule: BadgeRule) -> RuleActor:
        return cls(service="identity", rule=rule.label)

    @property
    def label(self) -> str:
        return self.rule


class BadgeRules:
    """Keeps the facts the rules count and decides, per person, what the rules award and take back."""

    def __init__(self, uow_factory: Callable[[], UnitOfWork], identity: IdentityService,
                 rules: Iterable[BadgeRule], rooms: RoomTopics, clock: Callable[[], dt.datetime]):
        self.uow_factory = uow_factory
        self.identity = identity
        self.rules = tuple(rules)
        self.rooms = rooms
        self.clock = clock
        # The facts of one person per event that no rule counts repeats of (days active, hearts per giver and
        # message under the shipped rules), by fact: whether a rule looks at when they last happened.
        self._kept_once = {fact: times_read(self.rules, fact) for fact in (Fact.ACTIVE_DAY, Fact.HEART_FROM)
                           if kept_once(self.rules, fact)}

    # --- events in -----------------------------------------------------------------------------------------

    def apply_event(self, envelope: dict) -> bool:
        """Records what one event of room, moderation or course tells about people, once per event id, and marks
        them due for evaluation in the same transaction; then evaluates them. Returns whether it changed anything
        (False for a redelivery). InvalidEvent (from the contract) for an event that breaks it: the worker
        dead-letters it.

        A post or a heart whose fact no rule counts repeats of (`_kept_once`) skips the inbox: its fact is kept
        once however often the event comes, in one statement, and only a new fact (a person's first post of a
        day, a heart from a giver on a message not hearted before) is evaluated. The rest (a second post the same
        day, a redelivery) changes nothing a rule looks at, and writes nothing."""
        source = envelope.get("source") if isinstance(envelope, dict) else None
        if not isinstance(source, str) or source not in CONTRACTS:
            raise InvalidEvent(f"the badge rules take events of {', '.join(CONTRACTS)}, not of {source!r}")
        event = CONTRACTS[source].parse(envelope)
        match event.payload:
            case room_events.MessagePosted() as p if Fact.ACTIVE_DAY in self._kept_once:
                return self._note(event.type, p.author_id, Fact.ACTIVE_DAY,
                                  p.posted_at.astimezone(dt.timezone.utc).date().isoformat(), p.posted_at)
            case room_events.MessageHearted() as p if Fact.HEART_FROM in self._kept_once:
                return self._note(event.type, p.author_id, Fact.HEART_FROM, f"{p.hearted_by}:{p.message_id}",
                                  p.hearted_at, p.hearted_by)
        self._course_badge(event)
        topic = self._room_topic(event)
        now = self.clock()
        with self.uow_factory() as uow:
            if not uow.claim_event(envelope):
                return False
            people = self._record(uow, event, topic, now)
            # someone already due (an evaluation a stopped worker did not finish) is evaluated against every rule
            behind = {p for p in people if uow.badge_facts.marked_due(p) is not None}
            for person_id in people:
                uow.badge_facts.mark_due(person_id, now)
            uow.commit()
        concerned = [r for r in self.rules if event.type in r.events or event.type in r.revoke_on]
        for person_id in people:
            self.evaluate(person_id, None if person_id in behind else concerned)
        return True

    def _note(self, event_type: str, person_id: str, fact: Fact, key: str, at: dt.datetime, tag: str = "") -> bool:
        """One fact kept once (no inbox: a redelivery finds it there), the person marked due with it when new; then
        evaluated against the rules the event concerns (every rule if an evaluation was left behind)."""
        now = self.clock()
        with self.uow_factory() as uow:
            changed, behind = uow.badge_facts.note(person_id, fact, key, at, tag, due_at=now,
                                                   widen=self._kept_once[fact])
            uow.commit()
        if changed:
            self.evaluate(person_id, None if behind is not None else
                          [r for r in self.rules if event_type in r.events or event_type in r.revoke_on])
        return changed

    def _course_badge(self, event: Received) -> None:
        """A course's own badge (the completion's `badge_slug`): awarded on course_completed with the completion id
        as idempotency key, taken back on completion_revoked (that award only: the same badge awarded another way,
        by an admin or a rule, stays). Done before the event is claimed, and idempotent by its key, so a worker
        stopped in between does it on the redelivery, and a redelivery does nothing more (a completion revoked
        meanwhile is not awarded again: its key names the first award).

        A completion and its revocation handled at once (two workers) never leave the badge awarded: the revocation
        records its tombstone (the COMPLETION_REVOKED fact) before it revokes, and the completion looks for the
        tombstone again after it awarded. Whichever of the two runs its second step last sees the other's first."""
        match event.payload:
            case course_events.CourseCompleted(badge_slug=str(slug)) as p:
                if self._completion_revoked(p.person_id, p.completion_id):
                    return  # its revocation came first (out of order): nothing to award
                self._settle(p.course_slug, slug, lambda: self.identity.award_badge(
                    COURSE, p.person_id, slug, f"completed the course {p.course_slug}", p.completion_id))
                if self._completion_revoked(p.person_id, p.completion_id):  # revoked while it was being awarded
                    self._settle(p.course_slug, slug, lambda: self._revoke_completion_award(
                        p.person_id, slug, p.completion_id, "course completion revoked"))
            case course_events.CompletionRevoked() as p:
                with self.uow_factory() as uow:
                    if not self._tombstone(uow, p.person_id, p.completion_id):
                        uow.badge_facts.record(p.person_id, Fact.COMPLETION_REVOKED, p.completion_id, p.revoked_at,
                                               p.course_slug)
                        uow.commit()
                if p.badge_slug is not None:
                    self._settle(p.course_slug, p.badge_slug, lambda: self._revoke_completion_award(
                        p.person_id, p.badge_slug, p.completion_id, f"course completion revoked: {p.reason}"))

    def _revoke_completion_award(self, person_id: str, slug: str, completion_id: str, reason: str) -> None:
        self.identity.revoke_badge(COURSE, person_id, slug, reason, f"{completion_id}:revoked",
                                   award_key=completion_id)

    def _completion_revoked(self, person_id: str, completion_id: str) -> bool:
        with self.uow_factory() as uow:
            return self._tombstone(uow, person_id, completion_id)

    @staticmethod
    def _tombstone(uow: UnitOfWork, person_id: str, completion_id: str) -> bool:
        return any(f.fact is Fact.COMPLETION_REVOKED and f.key == completion_id
                   for f in uow.badge_facts.of_person(person_id))

    @staticmethod
    def _settle(course_slug: str, badge_slug: str, change: Callable[[], object]) -> None:
        try:
            change()
        except BadgeNotFound:  # a course names a badge identity does not have: every completion would earn nothing
            log.error("a course's badge is not in identity's catalogue: its completions earn nothing until it is",
                      extra={"course_slug": course_slug, "badge_slug": badge_slug})
        except (AlreadyExists, NotFound) as exc:  # held by another award already, or not held: nothing to change
            log.info("course badge already settled",
                     extra={"course_slug": course_slug, "badge_slug": badge_slug, "reason": str(exc)})

    def _room_topic(self, event: Received) -> str:
        """The topic of a session's room, asked of room's catalogue only when a rule looks at it (before the
        transaction: no call to another service with a transaction open)."""
        if isinstance(event.payload, room_events.SessionEnded) and any(r.room_topic for r in self.rules):
            return self.rooms.topic_of(event.payload.room_slug) or ""
        return ""

    @staticmethod
    def _record(uow: UnitOfWork, event: Received, topic: str, now: dt.datetime) -> list[str]:
        """Keeps the event's facts; returns the people they are about."""
        at = event.occurred_at or now
        facts = uow.badge_facts
        match event.payload:
            case room_events.MessagePosted() as p:
                facts.record(p.author_id, Fact.ACTIVE_DAY, p.posted_at.astimezone(dt.timezone.utc).date().isoformat(),
                             p.posted_at)
                return [p.author_id]
            case room_events.MessageHearted() as p:
                # keyed by giver and message: room publishes a re-heart after an unheart too, the same heart again
                facts.record(p.author_id, Fact.HEART_FROM, f"{p.hearted_by}:{p.message_id}", p.hearted_at,
                             p.hearted_by)
                return [p.author_id]
            case room_events.SessionEnded() as p:
                for person_id in p.attendee_ids:
                    facts.record(person_id, Fact.SESSION_ATTENDED, p.session_id, p.ended_at, topic)
                return list(p.attendee_ids)
            case course_events.CourseCompleted() as p:
                facts.record(p.person_id, Fact.COURSE_COMPLETED, p.course_slug, p.completed_at)
                return [p.person_id]
            case course_events.CompletionRevoked() as p:  # its fact (the tombstone) is kept by _course_badge
                return [p.person_id]
            case moderation_events.SanctionImposed() as p:
                facts.sanction_imposed(p.sanction_id, p.person_id, at, p.expires_at)
                return [p.person_id]
            case moderation_events.SanctionLifted() as p:
                facts.sanction_lifted(p.sanction_id, p.person_id, at)
                return [p.person_id]
        return []

    # --- evaluation ----------------------------------------------------------------------------------------

    def evaluate(self, person_id: str, rules: Iterable[BadgeRule] | None = None) -> int:
        """Awards and revokes what the rules (all, or those an event concerns) decide for one person now, each
        through award_badge / revoke_badge with the decision's key (so a twin evaluation does it once); clears the
        person's due mark. Returns how many awards and revocations were made."""
        now = self.clock()
        with self.uow_factory() as uow:
            due = uow.badge_facts.marked_due(person_id)
            decisions = []
            if uow.people.get(person_id) is not None:  # someone identity does not know has nothing to earn
                held = {a.badge_slug: a.awarded_at for a in uow.awards.held_by(person_id)}
                # a badge held under a rule that never takes it back needs no look at the facts (most posts)
                open_rules = [r for r in (self.rules if rules is None else rules)
                              if r.badge not in held or r.revoke_on]
                if open_rules:
                    activity = Activity(tuple(uow.badge_facts.of_person(person_id)),
                                        tuple(uow.badge_facts.sanctions_of(person_id)), held)
                    decisions = [(r, r.decide(person_id, activity, uow.awards.history(person_id, r.badge), now))
                                 for r in open_rules]
        changed = 0
        for rule, decision in decisions:
            if decision is None:
                continue
            try:
                if decision.revoke:
                    self.identity.revoke_badge(RuleActor.of(rule), person_id, rule.badge,
                                               f"taken back automatically ({rule.label}): {rule.summary}",
                                               decision.key)
                else:
                    self.identity.award_badge(RuleActor.of(rule), person_id, rule.badge, rule.reason, decision.key)
                changed += 1
            except (AlreadyExists, NotFound) as exc:  # someone awarded or revoked it meanwhile: nothing to do
                log.info("badge rule found the badge already settled",
                         extra={"rule": rule.label, "person_id": person_id, "reason": str(exc)})
        if due is not None:
            with self.uow_factory() as uow:
                uow.badge_facts.clear_due(person_id, due)
                uow.commit()
        return changed

    def evaluate_due(self, limit: int = 200) -> int:
        """Evaluates the people marked due and not evaluated yet (a worker stopped between an event's commit and
        its evaluation); returns how many people."""
        with self.uow_factory() as uow:
            due = uow.badge_facts.due(limit)
        for person_id, _ in due:
            self.evaluate(person_id)
        return len(due)

    def backfill_if_due(self, every: dt.timedelta) -> dict | None:
        """The daily pass, if it last started `every` ago or more on any replica (the worker asks hourly, so a
        worker restarted more often than `every` still runs it); None when it was not due."""
        with self.uow_factory() as uow:
            claimed = uow.badge_facts.claim_pass("everyone", self.clock(), every)
            uow.commit()
        return self.backfill() if claimed else None

    def backfill(self, batch_size: int = 500) -> dict:
        """The daily pass: every person evaluated against every rule (time makes some rules hold, such as days
        held without a sanction, and windows end). Idempotent; returns {people, changes}."""
        after, people, changes = "", 0, 0
        while True:
            with self.uow_factory() as uow:
                batch = uow.people.ids_after(after, batch_size)
            if not batch:
                return {"people": people, "changes": changes}
            for person_id in batch:
                changes += self.evaluate(person_id)
            people += len(batch)
            after = batch[-1]
