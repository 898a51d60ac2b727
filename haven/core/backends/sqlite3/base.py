"""Django's SQLite backend, with the threads of one process queueing for the write lock.

SQLite lets one writer in at a time. Every Haven transaction begins `IMMEDIATE` (it takes
the write lock at once), and a thread that finds the lock taken waits in SQLite's busy
handler, which sleeps and retries: 1, 2, 5 … then 100 ms at a time. Under a queue of
writers that is unfair: a thread that has waited long sleeps 100 ms between tries while
newcomers, still retrying every millisecond or two, take the lock as soon as it is free.
At a million people, eight clients registering at once: the median registration took
140 ms and the slowest 6.7 s.

Here the threads of one process (waitress's, the embedded worker's) wait for a lock of
their own before `BEGIN IMMEDIATE` and are woken the moment the last writer commits or
rolls back. Another process (a separate `haven worker`, a command) still meets SQLite's
busy handler, as before. A thread that waits longer than the database's `timeout` gets
SQLite's own error, "database is locked".
"""

from __future__ import annotations

import threading
from typing import Any

from django.db.backends.sqlite3 import base

_guard = threading.Lock()
_write_locks: dict[str, threading.Lock] = {}


def _write_lock(name: str) -> threading.Lock:
    with _guard:
        return _write_locks.setdefault(name, threading.Lock())


class DatabaseWrapper(base.DatabaseWrapper):
    _holds_write_lock = False
    _wait_seconds = 5.0

    def get_connection_params(self) -> dict[str, Any]:
        params: dict[str, Any] = super().get_connection_params()
        self._wait_seconds = float(params.get("timeout", 5))
        return params

    def _start_transaction_under_autocommit(self) -> None:
        # Only the outermost atomic block begins a transaction; an in-memory database
        # belongs to one connection and needs no queue.
        if self.is_in_memory_db():
            super()._start_transaction_under_autocommit()  # type: ignore[misc]  # private in the stubs
            return
        lock = _write_lock(str(self.settings_dict["NAME"]))
        if not lock.acquire(timeout=self._wait_seconds):
            raise self.Database.OperationalError("database is locked")
        self._holds_write_lock = True
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]  # private in the stubs
        except BaseException:
            self._release_write_lock()
            raise

    def _release_write_lock(self) -> None:
        if self._holds_write_lock:
            self._holds_write_lock = False
            _write_lock(str(self.settings_dict["NAME"])).release()

    def _commit(self) -> None:
        try:
            super()._commit()  # type: ignore[misc]  # private in the stubs
        finally:
            self._release_write_lock()

    def _rollback(self) -> None:
        try:
            super()._rollback()  # type: ignore[misc]  # private in the stubs
        finally:
            self._release_write_lock()

    def _close(self) -> None:
        try:
            super()._close()  # type: ignore[misc]  # private in the stubs
        finally:
            self._release_write_lock()
