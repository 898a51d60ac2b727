"""Backups: one file holding the database and the uploads, with a manifest (format, Haven's
version, time, database kind, the files with their SHA-256 and the rows of each table).

SQLite is copied with its online backup API, so a backup is consistent while the server
runs and writes; PostgreSQL with `pg_dump --format=custom`. The file is a gzip'd tar, or,
given a passphrase, that tar encrypted with AES-256-GCM under a key derived by scrypt (the
random salt and nonce in a header the tag also authenticates). A restore goes only into an
empty data folder (or an empty PostgreSQL database) and checks every checksum first.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import logging
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import threading
import time
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from django.conf import settings

import haven
from haven.core.errors import HavenError
from haven.core.signals import sensitive_read

FORMAT = "haven-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "haven.sqlite3"
POSTGRES_FILE = "database.pgdump"
UPLOADS = "uploads"
SUFFIX = ".haven-backup"
MAGIC = b"HAVEN-BACKUP-ENCRYPTED-1\n"
SALT_BYTES = 16
NONCE_BYTES = 12
TAG_BYTES = 16
KEY_BYTES = 32  # AES-256
# scrypt at 2^15 × 8 takes ~32 MB and a tenth of a second: cheap for one backup, dear for
# someone guessing passphrases.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
CHUNK = 1 << 20
PRIVATE = 0o600

log = logging.getLogger("haven.backup")


class BackupError(HavenError):
    """A backup that cannot be made or restored; the message names the file or folder."""


@dataclass
class BackupResult:
    """What a backup wrote: where, how big, how long it took, and the rows it holds."""

    path: Path
    size: int
    seconds: float
    database: str
    encrypted: bool
    tables: dict[str, int] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


@dataclass
class RestoreResult:
    database: str
    tables: dict[str, int]
    files: int
    seconds: float
    created_at: str


# --- files --------------------------------------------------------------------------------


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def open_private(path: Path) -> IO[bytes]:
    """A new file readable by its owner only, whatever the umask."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE)
    os.fchmod(descriptor, PRIVATE)
    return os.fdopen(descriptor, "wb")


def read_passphrase(path: str | Path) -> bytes:
    """The passphrase in a file (its last line break dropped); an empty one is refused."""
    try:
        text = Path(path).read_bytes().rstrip(b"\r\n")
    except OSError as error:
        raise BackupError(f"cannot read the passphrase file {path}: {error.strerror}") from error
    if not text:
        raise BackupError(f"the passphrase file {path} is empty")
    return text


def default_name(now: dt.datetime | None = None) -> str:
    moment = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    return f"haven-{moment:%Y%m%dT%H%M%S%fZ}{SUFFIX}"


# --- encryption -------------------------------------------------------------------------


def _key(passphrase: bytes, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=KEY_BYTES, n=n, r=r, p=p).derive(passphrase)


def encrypt(source: Path, target: IO[bytes], passphrase: bytes) -> None:
    """Write MAGIC, a length-prefixed JSON header, the ciphertext and the GCM tag."""
    salt, nonce = os.urandom(SALT_BYTES), os.urandom(NONCE_BYTES)
    header = json.dumps(
        {
            "cipher": "AES-256-GCM",
            "kdf": "scrypt",
            "n": SCRYPT_N,
            "r": SCRYPT_R,
            "p": SCRYPT_P,
            "salt": salt.hex(),
            "nonce": nonce.hex(),
        },
        sort_keys=True,
    ).encode()
    prefix = MAGIC + len(header).to_bytes(4, "big") + header
    encryptor = Cipher(
        algorithms.AES(_key(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)), modes.GCM(nonce)
    ).encryptor()
    encryptor.authenticate_additional_data(prefix)
    target.write(prefix)
    with source.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            target.write(encryptor.update(chunk))
    target.write(encryptor.finalize())
    target.write(encryptor.tag)


def is_encrypted(path: Path) -> bool:
    with path.open("rb") as stream:
        return stream.read(len(MAGIC)) == MAGIC


def decrypt(source: Path, target: Path, passphrase: bytes) -> None:
    """Decrypt into `target`; a wrong passphrase or any changed byte is refused."""
    size = source.stat().st_size
    with source.open("rb") as stream:
        stream.read(len(MAGIC))
        try:
            length = int.from_bytes(stream.read(4), "big")
            header_bytes = stream.read(length)
            header = json.loads(header_bytes)
            salt, nonce = bytes.fromhex(header["salt"]), bytes.fromhex(header["nonce"])
            n, r, p = int(header["n"]), int(header["r"]), int(header["p"])
            if header.get("cipher") != "AES-256-GCM" or not (2 <= n <= 2**20 and r <= 32):
                raise ValueError(header.get("cipher"))
        except (ValueError, KeyError, TypeError) as error:
            raise BackupError(
                f"{source} is damaged: its encryption header is unreadable"
            ) from error
        prefix = MAGIC + length.to_bytes(4, "big") + header_bytes
        remaining = size - len(prefix) - TAG_BYTES
        if remaining < 0:
            raise BackupError(f"{source} is damaged: it is cut short")
        stream.seek(size - TAG_BYTES)
        tag = stream.read(TAG_BYTES)
        stream.seek(len(prefix))
        decryptor = Cipher(
            algorithms.AES(_key(passphrase, salt, n, r, p)), modes.GCM(nonce, tag)
        ).decryptor()
        decryptor.authenticate_additional_data(prefix)
        with target.open("wb") as out:
            while remaining > 0:
                chunk = stream.read(min(CHUNK, remaining))
                if not chunk:
                    break
                remaining -= len(chunk)
                out.write(decryptor.update(chunk))
            try:
                out.write(decryptor.finalize())
            except InvalidTag as error:
                raise BackupError(
                    f"cannot decrypt {source}: wrong passphrase, or the file was damaged"
                ) from error


# --- the database -----------------------------------------------------------------------


def database_kind(database: dict[str, Any]) -> str:
    engine = str(database["ENGINE"])
    if "sqlite" in engine:
        return "sqlite"
    if "postgresql" in engine:
        return "postgresql"
    raise BackupError(f"cannot back up a database of engine {engine}")


def _sqlite_tables(path: Path) -> dict[str, int]:
    with closing(sqlite3.connect(path)) as db:
        names = [
            row[0]
            for row in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        return {name: db.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}


def snapshot_sqlite(source: Path, target: Path) -> None:
    """A consistent copy of a live SQLite database (writers may go on meanwhile)."""
    if not source.exists():
        raise BackupError(f"no database at {source}: nothing to back up (run `haven init`)")
    with (
        closing(sqlite3.connect(source, timeout=30)) as live,
        closing(sqlite3.connect(target)) as copy,
    ):
        live.backup(copy)
    target.chmod(PRIVATE)


def _pg_env(database: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if database.get(key):
            args += [flag, str(database[key])]
    env = dict(os.environ)
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = str(database["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed: it is needed to {what}")
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["failed"])[-1]
        raise BackupError(f"{command[0]} could not {what}: {last}")


def dump_postgres(database: dict[str, Any], target: Path) -> None:
    args, env = _pg_env(database)
    command = ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", *args]
    _run([*command, "--file", str(target), str(database["NAME"])], env, "dump the database")
    target.chmod(PRIVATE)


def _postgres_tables(database: dict[str, Any]) -> dict[str, int]:
    import psycopg

    options = {"dbname": database["NAME"], "user": database.get("USER") or None}
    options |= {"host": database.get("HOST") or None, "port": database.get("PORT") or None}
    options |= {"password": database.get("PASSWORD") or None}
    with psycopg.connect(**{k: v for k, v in options.items() if v is not None}) as db:
        names = [
            row[0]
            for row in db.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        counts = {}
        for name in names:
            found = db.execute(f'SELECT count(*) FROM "{name}"').fetchone()
            counts[name] = int(found[0]) if found else 0
        return counts


def table_counts(database: dict[str, Any]) -> dict[str, int]:
    """Rows in each table of a database (SQLite file or PostgreSQL)."""
    if database_kind(database) == "sqlite":
        path = Path(database["NAME"])
        return _sqlite_tables(path) if path.exists() else {}
    return _postgres_tables(database)


# --- backing up -------------------------------------------------------------------------


def _upload_files(media_root: Path) -> list[Path]:
    if not media_root.is_dir():
        return []
    return sorted(path for path in media_root.rglob("*") if path.is_file())


def create_backup(
    *,
    output: Path | None = None,
    passphrase: bytes | None = None,
    database: dict[str, Any] | None = None,
    media_root: Path | None = None,
) -> BackupResult:
    """Write one backup file (by default into the data folder's backups/), mode 0600."""
    started = time.perf_counter()
    database = database or settings.DATABASES["default"]
    media_root = Path(media_root or settings.MEDIA_ROOT)
    kind = database_kind(database)
    target = Path(output) if output else Path(settings.BACKUP_DIR) / default_name()
    target = target.expanduser().resolve()
    if target.exists():
        raise BackupError(f"{target} already exists: choose another file")
    if not target.parent.is_dir():
        if output is not None:
            raise BackupError(f"no folder {target.parent} to write the backup into")
        target.parent.mkdir(parents=True, mode=0o700)
    # A backup carries everything: it is recorded as an export before it is taken (so the
    # backup holds its own record).
    sensitive_read.send(
        sender=BackupResult, user=None, group="export", model="", pks=[], backup=target.name
    )
    with tempfile.TemporaryDirectory(prefix=".haven-backup-", dir=target.parent) as work:
        folder = Path(work)
        if kind == "sqlite":
            db_file = folder / SQLITE_FILE
            snapshot_sqlite(Path(database["NAME"]), db_file)
            tables = _sqlite_tables(db_file)
        else:
            db_file = folder / POSTGRES_FILE
            dump_postgres(database, db_file)
            tables = _postgres_tables(database)
        members = [(db_file.name, db_file)] + [
            (f"{UPLOADS}/{path.relative_to(media_root).as_posix()}", path)
            for path in _upload_files(media_root)
        ]
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "haven_version": haven.__version__,
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="microseconds"),
            "database": kind,
            "files": [
                {"name": name, "size": path.stat().st_size, "sha256": sha256_of(path)}
                for name, path in members
            ],
            "tables": tables,
            "audit_head": _audit_head(),
        }
        plain = folder / "backup.tar.gz"
        with (
            open_private(plain) as raw,
            tarfile.open(fileobj=raw, mode="w:gz", compresslevel=3) as tar,
        ):
            data = json.dumps(manifest, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mode, info.mtime = len(data), PRIVATE, int(time.time())
            tar.addfile(info, io.BytesIO(data))
            for name, path in members:
                tar.add(path, arcname=name, recursive=False, filter=_private_member)
        if passphrase:
            with open_private(target) as out:
                encrypt(plain, out, passphrase)
        else:
            os.replace(plain, target)
            target.chmod(PRIVATE)
    return BackupResult(
        path=target,
        size=target.stat().st_size,
        seconds=time.perf_counter() - started,
        database=kind,
        encrypted=bool(passphrase),
        tables=tables,
    )


def _private_member(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.mode, info.uid, info.gid, info.uname, info.gname = PRIVATE, 0, 0, "", ""
    return info


def _audit_head() -> dict[str, Any]:
    from haven.audit.log import head

    try:
        last = head()
    except Exception:  # a database not yet migrated has no audit log to anchor
        return {}
    return {"seq": last.seq, "hash": last.hash}


# --- restoring --------------------------------------------------------------------------


def _safe_name(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and bool(path.parts)


def ensure_empty(data_dir: Path, database: dict[str, Any], media_root: Path) -> None:
    """Refuse to restore over anything: the database must not exist (or have no tables)
    and the uploads folder must be empty."""
    kind = database_kind(database)
    if kind == "sqlite":
        db_path = Path(database["NAME"])
        # The settings make an empty private database file up front: empty means no tables.
        present = [db_path.name] if db_path.exists() and _sqlite_tables(db_path) else []
        wal = Path(f"{db_path}-wal")
        if wal.exists() and wal.stat().st_size:
            present.append(wal.name)
        if present:
            raise BackupError(
                f"the data folder {data_dir} is not empty (it holds {', '.join(present)}): "
                "restore only into an empty data folder"
            )
    elif tables := _postgres_tables(database):
        raise BackupError(
            f"the database {database['NAME']} is not empty ({len(tables)} tables): "
            "restore only into an empty database"
        )
    if _upload_files(media_root):
        raise BackupError(
            f"the data folder {data_dir} is not empty (it holds files in {media_root}): "
            "restore only into an empty data folder"
        )


def _read_manifest(tar: tarfile.TarFile, source: Path) -> dict[str, Any]:
    try:
        member = tar.getmember(MANIFEST)
        stream = tar.extractfile(member)
        manifest: dict[str, Any] = json.loads(stream.read() if stream else b"")
    except (KeyError, ValueError) as error:
        raise BackupError(f"{source} is not a Haven backup: it has no readable manifest") from error
    if manifest.get("format") != FORMAT or not isinstance(manifest.get("files"), list):
        raise BackupError(f"{source} is not a Haven backup (format {manifest.get('format')!r})")
    if int(manifest.get("format_version", 0)) > FORMAT_VERSION:
        raise BackupError(
            f"{source} was written by a newer Haven (backup format "
            f"{manifest['format_version']}): upgrade Haven to restore it"
        )
    return manifest


def _extract_checked(
    tar: tarfile.TarFile, manifest: dict[str, Any], source: Path, into: Path
) -> None:
    """Extract every listed file, checking its size and SHA-256; anything else is refused."""
    listed = {entry["name"]: entry for entry in manifest["files"]}
    names = [member.name for member in tar.getmembers() if member.name != MANIFEST]
    if unknown := sorted(set(names) - set(listed)):
        raise BackupError(f"{source} is damaged: {unknown[0]} is not in its manifest")
    if missing := sorted(set(listed) - set(names)):
        raise BackupError(f"{source} is damaged: {missing[0]} is missing")
    for name, entry in listed.items():
        if not _safe_name(name):
            raise BackupError(f"{source} is damaged: unsafe file name {name!r}")
        member = tar.getmember(name)
        stream = tar.extractfile(member)
        if stream is None:
            raise BackupError(f"{source} is damaged: {name} is not a file")
        target = into / name
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        digest = hashlib.sha256()
        with open_private(target) as out:
            while chunk := stream.read(CHUNK):
                digest.update(chunk)
                out.write(chunk)
        if digest.hexdigest() != entry.get("sha256") or target.stat().st_size != entry.get("size"):
            raise BackupError(f"{source} is damaged: {name} does not match its checksum")


def restore_backup(
    source: Path,
    *,
    passphrase: bytes | None = None,
    data_dir: Path | None = None,
    database: dict[str, Any] | None = None,
    media_root: Path | None = None,
) -> RestoreResult:
    """Restore a backup into an empty data folder (or empty PostgreSQL database)."""
    started = time.perf_counter()
    source = Path(source).expanduser().resolve()
    data_dir = Path(data_dir or settings.DATA_DIR)
    database = database or settings.DATABASES["default"]
    media_root = Path(media_root or settings.MEDIA_ROOT)
    kind = database_kind(database)
    if not source.is_file():
        raise BackupError(f"no backup file {source}")
    ensure_empty(data_dir, database, media_root)
    with tempfile.TemporaryDirectory(prefix=".haven-restore-", dir=data_dir) as work:
        folder = Path(work)
        archive = source
        if is_encrypted(source):
            if not passphrase:
                raise BackupError(f"{source} is encrypted: give its --passphrase-file")
            archive = folder / "backup.tar.gz"
            decrypt(source, archive, passphrase)
        try:
            with tarfile.open(archive, mode="r:*") as tar:
                manifest = _read_manifest(tar, source)
                if manifest.get("database") != kind:
                    raise BackupError(
                        f"{source} holds a {manifest.get('database')} database but this data "
                        f"folder uses {kind}"
                    )
                _extract_checked(tar, manifest, source, folder / "files")
        except (tarfile.TarError, EOFError, OSError) as error:
            if isinstance(error, BackupError):
                raise
            raise BackupError(f"{source} is damaged or not a Haven backup ({error})") from error
        files = folder / "files"
        if kind == "sqlite":
            db_path = Path(database["NAME"])
            db_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            os.replace(files / SQLITE_FILE, db_path)
            db_path.chmod(PRIVATE)
        else:
            args, env = _pg_env(database)
            command = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", *args]
            dump = str(files / POSTGRES_FILE)
            _run([*command, "--dbname", str(database["NAME"]), dump], env, "restore the database")
        uploads = files / UPLOADS
        restored_files = 0
        if uploads.is_dir():
            for path in sorted(p for p in uploads.rglob("*") if p.is_file()):
                target = media_root / path.relative_to(uploads)
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(path, target)
                restored_files += 1
    return RestoreResult(
        database=kind,
        tables=dict(manifest.get("tables", {})),
        files=restored_files,
        seconds=time.perf_counter() - started,
        created_at=str(manifest.get("created_at", "")),
    )


# --- keeping the last N -------------------------------------------------------------------


def backups_in(folder: Path) -> list[Path]:
    """The backups `haven serve` made in a folder, oldest first (their names sort by time)."""
    if not folder.is_dir():
        return []
    return sorted(path for path in folder.glob(f"haven-*{SUFFIX}") if path.is_file())


def prune(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups; the deleted ones are returned."""
    found = backups_in(folder)
    doomed = found[: max(len(found) - keep, 0)]
    for path in doomed:
        path.unlink()
    return doomed


# --- the daily backups of `haven serve` ---------------------------------------------------


class DailyBackups(threading.Thread):
    """Takes a backup when the newest in the folder is a day old (checked every hour) and
    keeps the newest `keep`. A failed backup is logged and tried again at the next check."""

    def __init__(
        self,
        *,
        folder: Path,
        keep: int,
        passphrase: bytes | None = None,
        every: dt.timedelta = dt.timedelta(days=1),
        check_seconds: float = 3600.0,
    ) -> None:
        super().__init__(name="haven-daily-backups", daemon=True)
        if isinstance(keep, bool) or not isinstance(keep, int) or keep < 1:
            raise BackupError(
                f"HAVEN_BACKUP_KEEP must be a whole number of 1 or more, not {keep!r}"
            )
        self.folder, self.keep, self.passphrase = folder, keep, passphrase
        self.every, self.check_seconds = every, check_seconds
        self.stopping = threading.Event()

    def due(self, now: dt.datetime) -> bool:
        found = backups_in(self.folder)
        if not found:
            return True
        taken = dt.datetime.fromtimestamp(found[-1].stat().st_mtime, dt.UTC)
        return now - taken >= self.every

    def tick(self, now: dt.datetime | None = None) -> Path | None:
        """One check: back up if due, then prune. The new backup's path, or None."""
        now = now or dt.datetime.now(dt.UTC)
        if not self.due(now):
            return None
        try:
            self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            result = create_backup(
                output=self.folder / default_name(now), passphrase=self.passphrase
            )
            prune(self.folder, self.keep)
            log.info("daily backup %s (%s bytes)", result.path, f"{result.size:,}")
            return result.path
        except Exception:
            log.exception("the daily backup failed; it is tried again in an hour")
            return None

    def run(self) -> None:
        from django.db import connections

        while not self.stopping.is_set():
            try:
                self.tick()
            finally:
                connections.close_all()  # this thread's own connections, not the server's
            self.stopping.wait(self.check_seconds)

    def stop(self) -> None:
        self.stopping.set()


def backup_keep(value: object) -> int:
    """HAVEN_BACKUP_KEEP as a count of backups (0 turns daily backups off)."""
    text = str(value).strip()
    if not text.isdigit():
        raise BackupError(
            f"HAVEN_BACKUP_KEEP={text!r} is not a whole number of backups (0 or more)"
        )
    return int(text)


def daily_backups(say: Any) -> DailyBackups | None:
    """Start the daily backups of `haven serve` as the settings ask (none if KEEP is 0)."""
    keep = backup_keep(settings.HAVEN_BACKUP_KEEP)
    if keep == 0:
        say("Daily backups are off (HAVEN_BACKUP_KEEP=0).")
        return None
    passphrase = settings.HAVEN_BACKUP_PASSPHRASE.encode() or None
    worker = DailyBackups(folder=Path(settings.BACKUP_DIR), keep=keep, passphrase=passphrase)
    worker.start()
    sealed = "encrypted" if passphrase else "not encrypted"
    say(f"Daily backups into {settings.BACKUP_DIR}, the last {keep} kept ({sealed}).")
    return worker
