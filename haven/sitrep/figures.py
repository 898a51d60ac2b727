"""The SITREP's figures, computed from the events alone as of the period's end.

Nothing here reads a current-state column (a person's status, a shelter's condition, a
stock balance, a mission's status): each figure is counted from the history the apps
append — status events, triage records and outcomes, the stock ledger, shelter stays and
condition changes, missions' departure and return times — up to the period's end. So a
SITREP for a past period comes out the same whenever it is made; events recorded later
with a time inside the period (a backdated entry) do change it, as they should.

Population at a moment is each person's last status event at or before it. The period's
figures compare the two moments, start and end, person by person, in one GROUP BY:
arrivals (not here or departed at the start, in camp at the end), departures, deaths,
newly missing and found (missing at the start, in camp at the end).

Mortality (Sphere; CDC emergency epidemiology): crude mortality rate = deaths ÷
(mid-period population × days) × 10,000, mid-period population the mean of the
population in camp at start and end; an emergency above 1 per 10,000 a day, above 2 for
children under five (their deaths over their own mid-period number).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Window,
)
from django.db.models.functions import Coalesce, Lag
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from haven.people.aggregates import FUTURE_BAND, UNKNOWN_BAND, age_on
from haven.people.choices import AGE_BANDS, IN_CAMP, Sex, Status
from haven.people.models import Person, StatusEvent
from haven.sitrep.period import Period

# Emergency thresholds, deaths per 10,000 people a day (Sphere; CDC).
CMR_EMERGENCY = 1.0
U5MR_EMERGENCY = 2.0
PER = 10_000
CHILD_UNDER = 18
ELDERLY_FROM = 60
SERIES_DAYS = 30


def status_at(moment: datetime, person: str = "pk") -> Subquery:
    """A person's status as of `moment`: their last status event at or before it."""
    return Subquery(
        StatusEvent.objects.filter(person=OuterRef(person), occurred_at__lte=moment)
        .order_by("-occurred_at", "-id")
        .values("status")[:1]
    )


def band_of(year: int, month: int, on: date) -> str:
    """The age band (haven.people.choices.AGE_BANDS) of someone born in year/month."""
    if not year:
        return UNKNOWN_BAND
    age = age_on(date(year, max(month, 1), 1), on)
    if age < 0:
        return FUTURE_BAND
    for label, low, high in AGE_BANDS:
        if age >= low and (high is None or age < high):
            return label
    return UNKNOWN_BAND


def age_of(year: int, month: int, on: date) -> int | None:
    if not year:
        return None
    return age_on(date(year, max(month, 1), 1), on)


def rate(deaths: int, start: int, end: int, days: float) -> float | None:
    """Deaths per 10,000 a day over the mid-period population; None with nobody at risk."""
    population = (start + end) / 2
    if population <= 0 or days <= 0:
        return None
    return deaths / (population * days) * PER


@dataclass(frozen=True, slots=True)
class Transition:
    """People who share a status at the start and at the end, sex and month of birth."""

    at_start: str | None
    at_end: str
    sex: str
    birth_year: int
    birth_month: int
    sheltered: bool
    people: int
    extra_kcal: int


def transitions(period: Period) -> list[Transition]:
    """Everyone registered by the period's end, grouped by status at start and end (and
    the rest the figures break down by): one GROUP BY over the registry."""
    from haven.shelter.models import Stay

    end = period.end
    sheltered = Stay.objects.filter(person=OuterRef("pk"), started_at__lte=end).filter(
        Q(ended_at__isnull=True) | Q(ended_at__gt=end)
    )
    people = (
        Person.objects.order_by()
        .annotate(
            s_start=status_at(period.start),
            s_end=status_at(end),
            s_sheltered=Exists(sheltered),
        )
        .values_list("s_start", "s_end", "sex", "date_of_birth", "s_sheltered", "extra_energy_kcal")
    )
    # Grouped outside: grouping the annotated query itself repeats each per-person look-up
    # in GROUP BY (and the filter), which SQLite then evaluates again (3× the time). By the
    # date of birth as stored: year and month are taken here, not by a function per row.
    inner, params = people.query.sql_with_params()
    sql = (
        "SELECT s_start, s_end, sex, date_of_birth, s_sheltered, COUNT(*), "
        f"SUM(extra_energy_kcal) FROM ({inner}) AS registry WHERE s_end IS NOT NULL "
        "GROUP BY s_start, s_end, sex, date_of_birth, s_sheltered"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    grouped: Counter[tuple[str | None, str, str, int, int, bool]] = Counter()
    extra_of: Counter[tuple[str | None, str, str, int, int, bool]] = Counter()
    for a, b, sex, stored, home, n, extra in rows:
        born = _as_date(stored)
        key = (a, b, sex, born.year if born else 0, born.month if born else 0, bool(home))
        grouped[key] += int(n)
        extra_of[key] += int(extra or 0)
    return [Transition(*key, grouped[key], extra_of[key]) for key in grouped]


def _as_datetime(value: Any) -> datetime:
    """A time as the raw cursor gives it (SQLite: text in UTC)."""
    if isinstance(value, datetime):
        moment = value
    else:
        parsed = parse_datetime(str(value))
        if parsed is None:
            raise ValueError(f"not a time: {value!r}")
        moment = parsed
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment, UTC)


def _as_date(value: Any) -> date | None:
    """A date of birth as the raw cursor gives it (SQLite: text)."""
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:  # written around the services: counted as unknown
        return None


@dataclass(frozen=True, slots=True)
class PeopleFigures:
    by_status_start: dict[str, int]
    by_status_end: dict[str, int]
    in_camp_start: int
    in_camp_end: int
    # (sex, age band) → people in camp, at start and at end
    groups_start: dict[tuple[str, str], int]
    groups_end: dict[tuple[str, str], int]
    arrivals: int
    returns: int
    departures: int
    deaths: int
    deaths_under_five: int
    under_five_start: int
    under_five_end: int
    missing: int
    found: int
    without_shelter: int
    extra_kcal: int
    cmr: float | None
    u5mr: float | None

    @property
    def cmr_emergency(self) -> bool:
        return self.cmr is not None and self.cmr > CMR_EMERGENCY

    @property
    def u5mr_emergency(self) -> bool:
        return self.u5mr is not None and self.u5mr > U5MR_EMERGENCY

    def in_camp(self, *, sex: str | None = None, low: int = 0, high: int | None = None) -> int:
        """People in camp at the end, of a sex and in an age range (by band)."""
        total = 0
        for (group_sex, band), n in self.groups_end.items():
            if sex is not None and group_sex != sex:
                continue
            bounds = next(((lo, hi) for label, lo, hi in AGE_BANDS if label == band), None)
            if low or high is not None:
                if bounds is None:
                    continue
                lo, hi = bounds
                if lo < low or (high is not None and (hi is None or hi > high)):
                    continue
            total += n
        return total

    @property
    def children(self) -> int:
        return self.in_camp(high=CHILD_UNDER)

    @property
    def elderly(self) -> int:
        return self.in_camp(low=ELDERLY_FROM)


def people_figures(period: Period) -> PeopleFigures:
    start_day = timezone.localdate(period.start)
    end_day = timezone.localdate(period.end)
    by_start: Counter[str] = Counter()
    by_end: Counter[str] = Counter()
    groups_start: Counter[tuple[str, str]] = Counter()
    groups_end: Counter[tuple[str, str]] = Counter()
    counts: Counter[str] = Counter()
    for row in transitions(period):
        n = row.people
        here_before = row.at_start in IN_CAMP
        here_now = row.at_end in IN_CAMP
        if row.at_start:
            by_start[row.at_start] += n
        by_end[row.at_end] += n
        if here_before:
            groups_start[(row.sex, band_of(row.birth_year, row.birth_month, start_day))] += n
            age = age_of(row.birth_year, row.birth_month, start_day)
            if age is not None and 0 <= age < 5:
                counts["under_five_start"] += n
        if here_now:
            groups_end[(row.sex, band_of(row.birth_year, row.birth_month, end_day))] += n
            age = age_of(row.birth_year, row.birth_month, end_day)
            if age is not None and 0 <= age < 5:
                counts["under_five_end"] += n
            if not row.sheltered:
                counts["without_shelter"] += n
            counts["extra_kcal"] += row.extra_kcal
            if row.at_start is None:
                counts["arrivals"] += n
            elif row.at_start == Status.DEPARTED:
                counts["returns"] += n
            elif row.at_start == Status.MISSING:
                counts["found"] += n
        if row.at_end == Status.DECEASED and row.at_start != Status.DECEASED:
            counts["deaths"] += n
            age = age_of(row.birth_year, row.birth_month, end_day)
            if age is not None and 0 <= age < 5:
                counts["deaths_under_five"] += n
        if row.at_end == Status.DEPARTED and row.at_start != Status.DEPARTED:
            counts["departures"] += n
        if row.at_end == Status.MISSING and row.at_start != Status.MISSING:
            counts["missing"] += n
    in_start = sum(by_start[s] for s in IN_CAMP)
    in_end = sum(by_end[s] for s in IN_CAMP)
    return PeopleFigures(
        by_status_start={s: by_start[s] for s in Status.values},
        by_status_end={s: by_end[s] for s in Status.values},
        in_camp_start=in_start,
        in_camp_end=in_end,
        groups_start=dict(groups_start),
        groups_end=dict(groups_end),
        arrivals=counts["arrivals"] + counts["returns"],
        returns=counts["returns"],
        departures=counts["departures"],
        deaths=counts["deaths"],
        deaths_under_five=counts["deaths_under_five"],
        under_five_start=counts["under_five_start"],
        under_five_end=counts["under_five_end"],
        missing=counts["missing"],
        found=counts["found"],
        without_shelter=counts["without_shelter"],
        extra_kcal=counts["extra_kcal"],
        cmr=rate(counts["deaths"], in_start, in_end, period.days),
        u5mr=rate(
            counts["deaths_under_five"],
            counts["under_five_start"],
            counts["under_five_end"],
            period.days,
        ),
    )


# -- health --------------------------------------------------------------------------------


def triage_queue_at(moment: datetime) -> QuerySet[Any]:
    """Each casualty's last triage at `moment`, while still in camp and not discharged,
    transferred or dead by then (the triage queue as it stood)."""
    from haven.health.choices import FINAL_OUTCOMES
    from haven.health.models import OutcomeRecord, TriageRecord

    later = TriageRecord.objects.filter(person=OuterRef("person"), triaged_at__lte=moment).filter(
        Q(triaged_at__gt=OuterRef("triaged_at"))
        | Q(triaged_at=OuterRef("triaged_at"), pk__gt=OuterRef("pk"))
    )
    closed = OutcomeRecord.objects.filter(
        person=OuterRef("person"),
        outcome__in=FINAL_OUTCOMES,
        occurred_at__gte=OuterRef("triaged_at"),
        occurred_at__lte=moment,
    )
    return (
        TriageRecord.objects.filter(triaged_at__lte=moment)
        .annotate(
            t_later=Exists(later),
            t_closed=Exists(closed),
            t_status=status_at(moment, "person"),
        )
        .filter(t_later=False, t_closed=False, t_status__in=IN_CAMP)
    )


@dataclass(frozen=True, slots=True)
class HealthFigures:
    by_category: dict[str, int]
    queue: int
    overdue: int


def health_figures(period: Period) -> HealthFigures:
    rows = (
        triage_queue_at(period.end)
        .order_by()
        .values_list("category")
        .annotate(
            n=Count("id"),
            overdue=Count("id", filter=Q(retriage_due_at__lt=period.end)),
        )
    )
    by_category: dict[str, int] = {}
    overdue = 0
    for category, n, late in rows:
        by_category[category] = int(n)
        overdue += int(late)
    return HealthFigures(by_category, sum(by_category.values()), overdue)


# -- supplies ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NeedDays:
    need: str
    label: str
    days: float
    status: str
    explanation: str


@dataclass(frozen=True, slots=True)
class SupplyFigures:
    litres_issued: float
    kcal_issued: float
    litres_per_person_day: float | None
    kcal_per_person_day: float | None
    water_standard: float
    kcal_standard: float
    runway: list[NeedDays]

    @property
    def water_below(self) -> bool:
        return self.litres_per_person_day is not None and (
            self.litres_per_person_day < self.water_standard
        )

    @property
    def kcal_below(self) -> bool:
        return self.kcal_per_person_day is not None and (
            self.kcal_per_person_day < self.kcal_standard
        )


def issues_in(period: Period) -> QuerySet[Any]:
    from haven.stock.choices import EntryKind
    from haven.stock.models import LedgerEntry

    return LedgerEntry.objects.filter(
        kind=EntryKind.ISSUE, occurred_at__gt=period.start, occurred_at__lte=period.end
    )


def supply_figures(period: Period, people: PeopleFigures) -> SupplyFigures:
    """Water and food energy issued in the period per person a day (against the Sphere
    standards), and days of supply as the stock stood at the end (haven.stock.runway's
    definition, fed with the ledger up to the end instead of today's balances)."""
    from haven.planning.runway import consumption_rate
    from haven.stock import runway
    from haven.stock.models import Item, LedgerEntry

    catalogue = {item.pk: item for item in Item.objects.all()}
    issued = issues_in(period).values_list("item_id").annotate(total=Sum("quantity")).order_by()
    litres = kcal = 0.0
    for item_id, total in issued:
        item = catalogue[item_id]
        need = runway.need_of(item)
        if need == "litres":
            litres += -float(total) * float(item.litres_per_unit)
        elif need == "kcal":
            kcal += -float(total) * float(item.kcal_per_unit)
    person_days = (people.in_camp_start + people.in_camp_end) / 2 * period.days
    end_day = timezone.localdate(period.end)
    held = (
        LedgerEntry.objects.filter(occurred_at__lte=period.end)
        .exclude(lot__expiry_date__lt=end_day)
        .values_list("item_id")
        .annotate(total=Sum("quantity"))
        .order_by()
    )
    usable = {item_id: max(Decimal(total), Decimal(0)) for item_id, total in held}
    window = int(settings.HAVEN_RUNWAY_WINDOW_DAYS)
    daily = {
        item_id: consumption_rate(days, window)
        for item_id, days in runway.daily_issues(end_day, window).items()
    }
    _, needs = runway.supply_figures(
        list(catalogue.values()),
        usable,
        daily,
        headcount=people.in_camp_end,
        extra_kcal=float(people.extra_kcal),
    )
    return SupplyFigures(
        litres_issued=litres,
        kcal_issued=kcal,
        litres_per_person_day=litres / person_days if person_days else None,
        kcal_per_person_day=kcal / person_days if person_days else None,
        water_standard=float(settings.HAVEN_STANDARD_WATER_L_PER_PERSON_DAY),
        kcal_standard=float(settings.HAVEN_STANDARD_KCAL_PER_PERSON_DAY),
        runway=[
            NeedDays(row.need, row.label, row.days, row.status.value, row.explanation)
            for row in needs
        ],
    )


# -- shelter -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ShelterFigures:
    covered_m2: float
    covered_per_person: float | None
    standard: float
    without_shelter: int

    @property
    def below(self) -> bool:
        return self.covered_per_person is not None and self.covered_per_person < self.standard


def shelters_standing_at(moment: datetime) -> QuerySet[Any]:
    """Shelters built by `moment` and not destroyed then (their condition at that time:
    the last change by then, or the one before their first later change, or as built)."""
    from haven.shelter.choices import Condition
    from haven.shelter.models import ConditionChange, Shelter

    changes = ConditionChange.objects.filter(shelter=OuterRef("pk"))
    last = changes.filter(occurred_at__lte=moment).order_by("-occurred_at", "-id")
    first_after = changes.filter(occurred_at__gt=moment).order_by("occurred_at", "id")
    return (
        Shelter.objects.filter(created_at__lte=moment)
        .annotate(
            c_then=Coalesce(
                Subquery(last.values("condition")[:1]),
                Subquery(first_after.values("previous_condition")[:1]),
                F("condition"),
            )
        )
        .exclude(c_then=Condition.DESTROYED)
    )


def shelter_figures(period: Period, people: PeopleFigures) -> ShelterFigures:
    from haven.shelter.models import covered_m2_per_person

    area = shelters_standing_at(period.end).aggregate(total=Sum("covered_area_m2"))["total"]
    covered = float(area or 0)
    return ShelterFigures(
        covered_m2=covered,
        covered_per_person=covered / people.in_camp_end if people.in_camp_end else None,
        standard=covered_m2_per_person(),
        without_shelter=people.without_shelter,
    )


# -- missions ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Brought:
    item: str
    unit: str
    quantity: Decimal


@dataclass(frozen=True, slots=True)
class MissionFigures:
    out: int
    overdue: int
    returned: int
    brought: list[Brought]


def missions_out_at(moment: datetime) -> QuerySet[Any]:
    from haven.missions.models import Mission

    return Mission.objects.filter(departed_at__lte=moment).filter(
        Q(returned_at__isnull=True) | Q(returned_at__gt=moment)
    )


def mission_receipts(period: Period) -> QuerySet[Any]:
    from haven.stock.choices import EntryKind
    from haven.stock.models import LedgerEntry

    return LedgerEntry.objects.filter(
        kind=EntryKind.RECEIPT,
        mission__isnull=False,
        occurred_at__gt=period.start,
        occurred_at__lte=period.end,
    )


def mission_figures(period: Period) -> MissionFigures:
    from haven.missions.models import Mission

    out = missions_out_at(period.end)
    brought = (
        mission_receipts(period)
        .values_list("item__name", "item__unit")
        .annotate(total=Sum("quantity"))
        .order_by("item__name")
    )
    return MissionFigures(
        out=out.count(),
        overdue=out.filter(expected_return_at__lt=period.end).count(),
        returned=Mission.objects.filter(
            returned_at__gt=period.start, returned_at__lte=period.end
        ).count(),
        brought=[Brought(name, unit, Decimal(total)) for name, unit, total in brought if total],
    )


# -- the 30-day series ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DayPoint:
    day: date
    population: int  # in camp at the day's end
    deaths: int


def daily_series(end: datetime, in_camp_at_end: int, days: int = SERIES_DAYS) -> list[DayPoint]:
    """Population in camp at the end of each of the last `days` days and deaths on each,
    from the status events of those days alone (each with the person's status before it),
    counted back from the population in camp at `end`."""
    end_day = timezone.localdate(end)
    first = end_day - timedelta(days=days - 1)
    window_start = timezone.make_aware(datetime.combine(first, datetime.min.time()))
    # Each event with the status before it (LAG over the person's history, in one ordered
    # pass), kept when it falls in the window: no look-up per event.
    history = (
        StatusEvent.objects.filter(occurred_at__lte=end)
        .annotate(
            prior_status=Window(
                Lag("status"),
                partition_by=[F("person_id")],
                order_by=[F("occurred_at").asc(), F("id").asc()],
            )
        )
        .values_list("occurred_at", "prior_status", "status")
    )
    inner, params = history.query.sql_with_params()
    sql = (
        f"SELECT occurred_at, prior_status, status FROM ({inner}) AS history "
        "WHERE occurred_at >= %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, connection.ops.adapt_datetimefield_value(window_start)])
        events = [(_as_datetime(at), was, now) for at, was, now in cursor.fetchall()]
    moved: Counter[date] = Counter()
    died: Counter[date] = Counter()
    for occurred_at, was, now in events:
        day = timezone.localdate(occurred_at)
        moved[day] += (now in IN_CAMP) - (was in IN_CAMP)
        died[day] += (now == Status.DECEASED) - (was == Status.DECEASED)
    points = []
    population = in_camp_at_end - sum(moved.values())
    for offset in range(days):
        day = first + timedelta(days=offset)
        population += moved[day]
        points.append(DayPoint(day, population, max(died[day], 0)))
    return points


# -- the whole report ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Sitrep:
    """Every figure of one period (haven.sitrep.services.sitrep makes it)."""

    period: Period
    people: PeopleFigures
    health: HealthFigures
    supplies: SupplyFigures
    shelter: ShelterFigures
    missions: MissionFigures
    series: list[DayPoint]
    note: Any = None  # the SitrepNote written last in the period
    alerts: list[Any] = field(default_factory=list)


def compute(period: Period) -> Sitrep:
    people = people_figures(period)
    return Sitrep(
        period=period,
        people=people,
        health=health_figures(period),
        supplies=supply_figures(period, people),
        shelter=shelter_figures(period, people),
        missions=mission_figures(period),
        series=daily_series(period.end, people.in_camp_end),
    )


SEXES = (Sex.FEMALE, Sex.MALE, Sex.OTHER, Sex.UNKNOWN)
