"""The production server: waitress (pure Python, any OS) with a one-line access log."""

from __future__ import annotations

import logging
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

    from haven.wsgi import application

    if worker:
        # The embedded default: this process also computes the forecast and risk panel.
        from haven.core.computed import start_background_worker

        start_background_worker()
    waitress_serve(with_access_log(application), host=host, port=port, threads=threads)
