from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from haven.core.commands import HavenCommand
from haven.core.errors import HavenError
from haven.core.signals import report_export
from haven.people import importing
from haven.people.models import Person


class Command(HavenCommand):
    help = "The people registry: `import FILE.csv`, `export [--format csv|json]`."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = self.add_subcommands(parser)
        load = actions.add_parser("import", help="import people from a CSV file")
        load.add_argument("file", help="CSV with a header line (full_name, sex, …)")
        load.add_argument(
            "--skip-invalid", action="store_true", help="import the good rows, list the bad"
        )
        dump = actions.add_parser("export", help="export the registry")
        dump.add_argument("--format", choices=["csv", "json"], default="csv")
        dump.add_argument("--output", "-o", help="file to write (default: standard output)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "import":
            self._import(Path(options["file"]), options["skip_invalid"])
        else:
            self._export(options["format"], options["output"])

    def _import(self, path: Path, skip_invalid: bool) -> None:
        if not path.is_file():
            raise HavenError(_("no such file: %(path)s") % {"path": path})
        with path.open("rb") as counted:  # for the progress bar only; any encoding
            total = max(
                sum(chunk.count(b"\n") for chunk in iter(lambda: counted.read(1 << 20), b"")) - 1, 0
            )
        progress = Progress(
            TextColumn("importing"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            disable=not sys.stderr.isatty(),
            transient=True,
        )
        with progress, path.open("rb") as stream:
            task = progress.add_task("import", total=total)
            result = importing.import_people(
                by=None,
                stream=stream,
                skip_invalid=skip_invalid,
                progress=lambda done: progress.update(task, completed=done),
            )
        for error in result.errors:
            self.stderr.write(f"skipped {error}")
        self.stdout.write(
            self.style.SUCCESS(f"imported {result.imported} people from {path}")
            + (f"; skipped {result.skipped} bad row(s)" if result.skipped else "")
        )

    def _export(self, fmt: str, output: str | None) -> None:
        out = open(output, "w", encoding="utf-8", newline="") if output else sys.stdout  # noqa: SIM115
        try:
            people = importing.export_queryset()
            if fmt == "csv":
                count = importing.export_csv(people, out)
            else:
                rows = list(importing.export_rows(people))
                json.dump(rows, out, ensure_ascii=False, indent=1, default=str)
                out.write("\n")
                count = len(rows)
        finally:
            if output:
                out.close()
        report_export(user=None, model="people.person", rows=count, channel="cli", kind=fmt)
        if output:
            self.stdout.write(f"exported {count} of {Person.objects.count()} people to {output}")
