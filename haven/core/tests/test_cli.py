"""The `haven` console script as a user runs it: real processes, exit codes, one-line errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def haven(
    *args: str, data_dir: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "HAVEN_DATA_DIR": str(data_dir), **(env or {})}
    environment.pop("HAVEN_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "haven.cli", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture(scope="module")
def camp_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("camp")
    made = haven("init", data_dir=folder, env={"HAVEN_ADMIN_PASSWORD": "long enough pw"})
    assert made.returncode == 0, made.stderr
    return folder


def test_a_database_not_set_up_is_named(tmp_path: Path) -> None:
    result = haven("people", "export", data_dir=tmp_path)
    assert result.returncode == 2
    assert "is not set up or needs upgrading: run `haven init`" in result.stderr


def test_help_lists_the_commands(tmp_path: Path) -> None:
    result = haven("--help", data_dir=tmp_path)
    assert result.returncode == 0
    for command in ("init", "serve", "demo", "token", "people"):
        assert command in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["bogus"], "haven: error: unknown command 'bogus'"),
        (["token"], "haven token: error: the following arguments are required: ACTION"),
        (
            ["serve", "--port", "abc"],
            "haven serve: error: argument --port: invalid int value: 'abc'",
        ),
        (["people", "export", "--format", "xml"], "invalid choice: 'xml'"),
        (["people", "import", "/no/such.csv"], "haven people: error: no such file: /no/such.csv"),
        (["token", "create", "ghost"], "haven token: error: no user named 'ghost'"),
    ],
)
def test_wrong_arguments_give_one_line_and_exit_2(
    camp_dir: Path, args: list[str], message: str
) -> None:
    result = haven(*args, data_dir=camp_dir)
    assert result.returncode == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert message in lines[0]


def test_init_then_token_then_export(tmp_path: Path) -> None:
    no_password = haven("init", "--username", "chief", data_dir=tmp_path)
    assert no_password.returncode == 2
    assert "HAVEN_ADMIN_PASSWORD" in no_password.stderr
    made = haven(
        "init",
        "--username",
        "chief",
        data_dir=tmp_path,
        env={"HAVEN_ADMIN_PASSWORD": "long enough pw"},
    )
    assert made.returncode == 0, made.stderr
    assert "Commander account 'chief' created" in made.stdout
    assert (tmp_path / "haven.sqlite3").exists()
    again = haven("init", "--username", "chief", data_dir=tmp_path)
    assert again.returncode == 0 and "already exists" in again.stdout
    token = haven("token", "create", "chief", data_dir=tmp_path)
    assert token.returncode == 0 and token.stdout.startswith("hvn_")
    export = haven("people", "export", data_dir=tmp_path)
    assert export.returncode == 0
    assert export.stdout.startswith("id,full_name,given_name")


def test_data_dir_flag_is_honoured(tmp_path: Path) -> None:
    target = tmp_path / "camp"
    result = haven(
        "init",
        "--data-dir",
        str(target),
        data_dir=tmp_path / "other",
        env={"HAVEN_ADMIN_PASSWORD": "long enough pw"},
    )
    assert result.returncode == 0, result.stderr
    assert (target / "haven.sqlite3").exists()
