"""Domain: the errors room's rules raise, each in the category that decides its gRPC status."""
from hearth_common.errors import (
    AlreadyExists,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    PermissionDenied,
    ResourceExhausted,
)


class InvalidPolicy(InvalidArgument):
    """A badge-lock policy is malformed; `path` says where in it (empty for the policy as a whole)."""

    def __init__(self, problem: str, path: str = ""):
        super().__init__(f"{path or 'policy'}: {problem}")
        self.problem = problem
        self.path = path

    def __reduce__(self):
        # The default pickling re-calls __init__ with the full message, which would prefix the path twice.
        return (type(self), (self.problem, self.path))


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


class NotModerator(PermissionDenied):
    pass


class LiveUnavailable(FailedPrecondition):
    pass


class RoomArchived(FailedPrecondition):
    pass


class RoomClosed(FailedPrecondition):
    """A pop-up outside its window or a facilitated room nobody holds open: members read, nobody speaks."""


class NotAllowedIn(PermissionDenied):
    """The room's door refused: the message lists what is missing."""


class NotInRoom(FailedPrecondition):
    pass


class RoomFull(ResourceExhausted):
    pass
