"""Domain: appeals. A person appeals one of their own warnings, mutes or bans once, with text; another moderator
than the one who acted (or an admin) decides it: upheld (it stands) or overturned (the warning is voided, the
sanction lifted). Kicks and message removals are done at once and leave nothing to undo, so they are not appealable
(a removal's author may raise it in a report or with a moderator); a warning already voided or a sanction already
lifted has nothing left to appeal. An expired warning or sanction may still be appealed: an overturn clears the
record and counts against the moderator's figures."""
from __future__ import annotations

import dataclasses
import datetime as dt

from moderation_service.domain.errors import AppealNotFound, NotAppealable, NotPermitted
from moderation_service.domain.sanctions import LIFTED, IssuedWarning, Sanction

WARNING, SANCTION = "warning", "sanction"
SUBJECT_KINDS = (WARNING, SANCTION)
OPEN, UPHELD, OVERTURNED = "open", "upheld", "overturned"
DECISIONS = (UPHELD, OVERTURNED)
TEXT_MAX = 2000
REASON_MAX = 500
LIST_MAX = 200
# How many open appeals a moderator's list looks through (oldest first) for the ones they may decide.
OPEN_SCAN = 1000
# One appeal per warning or sanction, ever (the unique index of adapters/orm.py).
ONE_APPEAL = "uq_appeals_subject"


@dataclasses.dataclass
class Appeal:
    """A person's appeal of a warning or a sanction (`subject_kind`, `subject_id`). `acted_by` is who issued the
    warning or imposed the sanction (for a ladder's sanction: the moderator whose warning reached the rung); it is
    never shown to the person appealing. `what` says what is appealed in words ("warning", "mute", "ban")."""

    id: str
    person_id: str
    subject_kind: str
    subject_id: str
    what: str
    room_slug: str | None
    acted_by: str
    text: str
    filed_at: dt.datetime
    status: str = OPEN
    decided_by: str | None = None
    decided_at: dt.datetime | None = None
    decision_reason: str | None = None

    def decide(self, by: str, decision: str, reason: str, now: dt.datetime) -> None:
        if self.status != OPEN:
            raise NotAppealable(f"appeal {self.id} was decided already ({self.status})")
        self.status, self.decided_by, self.decided_at, self.decision_reason = decision, by, now, reason


def not_yours(kind: str, subject_id: str) -> AppealNotFound:
    """The same refusal for a missing warning or sanction and another person's (nothing is learnt of others')."""
    return AppealNotFound(f"no {kind} {subject_id} of yours")


def ensure_warning_appealable(warning: IssuedWarning | None, person_id: str, warning_id: str) -> IssuedWarning:
    if warning is None or warning.person_id != person_id:
        raise not_yours(WARNING, warning_id)
    if warning.voided_at is not None:
        raise NotAppealable(f"warning {warning_id} was voided already; there is nothing to appeal")
    return warning


def ensure_sanction_appealable(sanction: Sanction | None, person_id: str, sanction_id: str) -> Sanction:
    if sanction is None or sanction.person_id != person_id:
        raise not_yours(SANCTION, sanction_id)
    if not sanction.lasting:
        raise NotAppealable(f"a {sanction.kind.replace('_', ' ')} is done at once and cannot be appealed; "
                            "mutes, bans and warnings can")
    if sanction.status == LIFTED:
        raise NotAppealable(f"sanction {sanction_id} was lifted already; there is nothing to appeal")
    return sanction


def ensure_not_the_actor(appeal: Appeal, decider_id: str, decider_is_admin: bool) -> None:
    """Another moderator than the one who acted decides an appeal (an admin may decide their own action's)."""
    if appeal.acted_by == decider_id and not decider_is_admin:
        raise NotPermitted("another moderator (or an admin) decides an appeal, not the one who acted")


def decided_notice(appeal: Appeal) -> str:
    what = "warning" if appeal.subject_kind == WARNING else appeal.what
    if appeal.status == OVERTURNED:
        undone = "it no longer counts" if appeal.subject_kind == WARNING else "it is lifted"
        return (f"Your appeal of your {what} succeeded: another moderator overturned it and {undone}. "
                f"{appeal.decision_reason}")
    return (f"Your appeal of your {what} was reviewed by another moderator and the {what} stands: "
            f"{appeal.decision_reason}")

