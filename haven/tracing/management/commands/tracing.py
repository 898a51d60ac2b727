from __future__ import annotations

import io
import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils import timezone

from haven.core.commands import HavenCommand
from haven.core.errors import HavenError
from haven.tracing import files

DEFAULT_THRESHOLD = 0.9


def _probability(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise HavenError(f"threshold {text!r} is not a number between 0 and 1") from None


class Command(HavenCommand):
    help = "Tracing: `match RECORDS.csv -o PAIRS.csv` finds the people listed twice (no database)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = self.add_subcommands(parser)
        match = actions.add_parser(
            "match",
            help="pairs of rows of a people CSV that are one person (works without a database)",
            description=(
                "Reads the people-import columns (id, given_name, family_name, full_name, "
                "alternate_names, sex, date_of_birth, age, phone; any subset, a name column "
                "needed) and writes id_a,id_b,score for each pair judged to be one person. "
                "Rows without an id are named by their line number."
            ),
        )
        match.add_argument("file", help="CSV with a header line")
        match.add_argument("--output", "-o", help="CSV to write (default: standard output)")
        match.add_argument(
            "--threshold",
            default=str(DEFAULT_THRESHOLD),
            help=f"match probability a pair needs (0–1, default {DEFAULT_THRESHOLD})",
        )

    def execute(self, *args: Any, **options: Any) -> str | None:
        # File mode reads and writes files only: it must run where no database is set up.
        self.requires_database = options.get("action") != "match"
        return super().execute(*args, **options)

    def handle(self, *args: Any, **options: Any) -> None:
        self._match(Path(options["file"]), options["output"], _probability(options["threshold"]))

    def _match(self, path: Path, output: str | None, threshold: float) -> None:
        if not path.is_file():
            raise HavenError(f"no such file: {path}")
        today = timezone.localdate()
        with path.open("rb") as stream:
            records = files.read_records(stream, today=today)
        result = files.match_records(records, threshold=threshold, today=today)
        if output is None or output == "-":
            buffer = io.StringIO()
            files.write_pairs(result.pairs, buffer)
            self.stdout.write(buffer.getvalue(), ending="")
            return
        target = Path(output)
        if not target.parent.is_dir():
            raise HavenError(f"no such folder for the output: {target.parent}")
        # Written beside the target and renamed, so a failure leaves no half-written file.
        handle, temporary = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
        )
        try:
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
                count = files.write_pairs(result.pairs, stream)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        self.stdout.write(
            f"{count} pair(s) judged one person among {result.records} records, written to {target}"
        )
