"""The production servers, both with a one-line access log.

`serve` is waitress: one process, a pool of threads, pure Python on any OS — the laptop
default, which also computes the forecasts in a background thread. `serve_processes` is
gunicorn for a large camp on PostgreSQL: a master that forks N worker processes (the
gthread worker class: each a pool of threads), so requests use every core; the forecasts
are computed by one `haven worker` process beside them, never by the web workers.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

log = logging.getLogger("haven.access")

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def with_access_log(app: WSGIApp) -> WSGIApp:
    def logged(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        status_seen: list[str] = []

        def recording_start(status: str, headers: Any, *exc_info: Any) -> Any:
            status_seen.append(status.split(" ", 1)[0])
            return start_response(status, headers, *exc_info)

        body = app(environ, recording_start)
        elapsed_ms = (time.perf_counter() - started) * 1000
        log.info(
            "%s %s %s %.0fms",
            environ.get("REQUEST_METHOD"),
            environ.get("PATH_INFO"),
            status_seen[0] if status_seen else "-",
            elapsed_ms,
        )
        return body

    return logged


def tighten_private_files() -> list[str]:
    """Make the data folder 0700 and the database, its WAL, the secret key and backups 0600,
    where an older Haven (or a copy) left them open; one line for each one changed."""
    from pathlib import Path

    from django.conf import settings

    from haven.core.private import tighten_data_dir

    database = settings.DATABASES["default"]
    sqlite = database["ENGINE"].endswith("sqlite3")
    return tighten_data_dir(
        Path(settings.DATA_DIR),
        database=Path(database["NAME"]) if sqlite else None,
        secret_key=Path(settings.DATA_DIR) / "secret_key",
        backups=Path(settings.BACKUP_DIR),
    )


def serve(*, host: str, port: int, threads: int = 8, worker: bool = True) -> None:
    from waitress import serve as waitress_serve

    from haven.core.staticfiles import collect_static

    collect_static()  # before the app loads: WhiteNoise indexes STATIC_ROOT when it starts
    from haven.wsgi import application

    if worker:
        # The embedded default: this process also computes the forecast and risk panel.
        from haven.core.computed import start_background_worker

        start_background_worker()
    waitress_serve(with_access_log(application), host=host, port=port, threads=threads)


def sqlite_refusal(workers: int) -> str | None:
    """Why `workers` processes cannot serve this database (None: they can)."""
    from django.conf import settings

    if workers > 1 and settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        return (
            f"--workers {workers} needs PostgreSQL (HAVEN_DATABASE_URL): SQLite has one writer "
            "at a time, so processes would queue on its lock; serve SQLite with one process "
            "(--threads)"
        )
    return None


class ComputingProcess:
    """`haven worker` in a process of its own beside gunicorn's: the one that computes the
    forecasts for every web worker (its claim on each result's row keeps it single-flight in
    any case). Started again if it ever exits, as gunicorn does with its workers."""

    def __init__(self, command: list[str] | None = None, check_seconds: float = 5.0) -> None:
        self.command = command or [sys.executable, "-m", "haven.cli", "worker"]
        self.check_seconds = check_seconds
        self.starts = 0
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.process = self._start()
        self.watcher = threading.Thread(target=self._watch, name="haven-computing", daemon=True)
        self.watcher.start()

    def _start(self) -> subprocess.Popen[bytes]:
        self.starts += 1
        return subprocess.Popen(self.command, env=os.environ.copy(), close_fds=True)

    def _watch(self) -> None:
        while not self.stopping.wait(self.check_seconds):
            with self.lock:
                if self.stopping.is_set() or self.process.poll() is None:
                    continue
                log.warning("haven worker exited (%s); starting it again", self.process.returncode)
                self.process = self._start()

    def stop(self) -> None:
        with self.lock:
            self.stopping.set()
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def serve_processes(
    *, host: str, port: int, workers: int, threads: int = 8, worker: bool = True
) -> None:
    """gunicorn: `workers` forked processes of `threads` threads each, on PostgreSQL.

    The caller has migrated the database already, once, here in the master. The master
    closes its connections before it forks and each worker loads Django itself (no
    preload), so no connection or thread is shared between processes (the daily backups
    thread of the master opens its own, which psycopg never closes from a child).
    """
    from django.db import connections
    from gunicorn.app.base import BaseApplication

    from haven.core.staticfiles import collect_static

    collect_static()

    options: dict[str, Any] = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        # A worker whose main loop is silent this long is restarted by the master (a slow
        # page holds one of its threads, not the loop); two minutes rather than 30 s, for a
        # machine as busy as a camp's laptop can be.
        "timeout": 120,
        "graceful_timeout": 30,
        "accesslog": None,  # Haven's own one-line access log (below) is enough
        "errorlog": "-",
        "loglevel": "warning",
        "proc_name": "haven",
        "control_socket_disable": True,  # no socket in the home folder
    }

    class Haven(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> WSGIApp:
            from haven.wsgi import application

            return with_access_log(application)

    connections.close_all()
    computing = ComputingProcess() if worker else None
    try:
        Haven().run()
    finally:
        if computing is not None:
            computing.stop()
