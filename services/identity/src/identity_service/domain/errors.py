"""Domain: the errors identity's rules raise, each in the category that decides its gRPC status."""
from hearth_common.errors import (
    AlreadyExists,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    Unauthenticated,
)


class InvalidUsername(InvalidArgument):
    pass


class InvalidPassword(InvalidArgument):
    pass


class InvalidDateOfBirth(InvalidArgument):
    pass


class TooYoung(InvalidArgument):
    """Hearth is for people aged 13 and over."""


class UsernameTaken(AlreadyExists):
    pass


class PersonNotFound(NotFound):
    pass


class BadCredentials(Unauthenticated):
    pass


class InvalidRefreshToken(Unauthenticated):
    pass


class NotAdmin(PermissionDenied):
    pass


class GrantNotFound(NotFound):
    pass


class InvalidBadge(InvalidArgument):
    pass


class RoomNotFound(NotFound):
    """A room-scoped grant names a slug room's catalogue does not have."""


class BadgeNotFound(NotFound):
    pass


class BadgeAlreadyHeld(AlreadyExists):
    pass


class BadgeNotHeld(NotFound):
    pass


class IdempotencyKeyReused(FailedPrecondition):
    """A key was sent again with a different request."""


class InvalidBadgeRule(InvalidArgument):
    """A badge rule (seed/badge_rules.json) that cannot be evaluated; the message names the rule and field."""
