"""Domain: moderation's refusals, each a subclass of one of common's categories (one mapping to gRPC statuses)."""
from __future__ import annotations

from hearth_common import errors


class InvalidReport(errors.InvalidArgument):
    """A report or a decision with a malformed or missing field (the message names it)."""


class MessageNotKnown(errors.NotFound):
    """No message with that id in moderation's read model (never posted, or older than its retention)."""


class CaseNotFound(errors.NotFound):
    """No case with that id."""


class NotInRoom(errors.FailedPrecondition):
    """The reporter, or the person reported, is not (or no longer recently) in the room."""


class NotInCourseSection(errors.FailedPrecondition):
    """The reporter is not of the course section (cohort) the post was written in."""


class SelfReport(errors.FailedPrecondition):
    """Nobody reports themselves."""


class CaseClosed(errors.FailedPrecondition):
    """The case was decided already."""


class OwnReportInCase(errors.FailedPrecondition):
    """A moderator who reported in a case does not decide it."""


class NotAModerator(errors.PermissionDenied):
    """The caller may not act on this case (no moderator role covering its rooms, or the other cohort)."""


class ReportingTooFast(errors.ResourceExhausted):
    """Past the reporting pace; retry_after_seconds says when to try again."""


class InvalidAutomodRule(errors.InvalidArgument):
    """An automod rule that cannot be used (a bad or dangerous regex, a pattern too long, an unknown detector...);
    the message names the field."""


class AutomodRuleNotFound(errors.NotFound):
    """No automod rule with that id in the current rule set."""


class NotAnAutomodManager(errors.PermissionDenied):
    """The caller may not see or manage those automod rules (admins: every scope; chat room moderators: rules
    scoped to rooms their role covers)."""


class InvalidPagerRequest(errors.InvalidArgument):
    """A duty change, summons, referral, page or care resource with a malformed or missing field (named)."""


class PageNotFound(errors.NotFound):
    """No page with that id (or none the caller was sent)."""


class PageTaken(errors.FailedPrecondition):
    """Another moderator acknowledged the page already (the message names them)."""


class PagingTooFast(errors.ResourceExhausted):
    """Past the pace of summons or referrals; retry_after_seconds says when to try again."""


class MayNotAcknowledge(errors.PermissionDenied):
    """The page reached the caller but is not theirs to take (about them, raised by them, or out of what their role
    covers now); the message says why."""


# --- warnings, the strike ladder and sanctions (section 2) ---------------------------------------------------


class InvalidLadder(errors.InvalidArgument):
    """A ladder that breaks its rules (the message names the field)."""


class InvalidSanction(errors.InvalidArgument):
    """A warning, sanction or lift with a malformed or missing field (the message names it)."""


class PersonNotKnown(errors.NotFound):
    """Moderation does not know that person (identity's registration has not arrived)."""


class WarningNotFound(errors.NotFound):
    """No warning with that id."""


class SanctionNotFound(errors.NotFound):
    """No sanction with that id."""


class NotPermitted(errors.PermissionDenied):
    """The permission matrix does not let the caller do this here (domain/permissions.py)."""


class AlreadyEnded(errors.FailedPrecondition):
    """The sanction ended (expired or lifted) or the warning was voided already."""


class NotPresent(errors.FailedPrecondition):
    """A person named is not in the room (a kick, or a muted exchange)."""


# --- appeals (section 6) ----------------------------------------------------------------------------------


class InvalidAppeal(errors.InvalidArgument):
    """An appeal or an appeal's decision with a malformed or missing field (the message names it)."""


class AppealNotFound(errors.NotFound):
    """No appeal with that id (or, for a person filing one, no warning or sanction of theirs with that id: another
    person's reads as a missing one)."""


class NotAppealable(errors.FailedPrecondition):
    """Appealed once already, decided already, or nothing to appeal (a kick or removal, a voided warning, a
    sanction lifted)."""
