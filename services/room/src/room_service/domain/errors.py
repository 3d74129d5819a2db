"""Domain: the errors room's rules raise, each in the category that decides its gRPC status."""
from hearth_common import access_policy
from hearth_common.errors import (
    AlreadyExists,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    ResourceExhausted,
)

# A malformed badge-lock policy: the policy language (and its error) is common's, shared with course's enrolment.
InvalidPolicy = access_policy.InvalidPolicy


class RoomNotFound(NotFound):
    pass


class InvalidRoom(InvalidArgument):
    pass


class RoomExists(AlreadyExists):
    pass


class NotAPopUp(FailedPrecondition):
    pass


class NotAdmin(PermissionDenied):
    pass


class LiveUnavailable(FailedPrecondition):
    pass


class RoomArchived(FailedPrecondition):
    pass


class RoomClosed(FailedPrecondition):
    """A pop-up outside its window or a facilitated room nobody holds open: members read, nobody speaks."""


class NotAllowedIn(PermissionDenied):
    """The room's door refused: the message lists what is missing."""


class AccessEnded(PermissionDenied):
    """A live stream's person lost their access to the room while it was open (a cross-cohort grant ended)."""


class RoomFull(ResourceExhausted):
    pass


class NotInRoom(FailedPrecondition):
    """The person must be in the room (joined, not timed out) first."""


class InvalidPage(InvalidArgument):
    """A page of history or a stream's resume point that cannot be served (size, cursor)."""


class InvalidId(InvalidArgument):
    """An id that must be a UUID is not one."""


class NotKnownYet(PermissionDenied):
    """Room has not yet had identity's events about this person (a just-registered account)."""


class NotStaff(PermissionDenied):
    """Only the room's facilitators (moderators, hosts, session leaders, admins) may do this."""


class InvalidGrant(InvalidArgument):
    """A cross-cohort grant that cannot be given (reason, expiry, person)."""


class GrantNotFound(NotFound):
    pass


class SessionNotFound(NotFound):
    pass


class MayNotRunSessions(PermissionDenied):
    """Scheduling, starting or hosting sessions needs a role the person does not hold (in this room)."""


class SessionAlreadyLive(FailedPrecondition):
    """A room holds one live session at a time."""


class NoTurnQueue(FailedPrecondition):
    """Turns are taken in Sharing Circle rooms only."""


class NotCircleHost(PermissionDenied):
    """Only the circle's host (the live session's leader, or the room's facilitators) gives and ends turns."""


class InvalidMessage(InvalidArgument):
    pass


class MessageNotFound(NotFound):
    pass


class NotYourMessage(PermissionDenied):
    pass


class MessageDeleted(FailedPrecondition):
    pass


class OwnMessage(FailedPrecondition):
    """A heart on one's own message: hearts are thanks from others."""


class NotRestorable(FailedPrecondition):
    """A message its author deleted: only a moderation removal is undone."""


class NoticeNotFound(NotFound):
    """No notice of the caller's by that id (another person's answers the same)."""


class PostingTooFast(ResourceExhausted):
    pass


class OnlyMembersTakeTurns(PermissionDenied):
    pass


class AlreadySpeaking(FailedPrecondition):
    pass


class HandNotRaised(NotFound):
    pass


class NobodyWaiting(FailedPrecondition):
    pass


class TurnInProgress(FailedPrecondition):
    pass


# --- sessions ---------------------------------------------------------------------------------------


class InvalidSession(InvalidArgument):
    pass


class NotSessionLeader(PermissionDenied):
    pass


class SessionStateError(FailedPrecondition):
    pass


class TooEarlyToStart(FailedPrecondition):
    pass


class SessionClash(FailedPrecondition):
    pass


class UnknownScript(InvalidArgument):
    """A session asked for a facilitation script the library does not have, or one not meant for its room."""


class InvalidScript(InvalidArgument):
    """A facilitation script that cannot be stored (id, session type, texts)."""


class ScriptNotFound(NotFound):
    pass


class InvalidMonth(InvalidArgument):
    pass


class PersonNotFound(NotFound):
    """Room's read model of people has nobody by that id."""


class NotYourFigures(PermissionDenied):
    """Hosting figures: a leader sees their own; admins anyone's."""


# --- sanctions --------------------------------------------------------------------------------------


class Banned(PermissionDenied):
    pass


class Muted(PermissionDenied):
    pass


class MessageRefused(InvalidArgument):
    """Automod refused a post or edit (a block rule of moderation's rule set): the text must change. The message
    is the rules' explanations; nothing was stored."""


# --- personal mute and block -----------------------------------------------------------------------------


class InvalidFilter(InvalidArgument):
    """A mute or block that cannot be set (oneself, an unknown kind, unmuting a block)."""


class UnblockFirst(FailedPrecondition):
    """Unmuting a person one has blocked: the block includes the mute; unblocking removes both."""


class CannotReach(PermissionDenied):
    """The person blocked the caller: a mention of, reply to or heart for them is refused, saying only that."""


class TooManyFilters(ResourceExhausted):
    """A person's mute and block list is full."""
