from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import CommandParser
from rich.console import Console
from rich.table import Table

from haven.core.commands import HavenCommand
from haven.rations import services


class Command(HavenCommand):
    help = "Fabrication: `plan [--days N] [--store S]`, `order RECIPE BATCHES --fabricator ID`."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = self.add_subcommands(parser)
        plan = actions.add_parser("plan", help="propose what to make to cover shortages")
        plan.add_argument("--days", type=int, default=settings.HAVEN_FABRICATION_HORIZON_DAYS)
        plan.add_argument("--store", help="store name or id")
        order = actions.add_parser("order", help="make batches now (one ledger step)")
        order.add_argument("recipe", help="recipe code")
        order.add_argument("batches", type=int)
        order.add_argument("--fabricator", type=int, required=True, help="person id")
        order.add_argument("--store", help="store name or id")
        order.add_argument("--note", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        store = (
            services.get_store(options["store"]) if options["store"] else services.default_store()
        )
        console = Console(file=self.stdout, width=110)  # type: ignore[arg-type]
        if options["action"] == "plan":
            proposal = services.propose_production(store=store, horizon_days=options["days"])
            table = Table("recipe", "skill", "batches", "limited by")
            for batches in proposal.plan.recipe_batches:
                recipe = proposal.recipes[batches.recipe_id]
                table.add_row(
                    recipe.name,
                    recipe.skill.code,
                    str(batches.proposed_batches),
                    batches.limited_by,
                )
            console.print(table)
            for item, coverage in proposal.plan.shortage_coverage.items():
                console.print(
                    f"{item}: short {coverage.shortage:g}, covered {coverage.covered:g} "
                    f"({coverage.covered_fraction:.0%})"
                )
            console.print(f"food burned: {proposal.plan.kcal_burned:,.0f} kcal")
            return
        order = services.order_production(
            by=None,
            recipe=services.get_recipe(options["recipe"]),
            batches=options["batches"],
            store=store,
            fabricator=services.get_person(options["fabricator"]),
            note=options["note"],
        )
        console.print(
            f"{order.reference}: made {order.produced}, consumed {order.consumed}",
            markup=False,
        )
