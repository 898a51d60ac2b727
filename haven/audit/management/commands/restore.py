from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from haven.audit.backup import read_passphrase, restore_backup
from haven.core.commands import HavenCommand


class Command(HavenCommand):
    # The database it restores into must not exist yet.
    requires_database = False
    help = (
        "Restore a backup into an EMPTY data folder (or empty PostgreSQL database), after "
        "checking every file's checksum."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the backup file")
        parser.add_argument("--passphrase-file", help="the passphrase it was encrypted with")
        parser.add_argument("--data-dir", help="the data folder (also HAVEN_DATA_DIR)")

    def handle(self, *args: Any, **options: Any) -> None:
        passphrase = (
            read_passphrase(options["passphrase_file"]) if options["passphrase_file"] else None
        )
        result = restore_backup(Path(options["file"]), passphrase=passphrase)
        rows = sum(result.tables.values())
        self.stdout.write(
            f"restored the backup of {result.created_at}: {result.database}, "
            f"{len(result.tables)} tables, {rows:,} rows, {result.files} uploaded files, "
            f"{result.seconds:.2f} s. Start the server with: haven serve"
        )
