"""Run independent pieces of work on one thread or on one per CPU, whichever is faster here.

Which is faster depends on the machine and on its load at the time: on an idle 2-core
machine two threads finish NumPy work in about two thirds of the time of one; on a busy
one the threads wait for the same cores and fight over the caches, and one thread can be
as fast. So the choice is measured while the work runs, and measured again as it goes:

- Work is mapped in batches. Until both ways have timed at least `_TRUSTED_ITEMS` items,
  batches alternate (one thread, then all threads, and so on), so a load that changes
  during the measurement touches both ways alike. Each batch is a few items, not one:
  items differ in cost, and a batch evens them out.
- Then all remaining items run the faster way, and that run's time updates its
  measurement, so a way that has grown slower loses its place as soon as the other is
  faster than it.
- The way not chosen is timed again, with one batch, once its measurement is older
  than `_MEASURE_AGAIN_AFTER_S`.
- All threads are kept only when they beat one thread by `_THREAD_GAIN`: the margin
  leaves the other cores to the rest of the machine when threads gain little.

Timings are kept per size class (items of similar cost), seconds per item, as a running
mean over the last `_WINDOW_ITEMS` items.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

__all__ = ["ThreadChooser"]

Item = TypeVar("Item")
Result = TypeVar("Result")

_TRUSTED_ITEMS = 6
_PROBE_ITEMS_PER_THREAD = 2
_WINDOW_ITEMS = 24
_MEASURE_AGAIN_AFTER_S = 120.0
_THREAD_GAIN = 0.9


@dataclass(frozen=True, slots=True)
class _Timing:
    seconds_per_item: float
    items: int
    measured_at: float


class ThreadChooser:
    """Maps work over items on 1 or `threads` threads, as measured faster (thread-safe).

    `clock` times batches; `now` dates the measurements (both injectable for tests).
    """

    def __init__(
        self,
        threads: int | None = None,
        *,
        clock: Callable[[], float] = time.perf_counter,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self.threads = max(1, threads if threads is not None else (os.cpu_count() or 1))
        self._clock = clock
        self._now = now
        self._lock = threading.Lock()
        self._timings: dict[tuple[int, int], _Timing] = {}
        self._last_size_class: int | None = None

    def map(
        self, work: Callable[[Item], Result], items: Sequence[Item], *, size_class: int = 0
    ) -> list[Result]:
        """`work` applied to every item, in order; items of one size class cost alike."""
        if self.threads == 1 or len(items) < 2:
            return [work(item) for item in items]
        with self._lock:
            self._last_size_class = size_class
        results: list[Result] = []
        pool: ThreadPoolExecutor | None = None
        try:
            while len(results) < len(items):
                threads, count = self._next_batch(size_class, len(items) - len(results))
                batch = items[len(results) : len(results) + count]
                started = self._clock()
                if threads == 1:
                    done = [work(item) for item in batch]
                else:
                    if pool is None:
                        pool = ThreadPoolExecutor(max_workers=threads)
                    done = list(pool.map(work, batch))
                self._record(size_class, threads, len(batch), self._clock() - started)
                results.extend(done)
        finally:
            if pool is not None:
                pool.shutdown()
        return results

    def chosen_threads(self, size_class: int | None = None) -> int | None:
        """Threads the chooser runs work of a size class on (default: the last mapped).

        None while it has not yet measured both ways for that class.
        """
        if self.threads == 1:
            return 1
        with self._lock:
            size_class = self._last_size_class if size_class is None else size_class
            if size_class is None:
                return None
            one = self._timings.get((size_class, 1))
            many = self._timings.get((size_class, self.threads))
            if one is None or many is None:
                return None
            return self._faster(one, many)

    def seconds_per_item(self, size_class: int | None = None) -> dict[int, float]:
        """The measured seconds per item by thread count, for a size class (default: last)."""
        with self._lock:
            size_class = self._last_size_class if size_class is None else size_class
            return {
                threads: timing.seconds_per_item
                for (measured_class, threads), timing in self._timings.items()
                if measured_class == size_class
            }

    def _faster(self, one: _Timing, many: _Timing) -> int:
        if many.seconds_per_item < _THREAD_GAIN * one.seconds_per_item:
            return self.threads
        return 1

    def _next_batch(self, size_class: int, remaining: int) -> tuple[int, int]:
        """How many threads the next batch runs on, and how many items it holds."""
        with self._lock:
            now = self._now()
            fresh: dict[int, _Timing | None] = {}
            for threads in (1, self.threads):
                timing = self._timings.get((size_class, threads))
                old = timing is not None and now - timing.measured_at > _MEASURE_AGAIN_AFTER_S
                fresh[threads] = None if old else timing
            measured = {t: timing.items if timing else 0 for t, timing in fresh.items()}
            to_measure = [t for t, items in measured.items() if items < _TRUSTED_ITEMS]
            if self.threads > remaining:
                # Too few items left to keep every thread busy: no fair measurement.
                to_measure = [t for t in to_measure if t == 1]
            if to_measure:
                # The way measured least goes next; one thread when both are even.
                threads = min(to_measure, key=lambda t: (measured[t], t))
                return threads, min(remaining, _PROBE_ITEMS_PER_THREAD * threads)
            one, many = fresh[1], fresh[self.threads]
            if one is None or many is None:
                return 1, remaining
            return self._faster(one, many), remaining

    def _record(self, size_class: int, threads: int, items: int, seconds: float) -> None:
        with self._lock:
            now = self._now()
            sample = seconds / items
            old = self._timings.get((size_class, threads))
            if old is None or now - old.measured_at > _MEASURE_AGAIN_AFTER_S:
                timing = _Timing(sample, items, now)
            else:
                counted = min(old.items + items, _WINDOW_ITEMS)
                share = min(1.0, items / counted)
                timing = _Timing(
                    old.seconds_per_item + (sample - old.seconds_per_item) * share, counted, now
                )
            self._timings[(size_class, threads)] = timing
