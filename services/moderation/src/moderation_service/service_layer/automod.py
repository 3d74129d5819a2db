"""Service layer: automod's use cases: the rules managed over gRPC (each change a new version of the whole set,
announced as automod_rules_changed in the same transaction), the test of a text against them, and automod's
flags of room's messages and course's posts (a report by automod, not a person)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence

from hearth_common.automod import RecentMessage, RuleSet
from hearth_common.automod.rules import CRISIS_IS_HEARD
from hearth_common.clock import utcnow
from hearth_common.contracts.identity import COHORTS
from hearth_common.idempotency import IdempotentCall
from hearth_common.ids import new_id
from hearth_common.people import KnownPerson
from hearth_common.text import required_text
from hearth_common.vocabulary import ROOM_SLUG, Cohort, values
from moderation_service.domain import audit, events
from moderation_service.domain import automod_rules as rules
from moderation_service.domain.automod_rules import ManagedRule, RuleSetVersion
from moderation_service.domain.errors import AutomodRuleNotFound, InvalidAutomodRule, NotAnAutomodManager
from moderation_service.domain.reports import NOTE_MAX, SEVERITY, Case, KnownMessage, Report
from moderation_service.domain.subjects import PostedText
from moderation_service.service_layer import views
from moderation_service.service_layer.facts import facts_of
from moderation_service.service_layer.keyed import run_keyed
from moderation_service.service_layer.unit_of_work import UnitOfWork

TEXT_MAX = 4000  # the longest text the test endpoint reads (room's longest message body is shorter)
# The author's earlier messages in the room the spam detector looks at (its windows are 2 minutes at most).
SPAM_WINDOW = dt.timedelta(minutes=10)
SPAM_RECENT_MAX = 20


class AutomodRules:
    def __init__(self, uow_factory: Callable[[], UnitOfWork], clock: Callable[[], dt.datetime] = utcnow):
        self.uow_factory = uow_factory
        self.clock = clock
        self._known: tuple[RuleSetVersion, RuleSet] | None = None  # see _rules

    # --- the rule set ---------------------------------------------------------------------------------------

    def publish_first_version(self) -> int:
        """Writes version 1 (the defaults) and its automod_rules_changed, exactly once (under the change lock,
        only when no version exists); moderation-migrate calls it after the schema. Returns the latest version."""
        with self.uow_factory() as uow:
            version = self._current(uow, self.clock())
            uow.commit()
            return version.version

    def _current(self, uow: UnitOfWork, now: dt.datetime) -> RuleSetVersion:
        """The latest version, taking the change lock first; the first version is written (and announced) here
        when there is none yet."""
        uow.automod.lock_for_change()
        current = uow.automod.latest()
        if current is None:
            current = rules.first_version(now)
            uow.automod.add(current)
            uow.add_events([events.automod_rules_changed(current)])
        return current

    @staticmethod
    def _change(uow: UnitOfWork, following: RuleSetVersion, action: str, actor_id: str, rule_id: str,
                now: dt.datetime, rule: ManagedRule | None = None) -> None:
        """A new version, announced, and the change in the audit log (source moderator, with the actor)."""
        uow.automod.add(following)
        uow.add_events([events.automod_rules_changed(following)])
        uow.audit.append(audit.entry(action, now, audit.MODERATOR, actor_id=actor_id, subject_ref=rule_id,
                                     details={"version": following.version,
                                              "rule": rule.to_record() if rule is not None else None}))

    def list_rules(self, actor_id: str, scope: object = None) -> dict:
        """The rule set's latest version and its rules (`scope` narrows them to one scope), each saying whether
        the caller may change it. For moderators and admins; PermissionDenied for anyone else."""
        scope = rules.scope_of(scope) if scope else None
        now = self.clock()
        with self.uow_factory() as uow:
            actor = facts_of(uow.people.get(actor_id))
            if not rules.may_see_rules(actor, now):
                raise NotAnAutomodManager("automod rules are for moderators and admins")
            current = uow.automod.latest() or rules.first_version(now)
        shown = [r for r in current.rules if scope is None or r.rule.scope == scope]
        return {"version": current.version,
                "rules": [views.automod_rule(r, rules.may_manage(actor, r.rule.scope, now)) for r in shown]}

    def create_rule(self, actor_id: str, spec: Mapping, idempotency_key: object = None) -> dict:
        """A new rule (its id chosen here), in a new version of the whole set. Admins: any scope; a chat room
        moderator: a room their role covers."""
        rule = rules.managed_rule(new_id(), spec)
        fingerprint = {k: v for k, v in rule.to_record().items() if k != "id"}
        call = IdempotentCall(actor_id, "moderation.CreateAutomodRule", idempotency_key, fingerprint)

        def create(uow: UnitOfWork, now: dt.datetime) -> dict:
            rules.ensure_may_manage(facts_of(uow.people.get(actor_id)), rule.rule.scope, now)
            following = self._current(uow, now).with_rule(rule, actor_id, now)
            self._change(uow, following, "automod_rule_created", actor_id, rule.id, now, rule)
            return _changed(following, rule)

        return run_keyed(self.uow_factory, self.clock, call, create)

    def update_rule(self, actor_id: str, rule_id: object, spec: Mapping, idempotency_key: object = None) -> dict:
        """Replaces a rule (same id) in a new version; the caller must manage both its old and its new scope."""
        rule_id = required_text(rule_id, "rule_id", rules.RULE_ID_MAX, error=InvalidAutomodRule)
        rule = rules.managed_rule(rule_id, spec)
        call = IdempotentCall(actor_id, "moderation.UpdateAutomodRule", idempotency_key, rule.to_record())

        def update(uow: UnitOfWork, now: dt.datetime) -> dict:
            current = self._current(uow, now)
            before = self._existing(uow, current, rule_id, actor_id, now)
            rules.ensure_may_manage(facts_of(uow.people.get(actor_id)), rule.rule.scope, now)
            if before == rule:  # nothing changes: no new version (the first one commits if it was just made)
                return _changed(current, rule)
            following = current.with_rule(rule, actor_id, now)
            self._change(uow, following, "automod_rule_updated", actor_id, rule_id, now, rule)
            return _changed(following, rule)

        return run_keyed(self.uow_factory, self.clock, call, update)

    def delete_rule(self, actor_id: str, rule_id: object, idempotency_key: object = None) -> dict:
        """Removes a rule in a new version (a default rule too: the defaults are data admins may change). With an
        idempotency key, a retried delete answers as the first did (not NOT_FOUND)."""
        rule_id = required_text(rule_id, "rule_id", rules.RULE_ID_MAX, error=InvalidAutomodRule)
        call = IdempotentCall(actor_id, "moderation.DeleteAutomodRule", idempotency_key, {"rule_id": rule_id})

        def delete(uow: UnitOfWork, now: dt.datetime) -> dict:
            current = self._current(uow, now)
            self._existing(uow, current, rule_id, actor_id, now)
            following = current.without(rule_id, actor_id, now)
            self._change(uow, following, "automod_rule_deleted", actor_id, rule_id, now)
            return {"version": following.version}

        return run_keyed(self.uow_factory, self.clock, call, delete)

    @staticmethod
    def _existing(uow: UnitOfWork, current: RuleSetVersion, rule_id: str, actor_id: str,
                  now: dt.datetime) -> ManagedRule:
        """The rule, when the caller may manage its scope. NOT_FOUND only for those who may see the rules (they can
        list them all anyway); anyone else is refused alike whether or not the rule exists."""
        actor = facts_of(uow.people.get(actor_id))
        found = current.get(rule_id)
        if found is None and rules.may_see_rules(actor, now):
            raise AutomodRuleNotFound(f"no automod rule {rule_id!r}")
        rules.ensure_may_manage(actor, found.rule.scope if found else "all", now)
        return found

    def test_text(self, actor_id: str, text: object, room_slug: object, cohort: object,
                  author_roles: Iterable[str] = ()) -> dict:
        """What `text` would trigger in a room of `cohort`, posted by someone holding `author_roles`: each hit,
        the censored text, the crisis tier. Nothing is posted or recorded. For moderators and admins."""
        text = required_text(text, "text", TEXT_MAX, error=InvalidAutomodRule)
        if (refusal := ROOM_SLUG.refusal(room_slug, "room_slug")) is not None:
            raise InvalidAutomodRule(refusal)
        if cohort not in values(Cohort):
            raise InvalidAutomodRule(f"cohort must be one of {', '.join(values(Cohort))}")
        roles = rules.roles_of(author_roles)
        now = self.clock()
        with self.uow_factory() as uow:
            if not rules.may_see_rules(facts_of(uow.people.get(actor_id)), now):
                raise NotAnAutomodManager("testing automod rules is for moderators and admins")
            current = uow.automod.latest() or rules.first_version(now)
        verdict = current.rule_set().evaluate(text, room_slug, cohort, roles)
        return views.automod_test(current, verdict)

    # --- automod's flags ---------------------------------------------------------------------------------------

    def flag_message(self, uow: UnitOfWork, text: PostedText) -> list[str]:
        """On a room message or a course post, posted or edited (service_layer/posted.py reads room's and course's
        events into one PostedText), in the transaction that applies it: the current rule set's flag-action rules
        (and their detectors) read the author's own words (`original_body` when room censored them); each rule
        that flags opens or joins the case about the author with automod's report. Once per message and rule (a
        redelivery or a later edit flags nothing twice). A text that reads as crisis (medium tier on) is never
        flagged, for crisis or anything else in it: it starts care, not a case. A course post is read as in a
        room no room-scoped rule covers (its place: domain/subjects.py). Returns the rules that flagged it now."""
        current = self._rules(uow.automod.latest(), text.at)
        recent = self._recent(uow, text.place, text.author_id, text.message_id, text.at) if text.posted else ()
        return self._flag(uow, text, current, uow.people.get(text.author_id), recent)

    def flag_new_post(self, uow: UnitOfWork, envelope: dict, text: PostedText, message: KnownMessage) -> bool:
        """A new room message or course post (`message`, its record; `text`, what is read): its event claimed, the
        message recorded and what automod reads read with them (UnitOfWork.claim_post: one statement on
        PostgreSQL, the rule set itself read only when it changed), then flagged as flag_message flags. Returns
        False when the event was handled before (nothing done)."""
        known = self._known
        seen = uow.claim_post(envelope, message, text.at - SPAM_WINDOW, SPAM_RECENT_MAX,
                              known[0].version if known is not None else None)
        if seen is None:
            return False
        if seen.rule_set is None and seen.latest_version is not None:
            current = known  # the version this worker knows is still the latest
        else:
            current = self._rules(seen.rule_set, text.at)
        recent = [RecentMessage(m.body, (text.at - m.posted_at).total_seconds()) for m in seen.recent
                  if m.id != text.message_id]
        self._flag(uow, text, current, seen.author, recent)
        return True

    def _rules(self, version: RuleSetVersion | None, at: dt.datetime) -> tuple[RuleSetVersion, RuleSet]:
        """The version read (the first version's defaults when none is written yet) and its rule set, whose matcher
        is built once per version and kept while it is the latest this process read (building it costs more than
        evaluating a post)."""
        if version is None:
            version = rules.first_version(at)
            return version, version.rule_set()
        known = self._known
        if known is not None and known[0].version == version.version:
            return known
        self._known = version, version.rule_set()
        return self._known

    def _flag(self, uow: UnitOfWork, text: PostedText, current: tuple[RuleSetVersion, RuleSet],
              author_row: KnownPerson | None, recent: Sequence[RecentMessage]) -> list[str]:
        at, body = text.at, text.words
        version, rule_set = current
        author = facts_of(author_row)
        # An author whose registration has not reached moderation yet (identity's and room's events race): every
        # cohort's flag rules read the message, so nothing escapes review for arriving first; a moderator decides.
        cohorts = (author.cohort,) if author is not None and author.cohort else COHORTS
        verdicts = [rule_set.evaluate(body, text.place, cohort, rules.roles_in(author, text.place, at), recent)
                    for cohort in cohorts]
        if any(verdict.crisis >= CRISIS_IS_HEARD for verdict in verdicts):
            return []  # a person in crisis is met with care (crisis handling's), never a case
        hits = rules.flag_hits(version, [hit for verdict in verdicts for hit in verdict.flags])
        if not hits:
            return []  # nothing flags it (nearly every post): nothing more is read or written
        already = uow.automod.flagged(text.message_id)
        flags = [(m, h) for m, h in hits if m.id not in already]
        if not flags:
            return []
        now = self.clock()
        report = self._automod_report(uow, text, flags, now)
        uow.audit.append(audit.entry("automod_flagged", now, audit.AUTOMOD, target_id=text.author_id,
                                     room_slug=text.place, subject_ref=report.id, reason=report.reason,
                                     details={"case_id": report.case_id, "message_id": text.message_id,
                                              "rule_ids": [managed.id for managed, _ in flags]}))
        for managed, _ in flags:
            uow.automod.add_flag(text.message_id, managed.id, report.id, report.filed_at)
        return [managed.id for managed, _ in flags]

    @staticmethod
    def _recent(uow: UnitOfWork, room_slug: str, author_id: str, message_id: str,
                at: dt.datetime) -> list[RecentMessage]:
        earlier = uow.messages.recent_by(room_slug, author_id, at - SPAM_WINDOW, at, SPAM_RECENT_MAX)
        return [RecentMessage(m.body, (at - m.posted_at).total_seconds()) for m in earlier if m.id != message_id]

    @staticmethod
    def _automod_report(uow: UnitOfWork, text: PostedText, flags: list, now: dt.datetime) -> Report:
        """automod's one open report of the message (one open report per reporter and target): new, with the
        gravest reason of the rules that flagged it, or the open one with these rules added to its note. Not
        paced, and its reporter is no person, so it counts in no person's accuracy."""
        existing = uow.reports.open_by(rules.AUTOMOD, text.place, text.author_id, text.message_id)
        note = rules.flag_note(flags)
        if existing is not None:
            existing.note = (f"{existing.note}, {note.removeprefix('automod: ')}")[:NOTE_MAX]
            uow.reports.save(existing)
            return existing
        reason = max((managed.reason for managed, _ in flags), key=lambda r: SEVERITY[r])
        case = uow.cases.open_about(text.author_id, lock=True)
        if case is None:
            case = Case(id=new_id(), subject_id=text.author_id, opened_at=now)
            uow.cases.add(case)
        report = Report(id=new_id(), case_id=case.id, reporter_id=rules.AUTOMOD, subject_id=text.author_id,
                        room_slug=text.place, reason=reason, note=note[:NOTE_MAX], filed_at=now,
                        message_id=text.message_id, message_body=text.words, discussion_id=text.discussion_id)
        uow.reports.add(report)
        uow.add_events([events.report_filed(report)])
        return report


def _changed(version: RuleSetVersion, rule: ManagedRule) -> dict:
    return {"version": version.version, "rule": views.automod_rule(version.get(rule.id) or rule, True)}
