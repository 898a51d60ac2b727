from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from django.core.management.base import CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _
from rich.console import Console
from rich.table import Table

from haven.core import policy
from haven.core.commands import HavenCommand
from haven.core.errors import HavenError
from haven.core.services import get_people
from haven.missions import services
from haven.missions.choices import MissionStatus, RiskLevel
from haven.missions.models import Mission
from haven.people.models import Person


def _when(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as error:
        raise HavenError(
            _("time %(text)r is not ISO (YYYY-MM-DDTHH:MM)") % {"text": text}
        ) from error
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _people(text: str) -> list[Person]:
    ids: list[str] = []
    for part in text.split(","):
        if part.strip():
            if not part.strip().isdigit():
                raise HavenError(_("person id %(part)r is not a number") % {"part": part.strip()})
            ids.append(part.strip())
    return get_people(ids)


def _lines(pairs: list[str]) -> list[tuple[str, str]]:
    lines = []
    for pair in pairs:
        item, sep, quantity = pair.rpartition("=")
        if not sep or not item:
            raise HavenError(_("%(pair)r: write ITEM=QUANTITY") % {"pair": pair})
        lines.append((item, quantity))
    return lines


class Command(HavenCommand):
    help = "Supply missions: list, plan, depart ID, return ID (with the yield)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = self.add_subcommands(parser)
        listing = actions.add_parser("list", help="missions, overdue first")
        listing.add_argument("--status", choices=MissionStatus.values)
        plan = actions.add_parser("plan", help="plan a mission")
        plan.add_argument("--destination", required=True)
        plan.add_argument("--name", default="")
        plan.add_argument("--team", required=True, help="person ids, comma-separated")
        plan.add_argument("--leader", type=int)
        plan.add_argument("--risk", choices=RiskLevel.values, default=RiskLevel.MEDIUM)
        plan.add_argument("--depart", required=True, help="YYYY-MM-DDTHH:MM")
        plan.add_argument("--back", required=True, help="expected return YYYY-MM-DDTHH:MM")
        plan.add_argument("--objective", action="append", default=[], help="ITEM=QUANTITY")
        depart = actions.add_parser("depart", help="check the team out")
        depart.add_argument("mission", type=int)
        back = actions.add_parser("return", help="check the team in and receive the yield")
        back.add_argument("mission", type=int)
        back.add_argument("--store", help="store the yield goes into")
        back.add_argument("--yield", dest="yield_lines", action="append", default=[])
        back.add_argument("--not-back", default="", help="ids of people who did not return")
        back.add_argument("--note", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['action']}")(options)

    def _list(self, options: dict[str, Any]) -> None:
        missions = Mission.objects.all()
        if options["status"]:
            missions = missions.filter(status=options["status"])
        table = Table("id", "mission", "destination", "status", "risk", "due back", "team")
        now = timezone.now()
        rows = sorted(missions.prefetch_related("members"), key=lambda m: not m.is_overdue(now))
        for m in rows:
            status = "OVERDUE" if m.is_overdue(now) else m.status
            table.add_row(
                str(m.pk),
                m.name,
                m.destination,
                f"[red]{status}[/red]" if m.is_overdue(now) else status,
                m.risk_level,
                f"{timezone.localtime(m.expected_return_at):%Y-%m-%d %H:%M}",
                str(len(m.members.all())),
            )
        # The command line is the data folder's owner's: it shows destinations, and says so.
        if rows:
            pks = [m.pk for m in rows]
            policy.note_read(None, None, policy.G.LOCATION, "missions.mission", pks, channel="cli")
        buffer = io.StringIO()
        Console(file=buffer, width=120).print(table)
        self.stdout.write(buffer.getvalue().rstrip("\n"))

    def _plan(self, options: dict[str, Any]) -> None:
        team = _people(options["team"])
        leader = _people(str(options["leader"]))[0] if options["leader"] else None
        mission = services.plan_mission(
            by=None,
            name=options["name"],
            destination=options["destination"],
            team=team,
            leader=leader,
            risk_level=options["risk"],
            planned_departure_at=_when(options["depart"]),
            expected_return_at=_when(options["back"]),
            objectives=_lines(options["objective"]),
        )
        self.stdout.write(f"planned mission {mission.pk}: {mission.name}")

    def _depart(self, options: dict[str, Any]) -> None:
        mission = services.depart(by=None, mission=services.get_mission(options["mission"]))
        self.stdout.write(f"mission {mission.pk} is out: {mission.members.count()} people")

    def _return(self, options: dict[str, Any]) -> None:
        result = services.return_mission(
            by=None,
            mission=services.get_mission(options["mission"]),
            store=options["store"],
            yield_lines=_lines(options["yield_lines"]),
            not_back=_people(options["not_back"]),
            note=options["note"],
        )
        self.stdout.write(
            f"mission {result.mission.pk} is back: {len(result.entries)} yield lines received"
            + (f", {len(result.missing)} missing" if result.missing else "")
        )
