"""Domain: the events moderation announces, built from its entities through moderation's contract in common."""
from __future__ import annotations

from hearth_common.contracts import moderation as contract
from hearth_common.events import Event
from moderation_service.domain.automod_rules import RuleSetVersion
from moderation_service.domain.reports import Case, Report

# Every event type moderation announces (on the moderation.events exchange, routing key = type).
EVENT_TYPES = contract.EVENT_TYPES


def report_filed(report: Report) -> Event:
    return contract.ReportFiled(
        report_id=report.id, case_id=report.case_id, subject_id=report.subject_id, room_slug=report.room_slug,
        message_id=report.message_id, reason=report.reason, filed_at=report.filed_at,
    ).event()


def case_decided(case: Case, reports: list[Report]) -> Event:
    return contract.CaseDecided(
        case_id=case.id, subject_id=case.subject_id, decision=case.decision, decided_by=case.decided_by,
        report_ids=tuple(r.id for r in reports), room_slugs=tuple(sorted({r.room_slug for r in reports})),
        removed_message_ids=tuple(case.removed_message_ids), decided_at=case.decided_at,
    ).event()


def automod_rules_changed(version: RuleSetVersion) -> Event:
    """The whole rule set as it stands after a change (room replaces its read model with it)."""
    return contract.AutomodRulesChanged(
        version=version.version, rule_set=version.rule_set().to_dict(), changed_by=version.changed_by,
        changed_at=version.changed_at,
    ).event()
