"""Unit: the circuit breaker refuses at once while its dependency is unreachable, and lets one probe through."""
from __future__ import annotations

from hearth_common.breaker import CircuitBreaker


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def opened(clock: Clock, interval: float = 0.5) -> CircuitBreaker:
    breaker = CircuitBreaker(interval, clock=clock)
    assert breaker.allow_attempt()
    breaker.failed()
    return breaker


def test_closed_lets_every_attempt_through():
    breaker = CircuitBreaker(clock=Clock())
    assert not breaker.is_open
    assert all(breaker.allow_attempt() for _ in range(10))


def test_a_failed_connect_opens_it_and_attempts_are_refused_until_the_interval_is_up():
    clock = Clock()
    breaker = opened(clock)
    assert breaker.is_open and breaker.opened_count == 1
    assert not breaker.allow_attempt()
    clock.now += 0.49
    assert not breaker.allow_attempt()


def test_after_the_interval_one_probe_at_a_time_goes_through():
    clock = Clock()
    breaker = opened(clock)
    clock.now += 0.5
    assert breaker.allow_attempt()  # the probe
    assert not breaker.allow_attempt() and not breaker.allow_attempt()  # the others, while it runs
    clock.now += 5  # a probe waiting on a silent host: still one at a time
    assert not breaker.allow_attempt()


def test_a_successful_probe_closes_it():
    clock = Clock()
    breaker = opened(clock)
    clock.now += 0.5
    assert breaker.allow_attempt()
    breaker.succeeded()
    assert not breaker.is_open
    assert breaker.allow_attempt() and breaker.allow_attempt()


def test_a_failed_probe_keeps_it_open_for_another_interval():
    clock = Clock()
    breaker = opened(clock)
    clock.now += 2.5  # a probe that waited for its connect timeout
    assert breaker.allow_attempt()
    breaker.failed()
    assert breaker.is_open and breaker.opened_count == 1
    assert not breaker.allow_attempt()
    clock.now += 0.5
    assert breaker.allow_attempt()


def test_a_probe_that_never_reports_back_stops_blocking_others():
    clock = Clock()
    breaker = CircuitBreaker(0.5, clock=clock, probe_timeout=30)
    breaker.failed()
    clock.now += 1
    assert breaker.allow_attempt()  # its thread dies without a word
    clock.now += 29
    assert not breaker.allow_attempt()
    clock.now += 1
    assert breaker.allow_attempt()


def test_a_connection_reset_in_use_lets_the_next_attempt_probe_at_once():
    clock = Clock()
    breaker = CircuitBreaker(0.5, clock=clock)
    breaker.lost(quickly=True)  # a restart: the server may be back already
    assert breaker.is_open
    assert breaker.allow_attempt()
    assert not breaker.allow_attempt()
    breaker.succeeded()
    assert not breaker.is_open


def test_a_connection_lost_after_a_long_wait_waits_the_interval_before_probing():
    clock = Clock()
    breaker = CircuitBreaker(0.5, clock=clock)
    breaker.lost(quickly=False)  # a silent host: whoever waited is not the one to probe too
    assert not breaker.allow_attempt()
    clock.now += 0.5
    assert breaker.allow_attempt()


def test_losses_of_other_connections_in_the_same_outage_keep_the_probe_schedule():
    clock = Clock()
    breaker = opened(clock)
    clock.now += 0.3
    breaker.lost(quickly=True)
    assert not breaker.allow_attempt()  # not a probe sooner than the failed connect allowed
    assert breaker.opened_count == 1


def test_on_change_callbacks_run_when_it_opens_and_when_it_closes_not_while_it_stays_so():
    clock = Clock()
    breaker = CircuitBreaker(0.5, clock=clock)
    changes = []
    breaker.on_change.append(lambda: changes.append(breaker.is_open))
    breaker.succeeded()  # closed already
    breaker.failed()
    breaker.failed()
    breaker.lost(quickly=True)
    assert changes == [True]
    breaker.succeeded()
    breaker.lost(quickly=False)
    assert changes == [True, False, True]
