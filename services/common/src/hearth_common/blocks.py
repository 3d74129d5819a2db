"""Common (pure): a personal block as every service enforces it. Room keeps each person's own list (private: it
publishes nothing about it); room refuses a blocked person's @mention of, reply to and heart on the blocker, and
course refuses the same in its threads, asking room (`room.blockers_of`) who among the people a post would reach
blocks its author. Both tell the blocked person the same words, and nothing more."""
from __future__ import annotations

from collections.abc import Collection

from hearth_common import errors

# What the blocked person is told, and nothing more (not who, not since when, not that it is a block).
CANNOT_REACH = "you can't mention, reply to or react to this person"

# The most people one `room.blockers_of` question may name: beyond any post's mentions and the one it replies to.
ASKED_MAX = 50


def check_may_reach(author_id: str, blocked_by: Collection[str], reached: Collection[str],
                    error: type[errors.PermissionDenied] = errors.PermissionDenied) -> None:
    """Refuses (`error`, saying CANNOT_REACH) a post, edit or reaction by `author_id` that reaches (mentions,
    replies to, hearts or likes) someone in `reached` who blocked them (`blocked_by`: the people who blocked the
    author, among those reached)."""
    if any(person_id in blocked_by for person_id in reached if person_id != author_id):
        raise error(CANNOT_REACH)
