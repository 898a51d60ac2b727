from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.utils.translation import gettext as _
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from haven.core.commands import HavenCommand
from haven.core.errors import HavenError
from haven.core.signals import report_export
from haven.stock import exchange, services
from haven.stock.choices import AdjustmentReason, IssuePurpose, ReceiptSource
from haven.stock.models import LedgerEntry, format_quantity


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise HavenError(_("date %(text)r is not YYYY-MM-DD") % {"text": text}) from error


class Command(HavenCommand):
    help = (
        "The stock ledger: receive, issue, transfer, adjust, count, import FILE.csv, "
        "export (HXL CSV), rebuild (prove balances equal the ledger)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = self.add_subcommands(parser)

        def posting(name: str, help_text: str) -> Any:
            sub = actions.add_parser(name, help=help_text)
            sub.add_argument("item", help="item code or name")
            sub.add_argument("quantity", help="a positive number")
            sub.add_argument("--store", required=name != "transfer")
            sub.add_argument("--lot", help="lot code")
            sub.add_argument("--note", default="")
            return sub

        receive = posting("receive", "receive stock into a store")
        receive.add_argument("--source", choices=ReceiptSource.values, default="donation")
        receive.add_argument("--expiry", help="expiry date YYYY-MM-DD")
        receive.add_argument(
            "--accept-expired",
            action="store_true",
            help="receive a lot already past its expiry (refused without this; flagged)",
        )
        receive.add_argument("--reference", default="")
        issue = posting("issue", "issue stock (first expiry first out)")
        issue.add_argument("--purpose", choices=IssuePurpose.values, default="distribution")
        issue.add_argument("--reference", default="")
        transfer = posting("transfer", "move stock between stores")
        transfer.add_argument("--from", dest="from_store", required=True)
        transfer.add_argument("--to", dest="to_store", required=True)
        adjust = posting("adjust", "adjust stock with a reason")
        adjust.add_argument("--reason", choices=AdjustmentReason.values, required=True)
        count = actions.add_parser("count", help="post a physical count")
        count.add_argument("item")
        count.add_argument("counted", help="the quantity counted")
        count.add_argument("--store", required=True)
        count.add_argument("--lot")
        count.add_argument("--note", default="")
        load = actions.add_parser("import", help="receive a CSV stock list")
        load.add_argument("file")
        load.add_argument(
            "--accept-expired",
            action="store_true",
            help="receive lots already past their expiry (refused without this; flagged)",
        )
        dump = actions.add_parser("export", help="stock levels as HXL-tagged CSV")
        dump.add_argument("--store")
        dump.add_argument("--output", "-o")
        rebuild = actions.add_parser("rebuild", help="check balances against the ledger")
        rebuild.add_argument("--fix", action="store_true", help="rewrite balances from the ledger")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        getattr(self, f"_{action}")(options)

    def _show(self, entries: list[LedgerEntry]) -> None:
        for entry in entries:
            self.stdout.write(
                f"#{entry.pk} {entry.kind} {format_quantity(entry.quantity)} "
                f"{entry.item.unit} {entry.item.name} · {entry.store.name} · lot "
                f"{entry.lot.label} → {format_quantity(entry.balance_after)}"
                + (" (expired lot, accepted)" if entry.accepted_expired else "")
            )

    def _lot(self, options: dict[str, Any]) -> Any:
        return services.get_lot(options["item"], options["lot"]) if options.get("lot") else None

    def _receive(self, options: dict[str, Any]) -> None:
        try:
            entries = services.receive(
                by=None,
                item=options["item"],
                store=options["store"],
                quantity=options["quantity"],
                lot_code=options["lot"],
                expiry_date=_date(options["expiry"]) if options["expiry"] else None,
                source=options["source"],
                reference=options["reference"],
                note=options["note"],
                accept_expired=options["accept_expired"],
            )
        except services.ExpiredLotError as error:
            raise HavenError(
                _("%(error)s: add --accept-expired to receive it") % {"error": error}
            ) from error
        self._show(entries)

    def _issue(self, options: dict[str, Any]) -> None:
        self._show(
            services.issue(
                by=None,
                item=options["item"],
                store=options["store"],
                quantity=options["quantity"],
                purpose=options["purpose"],
                lot=self._lot(options),
                reference=options["reference"],
                note=options["note"],
            )
        )

    def _transfer(self, options: dict[str, Any]) -> None:
        self._show(
            services.transfer(
                by=None,
                item=options["item"],
                from_store=options["from_store"],
                to_store=options["to_store"],
                quantity=options["quantity"],
                lot=self._lot(options),
                note=options["note"],
            )
        )

    def _adjust(self, options: dict[str, Any]) -> None:
        self._show(
            services.adjust(
                by=None,
                item=options["item"],
                store=options["store"],
                quantity=options["quantity"],
                reason=options["reason"],
                lot_code=options["lot"],
                note=options["note"],
            )
        )

    def _count(self, options: dict[str, Any]) -> None:
        entry = services.count(
            by=None,
            item=options["item"],
            store=options["store"],
            counted=options["counted"],
            lot_code=options["lot"],
            note=options["note"],
        )
        self._show([entry])

    def _import(self, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise HavenError(_("no such file: %(path)s") % {"path": path})
        with path.open("rb") as stream:
            lines = exchange.read_stock_list(stream)
        progress = Progress(
            TextColumn("receiving"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            disable=not sys.stderr.isatty(),
            transient=True,
        )
        with progress:
            task = progress.add_task("import", total=len(lines))
            try:
                posted = exchange.import_stock_list(
                    by=None,
                    lines=lines,
                    accept_expired=options["accept_expired"],
                    progress=lambda done: progress.update(task, completed=done),
                )
            except services.ExpiredLotError as error:
                raise HavenError(
                    _("%(error)s: add --accept-expired to receive them") % {"error": error}
                ) from error
        self.stdout.write(self.style.SUCCESS(f"received {posted} stock lines from {path}"))

    def _export(self, options: dict[str, Any]) -> None:
        store = services.get_store(options["store"]) if options["store"] else None
        output = options["output"]
        out = open(output, "w", encoding="utf-8", newline="") if output else sys.stdout  # noqa: SIM115
        try:
            rows = exchange.export_csv(out, store)
        finally:
            if output:
                out.close()
        report_export(user=None, model="stock.balance", rows=rows, channel="cli", kind="hxl")
        if output:
            self.stdout.write(f"exported {rows} stock lines to {output}")

    def _rebuild(self, options: dict[str, Any]) -> None:
        mismatches = services.rebuild(by=None, fix=options["fix"])
        entries = LedgerEntry.objects.count()
        if not mismatches:
            self.stdout.write(self.style.SUCCESS(f"balances equal the ledger ({entries} entries)"))
            return
        for m in mismatches:
            self.stdout.write(
                f"lot {m.lot_id} in store {m.store_id}: stored {format_quantity(m.stored)}, "
                f"ledger {format_quantity(m.from_ledger)}"
            )
        if options["fix"]:
            self.stdout.write(self.style.WARNING(f"rebuilt {len(mismatches)} balances"))
        else:
            raise HavenError(
                _("%(count)s balances differ from the ledger (use --fix)")
                % {"count": len(mismatches)}
            )
