"""Domain: course's refusals, each a subclass of one of common's categories (one mapping to gRPC statuses)."""
from __future__ import annotations

from hearth_common import errors


class InvalidCourse(errors.InvalidArgument):
    """A course or discussion field is malformed or missing (the message names the field)."""


class CourseNotFound(errors.NotFound):
    """No course with that slug (or none the caller may see)."""


class DiscussionNotFound(errors.NotFound):
    """The course has no discussion with that id."""


class CourseExists(errors.AlreadyExists):
    """A course with that slug exists already."""


class DiscussionExists(errors.AlreadyExists):
    """The course has a discussion with that id already."""


class AdminsOnly(errors.PermissionDenied):
    """Authoring is for admins."""


class NotAllowedToEnrol(errors.PermissionDenied):
    """The course's enrolment policy refused: the message lists what is missing."""


class NotOpenForEnrolment(errors.FailedPrecondition):
    """The course is a draft or archived, or the caller's account is not yet known here."""


class NotEnrolled(errors.NotFound):
    """The caller never enrolled in the course."""


class InvalidPost(errors.InvalidArgument):
    """A post's field is malformed or missing (the message names the field)."""


class PostNotFound(errors.NotFound):
    """No post with that id (or none in the caller's section)."""


class NotYourPost(errors.PermissionDenied):
    """A learner edits or deletes only their own posts."""


class NotInCourse(errors.PermissionDenied):
    """Posting, liking and reading a course's threads is for learners enrolled in it (reading: for admins too)."""


class NotInSection(errors.PermissionDenied):
    """The author's enrolment is in another section than the post (they moved section)."""


class CannotReach(errors.PermissionDenied):
    """Someone the post mentions, replies to or likes blocked its author (in room, where each person keeps their own
    list); the author is told only hearth_common.blocks.CANNOT_REACH."""


class PostGone(errors.FailedPrecondition):
    """The post was deleted or removed, or the course is archived (its threads are read-only)."""


class OwnPost(errors.FailedPrecondition):
    """Nobody likes their own post."""


class PostingTooFast(errors.ResourceExhausted):
    """Past the per-person pace of posts or likes; carries when to retry."""


class InvalidQuizAnswers(errors.InvalidArgument):
    """A quiz attempt's answers do not match its questions (the message names the answer at fault)."""


class QuizNotFound(errors.NotFound):
    """The course lists no quiz with that id."""


class QuizClosed(errors.FailedPrecondition):
    """The quiz is passed already, or every attempt is used."""


class NotYourLearner(errors.PermissionDenied):
    """Only the learner, their assigned mentor and admins see a learner's progress; only the mentor reviews."""


class NoMentorApproval(errors.FailedPrecondition):
    """The course asks for no mentor approval, or the review is not waiting for one."""


class MentorNotAllowed(errors.FailedPrecondition):
    """The mentor is neither of the learner's section (their cohort) nor a moderator of every room or an admin
    (issue 17 §2: a mentor sees the learner's section and username and exchanges feedback with them)."""


class InvalidReview(errors.InvalidArgument):
    """A review's decision or feedback is malformed (feedback is required when returning a practicum)."""


class CompletionNotFound(errors.NotFound):
    """No completion or certificate with that id."""


class InvalidRevocation(errors.InvalidArgument):
    """A revocation needs a reason."""
