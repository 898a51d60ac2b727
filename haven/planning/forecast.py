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
import os
import time
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import NDArray

from haven.planning.errors import PlanningInputError

__all__ = [
    "ForecastInputs",
    "NeedForecast",
    "NeedHistory",
    "RunwayForecast",
    "Scenario",
    "apply_scenario",
    "compare_scenarios",
    "forecast_runway",
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
    """Returning missions, shared by all needs: which cells they land in, what they bring.

    `cells` are the flat (day, scenario) cells with at least one mission, ascending;
    `first[i]` is the first mission of cell i (an index into the mission history). Few
    cells see two missions in a day: `extra_cells[j]` (positions in `cells`) receives
    `extra_outcomes[j]` on top, in the order the missions were drawn.
    """

    cells: NDArray[np.intp]
    first: NDArray[np.intp]
    extra_cells: NDArray[np.intp]
    extra_outcomes: NDArray[np.intp]

    def hauls(self, brought: NDArray[np.float64]) -> NDArray[np.float64]:
        """What each cell's missions bring of one need (`brought` per past mission)."""
        total = brought[self.first]
        # Unbuffered and in order: the same sums, to the bit, as adding cell by cell.
        np.add.at(total, self.extra_cells, brought[self.extra_outcomes])
        return total


def _mission_arrivals(
    inputs: ForecastInputs, horizon_days: int, scenarios: int, seed: int
) -> _Missions:
    """Draw every returning mission of every scenario at once."""
    none = np.empty(0, dtype=np.intp)
    if inputs.missions_per_week == 0 or not inputs.mission_outcomes:
        return _Missions(none, none, none, none)
    rng = _stream(seed, _MISSION_STREAM)
    per_cell = rng.poisson(inputs.missions_per_week / 7, size=horizon_days * scenarios)
    cells = np.flatnonzero(per_cell).astype(np.intp)
    counts = per_cell[cells]
    starts = np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.intp)
    outcomes = rng.integers(len(inputs.mission_outcomes), size=int(counts.sum())).astype(np.intp)
    is_extra = np.ones(outcomes.size, dtype=bool)
    is_extra[starts] = False
    extra_cells = np.repeat(np.arange(cells.size, dtype=np.intp), counts - 1)
    return _Missions(cells, outcomes[starts], extra_cells, outcomes[is_extra])


def _day_noise(horizon_days: int, scenarios: int, seed: int) -> NDArray[np.float32]:
    """One standard-normal draw per day and scenario, shared by every need."""
    noise: NDArray[np.float32] = _stream(seed, _DAY_STREAM).standard_normal(
        (horizon_days, scenarios), dtype=np.float32
    )
    return noise


def _daily_use(
    history: NeedHistory, headcount: int, day_noise: NDArray[np.float32], seed: int
) -> NDArray[np.float32]:
    """Camp-wide use per day and scenario, shape (horizon_days, scenarios)."""
    use = np.asarray(history.daily_use_per_person, dtype=np.float64)
    mean = float(use.mean())
    spread = float(use.std(ddof=1)) if use.size > 1 else 0.0
    if spread == 0:
        return np.full(day_noise.shape, headcount * mean, dtype=np.float32)
    rng = _stream(seed, _NEED_STREAM, _need_key(history.need))
    scenario_mean = rng.standard_normal((1, day_noise.shape[1]), dtype=np.float32)
    scenario_mean *= np.float32(spread / math.sqrt(use.size))
    scenario_mean += np.float32(mean)
    daily = day_noise * np.float32(spread)
    daily += scenario_mean
    np.maximum(daily, np.float32(0.0), out=daily)
    daily *= np.float32(headcount)
    return daily


def _walk_days(net: NDArray[np.float32], empty_at: float) -> NDArray[np.int64]:
    """Turn daily net flows into end-of-day stock (in place); count run-outs per day.

    The unclipped cumulative path's running minimum says whether a scenario has run out,
    and subtracting it (when below zero) gives the stock that stops at zero. A loop over
    days, each step a whole row of scenarios, is several times faster here than
    `cumsum`/`minimum.accumulate` along axis 0, and needs no second full-size array.
    """
    running_minimum = net[0].copy()
    ran_out = np.empty(net.shape[0], dtype=np.int64)
    ran_out[0] = np.count_nonzero(running_minimum <= empty_at)
    below_zero = np.empty_like(running_minimum)
    for day in range(1, net.shape[0]):
        np.add(net[day - 1], net[day], out=net[day])
        # Yesterday's row is no longer needed unclipped: clip it with yesterday's minimum.
        np.minimum(running_minimum, np.float32(0.0), out=below_zero)
        net[day - 1] -= below_zero
        np.minimum(running_minimum, net[day], out=running_minimum)
        ran_out[day] = np.count_nonzero(running_minimum <= empty_at)
    np.minimum(running_minimum, np.float32(0.0), out=below_zero)
    net[-1] -= below_zero
    return ran_out


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
    net = _daily_use(history, inputs.headcount, day_noise, seed)
    np.negative(net, out=net)
    brought = np.array([outcome.get(history.need, 0.0) for outcome in inputs.mission_outcomes])
    if missions.cells.size and brought.any():
        # Each cell appears once in `cells`, so a fancy-index add is safe.
        net.reshape(-1)[missions.cells] += missions.hauls(brought).astype(np.float32)
    net[0] += np.float32(history.on_hand)
    ran_out = _walk_days(net, _EMPTY_TOLERANCE * max(1.0, history.on_hand))
    stockout_probability = ran_out / scenarios
    # A full sort of each day's scenarios (SIMD in NumPy) is faster than partitioning:
    # rows hold many equal values (empty stock), where selection degrades.
    net.sort(axis=1)
    fan = net[:, _percentile_ranks(scenarios)].T.astype(np.float64)
    half_out = np.flatnonzero(stockout_probability >= 0.5)
    return NeedForecast(
        need=history.need,
        stockout_probability=stockout_probability,
        stock_p10=np.ascontiguousarray(fan[0]),
        stock_p50=np.ascontiguousarray(fan[1]),
        stock_p90=np.ascontiguousarray(fan[2]),
        median_stockout_day=int(half_out[0]) + 1 if half_out.size else None,
    )


# Threads the machine forecasts needs fastest on (None: not yet measured), and when that was
# measured: a long-lived worker measures again after a while, as the machine's load changes.
_measured_threads: int | None = None
_measured_at = 0.0
_MEASURE_AGAIN_AFTER_S = 600.0
# Threads are kept only when they beat one thread by this margin: a busy machine's
# threads fight for the same cores and the caches, and then one thread is faster.
_THREAD_GAIN = 0.85


def measured_threads() -> int | None:
    """Threads the forecast chose on this machine (None until a forecast measured it)."""
    return _measured_threads


def _map_on_threads(
    forecast: Callable[[NeedHistory], NeedForecast], needs: Sequence[NeedHistory], threads: int
) -> tuple[NeedForecast, ...]:
    # NumPy releases the GIL in its random fills, sums and sorts, so needs forecast on
    # separate cores; each need has its own random stream, so the result is the same.
    if threads <= 1:
        return tuple(map(forecast, needs))
    with ThreadPoolExecutor(max_workers=threads) as pool:
        return tuple(pool.map(forecast, needs))


def _map_measuring_threads(
    forecast: Callable[[NeedHistory], NeedForecast], needs: Sequence[NeedHistory]
) -> tuple[NeedForecast, ...]:
    """Forecast every need on as many threads as the machine runs fastest.

    The first forecast in a process measures it on its own work: one need alone, then
    one need per CPU at once; the faster way is kept for the rest and for later calls,
    until `_MEASURE_AGAIN_AFTER_S` have passed and a forecast measures again.
    """
    global _measured_threads, _measured_at
    cpus = os.cpu_count() or 1
    fresh = time.monotonic() - _measured_at < _MEASURE_AGAIN_AFTER_S
    if (_measured_threads is not None and fresh) or cpus == 1 or len(needs) < cpus + 2:
        threads = _measured_threads or 1
        return _map_on_threads(forecast, needs, min(len(needs), threads))
    started = time.perf_counter()
    first = forecast(needs[0])
    alone = time.perf_counter() - started
    started = time.perf_counter()
    together = _map_on_threads(forecast, needs[1 : cpus + 1], cpus)
    at_once = time.perf_counter() - started
    _measured_threads = cpus if at_once < _THREAD_GAIN * alone * cpus else 1
    _measured_at = time.monotonic()
    rest = _map_on_threads(forecast, needs[cpus + 1 :], _measured_threads)
    return (first, *together, *rest)


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
    the horizon. Needs are forecast on up to `max_threads` threads (default: as many as
    proved faster on this machine, measured once per process); the result does not
    depend on it.
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
        needs = _map_measuring_threads(forecast, effective.needs)
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
