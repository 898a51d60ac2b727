"""Expensive results computed once per state of the camp, off the request path.

An app offers computations in `<app>.computed.COMPUTATIONS`: a name, a cheap `state()`
(a string that changes when the inputs do: the last ledger entry, the headcount classes,
the day) and the expensive `compute()` (a JSON-able result). The worker (`haven worker`,
or the thread `haven serve` starts) asks each for its state every
`HAVEN_WORKER_INTERVAL_SECONDS`; when the stored result was made from another state it
claims the computation — an update-if-unclaimed on its `ComputedResult` row, so one
worker, in any thread or process, computes a state once — computes it and stores it.

A page calls `latest(name)`: the last result and its age, whether it is current, and never
waits; with none yet it says the result is being computed.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, close_old_connections, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext

from haven.core.models import ComputedResult
from haven.core.registry import app_modules

log = logging.getLogger("haven.worker")


@dataclass(frozen=True, slots=True)
class Computation:
    """Something too slow for a request: computed by the worker once per state."""

    name: str
    state: Callable[[], str]
    compute: Callable[[], Any]


def computations() -> dict[str, Computation]:
    found: dict[str, Computation] = {}
    for _, module in app_modules("computed"):
        for computation in module.COMPUTATIONS:
            found[computation.name] = computation
    return found


@dataclass(frozen=True, slots=True)
class Latest:
    """What a page shows: the last result (None: not computed yet) and how old it is."""

    value: Any
    computed_at: datetime | None
    current: bool  # made from the state the camp is in now

    @property
    def ready(self) -> bool:
        return self.computed_at is not None

    @property
    def age_text(self) -> str:
        """ "as of 3 minutes ago" (or "as of just now")."""
        if self.computed_at is None:
            return ""
        if timezone.now() - self.computed_at < timedelta(minutes=1):
            return gettext("as of just now")
        return gettext("as of %(age)s ago") % {"age": timesince(self.computed_at)}


def latest(name: str, state: str | None = None) -> Latest:
    """The last result of `name`; `current` says whether it was made from `state`."""
    row = ComputedResult.objects.filter(name=name).first()
    if row is None or row.computed_at is None:
        return Latest(None, None, False)
    return Latest(row.value, row.computed_at, state is None or row.state == state)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def claim(name: str, worker: str, *, now: datetime | None = None) -> bool:
    """Take the computation `name` for `worker` unless another holds an unexpired claim."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            ComputedResult.objects.get_or_create(name=name)
    except IntegrityError:
        pass  # another worker created the row first
    until = now + timedelta(seconds=settings.HAVEN_WORKER_CLAIM_SECONDS)
    taken = (
        ComputedResult.objects.filter(name=name)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_by=worker, claimed_until=until)
    )
    return taken == 1


def refresh(computation: Computation, worker: str) -> bool:
    """Compute `computation` if its stored result is stale and no one else is at it;
    True when this call computed it."""
    state = computation.state()
    stored = ComputedResult.objects.filter(name=computation.name).first()
    if stored is not None and stored.computed_at is not None and stored.state == state:
        return False
    if not claim(computation.name, worker):
        return False
    mine = ComputedResult.objects.filter(name=computation.name, claimed_by=worker)
    started = time.perf_counter()
    try:
        value = computation.compute()
    except Exception:
        mine.update(claimed_by="", claimed_until=None)
        raise
    mine.update(
        state=state,
        value=value,
        computed_at=timezone.now(),
        seconds=time.perf_counter() - started,
        claimed_by="",
        claimed_until=None,
    )
    return True


def run_once(worker: str | None = None) -> list[str]:
    """One pass over every computation; returns the names computed."""
    worker = worker or worker_name()
    done = []
    for computation in computations().values():
        try:
            if refresh(computation, worker):
                done.append(computation.name)
        except Exception:
            log.exception("computing %s failed", computation.name)
    return done


def run_forever(stop: threading.Event, interval: float | None = None) -> None:
    """The worker loop: a pass, then a pause, until `stop` is set."""
    pause = settings.HAVEN_WORKER_INTERVAL_SECONDS if interval is None else interval
    worker = worker_name()
    while not stop.is_set():
        close_old_connections()
        for name in run_once(worker):
            log.info("computed %s", name)
        close_old_connections()
        stop.wait(pause)


def start_background_worker() -> threading.Event:
    """Run the worker in a daemon thread of this process (the embedded default of
    `haven serve`); set the returned event to stop it."""
    stop = threading.Event()
    threading.Thread(target=run_forever, args=(stop,), name="haven-worker", daemon=True).start()
    return stop
