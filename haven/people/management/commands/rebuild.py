"""haven rebuild [--fix]: prove every kept aggregate equals a recount (and repair it)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from haven.core.commands import HavenCommand
from haven.people import aggregates, nametokens
from haven.shelter import occupancy
from haven.stock import services as stock

DIFFERENT = 1


class Command(HavenCommand):
    help = (
        "Check that the headcount classes equal a recount of the registry, the shelters' "
        "places taken a recount of the open stays, the stock balances the ledger and the name "
        "tokens the people's names; exit 1 "
        "naming each difference, or rewrite them with --fix."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--fix", action="store_true", help="rewrite what differs from the recount"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        fix = options["fix"]
        differences = (
            [f"headcount class {mismatch}" for mismatch in aggregates.rebuild(fix=fix)]
            + [f"occupancy of {mismatch}" for mismatch in occupancy.rebuild(fix=fix)]
            + [
                f"balance of lot {m.lot_id} in store {m.store_id}: stored {m.stored}, "
                f"ledger {m.from_ledger}"
                for m in stock.rebuild(by=None, fix=fix)
            ]
            + [str(mismatch) for mismatch in stock.rebuild_daily_issues(fix=fix)]
            + [str(mismatch) for mismatch in nametokens.rebuild(fix=fix)]
        )
        for difference in differences:
            self.stdout.write(difference)
        if not differences:
            self.stdout.write(
                self.style.SUCCESS("the headcount classes and the balances equal a recount")
            )
        elif fix:
            self.stdout.write(self.style.WARNING(f"rebuilt {len(differences)} aggregates"))
        else:
            raise CommandError(
                _("%(count)s aggregates differ from a recount (use --fix)")
                % {"count": len(differences)},
                returncode=DIFFERENT,
            )
