from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import CommandParser
from django.utils.translation import gettext as _
from rich.console import Console
from rich.table import Table

from haven.core.commands import HavenCommand
from haven.core.errors import HavenError
from haven.rations import services
from haven.rations.charts import risk_by
from haven.rations.choices import need_label

SCENARIO_HELP = (
    "what-if, comma-separated: leave=N, arrive=M, store-lost=NAME, no-missions "
    "(e.g. --scenario leave=20,no-missions)"
)


def parse_scenario(text: str) -> dict[str, Any]:
    """ "leave=20,arrive=5,store-lost=Main store,no-missions" → make_scenario arguments."""
    options: dict[str, Any] = {"name": text}
    for part in (p.strip() for p in text.split(",") if p.strip()):
        key, _sep, value = part.partition("=")
        if key in ("leave", "arrive"):
            if not value.isdigit():
                raise HavenError(
                    _("scenario %(key)s needs a whole number, not %(value)r")
                    % {"key": key, "value": value}
                )
            options[f"people_{key}"] = int(value)
        elif key == "store-lost":
            options["store_lost"] = services.get_store(value)
        elif key == "no-missions":
            options["missions_bring_nothing"] = True
        else:
            raise HavenError(
                _("unknown scenario part %(part)r: %(scenario_help)s")
                % {"part": part, "scenario_help": SCENARIO_HELP}
            )
    return options


class Command(HavenCommand):
    help = "Runway forecast: chance of running out of each need by day, with a what-if."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=settings.HAVEN_FORECAST_HORIZON_DAYS)
        parser.add_argument("--scenarios", type=int, default=settings.HAVEN_FORECAST_SCENARIOS)
        parser.add_argument("--scenario", help=SCENARIO_HELP)

    def handle(self, *args: Any, **options: Any) -> None:
        scenario = (
            services.make_scenario(**parse_scenario(options["scenario"]))
            if options["scenario"]
            else None
        )
        result = services.forecast(
            horizon_days=options["days"], scenario=scenario, scenarios=options["scenarios"]
        )
        days = result.horizon_days
        table = Table(
            "need",
            "P(out) 7 d",
            "P(out) 14 d",
            f"P(out) {days} d",
            "median run-out day",
            title=f"{result.scenario_name}: {result.scenarios:,} futures",
        )
        for need in result.needs:
            table.add_row(
                need_label(need.need),
                f"{risk_by(need, 7):.0%}",
                f"{risk_by(need, 14):.0%}",
                f"{risk_by(need, days):.0%}",
                str(need.median_stockout_day or f"> {days}"),
            )
        console = Console(file=self.stdout, width=110)  # type: ignore[arg-type]
        console.print(table)
