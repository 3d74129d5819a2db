"""Domain: what moderation reads and reports: a room message or a course post, and the place each was written in.

A course post is moderated like a room message: kept in the same read model, scanned by the same automod rules
and crisis reading, reported and decided in the same cases. Its place is `course:<course_slug>`, written where a
room's slug goes (reports, pages, the audit log), so every rule that asks "may this moderator act here" asks it of
the course as of a room: no room-scoped role covers a course, so its posts are for moderators of every room and
admins, and a section's posts (its cohort: the author's) for those who may act on that cohort
(domain/cohorts.may_act_across_cohort; no room's cross-cohort grant covers a course).
"""
from __future__ import annotations

import dataclasses
import datetime as dt

from hearth_common.contracts.moderation import COURSE_PLACE_PREFIX, PLACE_MAX, course_of, course_place

__all__ = ["COURSE_PLACE_PREFIX", "PLACE_MAX", "REMOVED_SEQ", "PostedText", "course_of", "course_place", "course_seq",
           "kind_of", "room_of"]

ROOM_MESSAGE, COURSE_POST = SUBJECT_KINDS = ("room_message", "course_post")
# A course post's removal is final (course has no restore): its seq outranks every edit's.
REMOVED_SEQ = 2 ** 62


def kind_of(place: str) -> str:
    return COURSE_POST if course_of(place) is not None else ROOM_MESSAGE


def room_of(place: str | None) -> str | None:
    """The room slug of a place (None for a course): where a private notice about it is delivered."""
    return None if place is None or course_of(place) is not None else place


def course_seq(at: dt.datetime, edited: bool = False) -> int:
    """A course post's version order: course's events carry no timeline seq, so the time of the change orders a
    post's creation and edits (an edit outranks a creation of the same instant); its removal is REMOVED_SEQ."""
    return int(at.timestamp() * 1_000_000) * 2 + edited


@dataclasses.dataclass(frozen=True)
class PostedText:
    """A room message or a course post as automod and crisis care read it, posted or edited: the author's own words
    (`words`), where (`place`), and whether it is new (`posted`; False: an edit)."""

    message_id: str
    place: str
    author_id: str
    words: str
    at: dt.datetime
    posted: bool
    discussion_id: str | None = None  # a course post's discussion

    @property
    def notice_room(self) -> str | None:
        """Where a private notice about it is delivered: its room; none for a course post (the person's streams)."""
        return room_of(self.place)
