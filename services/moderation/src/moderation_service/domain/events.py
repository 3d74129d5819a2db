"""Domain: the events moderation announces, built from its entities through moderation's contract in common."""
from __future__ import annotations

import datetime as dt

from hearth_common.contracts import moderation as contract
from hearth_common.events import Event
from hearth_common.ids import new_id
from moderation_service.domain.appeals import Appeal
from moderation_service.domain.automod_rules import RuleSetVersion
from moderation_service.domain.crisis import CrisisFlag
from moderation_service.domain.pager import Page
from moderation_service.domain.reports import Case, Report
from moderation_service.domain.sanctions import IssuedWarning, Sanction

# Every event type moderation announces (on the moderation.events exchange, routing key = type).
EVENT_TYPES = contract.EVENT_TYPES


def report_filed(report: Report) -> Event:
    return contract.ReportFiled(
        report_id=report.id, case_id=report.case_id, subject_id=report.subject_id, room_slug=report.room_slug,
        message_id=report.message_id, course_slug=contract.course_of(report.room_slug), reason=report.reason,
        filed_at=report.filed_at,
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


def page_sent(page: Page) -> Event:
    return contract.PageSent(
        page_id=page.id, kind=page.kind, reason=page.reason, room_slug=page.room_slug,
        course_slug=contract.course_of(page.room_slug), subject_id=page.subject_id,
        message_id=page.message_id, stage=page.stage, recipient_ids=tuple(page.recipient_ids), sent_at=page.stage_at,
    ).event()


def page_acknowledged(page: Page) -> Event:
    return contract.PageAcknowledged(page_id=page.id, room_slug=page.room_slug, acknowledged_by=page.acknowledged_by,
                                     acknowledged_at=page.acknowledged_at).event()


def crisis_flagged(flag: CrisisFlag) -> Event:
    return contract.CrisisFlagged(message_id=flag.message_id, room_slug=flag.room_slug,
                                  course_slug=contract.course_of(flag.room_slug), author_id=flag.author_id,
                                  tier=flag.tier, page_id=flag.page_id, flagged_at=flag.flagged_at).event()


def notice_issued(person_id: str, kind: str, text: str, room_slug: str | None, now: dt.datetime,
                  resources: tuple[str, ...] = ()) -> Event:
    """A private notice to one person (room delivers it to them alone), with a fresh id."""
    return contract.NoticeIssued(notice_id=new_id(), person_id=person_id, kind=kind,
                                 text=text[:contract.NOTICE_TEXT_MAX], room_slug=room_slug,
                                 resources=tuple(resources), issued_at=now).event()


# --- warnings, the strike ladder and sanctions (section 2) ---------------------------------------------------


def warning_issued(warning: IssuedWarning, active_warnings: int) -> Event:
    return contract.WarningIssued(
        warning_id=warning.id, person_id=warning.person_id, reason=warning.reason, tier=warning.tier,
        room_slug=warning.room_slug, issued_by=warning.issued_by, issued_at=warning.issued_at,
        expires_at=warning.expires_at, active_warnings=active_warnings,
    ).event()


def warning_voided(warning: IssuedWarning, active_warnings: int) -> Event:
    return contract.WarningVoided(
        warning_id=warning.id, person_id=warning.person_id, voided_by=warning.voided_by,
        reason=warning.void_reason, voided_at=warning.voided_at, active_warnings=active_warnings,
    ).event()


def sanction_imposed(sanction: Sanction) -> Event:
    """room's contract, unchanged: a mute or ban (kicks and removals are room's RPCs, not sanctions)."""
    return contract.SanctionImposed(
        sanction_id=sanction.id, person_id=sanction.person_id, kind=sanction.kind, room_slug=sanction.room_slug,
        expires_at=sanction.expires_at, reason=sanction.reason,
    ).event()


def sanction_lifted(sanction: Sanction) -> Event:
    return contract.SanctionLifted(sanction_id=sanction.id, person_id=sanction.person_id).event()


# --- appeals (section 6) ---------------------------------------------------------------------------------------


def appeal_decided(appeal: Appeal) -> Event:
    """An appeal's decision (its status: upheld or overturned)."""
    return contract.AppealDecided(
        appeal_id=appeal.id, person_id=appeal.person_id, subject_kind=appeal.subject_kind,
        subject_id=appeal.subject_id, decision=appeal.status, decided_by=appeal.decided_by,
        decided_at=appeal.decided_at,
    ).event()
