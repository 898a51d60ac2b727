"""Private files: the data folder is 0700, the database, its WAL, the secret key and backups
0600 — readable by the account that runs Haven and no other on a shared laptop.

This module imports nothing from Django: the settings use it before Django is set up.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
# SQLite gives the -wal and -shm files the mode of the database file, so a database made
# private keeps its journal private too.
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


@contextmanager
def private_umask() -> Iterator[None]:
    """Whatever is created inside is readable by this account only."""
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)


def make_private_dir(path: Path) -> None:
    """Create a folder (and its missing parents) as 0700; an existing one is left as it is."""
    with private_umask():
        path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)


def create_private_file(path: Path, content: str = "") -> bool:
    """Create a file as 0600 holding `content`; False (and nothing written) if it exists."""
    with private_umask():
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
        except FileExistsError:
            return False
    with os.fdopen(descriptor, "w") as file:
        file.write(content)
    return True


def sqlite_files(database: Path) -> list[Path]:
    """The database file and the journal files SQLite keeps beside it."""
    return [database, *(database.with_name(database.name + end) for end in SQLITE_COMPANIONS)]


def tighten(path: Path, mode: int) -> str | None:
    """Take every permission beyond `mode` away from an existing file or folder; say so."""
    try:
        current = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return None
    if current & ~mode == 0:
        return None
    path.chmod(current & mode)
    return f"tightened {path} from {current:04o} to {current & mode:04o}"


def tighten_data_dir(
    data_dir: Path, *, database: Path | None, secret_key: Path, backups: Path
) -> list[str]:
    """Make existing private files private: one line for each file or folder changed."""
    changes = [tighten(data_dir, PRIVATE_DIR), tighten(secret_key, PRIVATE_FILE)]
    if database is not None:
        changes += [tighten(path, PRIVATE_FILE) for path in sqlite_files(database)]
    if backups.is_dir():
        changes.append(tighten(backups, PRIVATE_DIR))
        for path in sorted(backups.rglob("*")):
            changes.append(tighten(path, PRIVATE_DIR if path.is_dir() else PRIVATE_FILE))
    return [change for change in changes if change]
