"""Backups: a round trip gives back every table row for row, timestamps to the microsecond;
a damaged, wrongly decrypted or misplaced restore is refused with one line."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import shutil
import sqlite3
import stat
import tarfile
import uuid
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from haven.audit import backup
from haven.audit.backup import BackupError, create_backup, restore_backup
from haven.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
ON_POSTGRES = bool(os.environ.get("HAVEN_TEST_DATABASE_URL"))


@pytest.fixture
def camp(users: dict[str, Any], settings: Any) -> dict[str, Any]:
    """A little of everything: people, a store with stock, audit events, an upload."""
    from haven.people.services import change_status, register_person
    from haven.stock import services as stock
    from haven.stock.models import Item

    person = register_person(by=users["clerk"], full_name="Amal Haddad", notes="x" * 300)
    change_status(by=users["clerk"], person=person, status="injured", reason="shrapnel")
    store = stock.create_store(by=users["quartermaster"], name="Mill cache", location="mill")
    item = Item.objects.create(code="water", name="Water", unit="l")
    stock.receive(
        by=users["quartermaster"], item=item, store=store, quantity="12.5", source="donation"
    )
    uploads = Path(settings.MEDIA_ROOT)
    (uploads / "photos").mkdir(parents=True)
    (uploads / "photos" / "amal.jpg").write_bytes(os.urandom(2000))
    return {"person": person}


@pytest.fixture
def small(tmp_path: Path, settings: Any) -> dict[str, Any]:
    """A little SQLite database of its own and an upload: what the refusals are tried on,
    whichever database the test run uses."""
    path = tmp_path / "small.sqlite3"
    with closing(sqlite3.connect(path)) as db:
        db.execute("CREATE TABLE note (id INTEGER PRIMARY KEY, at TEXT, text TEXT)")
        db.executemany(
            "INSERT INTO note (at, text) VALUES (?, ?)",
            [("2026-11-30 09:16:02.123456", f"note {i}") for i in range(50)],
        )
        db.commit()
    uploads = tmp_path / "small-uploads"
    uploads.mkdir()
    (uploads / "amal.jpg").write_bytes(os.urandom(2000))
    return {
        "database": {"ENGINE": "django.db.backends.sqlite3", "NAME": path},
        "media_root": uploads,
    }


def _sqlite_rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    with closing(sqlite3.connect(path)) as db:
        names = [
            row[0]
            for row in db.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {
            name: db.execute(f'SELECT * FROM "{name}" ORDER BY rowid').fetchall() for name in names
        }


def _empty_folder(tmp_path: Path) -> tuple[Path, dict[str, Any], Path]:
    folder = tmp_path / "restored"
    folder.mkdir()
    return (
        folder,
        {"ENGINE": "django.db.backends.sqlite3", "NAME": folder / "haven.sqlite3"},
        (folder / "uploads"),
    )


@pytest.mark.skipif(ON_POSTGRES, reason="the SQLite round trip (PostgreSQL has its own)")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("passphrase", [None, b"correct horse battery staple"])
def test_sqlite_round_trip_gives_back_every_table_to_the_microsecond(
    camp: dict[str, Any], tmp_path: Path, settings: Any, passphrase: bytes | None
) -> None:
    made = create_backup(output=tmp_path / "camp.haven-backup", passphrase=passphrase)
    assert stat.S_IMODE(made.path.stat().st_mode) == 0o600
    assert made.encrypted == bool(passphrase) and made.tables["people_person"] == 1
    folder, database, uploads = _empty_folder(tmp_path)
    restored = restore_backup(
        made.path, passphrase=passphrase, data_dir=folder, database=database, media_root=uploads
    )
    before = _sqlite_rows(Path(connection.settings_dict["NAME"]))
    after = _sqlite_rows(database["NAME"])
    assert set(after) == set(before) and after == before
    assert restored.tables == {name: len(rows) for name, rows in before.items()}
    assert stat.S_IMODE(Path(database["NAME"]).stat().st_mode) == 0o600
    stamps = [row[2] for row in after["audit_auditevent"]]
    assert any(not stamp.endswith(".000000") and "." in stamp for stamp in stamps)
    original = Path(settings.MEDIA_ROOT) / "photos" / "amal.jpg"
    assert (uploads / "photos" / "amal.jpg").read_bytes() == original.read_bytes()


def test_the_manifest_lists_the_files_and_anchors_the_audit_chain(
    small: dict[str, Any], tmp_path: Path
) -> None:
    from haven.audit.log import append

    last = append(kind="write", action="test.before_backup")
    made = create_backup(output=tmp_path / "camp.haven-backup", **small)
    manifest = _manifest(made.path)
    recorded = AuditEvent.objects.get(seq=last.seq + 1)
    assert (recorded.action, recorded.summary) == ("read.export", {"backup": "camp.haven-backup"})
    assert manifest["audit_head"] == {"seq": recorded.seq, "hash": recorded.hash}
    assert manifest["database"] == "sqlite" and manifest["format_version"] == 1
    assert manifest["tables"] == {"note": 50}
    assert {entry["name"] for entry in manifest["files"]} == {"haven.sqlite3", "uploads/amal.jpg"}
    folder, database, uploads = _empty_folder(tmp_path)
    database["NAME"].touch(mode=0o600)  # as the settings make it: an empty file is no data
    restore_backup(made.path, data_dir=folder, database=database, media_root=uploads)
    assert _sqlite_rows(database["NAME"]) == _sqlite_rows(small["database"]["NAME"])


def _manifest(path: Path) -> dict[str, Any]:
    with tarfile.open(path) as tar:
        stream = tar.extractfile("manifest.json")
        assert stream is not None
        loaded: dict[str, Any] = json.loads(stream.read())
        return loaded


def test_a_restore_over_existing_data_is_refused_naming_the_folder(
    tmp_path: Path, settings: Any
) -> None:
    made = create_backup(output=tmp_path / "camp.haven-backup")
    with pytest.raises(CommandError) as refused:
        call_command("restore", str(made.path))
    assert refused.value.returncode == 2
    assert "not empty" in str(refused.value)
    if connection.vendor == "sqlite":
        assert str(settings.DATA_DIR) in str(refused.value)


def test_a_damaged_file_is_refused(small: dict[str, Any], tmp_path: Path) -> None:
    made = create_backup(output=tmp_path / "camp.haven-backup", **small)
    data = bytearray(made.path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged = tmp_path / "damaged.haven-backup"
    damaged.write_bytes(bytes(data))
    folder, database, uploads = _empty_folder(tmp_path)
    with pytest.raises(BackupError, match="damaged"):
        restore_backup(damaged, data_dir=folder, database=database, media_root=uploads)
    assert not Path(database["NAME"]).exists()


def test_a_file_swapped_inside_the_archive_fails_its_checksum(
    small: dict[str, Any], tmp_path: Path
) -> None:
    made = create_backup(output=tmp_path / "camp.haven-backup", **small)
    forged = tmp_path / "forged.haven-backup"
    with tarfile.open(made.path) as source, tarfile.open(forged, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()  # type: ignore[union-attr]
            if member.name.startswith("uploads/"):
                data = b"not the photo" + data[13:]
            target.addfile(member, io.BytesIO(data))
    folder, database, uploads = _empty_folder(tmp_path)
    with pytest.raises(BackupError, match="does not match its checksum"):
        restore_backup(forged, data_dir=folder, database=database, media_root=uploads)


def test_a_wrong_or_missing_passphrase_is_refused(small: dict[str, Any], tmp_path: Path) -> None:
    made = create_backup(output=tmp_path / "camp.haven-backup", passphrase=b"right", **small)
    assert made.path.read_bytes().startswith(backup.MAGIC)
    folder, database, uploads = _empty_folder(tmp_path)
    where: dict[str, Any] = {"data_dir": folder, "database": database, "media_root": uploads}
    with pytest.raises(BackupError, match="wrong passphrase"):
        restore_backup(made.path, passphrase=b"wrong", **where)
    with pytest.raises(BackupError, match="is encrypted"):
        restore_backup(made.path, **where)
    data = bytearray(made.path.read_bytes())
    data[-40] ^= 0x01
    (tmp_path / "flipped").write_bytes(bytes(data))
    with pytest.raises(BackupError, match="wrong passphrase, or the file was damaged"):
        restore_backup(tmp_path / "flipped", passphrase=b"right", **where)
    assert not Path(database["NAME"]).exists()


def test_the_backup_command_writes_a_private_file(
    users: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = tmp_path / "passphrase"
    secret.write_text("a long passphrase\n")
    target = tmp_path / "out.haven-backup"
    call_command("backup", "-o", str(target), "--passphrase-file", str(secret))
    out = capsys.readouterr().out
    assert str(target) in out and "encrypted" in out and "rows" in out
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", "-o", str(target))
    (tmp_path / "empty").write_text("")
    with pytest.raises(CommandError, match="is empty"):
        call_command("backup", "--passphrase-file", str(tmp_path / "empty"))


def test_daily_backups_keep_the_newest_n(users: dict[str, Any], tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    daily = backup.DailyBackups(folder=folder, keep=2)
    start = dt.datetime(2026, 11, 30, 6, tzinfo=dt.UTC)
    first = daily.tick(start)
    assert first is not None and stat.S_IMODE(first.stat().st_mode) == 0o600
    os.utime(first, (start.timestamp(), start.timestamp()))
    assert daily.tick(start + dt.timedelta(hours=5)) is None
    for day in (1, 2, 3):
        moment = start + dt.timedelta(days=day)
        made = daily.tick(moment)
        assert made is not None
        os.utime(made, (moment.timestamp(), moment.timestamp()))
    kept = backup.backups_in(folder)
    assert len(kept) == 2 and kept[-1].name.startswith("haven-20261203T06")
    with pytest.raises(BackupError, match="HAVEN_BACKUP_KEEP"):
        backup.DailyBackups(folder=folder, keep=0)
    assert backup.backup_keep(" 3 ") == 3
    for bad in ("-1", "seven", "2.5", ""):
        with pytest.raises(BackupError, match=f"HAVEN_BACKUP_KEEP={bad.strip()!r}"):
            backup.backup_keep(bad)


@pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL: set HAVEN_TEST_DATABASE_URL")
@pytest.mark.skipif(
    shutil.which("pg_dump") is None or shutil.which("pg_restore") is None,
    reason="pg_dump/pg_restore are not installed: apt-get install postgresql-client",
)
@pytest.mark.django_db(transaction=True)
def test_postgresql_round_trip_gives_back_every_table(
    camp: dict[str, Any], tmp_path: Path, postgres_only: None
) -> None:
    import psycopg

    source = dict(connection.settings_dict)
    made = create_backup(output=tmp_path / "camp.haven-backup", passphrase=b"pw")
    name = f"haven_restore_{uuid.uuid4().hex[:8]}"
    options = {
        key: value
        for key, value in {
            "host": source.get("HOST"),
            "port": source.get("PORT"),
            "user": source.get("USER"),
            "password": source.get("PASSWORD"),
        }.items()
        if value
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **options) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        target = {**source, "NAME": name}
        folder = tmp_path / "restored"
        folder.mkdir()
        restore_backup(
            made.path, passphrase=b"pw", data_dir=folder, database=target, media_root=folder / "u"
        )
        with (
            psycopg.connect(dbname=source["NAME"], **options) as before,
            psycopg.connect(dbname=name, **options) as after,
        ):
            tables = [
                row[0]
                for row in before.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname='public' ORDER BY 1"
                )
            ]
            for table in tables:
                query = f'SELECT * FROM "{table}" ORDER BY 1'
                assert after.execute(query).fetchall() == before.execute(query).fetchall(), table
        with pytest.raises(BackupError, match="is not empty"):
            restore_backup(
                made.path, passphrase=b"pw", data_dir=folder, database=target, media_root=folder
            )
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **options) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
