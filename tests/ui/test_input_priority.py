"""Keys go first: periodic work waits out a key's grace, never longer than LONGEST_WAIT, and then runs at once."""

from __future__ import annotations

import itertools
from collections.abc import Callable

from oddstui.ui.input_priority import GRACE, LONGEST_WAIT, Deferrable, InputPriority


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def deferrable(clock: Clock) -> tuple[InputPriority, Deferrable, list[float], list[tuple[float, Callable[[], None]]]]:
    priority = InputPriority(clock)
    ran: list[float] = []
    later: list[tuple[float, Callable[[], None]]] = []
    work = Deferrable(priority, lambda: ran.append(clock.now), lambda delay, fn: later.append((delay, fn)))
    return priority, work, ran, later


def test_work_runs_on_each_call_when_no_key_came():
    clock = Clock()
    _, work, ran, later = deferrable(clock)
    work()
    clock.now += 0.1
    work()
    assert ran == [100.0, 100.1] and later == []


def test_a_key_puts_work_off_until_its_grace_is_over_then_it_runs_once():
    clock = Clock()
    priority, work, ran, later = deferrable(clock)
    work()
    clock.now += 0.1
    priority.input_arrived()
    clock.now += 0.01
    work()
    work()  # a second timer tick in the grace sets no second retry
    assert ran == [100.0] and len(later) == 1
    delay, retry = later[0]
    assert abs(delay - (GRACE - 0.01)) < 1e-9
    clock.now += delay
    retry()
    assert ran == [100.0, clock.now]


def test_keys_held_down_never_hold_work_off_longer_than_the_longest_wait():
    clock = Clock()
    priority, work, ran, _ = deferrable(clock)
    work()
    for _ in range(100):  # a key every 10 ms for a second, the timer every 10 ms too
        clock.now += 0.01
        priority.input_arrived()
        work()
    gaps = [b - a for a, b in itertools.pairwise(ran)]
    assert len(ran) >= 4 and max(gaps) <= LONGEST_WAIT + 0.011


def test_slow_periodic_work_is_put_off_too():
    """A collection every second meets a key 10 ms before its tick: it waits out the grace, then runs."""
    clock = Clock()
    priority, work, ran, later = deferrable(clock)
    work()
    clock.now += 0.99
    priority.input_arrived()
    clock.now += 0.01
    work()
    assert ran == [100.0] and len(later) == 1
    clock.now += later[0][0]
    later[0][1]()
    assert ran == [100.0, clock.now]


def test_without_a_scheduler_put_off_work_waits_for_its_next_tick():
    clock = Clock()
    priority = InputPriority(clock)
    ran: list[float] = []
    work = Deferrable(priority, lambda: ran.append(clock.now))
    work()
    clock.now += 0.1
    priority.input_arrived()
    work()
    assert ran == [100.0]
    clock.now += GRACE + 0.001
    work()
    assert ran == [100.0, clock.now]
