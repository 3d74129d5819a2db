"""Common (pure): "load more" over a sequence that others keep appending to: pages keyed on a position
(a room's seq, a thread's post number), never on an offset, so a page stays correct while others post."""
from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclasses.dataclass(frozen=True)
class Page(Generic[T]):
    """Items oldest first, and the cursor for the page before them (`before`: pass it back as the position to
    read before), 0 when this page reaches the start."""

    items: list[T]
    before: int


def page_before(newest_first: Sequence[T], limit: int, position: Callable[[T], int]) -> Page[T]:
    """The page from a read of up to `limit + 1` items before a position, newest first: the extra item, when
    present, says something older remains."""
    items = list(reversed(newest_first[:limit]))
    more = len(newest_first) > limit
    return Page(items, position(items[0]) if more and items else 0)
