"""Benchmark the shelter allocation planner against the exact optimum and a greedy baseline.

Run `python -m bench.shelter` (or `--quick`). Instances are seeded: households of 1–8,
15 % injured, 25 % vulnerable, a few flagged for isolation, teams, half the households
already housed, a few shelters destroyed, and places for about 85 % of the people.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence

import numpy as np

from haven.planning.shelter import (
    AllocationPlan,
    PlannerPerson,
    PlannerShelter,
    ShelterUse,
    plan_allocation,
    plan_exact,
    plan_greedy,
    plan_heuristic,
)

EXACT_TIME_LIMIT_S = 15.0
HOUSEHOLD_SIZES = np.arange(1, 9)
HOUSEHOLD_SIZE_SHARES = np.array([0.14, 0.15, 0.16, 0.16, 0.13, 0.11, 0.08, 0.07])


def make_instance(
    n_people: int, n_shelters: int, *, seed: int, capacity_share: float = 0.85
) -> tuple[list[PlannerPerson], list[PlannerShelter]]:
    """A random camp: households, injuries, teams, a half-kept current allocation."""
    rng = np.random.default_rng(seed)
    n_zones = max(2, n_shelters // 60)
    uses = rng.choice(
        [ShelterUse.GENERAL, ShelterUse.INJURED_WARD, ShelterUse.ISOLATION, ShelterUse.FAMILIES],
        size=n_shelters,
        p=[0.74, 0.08, 0.04, 0.14],
    )
    # Mostly tents of 4–12, some halls of 20–60.
    raw = np.where(
        rng.random(n_shelters) < 0.85,
        rng.integers(4, 13, n_shelters),
        rng.integers(20, 61, n_shelters),
    ).astype(float)
    usable = rng.random(n_shelters) >= 0.03
    scale = capacity_share * n_people / raw[usable].sum()
    capacity = np.maximum(1, np.round(raw * scale)).astype(int)
    shelters = [
        PlannerShelter(
            shelter_id=1000 + s,
            capacity=int(capacity[s]),
            use=str(uses[s]),
            zone=f"Z{s % n_zones}",
            usable=bool(usable[s]),
        )
        for s in range(n_shelters)
    ]

    people: list[PlannerPerson] = []
    room = capacity.copy()
    household_id = 0
    n_teams = max(1, n_people // 60)
    while len(people) < n_people:
        size = min(
            int(rng.choice(HOUSEHOLD_SIZES, p=HOUSEHOLD_SIZE_SHARES)), n_people - len(people)
        )
        household_id += 1
        current: int | None = None
        if rng.random() < 0.5:
            fits = np.nonzero(room >= size)[0]
            if len(fits):
                s = int(rng.choice(fits))
                room[s] -= size
                current = shelters[s].shelter_id
        for member in range(size):
            is_child = size > 2 and member >= 2 and rng.random() < 0.6
            people.append(
                PlannerPerson(
                    person_id=len(people) + 1,
                    household_id=household_id if size > 1 else None,
                    team_id=int(rng.integers(n_teams))
                    if not is_child and rng.random() < 0.1
                    else None,
                    injured=bool(rng.random() < 0.15),
                    vulnerable=is_child or bool(rng.random() < 0.1),
                    needs_isolation=bool(rng.random() < 0.015),
                    current_shelter_id=current,
                    is_child=is_child,
                )
            )
    return people, shelters


Planner = Callable[[Sequence[PlannerPerson], Sequence[PlannerShelter]], AllocationPlan]


def timed(
    planner: Planner, people: list[PlannerPerson], shelters: list[PlannerShelter]
) -> tuple[AllocationPlan, float]:
    start = time.perf_counter()
    plan = planner(people, shelters)
    return plan, time.perf_counter() - start


def describe(label: str, plan: AllocationPlan, seconds: float, n_people: int) -> str:
    return (
        f"  {label:<16} objective {plan.objective:>12,.0f}  sheltered {len(plan.assignments):>6,}"
        f"/{n_people:,}  moves {len(plan.moves):>5,}  {seconds:7.2f} s"
    )


def compare_with_exact(n_people: int, n_shelters: int, seeds: Sequence[int]) -> None:
    print(f"{n_people} people, {n_shelters} shelters: objective as % of the exact MILP optimum")
    heuristic_ratios: list[float] = []
    greedy_ratios: list[float] = []
    for seed in seeds:
        people, shelters = make_instance(n_people, n_shelters, seed=seed)
        exact, exact_s = timed(
            lambda p, s: plan_exact(p, s, time_limit_s=EXACT_TIME_LIMIT_S), people, shelters
        )
        heuristic, heuristic_s = timed(plan_heuristic, people, shelters)
        greedy, greedy_s = timed(plan_greedy, people, shelters)
        heuristic_ratios.append(100 * heuristic.objective / exact.objective)
        greedy_ratios.append(100 * greedy.objective / exact.objective)
        print(
            f"  seed {seed}: MILP {exact.objective:,.0f}"
            f" ({'proven optimal' if exact.method == 'exact' else 'best found by the time limit'},"
            f" {exact_s:.2f} s)"
            f"  heuristic {heuristic_ratios[-1]:.2f} % ({heuristic_s:.2f} s)"
            f"  greedy {greedy_ratios[-1]:.2f} % ({greedy_s:.3f} s)"
        )
    print(
        f"  mean: heuristic {np.mean(heuristic_ratios):.2f} %"
        f" (worst {min(heuristic_ratios):.2f} %),"
        f" greedy {np.mean(greedy_ratios):.2f} % (worst {min(greedy_ratios):.2f} %)"
    )


def compare_at_scale(n_people: int, n_shelters: int, seed: int) -> None:
    people, shelters = make_instance(n_people, n_shelters, seed=seed)
    places = sum(shelter.capacity for shelter in shelters if shelter.usable)
    print(f"{n_people:,} people, {n_shelters} shelters, {places:,} usable places:")
    plan, plan_s = timed(plan_allocation, people, shelters)
    greedy, greedy_s = timed(plan_greedy, people, shelters)
    print(describe(f"plan_allocation ({plan.method})", plan, plan_s, n_people))
    print(describe("greedy", greedy, greedy_s, n_people))
    print(
        f"  greedy reaches {100 * greedy.objective / plan.objective:.2f} % of plan_allocation's"
        f" objective; plan_allocation takes {plan_s / greedy_s:.0f}× greedy's time"
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small instances, seconds")
    args = parser.parse_args(argv)
    if args.quick:
        compare_with_exact(120, 12, seeds=[1, 2])
        compare_at_scale(2_000, 120, seed=7)
    else:
        compare_with_exact(300, 30, seeds=[1, 2, 3])
        compare_at_scale(10_000, 600, seed=7)


if __name__ == "__main__":
    main()
