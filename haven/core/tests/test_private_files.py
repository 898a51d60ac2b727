"""Private files: the data folder 0700, the database, its WAL, the secret key and backups
0600 — created so, and tightened by `haven init` / `haven serve` when found open."""

from __future__ import annotations

import sqlite3
import stat
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from haven.core.private import create_private_file, make_private_dir, tighten_data_dir
from haven.core.tests.test_cli import haven


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_init_makes_the_data_folder_private_and_tightens_what_it_finds_open(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "camp"
    made = haven("init", data_dir=folder, env={"HAVEN_ADMIN_PASSWORD": "a long passphrase"})
    assert made.returncode == 0, made.stderr
    database = folder / "haven.sqlite3"
    assert mode(folder) == 0o700
    assert mode(database) == 0o600
    assert mode(folder / "secret_key") == 0o600
    # SQLite gives its write-ahead log the mode of the database file.
    with sqlite3.connect(database) as connection:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("CREATE TABLE probe (x)")
        assert mode(folder / "haven.sqlite3-wal") == 0o600
        assert mode(folder / "haven.sqlite3-shm") == 0o600
    backups = folder / "backups"
    backups.mkdir(mode=0o755)
    (backups / "daily.tar").write_text("x")
    for path, loose in [(folder, 0o755), (database, 0o644), (folder / "secret_key", 0o644)]:
        path.chmod(loose)
    (backups / "daily.tar").chmod(0o644)

    again = haven("init", data_dir=folder)
    assert again.returncode == 0, again.stderr
    lines = again.stdout.splitlines()
    assert f"tightened {folder} from 0755 to 0700" in lines
    assert f"tightened {database} from 0644 to 0600" in lines
    assert f"tightened {folder / 'secret_key'} from 0644 to 0600" in lines
    assert f"tightened {backups} from 0755 to 0700" in lines
    assert f"tightened {backups / 'daily.tar'} from 0644 to 0600" in lines
    assert (mode(folder), mode(database), mode(backups / "daily.tar")) == (0o700, 0o600, 0o600)


def test_private_files_are_created_private_whatever_the_umask(tmp_path: Path) -> None:
    folder = tmp_path / "a" / "b"
    make_private_dir(folder)
    assert mode(folder) == 0o700
    assert create_private_file(folder / "key", "secret")
    assert mode(folder / "key") == 0o600
    assert not create_private_file(folder / "key", "other")
    assert (folder / "key").read_text() == "secret"


def test_tightening_only_takes_permissions_away(tmp_path: Path) -> None:
    database = tmp_path / "haven.sqlite3"
    database.write_text("")
    database.chmod(0o400)
    (tmp_path / "secret_key").write_text("k")
    (tmp_path / "secret_key").chmod(0o640)
    tmp_path.chmod(0o700)
    changes = tighten_data_dir(
        tmp_path, database=database, secret_key=tmp_path / "secret_key", backups=tmp_path / "no"
    )
    assert changes == [f"tightened {tmp_path / 'secret_key'} from 0640 to 0600"]
    assert mode(database) == 0o400
    assert (
        tighten_data_dir(
            tmp_path, database=database, secret_key=tmp_path / "secret_key", backups=tmp_path / "no"
        )
        == []
    )


def test_init_refuses_a_weak_commander_password(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HAVEN_ADMIN_PASSWORD", "commander1")
    with pytest.raises(CommandError) as error:
        call_command("init", "--username", "commander", stdout=StringIO())
    assert error.value.returncode == 2
    assert str(error.value).startswith("the password is refused: ")
    assert "too similar to the username" in str(error.value)
    assert not User.objects.exists()
