"""Monte Carlo runway forecast: the chance of running out of each critical need, by day.

The model, per need and per simulated scenario:

- Consumption. The ledger's daily use per person gives a mean and a spread. Each
  scenario draws its own mean rate around the measured one (the measured mean is only an
  estimate from a few days: standard error = spread / √days), and each day draws that
  day's rate around the scenario's mean with the measured spread; negative draws are cut
  to 0. The camp uses that rate times the headcount. A day's fluctuation is camp-wide:
  one standard-normal draw per day and scenario moves every need (a hot, busy day uses
  more of everything), which also means the noise is drawn once, not once per need.
- Missions. Each day a Poisson number of missions returns (`missions_per_week` / 7 a day
  on average); each brings what one past mission brought, drawn at random from the
  history of mission outcomes. An outcome is one mission's haul for all needs together,
  so a mission that came back empty brings nothing of anything. Arrivals come in the
  morning, before the day's use.
- Stock. Stock cannot go below zero: a day's use beyond what is there goes unmet, and
  a later mission restocks from zero. A need has *run out by day d* when, on some day up
  to d, the day's use took the stock to zero or below.

Every step is vectorised over all scenarios at once; the Python loops run over needs
and over days (each day one NumPy operation on a whole row of scenarios, which beats
NumPy's own accumulate down that axis). Draws come from streams keyed by the seed (and the
need's name for its mean rate), so the same seed gives the same forecast, and a what-if
run with the same seed sees the same random days as the base run: differences come from
the what-if, not from noise.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import NDArray

from haven.planning.errors import PlanningInputError
from haven.planning.threads import ThreadChooser

__all__ = [
    "ForecastInputs",
    "NeedForecast",
    "NeedHistory",
    "RunwayForecast",
    "Scenario",
    "apply_scenario",
    "compare_scenarios",
    "forecast_runway",
    "measured_seconds_per_need",
    "measured_threads",
]

_MISSION_STREAM = 0
_NEED_STREAM = 1
_DAY_STREAM = 2
# Stock this close to zero (relative to what was on hand) counts as empty: the paths are
# summed in single precision, and 0.1 × 100 days of float sums is not quite 10.
_EMPTY_TOLERANCE = 1e-5
_FAN_SHARES = (0.1, 0.5, 0.9)


@dataclass(frozen=True, slots=True)
class NeedHistory:
    """One critical need: what is on hand and its recent daily use per person."""

    need: str
    on_hand: float
    daily_use_per_person: Sequence[float]


@dataclass(frozen=True, slots=True)
class ForecastInputs:
    """The camp as it stands: needs, people, and how missions have gone.

    `mission_outcomes` holds one mapping per past mission: what it brought, per need
    (an empty mapping is a mission that came back with nothing). Needs a mission brought
    that are not forecast are ignored.
    """

    needs: Sequence[NeedHistory]
    headcount: int
    mission_outcomes: Sequence[Mapping[str, float]] = ()
    missions_per_week: float = 0.0


@dataclass(frozen=True, slots=True, kw_only=True)
class Scenario:
    """A what-if applied to the base inputs before forecasting.

    `stores_lost_fraction` loses a share of a need's stock at once (0.5 = half the
    water store is gone); `stores_lost` loses an amount (more than is there loses all).
    """

    name: str
    people_leave: int = 0
    people_arrive: int = 0
    stores_lost_fraction: Mapping[str, float] = field(default_factory=dict)
    stores_lost: Mapping[str, float] = field(default_factory=dict)
    missions_bring_nothing: bool = False


@dataclass(frozen=True, slots=True, eq=False)
class NeedForecast:
    """Forecast for one need; arrays are indexed by day - 1 (day 1 is tomorrow)."""

    need: str
    stockout_probability: NDArray[np.float64]
    stock_p10: NDArray[np.float64]
    stock_p50: NDArray[np.float64]
    stock_p90: NDArray[np.float64]
    median_stockout_day: int | None


@dataclass(frozen=True, slots=True, eq=False)
class RunwayForecast:
    """Forecast for every need under one scenario."""

    scenario_name: str
    horizon_days: int
    scenarios: int
    needs: tuple[NeedForecast, ...]

    def for_need(self, need: str) -> NeedForecast:
        """The forecast of one need, by name."""
        for forecast in self.needs:
            if forecast.need == need:
                return forecast
        raise KeyError(need)


def _check_count(what: str, value: object, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise PlanningInputError(f"{what} {value!r} must be a whole number ≥ {minimum}")
    return value


def _check_amount(what: str, value: float) -> float:
    if not math.isfinite(value) or value < 0:
        raise PlanningInputError(f"{what} {value!r} must be a finite number ≥ 0")
    return float(value)


def _validate(inputs: ForecastInputs) -> None:
    _check_count("headcount", inputs.headcount, 0)
    _check_amount("missions per week", inputs.missions_per_week)
    names = [history.need for history in inputs.needs]
    if not names:
        raise PlanningInputError("no needs to forecast")
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise PlanningInputError(f"need {duplicates[0]!r} is listed twice")
    for history in inputs.needs:
        _check_amount(f"stock of {history.need!r}", history.on_hand)
        if len(history.daily_use_per_person) == 0:
            raise PlanningInputError(f"no daily use history for {history.need!r}")
        for day, use in enumerate(history.daily_use_per_person, start=1):
            _check_amount(f"daily use per person of {history.need!r} on day {day}", use)
    if inputs.missions_per_week > 0 and not inputs.mission_outcomes:
        raise PlanningInputError(
            f"missions per week {inputs.missions_per_week!r} given "
            "but no past mission outcomes to draw yields from"
        )
    for number, outcome in enumerate(inputs.mission_outcomes, start=1):
        for need, amount in outcome.items():
            _check_amount(f"mission {number} yield of {need!r}", amount)


def apply_scenario(inputs: ForecastInputs, scenario: Scenario) -> ForecastInputs:
    """The base inputs changed by a what-if scenario."""
    _validate(inputs)
    leave = _check_count(f"{scenario.name}: people_leave", scenario.people_leave, 0)
    arrive = _check_count(f"{scenario.name}: people_arrive", scenario.people_arrive, 0)
    if leave > inputs.headcount:
        raise PlanningInputError(
            f"{scenario.name}: people_leave {leave} exceeds headcount {inputs.headcount}"
        )
    known = {history.need for history in inputs.needs}
    for need, fraction in scenario.stores_lost_fraction.items():
        if need not in known:
            raise PlanningInputError(f"{scenario.name}: unknown need {need!r} in stores lost")
        if not 0 <= fraction <= 1:
            raise PlanningInputError(
                f"{scenario.name}: fraction of {need!r} lost {fraction!r} must be within 0–1"
            )
    for need, amount in scenario.stores_lost.items():
        if need not in known:
            raise PlanningInputError(f"{scenario.name}: unknown need {need!r} in stores lost")
        _check_amount(f"{scenario.name}: amount of {need!r} lost", amount)

    needs = tuple(
        replace(
            history,
            on_hand=max(
                0.0,
                history.on_hand * (1 - scenario.stores_lost_fraction.get(history.need, 0.0))
                - scenario.stores_lost.get(history.need, 0.0),
            ),
        )
        for history in inputs.needs
    )
    return ForecastInputs(
        needs=needs,
        headcount=inputs.headcount - leave + arrive,
        mission_outcomes=() if scenario.missions_bring_nothing else inputs.mission_outcomes,
        missions_per_week=0.0 if scenario.missions_bring_nothing else inputs.missions_per_week,
    )


def _stream(seed: int, *key: int) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=key)))


def _need_key(need: str) -> int:
    return zlib.crc32(need.encode("utf-8"))


@dataclass(frozen=True, slots=True, eq=False)
class _Missions:
    """Returning missions, shared by all needs: where each lands and what it brings.

    `cells[i]` is the flat (day, scenario) cell mission i returns in, ascending (a cell
    with two missions appears twice); `outcomes[i]` indexes the mission history. Missions
    whose past outcome brought nothing of any forecast need are left out: they change
    no stock.
    """

    cells: NDArray[np.intp]
    outcomes: NDArray[np.intp]


def _mission_arrivals(
    inputs: ForecastInputs, horizon_days: int, scenarios: int, seed: int
) -> _Missions:
    """Draw every returning mission of every scenario at once.

    A Poisson number of missions a day is a Poisson process: each scenario's missions
    over the horizon are Poisson(rate × days) in number, each on a uniformly drawn day.
    Drawing them so costs one draw per mission instead of one per (day, scenario) cell.
    """
    none = np.empty(0, dtype=np.intp)
    if inputs.missions_per_week == 0 or not inputs.mission_outcomes:
        return _Missions(none, none)
    rng = _stream(seed, _MISSION_STREAM)
    per_scenario = rng.poisson(inputs.missions_per_week / 7 * horizon_days, size=scenarios)
    total = int(per_scenario.sum())
    scenario = np.repeat(np.arange(scenarios, dtype=np.intp), per_scenario)
    day = rng.integers(horizon_days, size=total, dtype=np.intp)
    outcome_count = len(inputs.mission_outcomes)
    outcome = rng.integers(outcome_count, size=total, dtype=np.intp)
    forecast_needs = {history.need for history in inputs.needs}
    brings_something = np.array(
        [any(past.get(need, 0) > 0 for need in forecast_needs) for past in inputs.mission_outcomes]
    )
    useful = brings_something[outcome]
    # One sort of (cell, outcome) keys orders the missions by cell: each need then adds
    # its hauls walking memory forwards, in an order fixed by the seed.
    key = (day[useful] * scenarios + scenario[useful]) * outcome_count + outcome[useful]
    key.sort()
    cells, outcomes = np.divmod(key, outcome_count)
    return _Missions(cells, outcomes)


def _day_noise(horizon_days: int, scenarios: int, seed: int) -> NDArray[np.float32]:
    """One standard-normal draw per day and scenario, shared by every need."""
    noise: NDArray[np.float32] = _stream(seed, _DAY_STREAM).standard_normal(
        (horizon_days, scenarios), dtype=np.float32
    )
    return noise


def _negated_use(
    history: NeedHistory, headcount: int, day_noise: NDArray[np.float32], seed: int
) -> NDArray[np.float32]:
    """Minus the camp-wide use per day and scenario, shape (horizon_days, scenarios).

    Negated because the stock walk adds it: -max(0, rate) × headcount is
    min(0, -rate × headcount), three passes over the array.
    """
    use = np.asarray(history.daily_use_per_person, dtype=np.float64)
    mean = float(use.mean())
    spread = float(use.std(ddof=1)) if use.size > 1 else 0.0
    if spread == 0:
        return np.full(day_noise.shape, -headcount * mean, dtype=np.float32)
    rng = _stream(seed, _NEED_STREAM, _need_key(history.need))
    scenario_mean = rng.standard_normal((1, day_noise.shape[1]), dtype=np.float32)
    scenario_mean *= np.float32(-headcount * spread / math.sqrt(use.size))
    scenario_mean += np.float32(-headcount * mean)
    net = np.multiply(day_noise, np.float32(-headcount * spread))
    net += scenario_mean
    # Against a row of zeros, not the scalar 0: NumPy's SIMD loop takes two arrays.
    np.minimum(net, np.zeros(net.shape[1], dtype=np.float32), out=net)
    return net


def _walk_days(net: NDArray[np.float32], empty_at: float) -> NDArray[np.intp]:
    """Turn daily net flows into end-of-day stock (in place); count run-outs by day.

    Each day adds its flow to yesterday's stock and stops at zero. A loop over days, each
    step a whole row of scenarios, is several times faster here than NumPy's accumulate
    down the days. A scenario has run out by a day once its stock was at most `empty_at`
    on that day or before.
    """
    # Against a row of zeros, not the scalar 0: NumPy's SIMD loop takes two arrays.
    zeros = np.zeros(net.shape[1], dtype=np.float32)
    np.maximum(net[0], zeros, out=net[0])
    for day in range(1, net.shape[0]):
        row = net[day]
        np.add(net[day - 1], row, out=row)
        np.maximum(row, zeros, out=row)
    ran_out = net <= np.float32(empty_at)
    for day in range(1, net.shape[0]):
        np.logical_or(ran_out[day - 1], ran_out[day], out=ran_out[day])
    # Summing the flags as bytes is faster than count_nonzero along an axis.
    counts: NDArray[np.intp] = ran_out.view(np.uint8).sum(axis=1, dtype=np.intp)
    return counts


def _percentile_ranks(scenarios: int) -> list[int]:
    # Inverted-CDF percentiles: a stock level some scenario actually reached, read
    # straight from the sorted scenarios with no interpolation.
    return [max(0, math.ceil(share * scenarios) - 1) for share in _FAN_SHARES]


def _forecast_need(
    history: NeedHistory,
    inputs: ForecastInputs,
    missions: _Missions,
    day_noise: NDArray[np.float32],
    seed: int,
) -> NeedForecast:
    # Arrays are (day, scenario): accumulating down the days then reads whole rows, and
    # the percentiles sort contiguous rows. Single precision halves the memory
    # traffic; its rounding (about 1e-5 of the stock over 180 days) is far below the
    # Monte Carlo error.
    scenarios = day_noise.shape[1]
    net = _negated_use(history, inputs.headcount, day_noise, seed)
    brought = np.array(
        [outcome.get(history.need, 0.0) for outcome in inputs.mission_outcomes], dtype=np.float32
    )
    if missions.cells.size and brought.any():
        # Unbuffered and in the missions' order: a cell with two missions gets both.
        np.add.at(net.reshape(-1), missions.cells, brought[missions.outcomes])
    net[0] += np.float32(history.on_hand)
    ran_out = _walk_days(net, _EMPTY_TOLERANCE * max(1.0, history.on_hand))
    stockout_probability = ran_out / scenarios
    # A full sort of each day's scenarios (SIMD in NumPy) is faster than partitioning:
    # rows hold many equal values (empty stock), where selection degrades.
    net.sort(axis=1)
    fan = net[:, _percentile_ranks(scenarios)].T.astype(np.float64)
    fan += 0.0  # an empty store reads 0, never -0 (0 - 0 of an empty camp's use)
    half_out = np.flatnonzero(stockout_probability >= 0.5)
    return NeedForecast(
        need=history.need,
        stockout_probability=stockout_probability,
        stock_p10=np.ascontiguousarray(fan[0]),
        stock_p50=np.ascontiguousarray(fan[1]),
        stock_p90=np.ascontiguousarray(fan[2]),
        median_stockout_day=int(half_out[0]) + 1 if half_out.size else None,
    )


# Needs are forecast on one thread or on one per CPU, as measured faster while they run.
_chooser = ThreadChooser()


def measured_threads() -> int | None:
    """Threads the last automatic forecast chose (None until it had measured both ways)."""
    return _chooser.chosen_threads()


def measured_seconds_per_need() -> dict[int, float]:
    """Seconds per need the last automatic forecast's size measured, by thread count."""
    return _chooser.seconds_per_item()


def _map_on_threads(
    forecast: Callable[[NeedHistory], NeedForecast], needs: Sequence[NeedHistory], threads: int
) -> tuple[NeedForecast, ...]:
    # NumPy releases the GIL in its random fills, sums and sorts, so needs forecast on
    # separate cores; each need has its own random stream, so the result is the same.
    if threads <= 1:
        return tuple(map(forecast, needs))
    with ThreadPoolExecutor(max_workers=threads) as pool:
        return tuple(pool.map(forecast, needs))


def forecast_runway(
    inputs: ForecastInputs,
    *,
    horizon_days: int,
    scenarios: int = 10_000,
    seed: int = 0,
    scenario: Scenario | None = None,
    max_threads: int | None = None,
) -> RunwayForecast:
    """P(run out by day d), stock percentiles and median run-out day for every need.

    `scenarios` is the number of simulated futures; `scenario` is an optional what-if
    applied to `inputs` first. The fan-chart percentiles (p10/p50/p90 of the end-of-day
    stock) are levels some scenario actually reached. The median run-out day is the
    first day by which at least half the futures have run out, or None if that is beyond
    the horizon. Needs are forecast on up to `max_threads` threads (default: one or one
    per CPU, whichever is measured faster while the needs run; see
    `haven.planning.threads`); the result does not depend on it.
    """
    _check_count("horizon in days", horizon_days, 1)
    _check_count("number of scenarios", scenarios, 1)
    _check_count("seed", seed, 0)
    if max_threads is not None:
        _check_count("max threads", max_threads, 1)
    _validate(inputs)
    effective = apply_scenario(inputs, scenario) if scenario is not None else inputs
    missions = _mission_arrivals(effective, horizon_days, scenarios, seed)
    day_noise = _day_noise(horizon_days, scenarios, seed)

    def forecast(history: NeedHistory) -> NeedForecast:
        return _forecast_need(history, effective, missions, day_noise, seed)

    if max_threads is not None:
        threads = min(len(effective.needs), max_threads)
        needs = _map_on_threads(forecast, effective.needs, threads)
    else:
        # Needs of one size (scenarios × days) cost alike: their timings are kept together.
        size_class = (scenarios * horizon_days).bit_length()
        needs = tuple(_chooser.map(forecast, effective.needs, size_class=size_class))
    return RunwayForecast(
        scenario_name=scenario.name if scenario is not None else "base",
        horizon_days=horizon_days,
        scenarios=scenarios,
        needs=needs,
    )


def compare_scenarios(
    inputs: ForecastInputs,
    what_ifs: Iterable[Scenario],
    *,
    horizon_days: int,
    scenarios: int = 10_000,
    seed: int = 0,
) -> dict[str, RunwayForecast]:
    """The base forecast and one per what-if, all on the same random days, by name."""
    forecasts = {
        "base": forecast_runway(inputs, horizon_days=horizon_days, scenarios=scenarios, seed=seed)
    }
    for what_if in what_ifs:
        if what_if.name in forecasts:
            raise PlanningInputError(f"scenario name {what_if.name!r} is used twice")
        forecasts[what_if.name] = forecast_runway(
            inputs, horizon_days=horizon_days, scenarios=scenarios, seed=seed, scenario=what_if
        )
    return forecasts
