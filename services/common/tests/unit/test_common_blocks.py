"""Unit: a personal block's one rule and words, shared by room (its rooms) and course (its threads)."""
import pytest

from hearth_common import errors
from hearth_common.blocks import CANNOT_REACH, check_may_reach


class Refusal(errors.PermissionDenied):
    """A service's own refusal class."""


def test_reaching_someone_who_blocked_the_author_is_refused_with_the_shared_words_only():
    with pytest.raises(Refusal) as caught:
        check_may_reach("kim", {"sam"}, ["lee", "sam"], Refusal)
    assert caught.value.message == CANNOT_REACH == "you can't mention, reply to or react to this person"
    with pytest.raises(errors.PermissionDenied):
        check_may_reach("kim", {"sam"}, ["sam"])


def test_no_blocker_among_those_reached_or_only_oneself_passes():
    check_may_reach("kim", set(), ["lee", "sam"])
    check_may_reach("kim", {"sam"}, ["lee"])
    check_may_reach("kim", {"kim"}, ["kim"])  # oneself is never reached
