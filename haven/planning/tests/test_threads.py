from __future__ import annotations

import threading

import pytest

from haven.planning.threads import ThreadChooser


class FakeMachine:
    """A clock that moves only as work is done: by `one_thread` seconds per item on the
    caller's thread and by `per_thread_item` seconds per item on a pool thread (two
    threads each doing an item at once count both: a clock shared by all threads)."""

    def __init__(self, one_thread: float, per_thread_item: float) -> None:
        self.one_thread = one_thread
        self.per_thread_item = per_thread_item
        self.seconds = 0.0
        self.days = 0.0
        self._caller = threading.get_ident()
        self._lock = threading.Lock()
        self.threads_seen: set[int] = set()

    def clock(self) -> float:
        return self.seconds

    def now(self) -> float:
        return self.days * 86_400 + self.seconds

    def work(self, item: int) -> int:
        with self._lock:
            on_caller = threading.get_ident() == self._caller
            self.threads_seen.add(threading.get_ident())
            self.seconds += self.one_thread if on_caller else self.per_thread_item
        return item * item


def chooser_on(machine: FakeMachine) -> ThreadChooser:
    return ThreadChooser(2, clock=machine.clock, now=machine.now)


def test_results_come_back_in_order_whichever_threads_ran_them() -> None:
    machine = FakeMachine(one_thread=1.0, per_thread_item=0.3)
    chooser = chooser_on(machine)
    assert chooser.map(machine.work, list(range(40))) == [n * n for n in range(40)]
    assert len(machine.threads_seen) > 1


def test_all_threads_are_chosen_when_they_finish_sooner() -> None:
    machine = FakeMachine(one_thread=1.0, per_thread_item=0.3)
    chooser = chooser_on(machine)
    chooser.map(machine.work, list(range(20)))
    assert chooser.chosen_threads() == 2
    assert chooser.seconds_per_item() == {1: pytest.approx(1.0), 2: pytest.approx(0.3)}


def test_one_thread_is_chosen_when_threads_gain_too_little() -> None:
    # Threads 5 % faster: not worth taking the other core from the rest of the machine.
    machine = FakeMachine(one_thread=1.0, per_thread_item=0.95)
    chooser = chooser_on(machine)
    chooser.map(machine.work, list(range(20)))
    assert chooser.chosen_threads() == 1


def test_few_items_measure_both_ways_over_several_calls() -> None:
    machine = FakeMachine(one_thread=1.0, per_thread_item=0.3)
    chooser = chooser_on(machine)
    chooser.map(machine.work, [1, 2, 3])
    assert chooser.chosen_threads() is None
    for _ in range(4):
        chooser.map(machine.work, [1, 2, 3])
    assert chooser.chosen_threads() == 2


def test_the_choice_follows_the_machine_getting_busy() -> None:
    machine = FakeMachine(one_thread=1.0, per_thread_item=0.3)
    chooser = chooser_on(machine)
    chooser.map(machine.work, list(range(20)))
    assert chooser.chosen_threads() == 2
    # The other core is taken: threads now wait for each other.
    machine.per_thread_item = 2.0
    chooser.map(machine.work, list(range(20)))
    assert chooser.chosen_threads() == 1


def test_the_way_not_chosen_is_measured_again_once_its_timing_is_old() -> None:
    machine = FakeMachine(one_thread=1.0, per_thread_item=2.0)
    chooser = chooser_on(machine)
    chooser.map(machine.work, list(range(20)))
    assert chooser.chosen_threads() == 1
    machine.per_thread_item = 0.3  # the machine is quiet again
    chooser.map(machine.work, list(range(20)))
    assert chooser.chosen_threads() == 1  # threads' old timing still stands
    machine.days += 1
    chooser.map(machine.work, list(range(20)))
    assert chooser.chosen_threads() == 2


def test_sizes_are_measured_apart() -> None:
    machine = FakeMachine(one_thread=1.0, per_thread_item=0.3)
    chooser = chooser_on(machine)
    chooser.map(machine.work, list(range(20)), size_class=20)
    assert chooser.chosen_threads(20) == 2
    assert chooser.chosen_threads(5) is None


def test_one_cpu_or_one_item_runs_on_the_callers_thread() -> None:
    machine = FakeMachine(one_thread=1.0, per_thread_item=0.3)
    assert ThreadChooser(1).map(machine.work, [1, 2, 3]) == [1, 4, 9]
    assert ThreadChooser(1).chosen_threads() == 1
    assert chooser_on(machine).map(machine.work, [5]) == [25]
    assert machine.threads_seen == {threading.get_ident()}
