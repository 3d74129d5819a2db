"""Domain: the events course announces, built through course's contract in common (threads and completions
add their constructors here; the outbox and its relay carry them)."""
from __future__ import annotations

from course_service.domain.completions import Completion, Mentorship
from course_service.domain.posts import Post
from hearth_common.contracts import course as contract
from hearth_common.events import Event

# Every event type course announces (on the course.events exchange, routing key = type).
EVENT_TYPES = contract.EVENT_TYPES


def post_created(post: Post) -> Event:
    return contract.CoursePostCreated(
        post_id=post.id, course_slug=post.course_slug, discussion_id=post.discussion_id, section=post.section,
        author_id=post.author_id, parent_id=post.parent_id, body=post.body, mention_ids=tuple(post.mention_ids),
        created_at=post.created_at,
    ).event()


def post_edited(post: Post) -> Event:
    return contract.CoursePostEdited(
        post_id=post.id, course_slug=post.course_slug, discussion_id=post.discussion_id, section=post.section,
        author_id=post.author_id, body=post.body, edited_at=post.edited_at,
    ).event()


def post_removed(post: Post) -> Event:
    return contract.CoursePostRemoved(
        post_id=post.id, course_slug=post.course_slug, discussion_id=post.discussion_id, section=post.section,
        author_id=post.author_id, removed_by=post.removed_by, by_moderation=post.by_moderation,
        reason=post.removal_reason, removed_at=post.deleted_at,
    ).event()


def course_completed(completion: Completion) -> Event:
    return contract.CourseCompleted(
        completion_id=completion.id, course_slug=completion.course_slug, person_id=completion.person_id,
        section=completion.section, badge_slug=completion.badge_slug, certificate_id=completion.certificate_id,
        completed_at=completion.completed_at,
    ).event()


def completion_revoked(completion: Completion) -> Event:
    return contract.CompletionRevoked(
        completion_id=completion.id, course_slug=completion.course_slug, person_id=completion.person_id,
        badge_slug=completion.badge_slug, revoked_by=completion.revoked_by, reason=completion.revoke_reason,
        revoked_at=completion.revoked_at,
    ).event()


def mentor_review_overdue(reminder_id: str, mentorship: Mentorship, course_title: str, learner_username: str) -> Event:
    """The reminder to a mentor whose learner's practicum has waited too long (the one Mentorship.remind recorded)."""
    return contract.MentorReviewOverdue(
        reminder_id=reminder_id, course_slug=mentorship.course_slug, course_title=course_title,
        learner_username=learner_username, mentor_id=mentorship.mentor_id, waiting_since=mentorship.waiting_since,
        reminded_at=mentorship.reminded_at,
    ).event()
