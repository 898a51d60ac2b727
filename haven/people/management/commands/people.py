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
from haven.core.limits import as_id
from haven.core.signals import report_export
from haven.people import duplicates, importing, merging, services
from haven.people.models import Person


def _person(text: str) -> Person:
    number = as_id(text)
    if number is None:
        raise HavenError(f"{text!r} is not a person's id (write it as 123 or #123)")
    return services.get_person(number)


class Command(HavenCommand):
    help = (
        "The people registry: `import FILE.csv`, `export [--format csv|json]`, `search WORDS`, "
        "`merge A B`, `unmerge B`."
    )

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

        find = actions.add_parser(
            "search", help="find people by name (forgives typos, spellings and scripts) or id"
        )
        find.add_argument("words", nargs="+", help="name words, an id or a record id")
        find.add_argument("--limit", type=int, default=20, help="rows to show (default 20)")
        join = actions.add_parser(
            "merge", help="merge a duplicate record B into record A (both histories kept)"
        )
        join.add_argument("kept", help="id of the record kept (123 or #123)")
        join.add_argument("merged", help="id of the duplicate merged into it")
        join.add_argument("--reason", default="", help="why they are one person")
        split = actions.add_parser("unmerge", help="undo the merge of a record into another")
        split.add_argument("merged", help="id of the record merged earlier")
        load.add_argument(
            "--check-duplicates",
            action="store_true",
            help="list rows that may be people already registered, and import nothing",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "import" and options["check_duplicates"]:
            self._check(Path(options["file"]))
        elif options["action"] == "import":
            self._import(Path(options["file"]), options["skip_invalid"])
        elif options["action"] == "merge":
            merge = merging.merge_people(
                by=None,
                kept=_person(options["kept"]),
                merged=_person(options["merged"]),
                reason=options["reason"],
            )
            moved = sum(len(ids) for ids in merge.moved.values())
            self.stdout.write(
                f"merged #{merge.merged_id} into #{merge.kept_id}: {moved} row(s) of its "
                f"history moved (undo: haven people unmerge {merge.merged_id})"
            )
        elif options["action"] == "unmerge":
            merge = merging.unmerge_people(by=None, merged=_person(options["merged"]))
            self.stdout.write(f"#{merge.merged_id} is no longer merged into #{merge.kept_id}")
        elif options["action"] == "search":
            self._search(" ".join(options["words"]), options["limit"])
        else:
            self._export(options["format"], options["output"])

    def _check(self, path: Path) -> None:
        if not path.is_file():
            raise HavenError(f"no such file: {path}")
        with path.open("rb") as stream:
            warnings = list(duplicates.import_warnings(stream))
        for warning in warnings:
            self.stdout.write(str(warning))
        self.stderr.write(
            f"{len(warnings)} row(s) may be people already registered; nothing imported"
        )

    def _search(self, query: str, limit: int) -> None:
        if not 1 <= limit <= 1000:
            raise HavenError(f"limit {limit} is not between 1 and 1000")
        found = list(Person.objects.search(query)[:limit])
        for person in found:
            born = person.date_of_birth.year if person.date_of_birth else "?"
            self.stdout.write(
                f"{person.display_id}\t{person.full_name}\tborn {born}\t{person.status}"
            )
        if not found:
            self.stderr.write(f"nobody found for {query!r}")

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
