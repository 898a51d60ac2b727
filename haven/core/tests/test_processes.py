"""Many processes for a large camp: `haven serve --workers N` (gunicorn) on PostgreSQL, its
refusal on SQLite, and single flight of the computed results across processes."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from haven.core.tests.test_cli import haven


def test_sqlite_refuses_more_than_one_process_on_one_line(tmp_path: Path) -> None:
    result = haven("serve", "--workers", "2", "--port", "1", data_dir=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "--workers 2 needs PostgreSQL" in result.stderr
    assert "SQLite has one writer at a time" in result.stderr


def test_a_bad_count_of_workers_or_threads_is_named() -> None:
    for option, value in [("--workers", "0"), ("--threads", "-1")]:
        with pytest.raises(CommandError) as raised:
            call_command("serve", option, value)
        assert raised.value.returncode == 2
        assert f"{option} must be 1 or more, not {value}" in str(raised.value)


def test_database_url() -> str:
    """The URL of the test run's own (migrated) PostgreSQL database, for a subprocess."""
    from django.db import connection

    url = urlparse(os.environ["HAVEN_TEST_DATABASE_URL"])
    return url._replace(path="/" + connection.settings_dict["NAME"]).geturl()


test_database_url.__test__ = False  # type: ignore[attr-defined]


def subprocess_env() -> dict[str, str]:
    return {
        **os.environ,
        "HAVEN_DATABASE_URL": test_database_url(),
        "HAVEN_BACKUP_KEEP": "0",  # no daily backup of the test database
        "HAVEN_WORKER_INTERVAL_SECONDS": "0.5",
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        found += [int(child) for child in task.read_text().split()]
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def get(port: int, path: str, cookie: str = "") -> tuple[int, str]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}")
    if cookie:
        request.add_header("Cookie", cookie)
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.read().decode("utf-8", "replace")


COMPUTE_ONCE = textwrap.dedent(
    """
    import os, sys, time
    import django
    django.setup()
    from haven.core import computed

    def compute():
        with open(sys.argv[1], "a") as calls:
            calls.write(f"{os.getpid()}\\n")
        time.sleep(1.0)
        return 7

    start = float(sys.argv[2])
    time.sleep(max(0.0, start - time.time()))
    computation = computed.Computation("procs-test", lambda: "one-state", compute)
    print(computed.refresh(computation, computed.worker_name()))
    """
)


@pytest.mark.django_db(transaction=True)
def test_two_gunicorn_processes_serve_a_signed_in_user_and_compute_a_state_once(
    postgres_only: None, tmp_path: Path
) -> None:
    """One test, for one flush of the database: two processes racing for one computation
    compute it once (the claim), while `haven serve --workers 2` starts, serves a signed-in
    user from either process, and stops cleanly with its workers."""
    from django.test import Client

    from haven.accounts.services import create_user
    from haven.core import computed

    calls = tmp_path / "calls"
    start = time.time() + 4  # both have set Django up by then
    racers: list[subprocess.Popen[Any]] = [
        subprocess.Popen(
            [sys.executable, "-c", COMPUTE_ONCE, str(calls), str(start)],
            env=subprocess_env(),
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    user = create_user(username="procs-officer", password=None, role="commander")
    client = Client()
    client.force_login(user)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    port = ["--port", str(free_port())]
    log = (tmp_path / "serve.log").open("w+")
    server = subprocess.Popen(
        [sys.executable, "-m", "haven.cli", "serve", "--workers", "2", "--threads", "2", *port],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=subprocess_env(),
        stdin=subprocess.DEVNULL,
    )
    processes: list[int] = []
    try:
        deadline = time.monotonic() + 90
        # Two gunicorn workers and the one `haven worker` that computes the forecasts.
        while len(processes) < 3:
            assert server.poll() is None, Path(log.name).read_text()
            assert time.monotonic() < deadline, Path(log.name).read_text()
            time.sleep(0.2)
            processes = children(server.pid)
        assert len(processes) == 3, processes
        while True:
            try:
                assert get(int(port[1]), "/healthz")[0] == 200
                break
            except OSError:
                assert time.monotonic() < deadline, Path(log.name).read_text()
                time.sleep(0.2)
        for _ in range(6):
            status, page = get(int(port[1]), "/people/", cookie)
            assert status == 200 and "procs-officer" in page
            assert get(int(port[1]), "/healthz")[0] == 200
        status, css = get(int(port[1]), "/static/core/haven.css")  # WhiteNoise in every worker
        assert status == 200 and "{" in css
    finally:
        server.send_signal(signal.SIGTERM)
        code = server.wait(timeout=60)
        answers = sorted(racer.communicate(timeout=60)[0].strip() for racer in racers)
    assert code == 0, Path(log.name).read_text()
    assert not [pid for pid in processes if alive(pid)]
    assert "Traceback" not in Path(log.name).read_text()

    assert [racer.returncode for racer in racers] == [0, 0]
    assert answers == ["False", "True"]  # one computed, the other found it claimed
    assert len(calls.read_text().split()) == 1
    assert computed.latest("procs-test", "one-state").value == 7
