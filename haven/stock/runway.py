"""Supply runway from the ledger: days of supply per item and per need (energy, water,
each medical category), using `haven.planning.runway` for the arithmetic.

Two aggregated queries do the work whatever the ledger's size: balances summed per item
(unexpired lots), and issues summed per item per camp day over the recent window (an
index on kind, day, item, quantity covers it).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Sum
from django.utils import timezone

from haven.people.models import Person
from haven.planning.runway import ItemRunway, RunwayStatus, consumption_rate, item_runway
from haven.stock.choices import Category, EntryKind, MedicalCategory
from haven.stock.models import Balance, Item, LedgerEntry

STATUS_ORDER = {RunwayStatus.OK: 0, RunwayStatus.LOW: 1, RunwayStatus.CRITICAL: 2}
STATUS_COLOURS = {
    RunwayStatus.OK: "#2e7d32",
    RunwayStatus.LOW: "#f9a825",
    RunwayStatus.CRITICAL: "#c62828",
}


@dataclass(frozen=True, slots=True)
class ItemRunwayRow:
    """One item's runway, with its min/reorder level check folded into the status."""

    item: Item
    on_hand: Decimal
    runway: ItemRunway
    status: RunwayStatus

    @property
    def colour(self) -> str:
        return STATUS_COLOURS[self.status]

    @property
    def days_text(self) -> str:
        return days_label(self.runway.days_of_supply)


@dataclass(frozen=True, slots=True)
class NeedRunwayRow:
    """Days of supply of one need (kcal, litres, doses of a medical category)."""

    need: str
    label: str
    unit: str
    runway: ItemRunway
    standard_per_person: float | None

    @property
    def days(self) -> float:
        return self.runway.days_of_supply

    @property
    def colour(self) -> str:
        return STATUS_COLOURS[self.runway.status]

    @property
    def status(self) -> RunwayStatus:
        return self.runway.status


def _thresholds() -> dict[str, float]:
    return {
        "min_days": float(settings.HAVEN_RUNWAY_MIN_DAYS),
        "reorder_days": float(settings.HAVEN_RUNWAY_REORDER_DAYS),
    }


def stock_by_item(today: date) -> dict[int, Decimal]:
    """On hand per item in lots not expired by `today`."""
    rows = (
        Balance.objects.filter(quantity__gt=0)
        .exclude(lot__expiry_date__lt=today)
        .values_list("item_id")
        .annotate(total=Sum("quantity"))
        .order_by()
    )
    return {item_id: Decimal(total) for item_id, total in rows}


def daily_issues(today: date, window_days: int) -> dict[int, list[float | None]]:
    """Per item, quantity issued each day of the window (oldest first), ending yesterday.

    A day on which the ledger shows no issue of anything is a gap (None: no sheet); on a
    day with issues, an item not issued counts 0.
    """
    days = [today - timedelta(days=offset) for offset in range(window_days, 0, -1)]
    rows = (
        LedgerEntry.objects.filter(kind=EntryKind.ISSUE, day__gte=days[0], day__lte=days[-1])
        .values_list("item_id", "day")
        .annotate(total=Sum("quantity"))
        .order_by()
    )
    by_item: dict[int, dict[date, float]] = defaultdict(dict)
    recorded_days: set[date] = set()
    for item_id, day, total in rows:
        by_item[item_id][day] = -float(total)
        recorded_days.add(day)
    return {
        item_id: [max(per_day.get(day, 0.0), 0.0) if day in recorded_days else None for day in days]
        for item_id, per_day in by_item.items()
    }


def _worst(*statuses: RunwayStatus) -> RunwayStatus:
    return max(statuses, key=lambda status: STATUS_ORDER[status])


def _level_status(item: Item, on_hand: Decimal) -> RunwayStatus:
    if item.min_level > 0 and on_hand < item.min_level:
        return RunwayStatus.CRITICAL
    if item.reorder_level > 0 and on_hand < item.reorder_level:
        return RunwayStatus.LOW
    return RunwayStatus.OK


@dataclass(frozen=True, slots=True)
class CampRunway:
    """Everything the runway pages show, computed once."""

    today: date
    headcount: int
    window_days: int
    items: list[ItemRunwayRow]
    needs: list[NeedRunwayRow]

    def need(self, name: str) -> NeedRunwayRow | None:
        return next((row for row in self.needs if row.need == name), None)


def camp_runway(
    *, today: date | None = None, window_days: int | None = None, items: list[Item] | None = None
) -> CampRunway:
    """Runway per item and per need for today's headcount and the recent issue rate."""
    today = today or timezone.localdate()
    window = window_days or int(settings.HAVEN_RUNWAY_WINDOW_DAYS)
    catalogue = items if items is not None else list(Item.objects.all())
    stock = stock_by_item(today)
    issued = daily_issues(today, window)
    thresholds = _thresholds()
    rows: list[ItemRunwayRow] = []
    rates: dict[int, float] = {}
    for item in catalogue:
        on_hand = stock.get(item.pk, Decimal(0))
        rate = consumption_rate(issued.get(item.pk, []), window)
        rates[item.pk] = rate
        runway = item_runway(float(on_hand), rate, 0.0, **thresholds)
        status = runway.status if rate > 0 else RunwayStatus.OK
        rows.append(
            ItemRunwayRow(
                item=item,
                on_hand=on_hand,
                runway=runway,
                status=_worst(status, _level_status(item, on_hand)),
            )
        )

    people = Person.objects.in_camp().aggregate(
        headcount=Count("id"), extra_kcal=Sum("extra_energy_kcal")
    )
    headcount = int(people["headcount"] or 0)
    extra_kcal = float(people["extra_kcal"] or 0)

    def need_row(
        need: str,
        label: str,
        unit: str,
        content: str,
        wanted: Callable[[Item], bool],
        standard: float | None,
        extra: float,
    ) -> NeedRunwayRow:
        chosen = [row.item for row in rows if wanted(row.item)]
        amount = sum(float(stock.get(i.pk, 0)) * float(getattr(i, content)) for i in chosen)
        rate = sum(rates[i.pk] * float(getattr(i, content)) for i in chosen)
        daily_need = headcount * standard + extra if standard is not None else 0.0
        runway = item_runway(amount, rate, daily_need, **thresholds)
        if standard is None and rate == 0 and amount == 0:
            # Nothing on hand and nothing used lately: scarce, not "lasts forever".
            runway = replace(
                runway, days_by_consumption=0.0, days_of_supply=0.0, status=RunwayStatus.CRITICAL
            )
        return NeedRunwayRow(
            need=need, label=label, unit=unit, runway=runway, standard_per_person=standard
        )

    needs = [
        need_row(
            "kcal",
            "Food energy",
            "kcal",
            "kcal_per_unit",
            lambda item: item.category == Category.FOOD,
            float(settings.HAVEN_STANDARD_KCAL_PER_PERSON_DAY),
            extra_kcal,
        ),
        need_row(
            "litres",
            "Drinking water",
            "L",
            "litres_per_unit",
            lambda item: item.category == Category.WATER,
            float(settings.HAVEN_STANDARD_WATER_L_PER_PERSON_DAY),
            0.0,
        ),
    ]
    kept = {item.medical_category for item in catalogue if item.category == Category.MEDICAL}
    for medical in MedicalCategory:
        if medical.value not in kept:
            continue
        needs.append(
            need_row(
                f"medical:{medical.value}",
                f"Medical: {medical.label.lower()}",
                "treatments",
                "doses_per_unit",
                _medical(medical.value),
                None,
                0.0,
            )
        )
    return CampRunway(today=today, headcount=headcount, window_days=window, items=rows, needs=needs)


def _medical(kind: str) -> Callable[[Item], bool]:
    return lambda item: item.category == Category.MEDICAL and item.medical_category == kind


def days_label(days: float) -> str:
    if math.isinf(days):
        return "∞"
    return f"{days:.1f}"


def _amount(value: float) -> str:
    return f"{value:,.0f}"


def need_bars(runway: CampRunway, *, scale_days: float = 21.0) -> list[dict[str, object]]:
    """Rows for the runway bars: days as text, bar width against `scale_days`, a detail line."""
    rows: list[dict[str, object]] = []
    for row in runway.needs:
        days = row.runway.days_of_supply
        detail = f"{_amount(row.runway.on_hand)} {row.unit} on hand"
        if row.runway.planned_daily_need:
            detail += (
                f"; standard {_amount(row.runway.planned_daily_need)} {row.unit}/day "
                f"for {runway.headcount} people"
            )
        if row.runway.recent_rate:
            detail += f"; issued {_amount(row.runway.recent_rate)}/day lately"
        rows.append(
            {
                "need": row.need,
                "label": row.label,
                "days": days,
                "days_text": days_label(days),
                "width": 100 if math.isinf(days) else round(min(days / scale_days, 1) * 100, 1),
                "colour": row.colour,
                "status": row.status.value,
                "detail": detail,
            }
        )
    return rows
