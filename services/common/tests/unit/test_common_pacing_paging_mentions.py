"""Unit tests of the shared per-person pace, the "load more" page and @mention parsing."""
from __future__ import annotations

import datetime as dt

import pytest

from hearth_common.errors import ResourceExhausted
from hearth_common.pacing import Pace
from hearth_common.paging import page_before
from hearth_common.text import mentioned_usernames

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
SECOND = dt.timedelta(seconds=1)
LIKES = Pace(3, SECOND, "liking posts")


class TooFast(ResourceExhausted):
    pass


def test_a_pace_allows_its_burst_at_once_then_one_an_interval_and_says_when_to_retry():
    due = None
    for _ in range(3):
        due = LIKES.next_due(due, NOW)
    with pytest.raises(TooFast, match=r"liking posts too fast: 3 at once, then one every 1 s; try again in 1\.0 s") \
            as refused:
        LIKES.next_due(due, NOW, TooFast)
    assert refused.value.retry_after_seconds == pytest.approx(1.0)
    due = LIKES.next_due(due, NOW + SECOND)
    with pytest.raises(ResourceExhausted):
        LIKES.next_due(due, NOW + SECOND)


def test_a_pace_refills_its_burst_after_a_quiet_while():
    due = None
    for _ in range(3):
        due = LIKES.next_due(due, NOW)
    later = NOW + 10 * SECOND
    for _ in range(3):
        due = LIKES.next_due(due, later)
    with pytest.raises(ResourceExhausted):
        LIKES.next_due(due, later)


def test_a_page_before_is_oldest_first_with_the_cursor_of_what_remains():
    newest_first = [9, 8, 7, 6]  # read with limit + 1: something older than 7 remains
    page = page_before(newest_first, 3, lambda n: n)
    assert (page.items, page.before) == ([7, 8, 9], 7)
    last = page_before([2, 1], 3, lambda n: n)
    assert (last.items, last.before) == ([1, 2], 0)
    assert (page_before([], 3, lambda n: n).items, page_before([], 3, lambda n: n).before) == ([], 0)


def test_mentions_are_distinct_lower_cased_in_order_and_capped():
    assert mentioned_usernames("@Robin and @sam, then @ROBIN again and @Alex", 10) == ["robin", "sam", "alex"]
    assert mentioned_usernames("thanks @sam. write to robin@example.org", 10) == ["sam"]
    assert mentioned_usernames("@ann @bob @cat", 2) == ["ann", "bob"]
