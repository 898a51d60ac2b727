"""Benchmark the runway forecast and the fabrication LP against naive methods.

Run as `python -m bench.forecast` (full: 10,000 scenarios × 180 days × 50 needs) or
`python -m bench.forecast --quick`. Printed figures:

- the vectorised Monte Carlo time, and its speed-up over a pure-Python loop doing the
  same model on a slice of scenarios and needs, scaled to the full size (both measured
  in this run); the two agree on the stock-out probabilities within Monte Carlo noise;
- the fabrication LP time on a 50-recipe instance, and its shortage coverage against a
  naive first-come-first-served plan measured in the same run.

`run(quick=...)` returns the figures for other benches (bench/rations.py) to report.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import time
from collections.abc import Callable, Mapping, Sequence
from typing import TypedDict, TypeVar

import numpy as np

from haven.planning import forecast as forecast_module
from haven.planning.fabrication import ProductionPlan, Recipe, plan_production
from haven.planning.forecast import ForecastInputs, NeedHistory, forecast_runway

T = TypeVar("T")

FULL = {"scenarios": 10_000, "horizon_days": 180, "needs": 50, "naive_scenarios": 500}
QUICK = {"scenarios": 2_000, "horizon_days": 90, "needs": 10, "naive_scenarios": 100}
NAIVE_NEEDS = 5
RECIPES = 50


def _best_time(action: Callable[[], T], repeats: int) -> tuple[float, T]:
    best, _cpu, result = _best_times(action, repeats)
    return best, result


def _best_times(action: Callable[[], T], repeats: int) -> tuple[float, float, T]:
    """Best wall time, best CPU time of the process (all threads), and the result."""
    best = best_cpu = math.inf
    result: T | None = None
    for _ in range(repeats):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = action()
        best = min(best, time.perf_counter() - started)
        best_cpu = min(best_cpu, time.process_time() - started_cpu)
    assert result is not None
    return best, best_cpu, result


def make_camp(needs: int, seed: int = 1) -> ForecastInputs:
    """A camp of 2,000 people with `needs` critical needs and a mixed mission record."""
    rng = np.random.default_rng(seed)
    histories = tuple(
        NeedHistory(
            need=f"need_{index:02d}",
            on_hand=float(rng.uniform(20, 120)) * 2_000,
            daily_use_per_person=tuple(float(v) for v in rng.gamma(8, 1 / 8, size=14)),
        )
        for index in range(needs)
    )
    outcomes = tuple(
        {} if rng.random() < 0.3 else {h.need: float(rng.uniform(0, 6_000)) for h in histories}
        for _ in range(40)
    )
    return ForecastInputs(histories, 2_000, outcomes, missions_per_week=2.0)


def naive_forecast(
    inputs: ForecastInputs, *, horizon_days: int, scenarios: int, seed: int
) -> dict[str, tuple[list[float], list[tuple[float, float, float]]]]:
    """The same model in plain loops over needs, scenarios and days.

    Per need: P(run out by day) and the (p10, p50, p90) stock per day.
    """
    rng = random.Random(seed)
    daily_missions = inputs.missions_per_week / 7
    mission_days: list[list[list[int]]] = []
    for _ in range(scenarios):
        days: list[list[int]] = []
        for _ in range(horizon_days):
            # Poisson by inversion: fine for a mean well below one mission a day.
            count, threshold, product = 0, math.exp(-daily_missions), rng.random()
            while product > threshold:
                count += 1
                product *= rng.random()
            days.append([rng.randrange(len(inputs.mission_outcomes)) for _ in range(count)])
        mission_days.append(days)
    day_noise = [[rng.gauss(0, 1) for _ in range(horizon_days)] for _ in range(scenarios)]
    result: dict[str, tuple[list[float], list[tuple[float, float, float]]]] = {}
    for history in inputs.needs:
        use = history.daily_use_per_person
        mean = sum(use) / len(use)
        spread = math.sqrt(sum((u - mean) ** 2 for u in use) / (len(use) - 1))
        ran_out_on = [0] * horizon_days
        stock_by_day: list[list[float]] = [[] for _ in range(horizon_days)]
        for scenario in range(scenarios):
            scenario_mean = mean + spread / math.sqrt(len(use)) * rng.gauss(0, 1)
            stock, ran_out = history.on_hand, False
            for day in range(horizon_days):
                for outcome in mission_days[scenario][day]:
                    stock += inputs.mission_outcomes[outcome].get(history.need, 0.0)
                rate = max(0.0, scenario_mean + spread * day_noise[scenario][day])
                stock -= rate * inputs.headcount
                if stock <= 0:
                    stock = 0.0
                    if not ran_out:
                        ran_out_on[day] += 1
                        ran_out = True
                stock_by_day[day].append(stock)
        cumulative, running = [], 0
        for count in ran_out_on:
            running += count
            cumulative.append(running / scenarios)
        fan = []
        for stocks in stock_by_day:
            stocks.sort()
            fan.append(
                (
                    stocks[max(0, math.ceil(0.1 * scenarios) - 1)],
                    stocks[max(0, math.ceil(0.5 * scenarios) - 1)],
                    stocks[max(0, math.ceil(0.9 * scenarios) - 1)],
                )
            )
        result[history.need] = (cumulative, fan)
    return result


class Workshop(TypedDict):
    """Arguments of plan_production for one benchmark instance."""

    recipes: list[Recipe]
    stock: dict[str, float]
    shortages: dict[str, float]
    workers_by_skill: dict[str, int]
    horizon_days: int
    kcal_per_item: dict[str, float]
    food_reserve_kcal: float


def make_workshop(recipes: int = RECIPES, seed: int = 3) -> Workshop:
    """A 50-recipe workshop: raw materials, intermediate parts, finished goods, 5 skills."""
    rng = random.Random(seed)
    raw = [f"raw_{index:02d}" for index in range(30)]
    skills = ["smith", "medic", "carpenter", "tailor", "cook"]
    made: list[str] = []
    book: list[Recipe] = []
    for index in range(recipes):
        pool = raw + made
        inputs = {item: float(rng.randint(1, 4)) for item in rng.sample(pool, rng.randint(1, 3))}
        product = f"part_{index:02d}"
        book.append(
            Recipe(
                recipe_id=f"r{index:02d}",
                name=f"Make {product}",
                inputs=inputs,
                outputs={product: float(rng.randint(1, 3))},
                skill=rng.choice(skills),
                batches_per_day_per_worker=float(rng.choice([1, 2, 4, 8])),
                worker_kcal_per_batch=float(rng.choice([0, 150, 400])),
            )
        )
        made.append(product)
    stock = {item: float(rng.randint(20, 200)) for item in raw} | {"rice_kg": 400.0}
    shortages = {item: float(rng.randint(5, 60)) for item in rng.sample(made, 20)}
    return Workshop(
        recipes=book,
        stock=stock,
        shortages=shortages,
        workers_by_skill={skill: rng.randint(3, 8) for skill in skills},
        horizon_days=7,
        kcal_per_item={"rice_kg": 3_500.0},
        food_reserve_kcal=1_000_000.0,
    )


def naive_production(
    recipes: Sequence[Recipe],
    stock: Mapping[str, float],
    shortages: Mapping[str, float],
    workers_by_skill: Mapping[str, int],
    horizon_days: int,
    kcal_per_item: Mapping[str, float],
    food_reserve_kcal: float,
) -> dict[str, float]:
    """First come, first served: each recipe in turn makes what its shortage needs, if it can."""
    left = dict(stock)
    worker_days = {skill: float(n * horizon_days) for skill, n in workers_by_skill.items()}
    food = sum(q * kcal_per_item.get(i, 0.0) for i, q in stock.items()) - food_reserve_kcal
    still_short = dict(shortages)
    for recipe in recipes:
        wanted = [
            math.ceil(still_short[item] / qty)
            for item, qty in recipe.outputs.items()
            if still_short.get(item, 0) > 0
        ]
        if not wanted:
            continue
        batches = min(
            [
                max(wanted),
                math.floor(worker_days.get(recipe.skill, 0.0) * recipe.batches_per_day_per_worker),
            ]
            + [
                math.floor(left.get(item, 0.0) / qty)
                for item, qty in recipe.material_inputs.items()
            ]
            + ([math.floor(max(food, 0) / recipe.kcal_per_batch)] if recipe.kcal_per_batch else [])
        )
        batches = max(batches, 0)
        for item, qty in recipe.material_inputs.items():
            left[item] = left.get(item, 0.0) - qty * batches
        worker_days[recipe.skill] -= batches / recipe.batches_per_day_per_worker
        food -= recipe.kcal_per_batch * batches
        for item, qty in recipe.outputs.items():
            if item in still_short:
                still_short[item] = max(0.0, still_short[item] - qty * batches)
    return {item: 1 - still_short[item] / need for item, need in shortages.items()}


def _coverage(plan: ProductionPlan) -> dict[str, float]:
    return {item: c.covered_fraction for item, c in plan.shortage_coverage.items()}


def run(quick: bool = False) -> dict[str, float]:
    """Run the benchmark, print it, and return its figures."""
    size = QUICK if quick else FULL
    scenarios, horizon_days, need_count = size["scenarios"], size["horizon_days"], size["needs"]
    camp = make_camp(need_count)
    print(
        f"runway forecast: {scenarios:,} scenarios × {horizon_days} days × {need_count} needs "
        f"({os.cpu_count()} CPUs)"
    )
    vector_time, forecast = _best_time(
        lambda: forecast_runway(camp, horizon_days=horizon_days, scenarios=scenarios, seed=5),
        repeats=3,
    )
    chosen_threads = forecast_module.measured_threads()
    per_need = forecast_module.measured_seconds_per_need()
    one_thread_time, one_thread_cpu, single = _best_times(
        lambda: forecast_runway(
            camp, horizon_days=horizon_days, scenarios=scenarios, seed=5, max_threads=1
        ),
        repeats=3,
    )
    cpus = os.cpu_count() or 1
    all_threads_time, threaded = _best_time(
        lambda: forecast_runway(
            camp, horizon_days=horizon_days, scenarios=scenarios, seed=5, max_threads=cpus
        ),
        repeats=3,
    )
    same = all(
        np.array_equal(a.stockout_probability, b.stockout_probability)
        and np.array_equal(a.stock_p50, b.stock_p50)
        for other in (single, threaded)
        for a, b in zip(forecast.needs, other.needs, strict=True)
    )
    naive_scenarios = size["naive_scenarios"]
    slice_camp = ForecastInputs(
        camp.needs[:NAIVE_NEEDS], camp.headcount, camp.mission_outcomes, camp.missions_per_week
    )
    naive_time, naive = _best_time(
        lambda: naive_forecast(
            slice_camp, horizon_days=horizon_days, scenarios=naive_scenarios, seed=5
        ),
        repeats=1,
    )
    naive_scaled = naive_time * (scenarios / naive_scenarios) * (need_count / NAIVE_NEEDS)
    disagreement = max(
        float(np.max(np.abs(forecast.for_need(need).stockout_probability - np.array(p))))
        for need, (p, _fan) in naive.items()
    )
    noise = 3 * math.sqrt(0.25 / naive_scenarios)
    measured = ", ".join(
        f"{threads} thread{'s' if threads != 1 else ''} {seconds * 1000:.1f} ms"
        for threads, seconds in sorted(per_need.items())
    )
    print(
        f"  vectorised NumPy          {vector_time:8.3f} s  (best of 3, {chosen_threads} "
        f"thread{'s' if chosen_threads != 1 else ''}, as measured faster here: "
        f"{measured or 'not measured'} a need)"
    )
    print(
        f"  vectorised, one thread    {one_thread_time:8.3f} s  "
        f"({one_thread_cpu:.3f} s CPU: the time on an idle core)"
    )
    print(f"  vectorised, {cpus} threads     {all_threads_time:8.3f} s")
    print(f"  same result on 1, {cpus} and the chosen threads: {'yes' if same else 'NO'}")
    print(
        f"  naive Python loop         {naive_scaled:8.1f} s  "
        f"(measured {naive_time:.2f} s on {naive_scenarios} scenarios × "
        f"{NAIVE_NEEDS} needs, scaled)"
    )
    print(
        f"  speed-up                  {naive_scaled / vector_time:8.0f} ×  "
        f"({naive_scaled / one_thread_time:.0f} × on one thread)"
    )
    print(
        f"  max |ΔP(run out)| naive vs vectorised: {disagreement:.3f} "
        f"(Monte Carlo noise ≈ {noise:.3f})"
    )

    workshop = make_workshop()
    lp_time, plan = _best_time(lambda: plan_production(**workshop), repeats=3)
    naive_start = time.perf_counter()
    greedy = naive_production(**workshop)
    greedy_time = time.perf_counter() - naive_start
    whole_batches = list(_coverage(plan).values())
    lp_fraction = [c.covered_lp / c.shortage for c in plan.shortage_coverage.values()]
    naive_fraction = list(greedy.values())
    print(f"fabrication LP: {RECIPES} recipes, 20 shortages, 5 skills, 7 days")
    print(f"  HiGHS, 3 lexicographic stages {lp_time * 1000:8.1f} ms  (best of 3)")
    print(f"  naive first-come-first-served {greedy_time * 1000:8.1f} ms")
    print(
        "  shortage coverage, min / mean: "
        f"LP {min(lp_fraction):.0%} / {np.mean(lp_fraction):.0%}, "
        f"whole batches {min(whole_batches):.0%} / {np.mean(whole_batches):.0%}, "
        f"naive {min(naive_fraction):.0%} / {np.mean(naive_fraction):.0%}"
    )
    return {
        "forecast_seconds": vector_time,
        "forecast_one_thread_seconds": one_thread_time,
        "forecast_one_thread_cpu_seconds": one_thread_cpu,
        "forecast_all_threads_seconds": all_threads_time,
        "forecast_naive_seconds_scaled": naive_scaled,
        "forecast_speedup": naive_scaled / vector_time,
        "forecast_max_probability_gap": disagreement,
        "fabrication_lp_seconds": lp_time,
        "fabrication_lp_min_coverage": min(lp_fraction),
        "fabrication_lp_mean_coverage": float(np.mean(lp_fraction)),
        "fabrication_whole_batch_min_coverage": min(whole_batches),
        "fabrication_naive_min_coverage": min(naive_fraction),
        "fabrication_naive_mean_coverage": float(np.mean(naive_fraction)),
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="a small run in a few seconds")
    run(quick=parser.parse_args(argv).quick)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
