"""Unit: the relay's batch publisher confirms: a batch counts as published only when the broker confirmed all of it."""
import collections

import pytest

from hearth_common.outbox import BrokerRefused, _Confirms


class Broker:
    """A channel's confirm events, delivered when the connection is drained (as py-amqp does)."""

    def __init__(self):
        self.events = collections.defaultdict(set)
        self.frames: list[tuple[str, int, bool]] = []

    def drain_events(self, timeout):
        if not self.frames:
            raise TimeoutError()
        kind, tag, multiple = self.frames.pop(0)
        for callback in self.events[kind]:
            callback(tag, multiple)


def published(broker, count):
    confirms = _Confirms(broker)
    for _ in range(count):
        confirms.sent()
    return confirms


def test_one_multiple_ack_confirms_every_tag_up_to_it():
    broker = Broker()
    confirms = published(broker, 5)
    broker.frames = [("basic_ack", 3, True), ("basic_ack", 5, True)]
    confirms.wait(broker, timeout=1)
    assert confirms.unconfirmed == set() and broker.frames == []


def test_single_acks_may_come_in_any_order():
    broker = Broker()
    confirms = published(broker, 3)
    broker.frames = [("basic_ack", 2, False), ("basic_ack", 3, False), ("basic_ack", 1, False)]
    confirms.wait(broker, timeout=1)
    assert confirms.unconfirmed == set()


def test_a_nack_fails_the_batch():
    broker = Broker()
    confirms = published(broker, 3)
    broker.frames = [("basic_ack", 1, False), ("basic_nack", 2, False), ("basic_ack", 3, False)]
    with pytest.raises(BrokerRefused, match="nacked"):
        confirms.wait(broker, timeout=1)


def test_a_batch_not_confirmed_in_time_fails():
    broker = Broker()
    confirms = published(broker, 2)
    broker.frames = [("basic_ack", 1, False)]
    with pytest.raises(BrokerRefused, match="did not confirm 1 messages"):
        confirms.wait(broker, timeout=0.05)


def test_tags_keep_counting_across_batches_on_one_channel():
    broker = Broker()
    confirms = published(broker, 2)
    broker.frames = [("basic_ack", 2, True)]
    confirms.wait(broker, timeout=1)
    confirms.sent()
    assert confirms.unconfirmed == {3}
    broker.frames = [("basic_ack", 3, False)]
    confirms.wait(broker, timeout=1)
    assert confirms.unconfirmed == set()
