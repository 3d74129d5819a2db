"""Domain: posts in a course discussion: replies to its opening post or to another reply, in one section, with
their words counted, @mentions, likes, and removal by their author or by moderation."""
from __future__ import annotations

import dataclasses
import datetime as dt

from course_service.domain.errors import InvalidPost, PostingTooFast
from hearth_common.pacing import Pace
from hearth_common.text import MENTION, required_text

BODY_MAX = 5000
REASON_MAX = 500
MENTIONS_MAX = 20  # at most this many distinct people are notified from one post; further names stay text
# Posts (created, edited or deleted) per person across all courses: a burst, then one every interval.
POST_PACE_BURST = 5
POST_PACE_INTERVAL = dt.timedelta(seconds=2)
# Likes given or taken back, per person across all courses.
LIKE_PACE_BURST = 10
LIKE_PACE_INTERVAL = dt.timedelta(seconds=1)
POSTING, LIKING = "post", "like"  # the paced actions, as stored (a person's pace per action)
PACES = {POSTING: Pace(POST_PACE_BURST, POST_PACE_INTERVAL, "posting"),
         LIKING: Pace(LIKE_PACE_BURST, LIKE_PACE_INTERVAL, "liking posts")}

# The uniqueness rules of adapters/orm.py, by constraint name (the fakes enforce the same ones).
ONE_POST = "pk_posts"
ONE_LIKE = "pk_post_likes"


def check_body(value: object, field: str = "body") -> str:
    return required_text(value, field, BODY_MAX, error=InvalidPost)


def check_reason(value: object) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if len(text) > REASON_MAX:
        raise InvalidPost(f"reason must be at most {REASON_MAX} characters")
    return text


def count_words(body: str) -> int:
    """The words of a post as requirements count them: runs of non-space characters."""
    return len(body.split())


def mentioned_usernames(body: str) -> list[tuple[str, ...]]:
    """The @mentions in the text, in order, each once: the lower-case usernames it may name, longest first
    ("@tia." at the end of a sentence may be `tia.` or `tia`; a username may end in '.' or '-')."""
    seen: dict[tuple[str, ...], None] = {}
    for match in MENTION.finditer(body):
        name = match.group(1).lower()
        bare = name.rstrip(".-")
        seen.setdefault((name, bare) if bare != name and len(bare) >= 3 else (name,), None)
    return list(seen)


@dataclasses.dataclass
class Post:
    """A reply in a course discussion. `parent_id` None: a reply to the discussion's opening post. `seq`: its
    place in its (course, discussion, section) thread, gap-free from 1 (the "load more" cursor). `words`: counted
    when written or edited. A deleted post (`deleted_at`) is its author's; `removed_by` is set for both a deletion
    (the author) and a removal by moderation (`by_moderation`)."""

    id: str
    course_slug: str
    discussion_id: str
    section: str
    seq: int
    author_id: str
    parent_id: str | None
    body: str
    words: int
    mention_ids: list[str]
    likes: int
    created_at: dt.datetime
    edited_at: dt.datetime | None = None
    deleted_at: dt.datetime | None = None
    removed_by: str | None = None
    by_moderation: bool = False
    removal_reason: str = ""

    @classmethod
    def create(cls, *, post_id: str, course_slug: str, discussion_id: str, section: str, seq: int, author_id: str,
               parent_id: str | None, body: str, mention_ids: list[str], now: dt.datetime) -> Post:
        body = check_body(body)
        return cls(id=post_id, course_slug=course_slug, discussion_id=discussion_id, section=section, seq=seq,
                   author_id=author_id, parent_id=parent_id, body=body, words=count_words(body),
                   mention_ids=list(mention_ids), likes=0, created_at=now)

    @property
    def live(self) -> bool:
        """Neither deleted by its author nor removed by moderation."""
        return self.deleted_at is None

    def edit(self, body: str, mention_ids: list[str], now: dt.datetime) -> None:
        body = check_body(body)
        self.body, self.words, self.mention_ids, self.edited_at = body, count_words(body), list(mention_ids), now

    def remove(self, by: str, now: dt.datetime, *, by_moderation: bool, reason: str = "") -> bool:
        """Takes the post down (its author's deletion or moderation's removal); returns whether anything changed
        (a post already taken down stays as it was)."""
        reason = check_reason(reason)
        if not self.live:
            return False
        self.deleted_at, self.removed_by, self.by_moderation, self.removal_reason = now, by, by_moderation, reason
        return True


def pace(action: str, due_at: dt.datetime | None, now: dt.datetime) -> dt.datetime:
    """Refuses a post or like past the person's pace, saying when to retry (PostingTooFast); otherwise returns
    when the next one is due."""
    return PACES[action].next_due(due_at, now, PostingTooFast)
