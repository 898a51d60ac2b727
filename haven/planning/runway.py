"""Supply runway: for how many days what is on hand lasts.

Two views of the same stock are kept apart on purpose. *By consumption* uses the rate
at which the ledger shows an item actually going out; *by need* uses the planning
standard (Sphere: 2,100 kcal and 15 L of water per person per day) times the people here.
The lower of the two is the honest runway: a store issued below standard still runs out
at the standard once rations are restored, and a store issued above standard runs out
sooner than the standard suggests.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from haven.planning.errors import PlanningInputError

__all__ = [
    "ItemRunway",
    "RunwayBasis",
    "RunwayStatus",
    "consumption_rate",
    "days_of_supply",
    "item_runway",
    "need_runway",
]


class RunwayStatus(StrEnum):
    """How urgent a runway is against the camp's thresholds."""

    OK = "ok"
    LOW = "low"
    CRITICAL = "critical"


class RunwayBasis(StrEnum):
    """Which estimate gave the lower (reported) runway."""

    CONSUMPTION = "consumption"
    NEED = "need"


@dataclass(frozen=True, slots=True)
class ItemRunway:
    """Runway of one item by recent consumption and by planned need, and its status."""

    on_hand: float
    recent_rate: float
    planned_daily_need: float
    days_by_consumption: float
    days_by_need: float
    days_of_supply: float
    basis: RunwayBasis
    status: RunwayStatus


def _require_finite_non_negative(what: str, value: float) -> float:
    number = float(value)
    if math.isnan(number) or math.isinf(number) or number < 0:
        raise PlanningInputError(f"{what} {value!r} must be a finite number ≥ 0")
    return number


def days_of_supply(on_hand: float, daily_need: float) -> float:
    """Days that `on_hand` lasts at `daily_need` per day; infinite when nothing is needed."""
    stock = _require_finite_non_negative("on hand", on_hand)
    need = _require_finite_non_negative("daily need", daily_need)
    if need == 0:
        return math.inf
    return stock / need


def need_runway(
    stock_by_need: Mapping[str, float],
    headcount: int,
    standards: Mapping[str, float],
    extra_daily: Mapping[str, float] | None = None,
) -> dict[str, float]:
    """Days of supply per need at the planning standard for `headcount` people.

    `standards` is the per-person daily amount (e.g. {"kcal": 2100, "litres": 15});
    `extra_daily` adds camp-wide daily amounts for special needs (infants, patients,
    workers on heavy duty), already summed per need. The result has one entry per need
    named in any of the three mappings: a need with stock but no demand lasts forever
    (inf), a need with demand but no stock lasts 0 days.
    """
    if isinstance(headcount, bool) or not isinstance(headcount, int) or headcount < 0:
        raise PlanningInputError(f"headcount {headcount!r} must be a whole number ≥ 0")
    extra = extra_daily or {}
    for need, per_person in standards.items():
        _require_finite_non_negative(f"standard for {need!r}", per_person)
    for need, amount in extra.items():
        _require_finite_non_negative(f"extra daily need for {need!r}", amount)

    needs = dict.fromkeys([*standards, *extra, *stock_by_need])
    return {
        need: days_of_supply(
            _require_finite_non_negative(f"stock of {need!r}", stock_by_need.get(need, 0.0)),
            headcount * standards.get(need, 0.0) + extra.get(need, 0.0),
        )
        for need in needs
    }


def consumption_rate(daily_quantities: Sequence[float | None], window_days: int = 7) -> float:
    """Recent average quantity issued per day, from the ledger's daily issue totals.

    `daily_quantities` holds one entry per calendar day, oldest first, the last being the
    most recent day. A day with no record (None or NaN: the store was closed, the clerk's
    sheet is missing) is a gap, not a zero: it is left out of the average rather than
    pulling it down. A recorded 0 is a real day on which nothing went out and counts.

    The rate is the mean over the recorded days among the last `window_days` calendar
    days. If the whole window is a gap, the mean of the last `window_days` recorded days
    before it is used instead, so a week of missing sheets does not read as "nothing is
    used". With no recorded day at all the rate is 0.0.
    """
    if isinstance(window_days, bool) or not isinstance(window_days, int) or window_days < 1:
        raise PlanningInputError(f"window of {window_days!r} days must be a whole number ≥ 1")
    recorded: list[tuple[int, float]] = []
    for day_index, quantity in enumerate(daily_quantities):
        if quantity is None or math.isnan(quantity):
            continue
        if math.isinf(quantity) or quantity < 0:
            raise PlanningInputError(
                f"quantity issued on day {day_index + 1} ({quantity!r}) must be a finite number ≥ 0"
            )
        recorded.append((day_index, float(quantity)))
    if not recorded:
        return 0.0
    first_day_in_window = len(daily_quantities) - window_days
    in_window = [quantity for day_index, quantity in recorded if day_index >= first_day_in_window]
    if not in_window:
        in_window = [quantity for _, quantity in recorded[-window_days:]]
    return math.fsum(in_window) / len(in_window)


def item_runway(
    on_hand: float,
    recent_rate: float,
    planned_daily_need: float,
    *,
    min_days: float,
    reorder_days: float,
) -> ItemRunway:
    """Runway of one item by consumption and by need; the lower one decides its status.

    Status is CRITICAL below `min_days`, LOW below `reorder_days`, otherwise OK. The
    thresholds come from the camp's settings, so they are required here.
    """
    stock = _require_finite_non_negative("on hand", on_hand)
    rate = _require_finite_non_negative("recent rate", recent_rate)
    need = _require_finite_non_negative("planned daily need", planned_daily_need)
    minimum = _require_finite_non_negative("min_days", min_days)
    reorder = _require_finite_non_negative("reorder_days", reorder_days)
    if minimum > reorder:
        raise PlanningInputError(
            f"min_days {min_days!r} must not exceed reorder_days {reorder_days!r}"
        )

    by_consumption = days_of_supply(stock, rate)
    by_need = days_of_supply(stock, need)
    if by_consumption < by_need:
        days, basis = by_consumption, RunwayBasis.CONSUMPTION
    else:
        days, basis = by_need, RunwayBasis.NEED

    if days < minimum:
        status = RunwayStatus.CRITICAL
    elif days < reorder:
        status = RunwayStatus.LOW
    else:
        status = RunwayStatus.OK
    return ItemRunway(
        on_hand=stock,
        recent_rate=rate,
        planned_daily_need=need,
        days_by_consumption=by_consumption,
        days_by_need=by_need,
        days_of_supply=days,
        basis=basis,
        status=status,
    )
