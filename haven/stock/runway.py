"""Days of supply: one definition, shown alike by the dashboard, the stock table, the item
card and the API.

**Days of supply of a need** (food energy in kcal, drinking water in litres, treatments of
each medical category) = usable stock ÷ what the camp needs a day, where

- *usable stock* is what is on hand in every store, in lots not expired today, counted in
  the need's unit (kg of cereal × kcal per kg, bottles × litres per bottle, …);
- *a day* is the larger of the planning standard for the people in camp (Sphere: 2,100 kcal
  and 15 L a person a day, plus the extra kcal of special needs) and the recent daily use
  (the average issued per recorded day over the last `HAVEN_RUNWAY_WINDOW_DAYS` days). A
  store issued below standard still runs out at the standard once rations are restored;
  one issued above it runs out sooner. Medical needs have no per-head standard: recent use.

An item that serves a need (food with kcal, water with litres, medical with treatments)
shows its need's days of supply: a camp runs out of water, not of one kind of bottle. An
item that serves none (soap, fuel, tools) has its own: usable on hand ÷ its recent use.

`supply_figures` holds the definition and takes quantities (usable stock and recent use
per item, the headcount), so it can be fed from aggregates; `camp_runway` reads them with
two queries whatever the ledger's size: balances summed per item (unexpired lots), and
the issues kept per item per camp day (`DailyIssue`, updated with every issue entry)
over the window, O(items × window days) rows. The arithmetic is
`haven.planning.runway.item_runway`.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from haven.people import aggregates
from haven.planning.runway import ItemRunway, RunwayStatus, consumption_rate, item_runway
from haven.stock.choices import Category, MedicalCategory
from haven.stock.models import Balance, DailyIssue, Item

STATUS_ORDER = {RunwayStatus.OK: 0, RunwayStatus.LOW: 1, RunwayStatus.CRITICAL: 2}
STATUS_COLOURS = {
    RunwayStatus.OK: "#2e7d32",
    RunwayStatus.LOW: "#b45309",  # amber dark enough for text on white (WCAG AA)
    RunwayStatus.CRITICAL: "#c62828",
}
DEFINITION = gettext_lazy(
    "Days of supply = usable stock (on hand in every store, lots not expired) ÷ the larger "
    "of the daily standard for the people in camp and the recent daily use; medical needs "
    "count recent use only, and an item serving no need counts its own recent use."
)


def amount_text(value: float | Decimal) -> str:
    """A quantity as the pages print it everywhere: 16,110 · 37.4 · 0.5."""
    number = float(value)
    if abs(number) >= 100:
        return f"{number:,.0f}"
    return f"{number:,.1f}".removesuffix(".0")


def days_label(days: float) -> str:
    if math.isinf(days):
        return "∞"
    return f"{days:.1f}"


@dataclass(frozen=True, slots=True)
class Need:
    """A need stock is counted in: its key (as in the API), name, unit and content field."""

    key: str
    label: str
    unit: str
    content: str  # the Item field giving one unit's worth of this need
    standard_per_person: float | None  # a day; None: no per-head standard (recent use only)


def needs_for(catalogue: Sequence[Item]) -> list[Need]:
    """Food energy, drinking water, and each medical category the catalogue holds."""
    needs = [
        Need(
            "kcal",
            gettext("Food energy"),
            "kcal",
            "kcal_per_unit",
            settings.HAVEN_STANDARD_KCAL_PER_PERSON_DAY,
        ),
        Need(
            "litres",
            gettext("Drinking water"),
            "L",
            "litres_per_unit",
            settings.HAVEN_STANDARD_WATER_L_PER_PERSON_DAY,
        ),
    ]
    kept = {item.medical_category for item in catalogue if item.category == Category.MEDICAL}
    needs += [
        Need(
            f"medical:{medical.value}",
            gettext("Medical: %(category)s") % {"category": str(medical.label).lower()},
            gettext("treatments"),
            "doses_per_unit",
            None,
        )
        for medical in MedicalCategory
        if medical.value in kept
    ]
    return needs


def need_of(item: Item) -> str | None:
    """The need an item serves, if any: food with kcal, water with litres, medical with
    treatments (in its medical category)."""
    if item.category == Category.FOOD and item.kcal_per_unit > 0:
        return "kcal"
    if item.category == Category.WATER and item.litres_per_unit > 0:
        return "litres"
    if item.category == Category.MEDICAL and item.medical_category and item.doses_per_unit > 0:
        return f"medical:{item.medical_category}"
    return None


@dataclass(frozen=True, slots=True)
class NeedRunwayRow:
    """Days of supply of one need, with what it was computed from."""

    need: str
    label: str
    unit: str
    runway: ItemRunway
    standard_per_person: float | None
    headcount: int
    items: tuple[tuple[Item, float], ...]  # the items serving it, usable amount in need units

    @property
    def days(self) -> float:
        return self.runway.days_of_supply

    @property
    def days_text(self) -> str:
        return days_label(self.runway.days_of_supply)

    @property
    def colour(self) -> str:
        return STATUS_COLOURS[self.runway.status]

    @property
    def status(self) -> RunwayStatus:
        return self.runway.status

    @property
    def stock_text(self) -> str:
        """ "16,170 L usable (Drinking water 16,110, Bottled water 60)"."""
        text = gettext("%(amount)s %(unit)s usable") % {
            "amount": amount_text(self.runway.on_hand),
            "unit": self.unit,
        }
        held = [(item, amount) for item, amount in self.items if amount > 0]
        if len(held) > 1:
            shown = ", ".join(f"{item.name} {amount_text(amount)}" for item, amount in held[:3])
            text += f" ({shown}{', …' if len(held) > 3 else ''})"
        return text

    @property
    def per_day_text(self) -> str:
        """What a day takes, and which of standard and recent use decided it."""
        runway, unit = self.runway, self.unit
        recent = gettext("%(amount)s %(unit)s a day issued lately") % {
            "amount": amount_text(runway.recent_rate),
            "unit": unit,
        }
        if self.standard_per_person is None:
            return recent if runway.recent_rate else gettext("nothing issued lately")
        heads = self.standard_per_person * self.headcount
        extra = gettext(" + special needs") if runway.planned_daily_need > heads else ""
        standard = gettext(
            "%(amount)s %(unit)s a day by the standard (%(each)s × %(people)s people%(extra)s)"
        ) % {
            "amount": amount_text(runway.planned_daily_need),
            "unit": unit,
            "each": amount_text(self.standard_per_person),
            "people": self.headcount,
            "extra": extra,
        }
        if runway.recent_rate > runway.planned_daily_need:
            return gettext("%(recent)s (more than %(standard)s)") % {
                "recent": recent,
                "standard": standard,
            }
        return f"{standard}; {recent}" if runway.recent_rate else standard

    @property
    def explanation(self) -> str:
        if math.isinf(self.days):
            return gettext("%(stock)s; nothing used or needed a day") % {"stock": self.stock_text}
        return f"{self.stock_text} ÷ {self.per_day_text}"


@dataclass(frozen=True, slots=True)
class ItemRunwayRow:
    """One item: usable on hand, its own recent use, and its days of supply (its need's)."""

    item: Item
    on_hand: Decimal
    runway: ItemRunway  # the item alone: on hand against its own recent use
    status: RunwayStatus
    need: NeedRunwayRow | None = None

    @property
    def days_of_supply(self) -> float:
        return self.need.days if self.need is not None else self.runway.days_of_supply

    @property
    def days_text(self) -> str:
        return days_label(self.days_of_supply)

    @property
    def colour(self) -> str:
        return STATUS_COLOURS[self.status]

    @property
    def on_hand_text(self) -> str:
        return amount_text(self.on_hand)

    @property
    def explanation(self) -> str:
        if self.need is not None:
            return f"{self.need.label}: {self.need.explanation}"
        if math.isinf(self.runway.days_of_supply):
            return gettext("nothing issued lately")
        return gettext("%(amount)s %(unit)s usable ÷ %(rate)s %(unit)s a day issued lately") % {
            "amount": amount_text(self.on_hand),
            "unit": self.item.unit,
            "rate": amount_text(self.runway.recent_rate),
        }


def _thresholds() -> dict[str, float]:
    return {
        "min_days": float(settings.HAVEN_RUNWAY_MIN_DAYS),
        "reorder_days": float(settings.HAVEN_RUNWAY_REORDER_DAYS),
    }


def _worst(*statuses: RunwayStatus) -> RunwayStatus:
    return max(statuses, key=lambda status: STATUS_ORDER[status])


def _level_status(item: Item, on_hand: Decimal) -> RunwayStatus:
    if item.min_level > 0 and on_hand < item.min_level:
        return RunwayStatus.CRITICAL
    if item.reorder_level > 0 and on_hand < item.reorder_level:
        return RunwayStatus.LOW
    return RunwayStatus.OK


def supply_figures(
    catalogue: Sequence[Item],
    usable: Mapping[int, Decimal],
    daily_use: Mapping[int, float],
    *,
    headcount: int,
    extra_kcal: float = 0.0,
) -> tuple[list[ItemRunwayRow], list[NeedRunwayRow]]:
    """Days of supply per need and per item, from quantities (see the module docstring).

    `usable` is on hand per item id in lots not expired; `daily_use` the recent daily use
    per item id; `extra_kcal` the camp's extra daily kcal for special needs.
    """
    thresholds = _thresholds()
    need_rows: dict[str, NeedRunwayRow] = {}
    for need in needs_for(catalogue):
        serving = [item for item in catalogue if need_of(item) == need.key]
        amounts = tuple(
            (item, float(usable.get(item.pk, 0)) * float(getattr(item, need.content)))
            for item in serving
        )
        held = math.fsum(amount for _, amount in amounts)
        rate = math.fsum(
            daily_use.get(i.pk, 0.0) * float(getattr(i, need.content)) for i in serving
        )
        standard = need.standard_per_person
        daily_need = 0.0
        if standard is not None:
            daily_need = headcount * float(standard) + (extra_kcal if need.key == "kcal" else 0.0)
        runway = item_runway(held, rate, daily_need, **thresholds)
        if standard is None and rate == 0 and held == 0:
            # Nothing on hand and nothing used lately: scarce, not "lasts forever".
            runway = replace(
                runway, days_by_consumption=0.0, days_of_supply=0.0, status=RunwayStatus.CRITICAL
            )
        need_rows[need.key] = NeedRunwayRow(
            need=need.key,
            label=need.label,
            unit=need.unit,
            runway=runway,
            standard_per_person=float(standard) if standard is not None else None,
            headcount=headcount,
            items=amounts,
        )
    item_rows: list[ItemRunwayRow] = []
    for item in catalogue:
        on_hand = Decimal(usable.get(item.pk, Decimal(0)))
        rate = daily_use.get(item.pk, 0.0)
        own = item_runway(float(on_hand), rate, 0.0, **thresholds)
        key = need_of(item)
        served = need_rows.get(key) if key else None
        if served is not None:
            status = served.status
        else:
            status = own.status if rate > 0 else RunwayStatus.OK
        item_rows.append(
            ItemRunwayRow(
                item=item,
                on_hand=on_hand,
                runway=own,
                status=_worst(status, _level_status(item, on_hand)),
                need=served,
            )
        )
    return item_rows, list(need_rows.values())


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
    rows = DailyIssue.objects.filter(day__gte=days[0], day__lte=days[-1], entries__gt=0)
    by_item: dict[int, dict[date, float]] = defaultdict(dict)
    recorded_days: set[date] = set()
    for item_id, day, total in rows.values_list("item_id", "day", "quantity").order_by():
        by_item[item_id][day] = -float(total)
        recorded_days.add(day)
    return {
        item_id: [max(per_day.get(day, 0.0), 0.0) if day in recorded_days else None for day in days]
        for item_id, per_day in by_item.items()
    }


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

    def item(self, item: Item) -> ItemRunwayRow:
        return next(row for row in self.items if row.item.pk == item.pk)


def camp_runway(
    *, today: date | None = None, window_days: int | None = None, items: list[Item] | None = None
) -> CampRunway:
    """Days of supply per need and per item for today's headcount and recent issues.

    Needs are always counted over the whole catalogue; `items` only narrows the item rows
    returned (an item card, one API item), so every page shows the same figure.
    """
    today = today or timezone.localdate()
    window = window_days or int(settings.HAVEN_RUNWAY_WINDOW_DAYS)
    catalogue = list(Item.objects.all())
    issued = daily_issues(today, window)
    headcount, extra_kcal = aggregates.in_camp_totals()
    item_rows, need_rows = supply_figures(
        catalogue,
        stock_by_item(today),
        {item_id: consumption_rate(days, window) for item_id, days in issued.items()},
        headcount=headcount,
        extra_kcal=float(extra_kcal),
    )
    if items is not None:
        wanted = {item.pk for item in items}
        item_rows = [row for row in item_rows if row.item.pk in wanted]
    return CampRunway(
        today=today, headcount=headcount, window_days=window, items=item_rows, needs=need_rows
    )


def need_bars(runway: CampRunway, *, scale_days: float = 21.0) -> list[dict[str, object]]:
    """Rows for the runway bars: days as text, bar width against `scale_days`, a detail line."""
    rows: list[dict[str, object]] = []
    for row in runway.needs:
        days = row.runway.days_of_supply
        rows.append(
            {
                "need": row.need,
                "label": row.label,
                "days": days,
                "days_text": days_label(days),
                "width": 100 if math.isinf(days) else round(min(days / scale_days, 1) * 100, 1),
                "colour": row.colour,
                "status": row.status.value,
                "detail": row.explanation,
            }
        )
    return rows
