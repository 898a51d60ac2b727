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

A what-if has parameters a page chooses (a horizon, people arriving): an app offers it in
`<app>.computed.ON_REQUEST`, and a page calls `ask(name, params)`. Each set of parameters
is one `ComputedResult` row (named by their hash, holding them), computed by the worker once
per state like the others, as long as a page asked for it in the last `ASK_KEEP`; rows not
asked for in `ASK_FORGET` are removed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
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

ASK_KEEP = timedelta(minutes=15)
ASK_FORGET = timedelta(days=1)
# A page that asks again within this does not write the time it asked.
ASK_TOUCH = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class Computation:
    """Something too slow for a request: computed by the worker once per state."""

    name: str
    state: Callable[[], str]
    compute: Callable[[], Any]


@dataclass(frozen=True, slots=True)
class OnRequest:
    """A what-if: computed by the worker once per state for each set of parameters a page
    asked for (`ask`); `compute(params)` gets them back as the page gave them (JSON)."""

    name: str
    state: Callable[[], str]
    compute: Callable[[dict[str, Any]], Any]


def on_request() -> dict[str, OnRequest]:
    found: dict[str, OnRequest] = {}
    for _, module in app_modules("computed"):
        for computation in getattr(module, "ON_REQUEST", []):
            found[computation.name] = computation
    return found


def asked_name(name: str, params: dict[str, Any]) -> str:
    """The row of one set of parameters: the what-if's name and a hash of them."""
    text = json.dumps(params, sort_keys=True, separators=(",", ":"))
    return f"{name}#{hashlib.sha256(text.encode()).hexdigest()[:24]}"


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


def ask(name: str, params: dict[str, Any]) -> Latest:
    """The last result of the what-if `name` for `params` (None until the worker has made
    one), never waiting; asking marks it wanted, so the worker computes it and keeps it
    current while pages ask."""
    computation = on_request()[name]
    params = json.loads(json.dumps(params))  # as the worker will read them back
    row_name = asked_name(name, params)
    now = timezone.now()
    row = ComputedResult.objects.filter(name=row_name).first()
    if row is None:
        try:
            with transaction.atomic():
                row = ComputedResult.objects.create(
                    name=row_name, value={"params": params}, asked_at=now
                )
        except IntegrityError:
            row = ComputedResult.objects.get(name=row_name)  # another page asked first
    elif row.asked_at is None or now - row.asked_at > ASK_TOUCH:
        ComputedResult.objects.filter(pk=row.pk).update(asked_at=now)
    if row.computed_at is None or not isinstance(row.value, dict):
        return Latest(None, None, False)
    return Latest(row.value.get("result"), row.computed_at, row.state == computation.state())


def refresh_asked(computation: OnRequest, worker: str, *, now: datetime | None = None) -> int:
    """Compute each set of parameters of `computation` asked for lately whose result is
    stale (single-flight, as `refresh`); forget those long unasked. Returns how many."""
    now = now or timezone.now()
    rows = ComputedResult.objects.filter(name__startswith=f"{computation.name}#")
    rows.filter(Q(asked_at__isnull=True) | Q(asked_at__lt=now - ASK_FORGET)).delete()
    state = computation.state()
    done = 0
    for row_name, value in rows.filter(asked_at__gte=now - ASK_KEEP).values_list("name", "value"):
        params = value.get("params", {}) if isinstance(value, dict) else {}
        one = Computation(row_name, lambda: state, partial(_with_params, computation, params))
        try:
            done += refresh(one, worker)
        except Exception:
            log.exception("computing %s failed", row_name)
    return done


def _with_params(computation: OnRequest, params: dict[str, Any]) -> dict[str, Any]:
    return {"params": params, "result": computation.compute(params)}


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
    for asked in on_request().values():
        done += [asked.name] * refresh_asked(asked, worker)
    return done


# After a pass that computed for S seconds the worker rests at least REST_PER_BUSY × S: when
# writes change the state all the time it recomputes the newest state at most once per rest,
# and in `haven serve`'s process (one GIL, and on SQLite one writer) it takes at most
# 1 / (1 + REST_PER_BUSY) of the time from the requests however slow the forecast grows.
REST_PER_BUSY = 3.0


def pause_after(busy: float, interval: float) -> float:
    """Seconds to rest after a pass that took `busy` seconds: the interval, or longer."""
    return max(interval, REST_PER_BUSY * busy)


def run_forever(stop: threading.Event, interval: float | None = None) -> None:
    """The worker loop: a pass, then a pause, until `stop` is set."""
    pause = settings.HAVEN_WORKER_INTERVAL_SECONDS if interval is None else interval
    worker = worker_name()
    while not stop.is_set():
        close_old_connections()
        started = time.perf_counter()
        for name in run_once(worker):
            log.info("computed %s", name)
        busy = time.perf_counter() - started
        close_old_connections()
        stop.wait(pause_after(busy, pause))


def start_background_worker() -> threading.Event:
    """Run the worker in a daemon thread of this process (the embedded default of
    `haven serve`); set the returned event to stop it."""
    stop = threading.Event()
    threading.Thread(target=run_forever, args=(stop,), name="haven-worker", daemon=True).start()
    return stop
