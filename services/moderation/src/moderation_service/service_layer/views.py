"""Service layer: the plain-data shapes use cases return (never ORM rows or protobuf). No view holds a date of
birth (moderation never has one), and a report's view for its reporter names no other reporter."""
from __future__ import annotations

import datetime as dt

from hearth_common.people import KnownPerson
from moderation_service.domain.ladder import Ladder
from moderation_service.domain.reports import REASON_DESCRIPTIONS, SEVERITY, Case, Report
from moderation_service.domain.sanctions import IssuedWarning, Sanction


def reason(name: str) -> dict:
    return {"reason": name, "description": REASON_DESCRIPTIONS[name], "severity": SEVERITY[name]}


def report(r: Report) -> dict:
    """A report as its reporter sees it."""
    return {
        "id": r.id,
        "room_slug": r.room_slug,
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


def case(c: Case, reports: list[Report], accuracies: dict[str, float], priority: float, subject_view: dict) -> dict:
    return {
        "id": c.id,
        "subject": subject_view,
        "status": c.status,
        "opened_at": c.opened_at,
        "priority": priority,
        "reporter_count": len({r.reporter_id for r in reports}),
        "reasons": sorted({r.reason for r in reports}),
        "room_slugs": sorted({r.room_slug for r in reports}),
        "reports": [reviewed_report(r, accuracies[r.reporter_id]) for r in reports],
        "decision": c.decision,
        "decided_by": c.decided_by,
        "decided_at": c.decided_at,
        "note": c.note,
        "removed_message_ids": list(c.removed_message_ids),
    }


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
