from __future__ import annotations

import io
from typing import Any

from django.core.management.base import CommandParser
from rich.console import Console
from rich.table import Table

from haven.core.commands import HavenCommand
from haven.shelter import services
from haven.shelter.choices import Condition, Kind, Use
from haven.shelter.models import m2_text


class Command(HavenCommand):
    help = (
        "Shelters: `list`, `add NAME --area M2`, `assign PERSON_ID SHELTER`, "
        "`checkout PERSON_ID`, `destroy SHELTER`, `plan [--apply]`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = self.add_subcommands(parser)
        actions.add_parser("list", help="shelters with capacity, fill and the shortfall")
        add = actions.add_parser("add", help="record a shelter")
        add.add_argument("name")
        add.add_argument("--area", required=True, help="covered area in m²")
        add.add_argument("--kind", choices=Kind.values, default=Kind.TENT)
        add.add_argument("--beds", type=int)
        add.add_argument("--zone", default="")
        add.add_argument("--use", choices=Use.values, default=Use.GENERAL)
        add.add_argument("--condition", choices=Condition.values, default=Condition.USABLE)
        add.add_argument("--accessible", action="store_true")
        add.add_argument("--heated", action="store_true")
        put = actions.add_parser("assign", help="check a person into a shelter (or move them)")
        put.add_argument("person", type=int, help="person id")
        put.add_argument("shelter", help="shelter id or name")
        out = actions.add_parser("checkout", help="a person leaves their shelter")
        out.add_argument("person", type=int, help="person id")
        out.add_argument("--note", default="")
        destroy = actions.add_parser("destroy", help="mark a shelter destroyed")
        destroy.add_argument("shelter", help="shelter id or name")
        destroy.add_argument("--note", default="")
        plan = actions.add_parser("plan", help="plan who sleeps where; --apply carries it out")
        plan.add_argument("--apply", action="store_true", help="apply every change of the plan")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "list":
            self._list()
        elif action == "add":
            shelter = services.add_shelter(
                by=None,
                name=options["name"],
                covered_area_m2=options["area"],
                kind=options["kind"],
                beds=options["beds"],
                zone=options["zone"],
                use=options["use"],
                condition=options["condition"],
                accessible=options["accessible"],
                heated=options["heated"],
            )
            self.stdout.write(
                f"added shelter {shelter.pk} {shelter.name}: {shelter.capacity} places"
            )
        elif action == "assign":
            person = services.get_person(options["person"])
            shelter = services.find_shelter(options["shelter"])
            services.assign(by=None, person=person, shelter=shelter)
            self.stdout.write(f"{person.full_name} now sleeps in {shelter.name}")
        elif action == "checkout":
            person = services.get_person(options["person"])
            stay = services.check_out(by=None, person=person, note=options["note"])
            self.stdout.write(f"{person.full_name} checked out of {stay.shelter.name}")
        elif action == "destroy":
            shelter = services.find_shelter(options["shelter"])
            people = services.people_in(shelter).count()
            services.destroy_shelter(by=None, shelter=shelter, note=options["note"])
            self.stdout.write(f"{shelter.name} destroyed: {people} people lost their place")
        else:
            self._plan(options["apply"])

    def _list(self) -> None:
        board = services.board()
        table = Table("id", "shelter", "zone", "use", "condition", "m²", "places", "in it")
        for row in board.rows:
            s = row.shelter
            table.add_row(
                str(s.pk),
                s.name,
                s.zone,
                s.get_use_display(),
                s.get_condition_display(),
                m2_text(s.covered_area_m2),
                str(row.capacity),
                str(row.occupied) + (" over!" if row.fill == "over" else ""),
            )
        buffer = io.StringIO()
        Console(file=buffer, width=120).print(table)
        self.stdout.write(buffer.getvalue().rstrip("\n"))
        self.stdout.write(
            f"{board.occupied} of {board.in_camp} in camp sheltered, {board.unsheltered} without; "
            f"{board.capacity} places at {board.m2_per_person:g} m²/person"
        )
        if board.places_short:
            self.stdout.write(
                f"short of {board.shortfall.covered_area_m2:g} m² for {board.places_short} "
                f"people: {board.shortfall.tents} × {board.tent_type.name.lower()} "
                f"({m2_text(board.tent_type.covered_area_m2)} m²)"
            )

    def _plan(self, apply: bool) -> None:
        plan = services.make_plan(by=None)
        self.stdout.write(
            f"plan {plan.pk} ({plan.method}): {len(plan.changes)} changes, sheltered "
            f"{plan.sheltered_before} → {plan.sheltered_after} of {plan.people_count} "
            f"({plan.capacity} places); objective {plan.objective_before:g} → {plan.objective:g}"
        )
        for change in services.plan_changes(plan):
            origin = change.from_shelter.name if change.from_shelter else "no shelter"
            to = change.to_shelter.name if change.to_shelter else "no shelter"
            self.stdout.write(f"  {change.person.full_name} (#{change.person.pk}): {origin} → {to}")
        reasons: dict[str, int] = {}
        for row in services.plan_unsheltered(plan):
            reasons[row.reason] = reasons.get(row.reason, 0) + 1
        for reason, count in sorted(reasons.items(), key=lambda item: -item[1]):
            self.stdout.write(f"  without shelter: {count} — {reason}")
        if apply and plan.changes:
            done = services.apply_plan(by=None, plan=plan)
            self.stdout.write(self.style.SUCCESS(f"applied {done} changes"))
        elif plan.changes:
            self.stdout.write("nothing moved; `haven shelter plan --apply` carries a plan out")
