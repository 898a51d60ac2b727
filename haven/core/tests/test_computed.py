"""Single flight: one worker computes a state once, in any thread or process."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from haven.core import computed
from haven.core.models import ComputedResult


@pytest.mark.django_db
def test_a_claim_keeps_others_off_until_it_expires() -> None:
    assert computed.claim("risk", "worker-a")
    assert not computed.claim("risk", "worker-b")
    later = timezone.now() + timedelta(hours=1)
    assert computed.claim("risk", "worker-b", now=later)  # worker-a died: the claim expired
    assert ComputedResult.objects.get(name="risk").claimed_by == "worker-b"


@pytest.mark.django_db
def test_a_failed_computation_releases_its_claim_and_keeps_the_last_result() -> None:
    ok = computed.Computation("risk", lambda: "s1", lambda: {"p": 0.5})
    assert computed.refresh(ok, "w")

    def broken() -> Any:
        raise RuntimeError("no")

    with pytest.raises(RuntimeError):
        computed.refresh(computed.Computation("risk", lambda: "s2", broken), "w")
    row = ComputedResult.objects.get(name="risk")
    assert (row.value, row.state, row.claimed_by) == ({"p": 0.5}, "s1", "")
    latest = computed.latest("risk", "s2")
    assert latest.value == {"p": 0.5} and not latest.current


@pytest.mark.django_db(transaction=True)
def test_threads_asking_at_once_compute_one_state_once(postgres_only: None) -> None:
    calls: list[int] = []

    def slow() -> int:
        calls.append(1)
        time.sleep(0.3)
        return 42

    computation = computed.Computation("slow", lambda: "state", slow)
    computed.claim("slow", "setup")  # the row exists; release it
    ComputedResult.objects.update(claimed_by="", claimed_until=None)
    barrier = threading.Barrier(4)

    def ask(n: int) -> None:
        barrier.wait()
        try:
            computed.refresh(computation, f"thread-{n}")
        finally:
            connection.close()

    threads = [threading.Thread(target=ask, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1
    assert computed.latest("slow", "state").value == 42


@pytest.mark.django_db
def test_worker_once_and_a_bad_interval(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("worker", "--once")
    assert "computed:" in capsys.readouterr().out
    with pytest.raises(CommandError) as raised:
        call_command("worker", "--interval", "0")
    assert raised.value.returncode == 2
    assert "--interval must be more than 0 seconds, not 0.0" in str(raised.value)


def test_a_slow_pass_makes_the_worker_rest_longer_than_the_interval() -> None:
    # Writes change the state all the time: a forecast of 2 s must not be recomputed every
    # 5 s, taking 30 % of the server's time from its requests.
    assert computed.pause_after(0.1, 5.0) == 5.0
    assert computed.pause_after(2.0, 5.0) == 2.0 * computed.REST_PER_BUSY
    assert computed.pause_after(2.0, 5.0) > 5.0
