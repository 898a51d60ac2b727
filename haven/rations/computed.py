"""The rations computations the worker keeps current: the dashboard's chance of running out."""

from __future__ import annotations

from django.db.models import Case, F, Max, Sum, Value, When
from django.utils import timezone

from haven.core.computed import Computation
from haven.people.choices import IN_CAMP, Status
from haven.people.models import HeadcountClass

RUNWAY_RISK = "rations.runway_risk"


def runway_state() -> str:
    """What the forecast is made from, cheaply: the last ledger entry and mission, the
    people in camp by need class (as sums over the classes), and the day."""
    from haven.missions.models import Mission
    from haven.stock.models import LedgerEntry

    people = HeadcountClass.objects.filter(status__in=IN_CAMP).aggregate(
        headcount=Sum("people"),
        injured=Sum(Case(When(status=Status.INJURED, then=F("people")), default=Value(0))),
        born=Sum(F("people") * (F("birth_year") * 10000 + F("birth_month_day"))),
        extra=Sum(F("people") * F("extra_energy_kcal")),
        pregnant=Sum(Case(When(pregnant_or_lactating=True, then=F("people")), default=Value(0))),
        workers=Sum(Case(When(worker=True, then=F("people")), default=Value(0))),
    )
    last_entry = LedgerEntry.objects.aggregate(last=Max("pk"))["last"]
    last_mission = Mission.objects.aggregate(last=Max("returned_at"))["last"]
    figures = [str(people[key] or 0) for key in sorted(people)]
    return ":".join(
        [str(last_entry), str(last_mission), *figures, timezone.localdate().isoformat()]
    )


def runway_risk_rows() -> list[dict[str, object]]:
    from haven.rations.dashboard import risk_rows

    return risk_rows()


COMPUTATIONS = [Computation(RUNWAY_RISK, runway_state, runway_risk_rows)]
