"""Service layer: room's and course's events read into the one PostedText that automod and crisis care scan
(domain/subjects.py), so a room message and a course post go through the same code."""
from __future__ import annotations

from hearth_common.contracts import course as course_contract
from hearth_common.contracts import room as room_contract
from moderation_service.domain.subjects import PostedText, course_place


def of_room(p: room_contract.MessagePosted | room_contract.MessageEdited) -> PostedText:
    """A room message as written: `original_body` when room masked it (moderators are staff and judge the words)."""
    posted = isinstance(p, room_contract.MessagePosted)
    return PostedText(p.message_id, p.room_slug, p.author_id, p.original_body or p.body,
                      p.posted_at if posted else p.edited_at, posted)


def of_course(p: course_contract.CoursePostCreated | course_contract.CoursePostEdited) -> PostedText:
    """A course post as written, at its course's place."""
    posted = isinstance(p, course_contract.CoursePostCreated)
    return PostedText(p.post_id, course_place(p.course_slug), p.author_id, p.body,
                      p.created_at if posted else p.edited_at, posted, discussion_id=p.discussion_id)
