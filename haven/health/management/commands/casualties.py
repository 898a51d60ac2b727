from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from haven.core import policy
from haven.core.commands import HavenCommand
from haven.core.errors import HavenError
from haven.health import services
from haven.health.exporting import FORMATS, export_figures
from haven.health.figures import casualty_figures


class Command(HavenCommand):
    help = "The casualty register: `export [--format csv|hxl]`, `figures`, `set-population COUNT`."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = self.add_subcommands(parser)
        dump = actions.add_parser("export", help="dead, injured, missing by date, place, cause")
        dump.add_argument("--format", choices=FORMATS, default="csv")
        dump.add_argument("--output", "-o", help="file to write (default: standard output)")
        actions.add_parser("figures", help="print the totals and shares")
        population = actions.add_parser("set-population", help="set the starting population")
        population.add_argument("count", help="people here before the crisis")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "export":
            self._export(options["format"], options["output"])
        elif action == "figures":
            self._figures()
        else:
            self._set_population(options["count"])

    def _export(self, fmt: str, output: str | None) -> None:
        # The rows carry the place of each death and injury: a location read, reported.
        policy.note_read(None, None, policy.G.LOCATION, "health.figurerow", None, channel="cli")
        if output:
            with open(output, "w", encoding="utf-8", newline="") as out:
                count = export_figures(out, fmt)
            self.stdout.write(f"exported {count} rows to {output}")
        else:
            export_figures(self.stdout, fmt)  # type: ignore[arg-type]

    def _figures(self) -> None:
        figures = casualty_figures()
        base = figures.starting_population
        for label, count, share in (
            ("dead", figures.killed, figures.killed_percent),
            ("injured", figures.injured, figures.injured_percent),
            ("missing", figures.missing, figures.missing_percent),
        ):
            suffix = f" ({share}% of {base})" if share is not None else ""
            self.stdout.write(f"{label}: {count}{suffix}")

    def _set_population(self, value: str) -> None:
        try:
            count = int(value)
        except ValueError:
            raise HavenError(
                _("starting population %(value)r is not a whole number") % {"value": value}
            ) from None
        services.set_starting_population(by=None, count=count, note="set from the command line")
        self.stdout.write(f"starting population set to {count}")
