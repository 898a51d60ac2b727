from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import CommandParser
from rich.console import Console
from rich.table import Table

from haven.core.commands import HavenCommand
from haven.rations import services


class Command(HavenCommand):
    help = "Rations: `plan [--days N] [--store NAME] [--apply]` previews a fair distribution."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = self.add_subcommands(parser)
        plan = actions.add_parser("plan", help="preview (and apply) a fair distribution plan")
        plan.add_argument("--days", type=int, default=settings.HAVEN_RATIONS_DEFAULT_DAYS)
        plan.add_argument("--store", help="store name or id (default: all stores)")
        plan.add_argument("--apply", action="store_true", help="apply the plan at once")

    def handle(self, *args: Any, **options: Any) -> None:
        store = services.get_store(options["store"]) if options["store"] else None
        plan = services.preview_plan(by=None, store=store, horizon_days=options["days"])
        if options["apply"]:
            services.apply_plan(by=None, plan=plan)
        console = Console(file=self.stdout, width=100)  # type: ignore[arg-type]
        console.print(
            f"plan #{plan.pk} ({plan.get_status_display().lower()}): {plan.people_count} people, "
            f"{plan.horizon_days} days from {plan.store_name}; least served get "
            f"[bold]{plan.min_fraction:.1%}[/bold] of their need; "
            f"{plan.short_people_count} get less than their need"
        )
        table = Table("item", "on hand", "shared")
        for line in plan.items.select_related("item"):
            if line.on_hand or line.planned:
                table.add_row(line.item.name, f"{line.on_hand:,.3g}", f"{line.planned:,.3f}")
        console.print(table)
