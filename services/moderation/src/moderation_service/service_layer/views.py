"""Service layer: the plain-data shapes use cases return (never ORM rows or protobuf). No view holds a date of
birth (moderation never has one), and a report's view for its reporter names no other reporter."""
from __future__ import annotations

import datetime as dt

from hearth_common.automod import Action, Hit, Verdict
from hearth_common.people import KnownPerson
from moderation_service.domain.automod_rules import ManagedRule, RuleSetVersion
from moderation_service.domain.ladder import Ladder
from moderation_service.domain.reports import REASON_DESCRIPTIONS, SEVERITY, Case, Report
from moderation_service.domain.sanctions import IssuedWarning, Sanction
from moderation_service.domain.subjects import course_of, room_of


def reason(name: str) -> dict:
    return {"reason": name, "description": REASON_DESCRIPTIONS[name], "severity": SEVERITY[name]}


def report(r: Report) -> dict:
    """A report as its reporter sees it: a room's names its room, a course post's its course and discussion."""
    return {
        "id": r.id,
        "room_slug": room_of(r.room_slug) or "",
        "course_slug": course_of(r.room_slug),
        "discussion_id": r.discussion_id,
        "subject_id": r.subject_id,
        "message_id": r.message_id,
        "reason": r.reason,
        "note": r.note,
        "filed_at": r.filed_at,
        "outcome": r.outcome,
    }


def reviewed_report(r: Report, reporter_accuracy: float) -> dict:
    """A report as a moderator sees it: who filed it and how reliable they have been, and the message as it was."""
    return {**report(r), "reporter_id": r.reporter_id, "reporter_accuracy": reporter_accuracy,
            "message_body": r.message_body}


def subject(person_id: str, known: KnownPerson | None, upheld_cases: int) -> dict:
    """The person reported, as a moderator needs them: kind, cohort and recent record."""
    return {
        "person_id": person_id,
        "username": (known.username if known else None) or "",
        "kind": (known.kind if known else None) or "",
        "cohort": (known.cohort if known else None) or "",
        "upheld_cases": upheld_cases,
    }


def case(c: Case, reports: list[Report], accuracies: dict[str, float], priority: float, subject_view: dict,
         hidden_message_ids: list[str] | None = None) -> dict:
    return {
        "id": c.id,
        "subject": subject_view,
        "status": c.status,
        "opened_at": c.opened_at,
        "priority": priority,
        "reporter_count": len({r.reporter_id for r in reports}),
        "reasons": sorted({r.reason for r in reports}),
        "room_slugs": sorted({room for r in reports if (room := room_of(r.room_slug))}),
        "course_slugs": sorted({course for r in reports if (course := course_of(r.room_slug))}),
        "reports": [reviewed_report(r, accuracies[r.reporter_id]) for r in reports],
        "decision": c.decision,
        "decided_by": c.decided_by,
        "decided_at": c.decided_at,
        "note": c.note,
        "removed_message_ids": list(c.removed_message_ids),
        "hidden_message_ids": list(hidden_message_ids or []),
    }


def automod_rule(r: ManagedRule, manageable: bool) -> dict:
    """An automod rule as a manager sees it; `manageable`: whether the caller may change or delete it."""
    return {**r.to_record(), "report_reason": r.reason if r.rule.action is Action.FLAG else r.report_reason,
            "manageable": manageable}


def automod_hit(hit: Hit) -> dict:
    return hit.to_dict()


def automod_test(version: RuleSetVersion, verdict: Verdict) -> dict:
    """What a text would trigger under a version of the rule set: each hit, the censored text, the crisis tier."""
    return {
        "version": version.version,
        "blocked": verdict.blocked,
        "explanations": list(verdict.explanations),
        "hits": [automod_hit(h) for h in verdict.blocks + verdict.censors + verdict.flags],
        "censored_text": verdict.censored_text,
        "crisis": verdict.crisis.label,
        "timed_out": list(verdict.timed_out),
    }


# --- sections 4 and 5: the rota, pages and care resources --------------------------------------------------


def shift(s, known: KnownPerson | None, crisis_trained: bool) -> dict:
    return {"moderator_id": s.moderator_id, "username": (known.username if known else None) or "",
            "cohort": s.cohort, "room_slugs": list(s.room_slugs), "crisis_trained": crisis_trained,
            "started_at": s.started_at, "ends_at": s.ends_at}


def page(p) -> dict:
    """A page as a moderator sees it (the words that started it, who summoned or referred, who was reached)."""
    return {"id": p.id, "seq": p.seq, "kind": p.kind, "reason": p.reason, "room_slug": room_of(p.room_slug) or "",
            "course_slug": course_of(p.room_slug),
            "cohort": p.cohort, "subject_id": p.subject_id, "message_id": p.message_id, "excerpt": p.excerpt,
            "caller_id": p.caller_id, "note": p.note, "created_at": p.created_at, "stage": p.stage,
            "stage_at": p.stage_at, "recipient_ids": list(p.recipient_ids), "acknowledged_by": p.acknowledged_by,
            "acknowledged_at": p.acknowledged_at}


def page_called(p, help_text: str) -> dict:
    """A summons or referral as the member who made it sees it: heard, and whether only admins were reached."""
    return {"page_id": p.id, "room_slug": p.room_slug, "created_at": p.created_at,
            "admins_paged": p.stage == "admins", "message": help_text}


def care_resources(r) -> dict:
    return {"cohort": r.cohort, "lines": list(r.lines), "updated_by": r.updated_by, "updated_at": r.updated_at}


# --- warnings, the strike ladder and sanctions (section 2) ---------------------------------------------------


def ladder(lad: Ladder) -> dict:
    return {**lad.to_dict(), "version": lad.version, "changed_by": lad.changed_by, "changed_at": lad.changed_at}


def warning(w: IssuedWarning, now: dt.datetime) -> dict:
    """A warning as moderators see it in a person's record (and as the warning use cases return it)."""
    return {"id": w.id, "person_id": w.person_id, "reason": w.reason, "tier": w.tier, "note": w.note,
            "room_slug": w.room_slug, "issued_by": w.issued_by, "issued_at": w.issued_at, "expires_at": w.expires_at,
            "counts": w.counts(now), "voided_at": w.voided_at, "voided_by": w.voided_by,
            "void_reason": w.void_reason, "sanction_id": w.sanction_id}


def sanction(s: Sanction, now: dt.datetime) -> dict:
    return {"id": s.id, "person_id": s.person_id, "kind": s.kind, "room_slug": s.room_slug, "reason": s.reason,
            "note": s.note, "imposed_by": s.imposed_by, "imposed_at": s.imposed_at, "expires_at": s.expires_at,
            "source": s.source, "status": s.status, "in_force": s.lasting and s.in_force(now),
            "warning_id": s.warning_id, "message_id": s.message_id, "exchange_id": s.exchange_id,
            "ended_at": s.ended_at, "lifted_by": s.lifted_by, "lift_reason": s.lift_reason}
