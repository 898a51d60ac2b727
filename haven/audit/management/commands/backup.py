from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from haven.audit.backup import create_backup, read_passphrase
from haven.core.commands import HavenCommand


class Command(HavenCommand):
    help = (
        "Back up the database and uploads into one file (while the server runs): a manifest "
        "with SHA-256 checksums, encrypted with AES-256-GCM when a passphrase file is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "-o", "--output", help="the file to write (default: backups/ in the data folder)"
        )
        parser.add_argument("--passphrase-file", help="encrypt with the passphrase in this file")
        parser.add_argument("--data-dir", help="the data folder (also HAVEN_DATA_DIR)")

    def handle(self, *args: Any, **options: Any) -> None:
        passphrase = (
            read_passphrase(options["passphrase_file"]) if options["passphrase_file"] else None
        )
        output = Path(options["output"]) if options["output"] else None
        result = create_backup(output=output, passphrase=passphrase)
        sealed = "encrypted" if result.encrypted else "not encrypted"
        self.stdout.write(
            f"{result.path}: {result.database}, {len(result.tables)} tables, {result.rows:,} rows, "
            f"{result.size:,} bytes, {sealed}, {result.seconds:.2f} s"
        )
