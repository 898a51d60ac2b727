"""Shelter capacity by the Sphere standard and the shelter allocation planner."""

from __future__ import annotations

import itertools
import random
import time
from collections import Counter
from collections.abc import Sequence
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from haven.planning import shelter as shelter_planner
from haven.planning.errors import PlanningInputError
from haven.planning.shelter import (
    AllocationPlan,
    PlannerPerson,
    PlannerShelter,
    PlannerWeights,
    SeparationRules,
    ShelterUse,
    _build_model,
    _class_bound,
    allocation_violations,
    objective_bound,
    plan_allocation,
    plan_exact,
    plan_greedy,
    plan_heuristic,
    plan_objective,
    shelter_shortfall,
    sphere_capacity,
)

# ---------------------------------------------------------------- Sphere capacity


def test_capacity_is_covered_area_over_three_and_a_half_square_metres() -> None:
    assert sphere_capacity(35.0) == 10
    assert sphere_capacity(10.5) == 3
    assert sphere_capacity(13.9) == 3


def test_capacity_is_bounded_by_beds() -> None:
    assert sphere_capacity(70.0, beds=12) == 12
    assert sphere_capacity(70.0, beds=40) == 20


def test_cold_climate_standard_gives_fewer_places() -> None:
    assert sphere_capacity(45.0, m2_per_person=4.5) == 10


@pytest.mark.parametrize("area", [0.0, -12.0])
def test_zero_or_negative_area_is_refused_by_value(area: float) -> None:
    with pytest.raises(PlanningInputError, match=str(area)):
        sphere_capacity(area)


def test_shortfall_in_square_metres_and_whole_tents() -> None:
    shortfall = shelter_shortfall(10, tent_covered_area_m2=16.0)
    assert shortfall.covered_area_m2 == pytest.approx(35.0)
    # A 16 m² tent holds 4 people, so 10 people need 3 tents, not 35/16 rounded.
    assert shortfall.tents == 3


def test_no_shortfall_when_everyone_is_sheltered() -> None:
    assert shelter_shortfall(0, tent_covered_area_m2=16.0).tents == 0


def test_tent_too_small_for_one_person_is_refused() -> None:
    with pytest.raises(PlanningInputError, match="shelters nobody"):
        shelter_shortfall(5, tent_covered_area_m2=3.0)


# ---------------------------------------------------------------- helpers


def person(person_id: int, **fields: object) -> PlannerPerson:
    return PlannerPerson(person_id=person_id, **fields)  # type: ignore[arg-type]


def shelter(shelter_id: int, capacity: int, **fields: object) -> PlannerShelter:
    return PlannerShelter(shelter_id=shelter_id, capacity=capacity, **fields)  # type: ignore[arg-type]


def brute_force_optimum(
    people: Sequence[PlannerPerson],
    shelters: Sequence[PlannerShelter],
    weights: PlannerWeights,
    rules: SeparationRules,
) -> float:
    options: list[int | None] = [None, *(s.shelter_id for s in shelters)]
    capacity = {s.shelter_id: s.capacity for s in shelters}
    best = float("-inf")
    for choice in itertools.product(options, repeat=len(people)):
        load = Counter(c for c in choice if c is not None)
        if any(count > capacity[s] for s, count in load.items()):
            continue
        assignments = {p.person_id: c for p, c in zip(people, choice, strict=True) if c is not None}
        if allocation_violations(people, shelters, assignments, rules):
            continue
        best = max(best, plan_objective(people, shelters, assignments, weights))
    return best


def assert_consistent(
    plan: AllocationPlan,
    people: Sequence[PlannerPerson],
    shelters: Sequence[PlannerShelter],
    rules: SeparationRules | None = None,
    weights: PlannerWeights | None = None,
) -> None:
    assert allocation_violations(people, shelters, plan.assignments, rules) == []
    everyone = {p.person_id for p in people}
    assert set(plan.assignments) | set(plan.unsheltered) == everyone
    assert not set(plan.assignments) & set(plan.unsheltered)
    assert all(reason for reason in plan.unsheltered.values())
    assert plan.objective == pytest.approx(
        plan_objective(people, shelters, plan.assignments, weights)
    )
    expected_moves = sorted(
        (p.person_id, p.current_shelter_id, plan.assignments.get(p.person_id))
        for p in people
        if p.current_shelter_id is not None
        and plan.assignments.get(p.person_id) != p.current_shelter_id
    )
    assert plan.moves == expected_moves


tiny_shelters = st.lists(
    st.builds(
        PlannerShelter,
        shelter_id=st.just(0),
        capacity=st.integers(0, 4),
        use=st.sampled_from(list(ShelterUse)),
        zone=st.sampled_from(["north", "south"]),
        usable=st.sampled_from([True, True, True, False]),
    ),
    min_size=1,
    max_size=3,
).map(
    lambda ss: [
        shelter(10 + i, s.capacity, use=s.use, zone=s.zone, usable=s.usable)
        for i, s in enumerate(ss)
    ]
)


@st.composite
def tiny_instances(
    draw: st.DrawFn, max_people: int = 6
) -> tuple[list[PlannerPerson], list[PlannerShelter]]:
    shelters = draw(tiny_shelters)
    n = draw(st.integers(1, max_people))
    current = st.sampled_from([None, *(s.shelter_id for s in shelters)])
    people = [
        person(
            i + 1,
            household_id=draw(st.sampled_from([None, 1, 2])),
            team_id=draw(st.sampled_from([None, 7])),
            injured=draw(st.booleans()),
            vulnerable=draw(st.booleans()),
            needs_isolation=draw(st.sampled_from([False, False, False, True])),
            current_shelter_id=draw(current),
            is_child=draw(st.booleans()),
        )
        for i in range(n)
    ]
    return people, shelters


# ---------------------------------------------------------------- optimality


@settings(max_examples=40, deadline=None)
@given(tiny_instances())
def test_exact_plan_matches_brute_force_on_tiny_camps(
    instance: tuple[list[PlannerPerson], list[PlannerShelter]],
) -> None:
    people, shelters = instance
    weights, rules = PlannerWeights(), SeparationRules()
    plan = plan_exact(people, shelters, weights)
    assert plan.method == "exact"
    assert plan.objective == pytest.approx(brute_force_optimum(people, shelters, weights, rules))
    assert_consistent(plan, people, shelters)


def test_exact_plan_matches_brute_force_with_seven_people_and_other_rules() -> None:
    people = [
        person(1, household_id=1, injured=True, current_shelter_id=11),
        person(2, household_id=1, is_child=True, vulnerable=True, current_shelter_id=11),
        person(3, household_id=1, current_shelter_id=11),
        person(4, team_id=5, current_shelter_id=12),
        person(5, team_id=5, injured=True),
        person(6, team_id=5, vulnerable=True),
        person(7, needs_isolation=True, current_shelter_id=12),
    ]
    shelters = [
        shelter(10, 2, use=ShelterUse.INJURED_WARD, zone="north"),
        shelter(11, 3, use=ShelterUse.FAMILIES, zone="north"),
        shelter(12, 3, zone="south"),
    ]
    rules = SeparationRules(
        isolation_only_in_isolation_shelters=False, injured_wards_only_for_injured=True
    )
    weights = PlannerWeights(team_together=9, move_penalty=5)
    plan = plan_exact(people, shelters, weights, rules=rules)
    assert plan.objective == pytest.approx(brute_force_optimum(people, shelters, weights, rules))
    assert_consistent(plan, people, shelters, rules, weights)


@settings(max_examples=60, deadline=None)
@given(tiny_instances(max_people=12))
def test_every_method_respects_capacity_and_rules(
    instance: tuple[list[PlannerPerson], list[PlannerShelter]],
) -> None:
    people, shelters = instance
    exact = plan_exact(people, shelters)
    for plan in (exact, plan_heuristic(people, shelters), plan_greedy(people, shelters)):
        assert_consistent(plan, people, shelters)
        assert plan.objective <= exact.objective + 1e-9


@settings(max_examples=25, deadline=None)
@given(tiny_instances())
def test_the_bound_is_the_optimum_when_proven_and_no_plan_beats_it(
    instance: tuple[list[PlannerPerson], list[PlannerShelter]],
) -> None:
    people, shelters = instance
    bound = objective_bound(people, shelters)
    optimum = brute_force_optimum(people, shelters, PlannerWeights(), SeparationRules())
    assert bound.proven_optimal
    assert bound.upper_bound == pytest.approx(optimum)
    assert bound.best_found == pytest.approx(optimum)
    for plan in (plan_heuristic(people, shelters), plan_greedy(people, shelters)):
        assert plan.objective <= bound.upper_bound + 1e-6
    # The bound a large camp gets is a relaxation: never below the optimum.
    model = _build_model(people, shelters, PlannerWeights(), SeparationRules())
    assert _class_bound(model) >= optimum - 1e-6


@settings(max_examples=30, deadline=None)
@given(tiny_instances(max_people=12))
def test_polishing_never_loses_and_a_window_of_every_shelter_is_the_optimum(
    instance: tuple[list[PlannerPerson], list[PlannerShelter]],
) -> None:
    people, shelters = instance
    searched = plan_heuristic(people, shelters, polish_windows=0)
    polished = plan_heuristic(people, shelters)
    assert_consistent(polished, people, shelters)
    assert polished.objective >= searched.objective - 1e-9
    whole = plan_heuristic(
        people, shelters, window_shelters=max(1, len(shelters)), max_unplaced=len(people)
    )
    assert_consistent(whole, people, shelters)
    assert whole.objective == pytest.approx(plan_exact(people, shelters).objective)


def test_polishing_a_larger_camp_keeps_every_rule_and_gains() -> None:
    people = [
        person(
            i,
            household_id=i // 5 if i % 6 else None,
            team_id=i % 13 if i % 4 == 0 else None,
            injured=i % 7 == 0,
            vulnerable=i % 5 == 1,
            needs_isolation=i % 60 == 0,
            current_shelter_id=200 + i % 25 if i % 3 else None,
            is_child=i % 5 == 4,
        )
        for i in range(1, 300)
    ]
    uses = list(ShelterUse)
    shelters = [
        shelter(200 + s, 3 + s % 8, use=uses[s % 4] if s % 3 == 0 else "general", zone=f"z{s % 3}")
        for s in range(30)
    ]
    searched = plan_heuristic(people, shelters, polish_windows=0)
    polished = plan_heuristic(people, shelters, polish_windows=12)
    assert_consistent(polished, people, shelters)
    assert polished.objective >= searched.objective
    assert (
        polished.objective <= objective_bound(people, shelters, time_limit_s=5).upper_bound + 1e-6
    )


def camp_of_households(
    seed: int, n_people: int, n_shelters: int
) -> tuple[list[PlannerPerson], list[PlannerShelter]]:
    """Households of 1–5, some members already housed (a few households spread over two
    shelters), teams, wards in one zone of two, tents of 2–7."""
    rng = random.Random(seed)
    uses = [*ShelterUse, "general", "general", "general"]
    shelters = [
        shelter(
            50 + s,
            rng.randint(2, 7),
            use=rng.choice(uses),
            zone=f"z{s % 2}",
            usable=rng.random() > 0.1,
        )
        for s in range(n_shelters)
    ]
    people: list[PlannerPerson] = []
    household = 0
    while len(people) < n_people:
        household += 1
        size = rng.randint(1, 5)
        home = rng.choice([None, *(s.shelter_id for s in shelters)])
        for member in range(min(size, n_people - len(people))):
            people.append(
                person(
                    len(people) + 1,
                    household_id=household if size > 1 else None,
                    team_id=rng.choice([None, None, None, 1, 2]),
                    injured=rng.random() < 0.2,
                    vulnerable=rng.random() < 0.25,
                    needs_isolation=rng.random() < 0.05,
                    current_shelter_id=home if member or rng.random() < 0.8 else 50,
                    is_child=member >= 2,
                )
            )
    return people, shelters


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_the_class_bound_is_never_below_the_proven_optimum(seed: int) -> None:
    people, shelters = camp_of_households(seed, 40, 9)
    exact = plan_exact(people, shelters)
    assert exact.method == "exact"
    model = _build_model(people, shelters, PlannerWeights(), SeparationRules())
    assert _class_bound(model) >= exact.objective - 1e-6
    bound = objective_bound(people, shelters)
    assert bound.upper_bound == pytest.approx(exact.objective)


def test_a_heuristic_given_no_time_to_search_still_keeps_every_rule() -> None:
    people, shelters = camp_of_households(5, 120, 20)
    plan = plan_heuristic(people, shelters, cpu_cap_s=0)
    assert_consistent(plan, people, shelters)
    unsearched = plan_heuristic(people, shelters, max_passes=0, polish_windows=0)
    assert_consistent(unsearched, people, shelters)


def test_the_heuristic_does_the_same_work_however_fast_the_clock_runs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A busy machine gives a process less of each second: the plan must not change with it.
    A clock running a hundred times fast stands in for one: the polish counts windows and
    branch-and-bound nodes, not seconds, so the plan is the same."""
    people, shelters = camp_of_households(6, 120, 20)
    plan = plan_heuristic(people, shelters)
    assert plan_heuristic(people, shelters) == plan
    real = time.process_time
    started = real()
    monkeypatch.setattr(
        shelter_planner,
        "time",
        SimpleNamespace(process_time=lambda: started + 100 * (real() - started)),
    )
    assert plan_heuristic(people, shelters, cpu_cap_s=10_000) == plan
    assert plan.objective > plan_heuristic(people, shelters, polish_windows=0).objective
    assert plan.objective <= objective_bound(people, shelters, time_limit_s=5).upper_bound + 1e-6


def test_allocation_picks_exact_when_small_and_heuristic_when_large() -> None:
    people = [person(i) for i in range(1, 6)]
    shelters = [shelter(1, 3), shelter(2, 3)]
    assert plan_allocation(people, shelters).method == "exact"
    assert plan_allocation(people, shelters, exact_limit=4).method == "heuristic"


# ---------------------------------------------------------------- priorities and rules


def test_injured_and_vulnerable_are_sheltered_first() -> None:
    people = [person(1), person(2, vulnerable=True), person(3, injured=True)]
    plan = plan_allocation(people, [shelter(1, 2)])
    assert set(plan.assignments) == {2, 3}
    assert plan.unsheltered == {1: "no capacity left: 2 places for 3 people"}


def test_injured_get_the_ward_first() -> None:
    people = [person(1), person(2, injured=True)]
    shelters = [shelter(1, 1, use=ShelterUse.INJURED_WARD), shelter(2, 1)]
    assert plan_allocation(people, shelters).assignments == {1: 2, 2: 1}


def test_injured_without_ward_room_stay_in_the_wards_zone() -> None:
    people = [person(1, injured=True), person(2, injured=True)]
    shelters = [
        shelter(1, 1, use=ShelterUse.INJURED_WARD, zone="north"),
        shelter(2, 1, zone="south"),
        shelter(3, 1, zone="north"),
    ]
    plan = plan_allocation(people, shelters)
    assert sorted(plan.assignments.values()) == [1, 3]


def test_household_is_kept_together_when_it_fits() -> None:
    people = [person(i, household_id=9) for i in range(1, 5)] + [person(5), person(6)]
    shelters = [shelter(1, 3), shelter(2, 4)]
    plan = plan_allocation(people, shelters)
    assert {plan.assignments[i] for i in range(1, 5)} == {2}


def test_household_is_not_half_sheltered() -> None:
    people = [person(1, injured=True, current_shelter_id=1)]
    people += [person(i, household_id=9) for i in range(2, 4)]
    plan = plan_allocation(people, [shelter(1, 2)])
    assert plan.assignments == {1: 1}
    assert plan.unsheltered == dict.fromkeys([2, 3], "no capacity left: 2 places for 3 people")


def test_household_larger_than_any_shelter_is_split_but_kept_close() -> None:
    people = [person(i, household_id=9) for i in range(1, 6)]
    plan = plan_allocation(people, [shelter(1, 3), shelter(2, 3)])
    assert len(plan.assignments) == 5
    assert sorted(Counter(plan.assignments.values()).values()) == [2, 3]


def test_household_kept_together_reason_when_only_scattered_room_is_left() -> None:
    people = [person(1, household_id=1, current_shelter_id=1)]
    people += [person(2, household_id=1, current_shelter_id=1)]
    people += [person(3, household_id=2, current_shelter_id=2)]
    people += [person(4, household_id=2, current_shelter_id=2)]
    people += [person(5, household_id=3), person(6, household_id=3)]
    plan = plan_allocation(people, [shelter(1, 3), shelter(2, 3)])
    assert plan.moves == []
    assert plan.unsheltered[5] == (
        "household of 2 kept together: the most room left in a shelter open to them is 1 place"
    )


def test_isolation_shelters_take_only_people_flagged_for_isolation() -> None:
    people = [person(1), person(2, needs_isolation=True)]
    shelters = [shelter(1, 2, use=ShelterUse.ISOLATION), shelter(2, 2)]
    assert plan_allocation(people, shelters).assignments == {1: 2, 2: 1}


def test_person_needing_isolation_is_not_put_with_others() -> None:
    people = [person(1, household_id=3), person(2, household_id=3, needs_isolation=True)]
    plan = plan_allocation(people, [shelter(1, 4)])
    assert plan.assignments == {1: 1}
    assert plan.unsheltered == {2: "needs isolation: there is no usable isolation shelter"}


def test_full_isolation_shelter_is_given_as_the_reason() -> None:
    people = [person(i, needs_isolation=True) for i in range(1, 4)]
    plan = plan_allocation(people, [shelter(1, 2, use=ShelterUse.ISOLATION), shelter(2, 9)])
    assert len(plan.assignments) == 2
    assert list(plan.unsheltered.values()) == [
        "needs isolation: no isolation shelter has room (2 places for 3 people needing isolation)"
    ]


def test_isolation_rules_can_be_relaxed() -> None:
    people = [person(1, needs_isolation=True)]
    rules = SeparationRules(isolation_only_in_isolation_shelters=False)
    assert plan_allocation(people, [shelter(1, 2)], rules=rules).assignments == {1: 1}


def test_families_shelter_is_preferred_for_households_with_children() -> None:
    people = [person(1, household_id=4), person(2, household_id=4, is_child=True), person(3)]
    shelters = [shelter(1, 2, use=ShelterUse.FAMILIES), shelter(2, 2)]
    plan = plan_allocation(people, shelters)
    assert plan.assignments == {1: 1, 2: 1, 3: 2}


def test_destroyed_shelter_gets_nobody_and_its_people_move() -> None:
    people = [person(1, current_shelter_id=1), person(2, current_shelter_id=1)]
    shelters = [shelter(1, 4, usable=False), shelter(2, 4)]
    plan = plan_allocation(people, shelters)
    assert plan.assignments == {1: 2, 2: 2}
    assert plan.moves == [(1, 1, 2), (2, 1, 2)]


def test_nobody_is_sheltered_when_every_shelter_is_destroyed() -> None:
    plan = plan_allocation([person(1)], [shelter(1, 4, usable=False)])
    assert plan.unsheltered == {1: "no usable shelter is open to them"}


def test_team_is_kept_together_where_possible() -> None:
    people = [person(i, team_id=2) for i in range(1, 4)] + [person(4)]
    plan = plan_allocation(people, [shelter(1, 1), shelter(2, 3)])
    assert {plan.assignments[i] for i in range(1, 4)} == {2}


# ---------------------------------------------------------------- moves


def test_current_allocation_is_kept_when_nothing_changes() -> None:
    people = [
        person(i, household_id=i // 3, injured=i % 5 == 0, vulnerable=i % 4 == 0)
        for i in range(1, 40)
    ]
    shelters = [shelter(100 + s, 4 + s % 5, zone=f"z{s % 3}") for s in range(8)]
    shelters.append(shelter(200, 6, use=ShelterUse.INJURED_WARD, zone="z1"))
    for planner in (plan_exact, plan_heuristic):
        first = planner(people, shelters)
        settled = [
            PlannerPerson(
                person_id=p.person_id,
                household_id=p.household_id,
                injured=p.injured,
                vulnerable=p.vulnerable,
                current_shelter_id=first.assignments.get(p.person_id),
            )
            for p in people
        ]
        again = planner(settled, shelters)
        assert again.moves == []
        assert again.assignments == first.assignments


def test_someone_moves_to_shelter_an_injured_person() -> None:
    people = [person(1, current_shelter_id=1), person(2, injured=True)]
    plan = plan_allocation(people, [shelter(1, 1)])
    assert plan.assignments == {2: 1}
    assert plan.moves == [(1, 1, None)]


def test_an_avoidable_move_is_avoided() -> None:
    people = [person(1, current_shelter_id=1)]
    plan = plan_allocation(people, [shelter(1, 2), shelter(2, 2)])
    assert plan.assignments == {1: 1}
    assert plan.moves == []


def test_heuristic_on_a_larger_camp_is_feasible_and_explains_everyone() -> None:
    people = [
        person(
            i,
            household_id=i // 4 if i % 7 else None,
            team_id=i % 11 if i % 3 == 0 else None,
            injured=i % 6 == 0,
            vulnerable=i % 4 == 1,
            needs_isolation=i % 50 == 0,
            current_shelter_id=100 + i % 20 if i % 2 else None,
        )
        for i in range(1, 400)
    ]
    uses = list(ShelterUse)
    shelters = [
        shelter(100 + s, 5 + s % 9, use=uses[s % 4] if s % 3 == 0 else "general", zone=f"z{s % 4}")
        for s in range(40)
    ]
    plan = plan_heuristic(people, shelters)
    assert_consistent(plan, people, shelters)
    assert plan.objective >= plan_greedy(people, shelters).objective


# ---------------------------------------------------------------- bad input


def test_negative_capacity_is_refused() -> None:
    with pytest.raises(PlanningInputError, match="shelter 3 capacity -2"):
        plan_allocation([person(1)], [shelter(3, -2)])


def test_duplicate_person_ids_are_refused() -> None:
    with pytest.raises(PlanningInputError, match="person id 1 appears twice"):
        plan_allocation([person(1), person(1)], [shelter(1, 2)])


def test_duplicate_shelter_ids_are_refused() -> None:
    with pytest.raises(PlanningInputError, match="shelter id 1 appears twice"):
        plan_allocation([person(1)], [shelter(1, 2), shelter(1, 3)])


def test_unknown_current_shelter_is_refused() -> None:
    with pytest.raises(PlanningInputError, match="person 1 is in unknown shelter 99"):
        plan_allocation([person(1, current_shelter_id=99)], [shelter(1, 2)])


def test_unknown_shelter_use_is_refused() -> None:
    with pytest.raises(PlanningInputError, match="'hospital'"):
        plan_allocation([person(1)], [shelter(1, 2, use="hospital")])


def test_move_penalty_above_sheltering_is_refused() -> None:
    with pytest.raises(PlanningInputError, match="move penalty 50"):
        plan_allocation([person(1)], [shelter(1, 2)], PlannerWeights(move_penalty=50))
