"""The audit log's hash chain: appended in order, and any edit, deletion or reordering made
directly in the database is found by `verify`, which names the first broken link."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, connections

from haven.audit import log
from haven.audit.models import GENESIS_HASH, AuditEvent, AuditHead

pytestmark = pytest.mark.django_db


def _append(n: int) -> list[AuditEvent]:
    return [
        log.append(kind="write", action=f"test.step{i}", records=[f"people.person:{i}"])
        for i in range(1, n + 1)
    ]


def test_events_chain_onto_each_other_from_the_genesis_hash() -> None:
    first, second, third = _append(3)
    assert (first.seq, second.seq, third.seq) == (1, 2, 3)
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    assert first.hash == hashlib.sha256(log.canonical(first)).hexdigest()
    result = log.verify()
    assert result.intact and result.count == 3 and result.head_hash == third.hash
    assert log.head().hash == third.hash


def test_the_hash_covers_the_time_to_the_microsecond() -> None:
    (event,) = _append(1)
    stored = AuditEvent.objects.get()
    assert stored.at == event.at and stored.at.microsecond == event.at.microsecond
    assert b'"at":"' in log.canonical(stored)
    assert log.event_hash(stored) == event.hash


def _sql(statement: str, *params: Any) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement.replace("{t}", AuditEvent._meta.db_table), params)


def _broken_at() -> tuple[int | None, str]:
    result = log.verify()
    return result.broken_at, result.problem


def test_an_edited_row_is_found() -> None:
    _append(5)
    _sql("UPDATE {t} SET username = %s WHERE seq = 3", "mallory")
    broken, problem = _broken_at()
    assert broken == 3 and "changed after it was written" in problem


def test_an_edited_summary_is_found() -> None:
    _append(3)
    event = AuditEvent.objects.get(seq=2)
    AuditEvent.objects.filter(pk=event.pk).update(summary={"quantity": "1"})
    assert _broken_at()[0] == 2


def test_a_deleted_row_is_found() -> None:
    _append(5)
    _sql("DELETE FROM {t} WHERE seq = 2")
    broken, problem = _broken_at()
    assert broken == 2 and "event 2 is missing" in problem


def test_a_deleted_row_renumbered_to_hide_the_gap_is_found() -> None:
    _append(5)
    _sql("DELETE FROM {t} WHERE seq = 2")
    for seq in (3, 4, 5):
        _sql("UPDATE {t} SET seq = %s WHERE seq = %s", seq - 1, seq)
    broken, problem = _broken_at()
    assert broken == 2 and "does not follow event 1" in problem


def test_the_newest_rows_deleted_are_found_by_the_head() -> None:
    _append(5)
    _sql("DELETE FROM {t} WHERE seq >= 4")
    broken, problem = _broken_at()
    assert broken == 4 and "newest events were deleted" in problem


def test_reordered_rows_are_found() -> None:
    _append(5)
    _sql("UPDATE {t} SET seq = 1000 WHERE seq = 2")
    _sql("UPDATE {t} SET seq = 2 WHERE seq = 4")
    _sql("UPDATE {t} SET seq = 4 WHERE seq = 1000")
    broken, problem = _broken_at()
    assert broken == 2 and "does not follow event 1" in problem


def test_a_rewritten_head_with_a_recomputed_row_is_still_caught_by_its_successor() -> None:
    events = _append(4)
    forged = AuditEvent.objects.get(seq=2)
    forged.username = "mallory"
    AuditEvent.objects.filter(pk=forged.pk).update(username="mallory", hash=log.event_hash(forged))
    broken, problem = _broken_at()
    assert broken == 3 and "does not follow event 2" in problem
    assert events[-1].hash == log.head().hash


def test_verify_command_exits_0_when_intact_and_1_naming_the_break(
    capsys: pytest.CaptureFixture[str],
) -> None:
    events = _append(3)
    call_command("audit", "verify")
    out = capsys.readouterr().out
    assert f"intact: 3 events, head {events[-1].hash}" in out
    _sql("UPDATE {t} SET action = %s WHERE seq = 2", "test.other")
    with pytest.raises(SystemExit) as exit_info:
        call_command("audit", "verify")
    assert exit_info.value.code == 1
    assert "broken at event 2" in capsys.readouterr().err


def test_an_empty_log_is_intact() -> None:
    result = log.verify()
    assert result.intact and result.count == 0 and result.head_hash == GENESIS_HASH


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain() -> None:
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(8):
                log.append(kind="write", action=f"test.thread{n}.{i}")
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    result = log.verify()
    assert result.intact and result.count == 32
    assert AuditHead.objects.get().seq == 32


def test_events_are_read_only_in_the_admin(client_as: Callable[[str], Any], users: Any) -> None:
    (event,) = _append(1)
    users["commander"].is_staff = users["commander"].is_superuser = True
    users["commander"].save()
    client = client_as("commander")
    assert client.get(f"/admin/audit/auditevent/{event.pk}/change/").status_code == 200
    assert client.get(f"/admin/audit/auditevent/{event.pk}/delete/").status_code == 403
    assert client.post(f"/admin/audit/auditevent/{event.pk}/change/", {}).status_code == 403
    assert client.get("/admin/audit/auditevent/add/").status_code == 403
