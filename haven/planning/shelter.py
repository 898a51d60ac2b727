"""Shelter: Sphere capacity, and who sleeps where.

Capacity follows the Sphere shelter standard (≥ 3.5 m² of covered living space per person,
more in cold climates): a shelter holds floor(covered area / m² per person) people, never more
than its beds where beds are counted.

The allocation planner assigns people to shelters and maximises one documented objective
(`plan_objective`), the sum of:

* for each sheltered person: `sheltered_injured`, else `sheltered_vulnerable`, else
  `sheltered_other` (injured first, then children, elderly and people with special needs);
* for each sheltered injured person: `injured_in_ward` in an injured ward, else
  `injured_same_zone_as_ward` in a shelter whose zone has a usable ward;
* for each sheltered member of a household with a child: `family_in_family_shelter` in a
  "families" shelter;
* for each team, and each household (its members flagged for isolation counted apart):
  `team_together` resp. `household_together` times (members in the group's largest single
  shelter − 1), so a group kept whole scores (size − 1) × weight;
* minus `move_penalty` for each person who had a shelter and is now elsewhere or nowhere.

Hard rules: no shelter over capacity; unusable (destroyed) shelters get nobody; a household
is never split (nor half sheltered) unless it is larger than every shelter open to it;
members flagged for isolation are a group of their own, apart from their household; the
separation rules in `SeparationRules` (isolation shelters and isolation-flagged people keep to
each other by default).

Method. Households are blocks, so the problem is a multiple knapsack with assignment bonuses.
`plan_exact` solves it as one MILP with HiGHS (`scipy.optimize.milp`): a binary per (block,
allowed shelter), one shelter per block, capacity rows, and for each team or split household
a binary "main shelter" per shelter that linearises max(0, largest share − 1). It is proven
optimal and used by `plan_allocation` up to `exact_limit` people.
`plan_heuristic` scales by construction and local search over the same blocks: (1) place
blocks by value per place into the allowed shelter with the highest gain (tightest fit among
equals); a second start keeps that choice of who is sheltered but re-places them, those who may
stay where they are first, so fewer move; (2) from each start, visit blocks by priority and try
the few shelters where an estimate (gain minus the cheapest eviction that makes room) is best:
move in, evict the cheapest occupants by value per place, re-place each evictee where it does
best, and keep the change only if the exact objective (teams included) rises; repeat until a
pass gains nothing; (3) take the better start and polish it by large-neighbourhood search
(`_polish`): the blocks of a few shelters and the most valuable blocks left out are re-placed
exactly by a small MILP (HiGHS), window after window; the exchanges that need several
shelters at once (an eviction chain) are what step (2) cannot see. Each step does a fixed
amount of work — passes, windows, branch-and-bound nodes per window (`POLISH_WINDOWS`,
`WINDOW_NODE_LIMIT`; beyond `exact_limit`, `plan_allocation` searches the better start
only and polishes `LARGE_POLISH_WINDOWS`) — never "as much as fits in a time", so the
same camp gets the same plan on any machine, busy or idle; a CPU-time cap (`CPU_CAP_S`)
is only a safety net.
`objective_bound` proves how far any plan can be from the optimum: HiGHS's bound on the
whole MILP, or the optimum of a relaxation over classes of interchangeable households and
kinds of shelter (`_class_bound`, which says why it is a bound); the benchmark shows the
heuristic against it.
`plan_greedy` is the naive baseline the benchmark compares against: by priority, current
shelter else first fit.
"""

from __future__ import annotations

import math
import time
import warnings
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import numpy.typing as npt
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array

from haven.planning.errors import PlanningInputError
from haven.planning.sphere import (
    SPHERE_M2_PER_PERSON,
    ShelterShortfall,
    ShelterUse,
    shelter_shortfall,
    sphere_capacity,
)

__all__ = [
    "SPHERE_M2_PER_PERSON",
    "AllocationPlan",
    "ObjectiveBound",
    "PlannerPerson",
    "PlannerShelter",
    "PlannerWeights",
    "SeparationRules",
    "ShelterShortfall",
    "ShelterUse",
    "allocation_violations",
    "objective_bound",
    "plan_allocation",
    "plan_exact",
    "plan_greedy",
    "plan_heuristic",
    "plan_objective",
    "shelter_shortfall",
    "sphere_capacity",
]


DEFAULT_EXACT_LIMIT: Final = 400
POLISH_WINDOWS: Final = 40
WINDOW_NODE_LIMIT: Final = 100
"""The heuristic's polish: windows re-optimised, and HiGHS's branch-and-bound nodes per window.
A count of work, not a time, so the plan is the same on a busy machine as on an idle one."""
LARGE_POLISH_WINDOWS: Final = 2
"""Windows `plan_allocation` polishes beyond `exact_limit`, where it also searches only the
better start: the plan is asked for from a page. At 10,000 people the construction and
search alone are within 1 % of the bound, more windows gain hundredths of a percent, and
the other start costs as much search again to end below (`python -m bench.shelter`)."""
CPU_CAP_S: Final = 60.0
"""A safety net only: CPU seconds after which search or polish stops whatever is left."""

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


# ---------------------------------------------------------------- planner inputs and output


@dataclass(frozen=True, slots=True)
class PlannerPerson:
    """One person to shelter, with what the planner must know about them."""

    person_id: int
    household_id: int | None = None
    team_id: int | None = None
    injured: bool = False
    vulnerable: bool = False
    needs_isolation: bool = False
    current_shelter_id: int | None = None
    is_child: bool = False


@dataclass(frozen=True, slots=True)
class PlannerShelter:
    """One shelter: places, what it is set aside for, where it stands, whether it still stands."""

    shelter_id: int
    capacity: int
    use: str = ShelterUse.GENERAL
    zone: str = ""
    usable: bool = True


@dataclass(frozen=True, slots=True)
class PlannerWeights:
    """Points of the objective (see the module docstring).

    Per place, sheltering anyone (≥ `sheltered_other`) outweighs the move it takes, and the
    order injured > vulnerable > others holds however the bonuses fall, because a bonus is
    smaller than the gap between two priority levels. "Injured and vulnerable first" holds
    against whole households too: one vulnerable person outweighs a household of eight
    others with all its bonuses (8 × 40 + 7 × 4 + 5 < 400), and one injured person outweighs
    two vulnerable people, not three.
    """

    sheltered_injured: float = 1000.0
    sheltered_vulnerable: float = 400.0
    sheltered_other: float = 40.0
    injured_in_ward: float = 20.0
    injured_same_zone_as_ward: float = 8.0
    family_in_family_shelter: float = 5.0
    household_together: float = 4.0
    team_together: float = 2.0
    move_penalty: float = 3.0


@dataclass(frozen=True, slots=True)
class SeparationRules:
    """Who may sleep where. Unusable shelters never take anyone, whatever these say."""

    isolation_shelters_only_for_isolation: bool = True
    isolation_only_in_isolation_shelters: bool = True
    injured_wards_only_for_injured: bool = False
    families_shelters_only_for_families: bool = False


@dataclass(frozen=True, slots=True)
class AllocationPlan:
    """Where each person sleeps, who does not and why, who moves, and the objective reached.

    `moves` holds (person_id, from shelter_id, to shelter_id or None when they lose their place).
    `method` is "exact" when HiGHS proved the plan optimal, else "heuristic" or "greedy".
    """

    assignments: dict[int, int]
    unsheltered: dict[int, str]
    moves: list[tuple[int, int, int | None]]
    objective: float
    method: str


# ---------------------------------------------------------------- objective on people


def _person_base(person: PlannerPerson, weights: PlannerWeights) -> float:
    if person.injured:
        return weights.sheltered_injured
    if person.vulnerable:
        return weights.sheltered_vulnerable
    return weights.sheltered_other


def _zones_with_ward(shelters: Iterable[PlannerShelter]) -> set[str]:
    return {
        shelter.zone
        for shelter in shelters
        if shelter.use == ShelterUse.INJURED_WARD and shelter.usable and shelter.capacity > 0
    }


def _households_with_children(people: Iterable[PlannerPerson]) -> set[int]:
    return {
        person.household_id
        for person in people
        if person.is_child and person.household_id is not None
    }


def _household_key(person: PlannerPerson) -> tuple[int, bool] | None:
    if person.household_id is None:
        return None
    return (person.household_id, person.needs_isolation)


def plan_objective(
    people: Sequence[PlannerPerson],
    shelters: Sequence[PlannerShelter],
    assignments: Mapping[int, int],
    weights: PlannerWeights | None = None,
) -> float:
    """The objective of any assignment (person_id → shelter_id), feasible or not.

    Written directly from the definition, apart from the planner's internal model, so tests
    and benchmarks can score any method the same way.
    """
    weights = weights or PlannerWeights()
    by_id = {shelter.shelter_id: shelter for shelter in shelters}
    ward_zones = _zones_with_ward(shelters)
    families = _households_with_children(people)
    total = 0.0
    groups: dict[tuple[str, object], list[int]] = defaultdict(list)
    for person in people:
        shelter_id = assignments.get(person.person_id)
        if person.current_shelter_id is not None and person.current_shelter_id != shelter_id:
            total -= weights.move_penalty
        if shelter_id is None:
            continue
        shelter = by_id[shelter_id]
        total += _person_base(person, weights)
        if person.injured:
            if shelter.use == ShelterUse.INJURED_WARD:
                total += weights.injured_in_ward
            elif shelter.zone in ward_zones:
                total += weights.injured_same_zone_as_ward
        if person.household_id in families and shelter.use == ShelterUse.FAMILIES:
            total += weights.family_in_family_shelter
        if person.team_id is not None:
            groups[("team", person.team_id)].append(shelter_id)
        household = _household_key(person)
        if household is not None:
            groups[("household", household)].append(shelter_id)
    for (kind, _), shelter_ids in groups.items():
        weight = weights.team_together if kind == "team" else weights.household_together
        total += weight * (max(Counter(shelter_ids).values()) - 1)
    return total


# ---------------------------------------------------------------- validation and model


def _validate(
    people: Sequence[PlannerPerson],
    shelters: Sequence[PlannerShelter],
    weights: PlannerWeights,
) -> None:
    shelter_ids: set[int] = set()
    for shelter in shelters:
        if shelter.shelter_id in shelter_ids:
            raise PlanningInputError(f"shelter id {shelter.shelter_id} appears twice")
        shelter_ids.add(shelter.shelter_id)
        if shelter.capacity < 0:
            raise PlanningInputError(
                f"shelter {shelter.shelter_id} capacity {shelter.capacity} is negative"
            )
        if shelter.use not in set(ShelterUse):
            raise PlanningInputError(
                f"shelter {shelter.shelter_id} use {shelter.use!r} is not one of "
                f"{', '.join(use.value for use in ShelterUse)}"
            )
    person_ids: set[int] = set()
    for person in people:
        if person.person_id in person_ids:
            raise PlanningInputError(f"person id {person.person_id} appears twice")
        person_ids.add(person.person_id)
        if person.current_shelter_id is not None and person.current_shelter_id not in shelter_ids:
            raise PlanningInputError(
                f"person {person.person_id} is in unknown shelter {person.current_shelter_id}"
            )
    for name in PlannerWeights.__dataclass_fields__:
        value = getattr(weights, name)
        if not math.isfinite(value) or value < 0:
            raise PlanningInputError(f"weight {name} = {value} must be finite and non-negative")
    if weights.sheltered_other <= weights.move_penalty:
        raise PlanningInputError(
            f"move penalty {weights.move_penalty} must be below sheltered_other "
            f"{weights.sheltered_other}: sheltering someone must beat avoiding a move"
        )


@dataclass(frozen=True, slots=True)
class _SoftGroup:
    weight: float
    block_counts: tuple[tuple[int, int], ...]
    size: int


@dataclass(slots=True)
class _Model:
    people: Sequence[PlannerPerson]
    shelters: Sequence[PlannerShelter]
    members: list[list[int]]
    size: IntArray
    is_isolation: BoolArray
    is_household: BoolArray
    value_per_place: FloatArray
    current: IntArray
    capacity: IntArray
    eligible: BoolArray
    gain: FloatArray
    constant: float
    groups: list[_SoftGroup]
    home_block: IntArray
    home_shelter: IntArray
    home_bonus: FloatArray
    block_groups: list[list[tuple[int, int]]] = field(default_factory=list)


def _allowed(
    shelter: PlannerShelter,
    *,
    isolation: bool,
    has_injured: bool,
    has_family: bool,
    rules: SeparationRules,
) -> bool:
    if not shelter.usable or shelter.capacity <= 0:
        return False
    is_isolation_shelter = shelter.use == ShelterUse.ISOLATION
    if isolation and rules.isolation_only_in_isolation_shelters and not is_isolation_shelter:
        return False
    if not isolation and rules.isolation_shelters_only_for_isolation and is_isolation_shelter:
        return False
    if shelter.use == ShelterUse.INJURED_WARD and rules.injured_wards_only_for_injured:
        return has_injured
    if shelter.use == ShelterUse.FAMILIES and rules.families_shelters_only_for_families:
        return has_family
    return True


def _build_model(
    people: Sequence[PlannerPerson],
    shelters: Sequence[PlannerShelter],
    weights: PlannerWeights,
    rules: SeparationRules,
) -> _Model:
    _validate(people, shelters, weights)
    index_of = {shelter.shelter_id: s for s, shelter in enumerate(shelters)}
    families = _households_with_children(people)

    # A block's row depends only on these three flags: eight rows at most, computed once.
    rows_by_flags: dict[tuple[bool, bool, bool], BoolArray] = {}

    def eligibility_row(members: list[int]) -> BoolArray:
        flags = (
            people[members[0]].needs_isolation,
            any(people[m].injured for m in members),
            any(people[m].household_id in families for m in members),
        )
        if flags not in rows_by_flags:
            isolation, has_injured, has_family = flags
            rows_by_flags[flags] = np.array(
                [
                    _allowed(
                        shelter,
                        isolation=isolation,
                        has_injured=has_injured,
                        has_family=has_family,
                        rules=rules,
                    )
                    for shelter in shelters
                ],
                dtype=np.bool_,
            )
        return rows_by_flags[flags]

    capacity = np.array([shelter.capacity for shelter in shelters], dtype=np.int64)
    by_household: dict[tuple[int, bool], list[int]] = defaultdict(list)
    members: list[list[int]] = []
    for p, person in enumerate(people):
        key = _household_key(person)
        if key is None:
            members.append([p])
        else:
            by_household[key].append(p)
    rows: list[BoolArray] = [eligibility_row(block) for block in members]
    intact_household: list[bool] = [False] * len(members)
    split_households: list[list[int]] = []
    for household_members in by_household.values():
        row = eligibility_row(household_members)
        largest = int(capacity[row].max()) if row.any() else 0
        if len(household_members) <= largest or not row.any():
            members.append(household_members)
            rows.append(row)
            intact_household.append(True)
        else:
            split_households.append(household_members)
            for p in household_members:
                members.append([p])
                rows.append(eligibility_row([p]))
                intact_household.append(False)

    n_blocks, n_shelters = len(members), len(shelters)
    eligible = np.array(rows, dtype=np.bool_).reshape(n_blocks, n_shelters)
    size = np.array([len(block) for block in members], dtype=np.int64)
    ward_zones = _zones_with_ward(shelters)
    is_ward = np.array([sh.use == ShelterUse.INJURED_WARD for sh in shelters], dtype=np.bool_)
    near_ward = np.array([sh.zone in ward_zones for sh in shelters], dtype=np.bool_) & ~is_ward
    is_families = np.array([sh.use == ShelterUse.FAMILIES for sh in shelters], dtype=np.bool_)
    injured_bonus = (
        weights.injured_in_ward * is_ward + weights.injured_same_zone_as_ward * near_ward
    )

    base = np.zeros(n_blocks)
    injured = np.zeros(n_blocks)
    family = np.zeros(n_blocks)
    current = np.full(n_blocks, -1, dtype=np.int64)
    gain = np.zeros((n_blocks, n_shelters))
    constant = 0.0
    homes: list[tuple[int, int, float]] = []
    for b, block in enumerate(members):
        base[b] = sum(_person_base(people[p], weights) for p in block)
        if intact_household[b]:
            base[b] += weights.household_together * (len(block) - 1)
        injured[b] = sum(people[p].injured for p in block)
        family[b] = sum(people[p].household_id in families for p in block)
        currents = [people[p].current_shelter_id for p in block]
        here = Counter(index_of[c] for c in currents if c is not None)
        constant -= weights.move_penalty * sum(here.values())
        for s, count in here.items():
            gain[b, s] += weights.move_penalty * count
            homes.append((b, s, weights.move_penalty * count))
        if here:
            current[b] = here.most_common(1)[0][0]
    gain += base[:, None] + injured[:, None] * injured_bonus[None, :]
    gain += weights.family_in_family_shelter * family[:, None] * is_families[None, :]
    gain[~eligible] = -np.inf

    block_of_person = np.empty(len(people), dtype=np.int64)
    for b, block in enumerate(members):
        block_of_person[block] = b
    groups: list[_SoftGroup] = []
    by_team: dict[int, list[int]] = defaultdict(list)
    for p, person in enumerate(people):
        if person.team_id is not None:
            by_team[person.team_id].append(p)
    soft: list[tuple[float, list[int]]] = [
        (weights.team_together, team) for team in by_team.values()
    ]
    soft += [(weights.household_together, household) for household in split_households]
    block_groups: list[list[tuple[int, int]]] = [[] for _ in members]
    for weight, group_members in soft:
        if len(group_members) < 2 or weight == 0:
            continue
        counts = Counter(int(block_of_person[p]) for p in group_members)
        g = len(groups)
        groups.append(_SoftGroup(weight, tuple(sorted(counts.items())), len(group_members)))
        for b, count in counts.items():
            block_groups[b].append((g, count))

    with np.errstate(invalid="ignore"):
        best = np.where(eligible, gain, -np.inf).max(axis=1) if n_shelters else np.zeros(0)
    value_per_place = np.where(np.isfinite(best), best, base) / np.maximum(size, 1)
    return _Model(
        people=people,
        shelters=shelters,
        members=members,
        size=size,
        is_isolation=np.array([people[block[0]].needs_isolation for block in members], np.bool_),
        is_household=np.array([len(block) > 1 for block in members], dtype=np.bool_),
        value_per_place=value_per_place,
        current=current,
        capacity=capacity,
        eligible=eligible,
        gain=gain,
        constant=constant,
        groups=groups,
        home_block=np.array([b for b, _, _ in homes], dtype=np.int64),
        home_shelter=np.array([s for _, s, _ in homes], dtype=np.int64),
        home_bonus=np.array([bonus for _, _, bonus in homes], dtype=np.float64),
        block_groups=block_groups,
    )


def _model_objective(model: _Model, assign: IntArray) -> float:
    placed = np.nonzero(assign >= 0)[0]
    total = model.constant + float(model.gain[placed, assign[placed]].sum())
    for group in model.groups:
        shares: Counter[int] = Counter()
        for b, count in group.block_counts:
            if assign[b] >= 0:
                shares[int(assign[b])] += count
        if shares:
            total += group.weight * (max(shares.values()) - 1)
    return total


def _load(model: _Model, assign: IntArray) -> IntArray:
    placed = assign >= 0
    return np.bincount(
        assign[placed], weights=model.size[placed], minlength=len(model.shelters)
    ).astype(np.int64)


# ---------------------------------------------------------------- MILP over a neighbourhood


def _solve_window(
    model: _Model,
    assign: IntArray,
    free: IntArray,
    window: IntArray,
    *,
    node_limit: int | None,
    time_limit: float | None,
    gap: float,
    bound: list[float] | None = None,
    better_only: bool = False,
) -> tuple[IntArray, bool] | None:
    """Re-place the `free` blocks optimally, all others fixed; None when HiGHS found nothing.

    HiGHS's dual bound on the window's cost (gain counted negative) is appended to `bound`.

    Free blocks may go to any shelter of `window` or back where they are now. Blocks that are
    interchangeable here (same size, same gain in every shelter, in no team) share one integer
    variable per shelter: that removes the symmetry that makes packing MILPs slow.
    """
    free_set = set(free.tolist())
    shelters_used = np.array(
        sorted(set(window.tolist()) | {int(assign[b]) for b in free if assign[b] >= 0}),
        dtype=np.int64,
    )
    fixed = assign.copy()
    fixed[free] = -1
    residual = model.capacity - _load(model, fixed)

    classes: dict[object, list[int]] = defaultdict(list)
    for b in free.tolist():
        if model.block_groups[b]:
            classes[("block", b)].append(b)
        else:
            classes[(int(model.size[b]), model.gain[b, shelters_used].tobytes())].append(b)

    column_class: list[list[int]] = []
    column_shelter: list[int] = []
    cost: list[float] = []
    var_upper: list[float] = []
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    lower: list[float] = []
    upper: list[float] = []
    row = 0
    columns_of_shelter: dict[int, list[int]] = defaultdict(list)
    columns_of_block: dict[int, list[int]] = {}
    for blocks in classes.values():
        b = blocks[0]
        size = int(model.size[b])
        options = shelters_used[
            model.eligible[b, shelters_used] & (residual[shelters_used] >= size)
        ]
        if len(options) == 0:
            continue
        first = len(column_shelter)
        for s in options.tolist():
            columns_of_shelter[s].append(len(column_shelter))
            column_class.append(blocks)
            column_shelter.append(s)
            cost.append(-float(model.gain[b, s]))
            var_upper.append(float(min(len(blocks), residual[s] // size)))
        ks = list(range(first, len(column_shelter)))
        if len(blocks) == 1:
            columns_of_block[b] = ks
        rows += [row] * len(ks)
        cols += ks
        vals += [1.0] * len(ks)
        lower.append(-np.inf)
        upper.append(float(len(blocks)))
        row += 1
    n_assign = len(column_shelter)
    for s, ks in columns_of_shelter.items():
        rows += [row] * len(ks)
        cols += ks
        vals += [float(model.size[column_class[k][0]]) for k in ks]
        lower.append(-np.inf)
        upper.append(float(residual[s]))
        row += 1
    integrality = [1] * n_assign

    # Teams and split households touching the free blocks. z[s] picks the group's main shelter
    # (a point of the simplex); w[b, s] <= min(x[b, s], z[s]) counts block b there. For integral
    # x the best z is a vertex, so z and w stay continuous and the relaxation stays tight.
    touched = sorted({g for b in free.tolist() for g, _ in model.block_groups[b]})
    column = n_assign
    for g in touched:
        group = model.groups[g]
        fixed_share: Counter[int] = Counter()
        linked: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for b, count in group.block_counts:
            if b in free_set:
                for k in columns_of_block.get(b, []):
                    linked[column_shelter[k]].append((k, count))
            elif assign[b] >= 0:
                fixed_share[int(assign[b])] += count
        candidates = sorted(set(fixed_share) | set(linked))
        z_columns = []
        for s in candidates:
            z = column
            column += 1
            z_columns.append(z)
            cost.append(group.weight * (1 - fixed_share.get(s, 0)))
            integrality.append(0)
            var_upper.append(1.0)
            for k, count in linked[s]:
                w = column
                column += 1
                cost.append(-group.weight * count)
                integrality.append(0)
                var_upper.append(1.0)
                rows += [row, row, row + 1, row + 1]
                cols += [w, k, w, z]
                vals += [1.0, -1.0, 1.0, -1.0]
                lower += [-np.inf, -np.inf]
                upper += [0.0, 0.0]
                row += 2
        if z_columns:
            rows += [row] * len(z_columns)
            cols += z_columns
            vals += [1.0] * len(z_columns)
            lower.append(-np.inf)
            upper.append(1.0)
            row += 1

    result = assign.copy()
    result[free] = -1
    if n_assign == 0:
        return result, True
    settings: dict[str, float | int | bool] = {"mip_rel_gap": gap}
    if node_limit is not None:
        settings["node_limit"] = node_limit
    if time_limit is not None:
        settings["time_limit"] = time_limit
    if better_only:
        # The current plan's cost in this MILP: its free blocks' gains and the touched groups'
        # terms, counted negative. HiGHS's `objective_bound` makes it the cutoff from the
        # first node: every node that cannot beat the current plan is pruned, so the node
        # budget goes to finding a better one. (HiGHS may still return a plan no better than
        # the cutoff; the caller keeps a window's plan only if it gains.)
        current = -float(sum(model.gain[b, assign[b]] for b in free.tolist() if assign[b] >= 0))
        for g in touched:
            shares: Counter[int] = Counter()
            for b, count in model.groups[g].block_counts:
                if assign[b] >= 0:
                    shares[int(assign[b])] += count
            if shares:
                current -= model.groups[g].weight * (max(shares.values()) - 1)
        # (A gain below a millionth of the window's cost is not worth a plan change.)
        settings["objective_bound"] = current - 1e-6 * max(1.0, abs(current))
    with warnings.catch_warnings():
        # scipy passes HiGHS options it does not list (objective_bound) on verbatim, and says so.
        warnings.filterwarnings("ignore", "Unrecognized options", RuntimeWarning)
        solution = milp(
            np.array(cost),
            integrality=np.array(integrality),
            bounds=Bounds(np.zeros(column), np.array(var_upper)),
            constraints=LinearConstraint(
                coo_array((vals, (rows, cols)), shape=(row, column)).tocsr(),
                np.array(lower),
                np.array(upper),
            ),
            options=settings,
        )
    if bound is not None and solution.get("mip_dual_bound") is not None:
        bound.append(float(solution.mip_dual_bound))
    if solution.x is None:
        return None
    taken: dict[int, int] = defaultdict(int)
    for k in range(n_assign):
        count = round(float(solution.x[k]))
        blocks = column_class[k]
        start = taken[id(blocks)]
        for b in blocks[start : start + count]:
            result[b] = column_shelter[k]
        taken[id(blocks)] = start + count
    return result, bool(solution.status == 0)


# ---------------------------------------------------------------- construction and search


def _priority_order(model: _Model) -> IntArray:
    # Highest value per place first; larger blocks first among equals, as in best-fit decreasing.
    return np.lexsort((-model.size, -model.value_per_place)).astype(np.int64)


def _keep_current(model: _Model, order: Iterable[int]) -> tuple[IntArray, IntArray]:
    assign = np.full(len(model.members), -1, dtype=np.int64)
    room = model.capacity.copy()
    for b in order:
        s = model.current[b]
        if s >= 0 and model.eligible[b, s] and room[s] >= model.size[b]:
            assign[b] = s
            room[s] -= model.size[b]
    return assign, room


def _place_best(model: _Model, order: Iterable[int], assign: IntArray, room: IntArray) -> None:
    for b in order:
        if assign[b] >= 0:
            continue
        fits = model.eligible[b] & (room >= model.size[b])
        if not fits.any():
            continue
        # Best gain, then the tightest fit so big gaps stay open for big households.
        score = np.where(fits, model.gain[b] - 1e-6 * (room - model.size[b]), -np.inf)
        s = int(np.argmax(score))
        assign[b] = s
        room[s] -= model.size[b]


def _construct(model: _Model, *, settle_current_first: bool) -> IntArray:
    """Place blocks by value per place into the shelter where each gains most.

    With `settle_current_first`, that pass only decides who gets a place; they are then
    re-placed, those who may stay where they are first, so fewer people move.
    """
    order = _priority_order(model).tolist()
    assign = np.full(len(model.members), -1, dtype=np.int64)
    _place_best(model, order, assign, model.capacity.copy())
    if settle_current_first:
        chosen = [b for b in order if assign[b] >= 0]
        assign, room = _keep_current(model, chosen)
        _place_best(model, chosen, assign, room)
        _place_best(model, order, assign, room)
    return assign


class _Search:
    """An assignment under local search, with its objective kept up to date move by move."""

    def __init__(self, model: _Model, assign: IntArray) -> None:
        self.model = model
        self.assign = assign.copy()
        self.room = model.capacity - _load(model, assign)
        self.occupants: list[set[int]] = [set() for _ in model.shelters]
        self.shares: list[Counter[int]] = [Counter() for _ in model.groups]
        for b in np.nonzero(assign >= 0)[0].tolist():
            self.occupants[int(assign[b])].add(b)
            for g, count in model.block_groups[b]:
                self.shares[g][int(assign[b])] += count
        self.value = _model_objective(model, assign)
        self.journal: list[tuple[int, int]] = []

    def _group_term(self, g: int) -> float:
        shares = self.shares[g]
        return self.model.groups[g].weight * (max(shares.values()) - 1) if shares else 0.0

    def move(self, b: int, to: int) -> None:
        """Put block b in shelter `to` (-1: nowhere); the caller checks room and eligibility."""
        model, origin = self.model, int(self.assign[b])
        if origin == to:
            return
        self.journal.append((b, origin))
        size = int(model.size[b])
        delta = (model.gain[b, to] if to >= 0 else 0.0) - (
            model.gain[b, origin] if origin >= 0 else 0.0
        )
        for g, count in model.block_groups[b]:
            before = self._group_term(g)
            shares = self.shares[g]
            if origin >= 0:
                shares[origin] -= count
                if shares[origin] == 0:
                    del shares[origin]
            if to >= 0:
                shares[to] += count
            delta += self._group_term(g) - before
        if origin >= 0:
            self.room[origin] += size
            self.occupants[origin].discard(b)
        if to >= 0:
            self.room[to] -= size
            self.occupants[to].add(b)
        self.assign[b] = to
        self.value += float(delta)

    def undo_to(self, mark: int) -> None:
        while len(self.journal) > mark:
            b, origin = self.journal.pop()
            self.move(b, origin)
            self.journal.pop()

    def best_place(self, b: int, exclude: int = -1) -> int:
        """The allowed shelter with room and the highest gain (tightest fit among equals)."""
        model = self.model
        fits = model.eligible[b] & (self.room >= model.size[b])
        if exclude >= 0:
            fits[exclude] = False
        if not fits.any():
            return -1
        score = np.where(fits, model.gain[b] - 1e-6 * (self.room - model.size[b]), -np.inf)
        return int(np.argmax(score))

    def place_into(self, b: int, target: int) -> None:
        """Move b into target, evicting its cheapest occupants (value per place) as needed,
        then re-place each evicted block wherever it does best."""
        model = self.model
        occupants = sorted(
            self.occupants[target],
            key=lambda c: (model.gain[c, target] / model.size[c], -model.size[c]),
        )
        evicted = []
        for c in occupants:
            if (
                self.room[target] + (model.size[b] if self.assign[b] == target else 0)
                >= model.size[b]
            ):
                break
            self.move(c, -1)
            evicted.append(c)
        self.move(b, target)
        for c in sorted(evicted, key=lambda c: -model.value_per_place[c]):
            place = self.best_place(c)
            if place >= 0 and model.gain[c, place] > 0:
                self.move(c, place)

    def try_place(self, b: int, target: int) -> set[int]:
        """Keep `place_into` if it raises the objective; the shelters it changed, else none."""
        mark, before = len(self.journal), self.value
        self.place_into(b, target)
        if self.value > before + 1e-9:
            changed = {origin for _, origin in self.journal[mark:]}
            changed |= {int(self.assign[c]) for c, _ in self.journal[mark:]}
            self.journal.clear()
            return changed - {-1}
        self.undo_to(mark)
        return set()

    def eviction_cost(self, target: int) -> FloatArray:
        """Gain lost by freeing r places in target, evicting cheapest first, for r = 0..8+."""
        model = self.model
        largest = int(model.size.max()) if len(model.size) else 0
        cost = np.full(largest + 1, np.inf)
        cost[0] = 0.0
        lost, freed = 0.0, 0
        for c in sorted(
            self.occupants[target], key=lambda c: model.gain[c, target] / model.size[c]
        ):
            lost += float(model.gain[c, target])
            freed += int(model.size[c])
            cost[1 : min(freed, largest) + 1] = np.minimum(cost[1 : min(freed, largest) + 1], lost)
        return cost


def _improve(
    model: _Model, assign: IntArray, max_passes: int, tries: int, deadline: float = math.inf
) -> IntArray:
    """Local search: place, move up, or make room by evicting cheaper blocks, until stuck
    or until this process's CPU time (`time.process_time`) reaches `deadline`."""
    if time.process_time() >= deadline:
        return assign
    state = _Search(model, assign)
    n_shelters = len(model.shelters)
    if n_shelters == 0:
        return state.assign
    largest = int(model.size.max()) if len(model.size) else 0
    order = _priority_order(model)
    for _ in range(max_passes):
        start = state.value
        costs = np.stack([state.eviction_cost(s) for s in range(n_shelters)])
        for b in order.tolist():
            if time.process_time() >= deadline:
                return state.assign
            origin = int(state.assign[b])
            here = model.gain[b, origin] if origin >= 0 else 0.0
            size = int(model.size[b])
            if model.gain[b].max() <= here:
                continue
            need = np.clip(size - state.room, 0, largest)
            estimate = model.gain[b] - here - costs[np.arange(n_shelters), need]
            estimate[~model.eligible[b] | (model.capacity < size)] = -np.inf
            if origin >= 0:
                estimate[origin] = -np.inf
            targets = np.argsort(-estimate, kind="stable")[:tries].tolist()
            home = int(model.current[b])
            # Going home saves moves the estimate cannot see: evictees may go where b was.
            if home >= 0 and home not in targets:
                targets.append(home)
            for target in targets:
                if not np.isfinite(estimate[target]):
                    continue
                changed = state.try_place(b, target)
                for s in changed:
                    costs[s] = state.eviction_cost(s)
                if changed:
                    break
        if state.value <= start + 1e-9:
            break
    return state.assign


def _polish(
    model: _Model,
    assign: IntArray,
    *,
    windows: int,
    window_shelters: int,
    max_unplaced: int,
    node_limit: int = WINDOW_NODE_LIMIT,
    cpu_cap_s: float = math.inf,
    seed: int = 0,
) -> IntArray:
    """Large-neighbourhood search: re-place exactly (a small MILP, `_solve_window`) the
    blocks of a few shelters together with the most valuable blocks left out that could
    go there, keeping each plan that scores more. The search ends when two rounds of
    windows (enough to cover every shelter twice) find nothing, or after `windows` windows;
    wider windows, once tried when stuck, cost up to seconds each and rarely gained. Each
    window's MILP stops at `node_limit` branch-and-bound nodes, never at a time: a busy
    machine's clock would cut the search by how busy it is, not by the work done, and the
    plan would change with the load. `cpu_cap_s` (CPU seconds) is a safety net, far above
    what the counts allow; only when it is set does HiGHS get a time limit, and even then
    it binds only on a pathological window.

    Windows take turns: for the most valuable block left out, the shelters open to it
    where room is cheapest to make (least valuable occupants per place first), then those
    with the most places free (scattered places repacked together make room for a
    household); then shelters drawn at random. A window tried since the plan last changed
    would find nothing again, so a random one replaces it. HiGHS is told the current
    plan's cost as a cutoff (`better_only`), so its nodes go to looking for a better plan
    (at 300 people / 30 shelters this lifted the worst of seeds 6, 7, 9 from 99.46 % to
    99.59 % of the bound); the current plan is kept unless a window's is better. Random
    draws come from a generator seeded with `seed`, so the search is reproducible.
    """
    open_shelters = np.flatnonzero(model.eligible.any(axis=0) & (model.capacity > 0))
    if len(open_shelters) == 0 or len(model.members) == 0:
        return assign
    rng = np.random.default_rng(seed)
    deadline = time.process_time() + cpu_cap_s
    value = _model_objective(model, assign)
    size = min(window_shelters, len(open_shelters))
    windows_per_round = max(1, -(-len(open_shelters) // size))
    # Blocks worth placing at all, most valuable per place first.
    worth = np.flatnonzero(np.isfinite(model.value_per_place) & (model.value_per_place > 0))
    worth = worth[np.argsort(-model.value_per_place[worth], kind="stable")]
    fruitless, turn, tried, solved_windows = 0, 0, 0, 0
    seen: set[bytes] = set()
    while solved_windows < windows and time.process_time() < deadline:
        if fruitless >= 2 * windows_per_round:
            break  # two rounds of windows found nothing: the plan is stuck at this size
        turn += 1
        outside = worth[assign[worth] < 0]
        if turn % 3 and tried < len(outside):
            b = int(outside[tried])
            eligible = np.flatnonzero(model.eligible[b] & (model.capacity >= model.size[b]))
            if turn % 3 == 2:
                tried += 1
            if len(eligible) == 0:
                continue
            if turn % 3 == 1:
                placed = assign >= 0
                cheapness = np.zeros(len(model.shelters))
                np.add.at(
                    cheapness,
                    assign[placed],
                    model.gain[np.flatnonzero(placed), assign[placed]] / model.size[placed],
                )
                window = eligible[np.argsort(cheapness[eligible], kind="stable")[:size]]
            else:
                # The places left free, scattered over shelters: repacked together they may
                # make the room a household needs.
                # Ties (a full camp has none free) are broken at random, so the windows vary.
                room = model.capacity - _load(model, assign)
                shuffled = rng.permutation(eligible)
                window = shuffled[np.argsort(-room[shuffled], kind="stable")[:size]]
        else:
            window = rng.choice(open_shelters, size=size, replace=False)
        window = np.sort(window)
        if window.tobytes() in seen:  # no plan changed since: it would find nothing again
            window = np.sort(rng.choice(open_shelters, size=size, replace=False))
        seen.add(window.tobytes())
        solved_windows += 1
        inside = np.flatnonzero(np.isin(assign, window))
        candidates = outside[model.eligible[np.ix_(outside, window)].any(axis=1)][:max_unplaced]
        free = np.concatenate([inside, candidates]).astype(np.int64)
        # No time limit unless the safety cap is finite: then one window cannot outlast it.
        solved = _solve_window(
            model,
            assign,
            free,
            window,
            node_limit=node_limit,
            time_limit=None if math.isinf(cpu_cap_s) else max(0.1, deadline - time.process_time()),
            gap=1e-6,
            better_only=True,
        )
        if solved is not None:
            candidate = solved[0]
            gained = _model_objective(model, candidate)
            if gained > value + 1e-9:
                assign, value = candidate, gained
                fruitless, tried = 0, 0
                seen.clear()
                continue
        fruitless += 1
    return assign


# ---------------------------------------------------------------- reasons and plans


def _reasons(model: _Model, assign: IntArray) -> dict[int, str]:
    room = model.capacity - _load(model, assign)
    reasons: dict[int, str] = {}
    cache: dict[bytes, tuple[int, int]] = {}
    for b in np.nonzero(assign < 0)[0]:
        row = model.eligible[b]
        isolation = bool(model.is_isolation[b])
        size = int(model.size[b])
        if not row.any():
            reason = (
                "needs isolation: there is no usable isolation shelter"
                if isolation
                else "no usable shelter is open to them"
            )
        elif not np.isfinite(model.gain[b]).any() or model.gain[b][row].max() <= 0:
            reason = "sheltering them scores nothing with these weights"
        elif model.is_household[b] and int(room[row].sum()) >= size:
            largest = int(room[row].max())
            reason = (
                f"household of {size} kept together: the most room left in a shelter "
                f"open to them is {largest} place{'s' if largest != 1 else ''}"
            )
        else:
            key = row.tobytes()
            if key not in cache:
                competing = model.eligible[:, row].any(axis=1)
                cache[key] = (int(model.capacity[row].sum()), int(model.size[competing].sum()))
            places, people = cache[key]
            if isolation:
                reason = (
                    f"needs isolation: no isolation shelter has room "
                    f"({places} places for {people} people needing isolation)"
                )
            else:
                reason = f"no capacity left: {places} places for {people} people"
        for p in model.members[b]:
            reasons[model.people[p].person_id] = reason
    return reasons


def _plan(model: _Model, assign: IntArray, method: str, weights: PlannerWeights) -> AllocationPlan:
    assignments: dict[int, int] = {}
    for b, block in enumerate(model.members):
        if assign[b] >= 0:
            shelter_id = model.shelters[int(assign[b])].shelter_id
            for p in block:
                assignments[model.people[p].person_id] = shelter_id
    moves = sorted(
        (person.person_id, person.current_shelter_id, assignments.get(person.person_id))
        for person in model.people
        if person.current_shelter_id is not None
        and person.current_shelter_id != assignments.get(person.person_id)
    )
    return AllocationPlan(
        assignments=dict(sorted(assignments.items())),
        unsheltered=dict(sorted(_reasons(model, assign).items())),
        moves=[(person_id, origin, to) for person_id, origin, to in moves if origin is not None],
        objective=plan_objective(model.people, model.shelters, assignments, weights),
        method=method,
    )


@dataclass(frozen=True, slots=True)
class ObjectiveBound:
    """What the whole-problem MILP proves: no plan scores above `upper_bound`.

    `best_found` is the best plan's objective HiGHS found; `proven_optimal` says the two
    meet (within HiGHS's gap of 1e-6). Cut short by the time limit, `upper_bound` is the
    lower of the best bound HiGHS reached on it and the optimum of the class relaxation
    (`_class_bound`); a large camp's root LP alone outlasts the limit, so there the class
    relaxation gives it. `by_classes` says the class relaxation's was the lower.
    """

    best_found: float
    upper_bound: float
    proven_optimal: bool
    by_classes: bool = False


def _solve_whole(model: _Model, time_limit_s: float | None) -> tuple[IntArray, bool, float | None]:
    """The whole problem as one MILP: the best plan found, proven or not, and HiGHS's bound."""
    everyone = np.arange(len(model.members), dtype=np.int64)
    every_shelter = np.arange(len(model.shelters), dtype=np.int64)
    start = _construct(model, settle_current_first=True)
    bound: list[float] = []
    solved = _solve_window(
        model,
        start,
        everyone,
        every_shelter,
        node_limit=None,
        time_limit=time_limit_s,
        gap=1e-6,
        bound=bound,
    )
    # The MILP minimises minus the gains and group bonuses; the people's constant is apart.
    upper = model.constant - bound[0] if bound and math.isfinite(bound[0]) else None
    if solved is None:
        return start, False, upper
    assign, optimal = solved
    if not optimal and _model_objective(model, start) > _model_objective(model, assign):
        assign = start
    if optimal and upper is None:  # nobody could go anywhere: no MILP was needed
        upper = _model_objective(model, assign)
    return assign, optimal, upper


def plan_exact(
    people: Sequence[PlannerPerson],
    shelters: Sequence[PlannerShelter],
    weights: PlannerWeights | None = None,
    *,
    rules: SeparationRules | None = None,
    time_limit_s: float | None = None,
) -> AllocationPlan:
    """Optimal plan: the whole problem as one MILP solved by HiGHS.

    With `time_limit_s`, HiGHS may stop before proving optimality; the plan is then the best
    found (never worse than the greedy construction) and its method is "heuristic".
    """
    weights = weights or PlannerWeights()
    model = _build_model(people, shelters, weights, rules or SeparationRules())
    assign, optimal, _ = _solve_whole(model, time_limit_s)
    return _plan(model, assign, "exact" if optimal else "heuristic", weights)


def objective_bound(
    people: Sequence[PlannerPerson],
    shelters: Sequence[PlannerShelter],
    weights: PlannerWeights | None = None,
    *,
    rules: SeparationRules | None = None,
    time_limit_s: float | None = None,
) -> ObjectiveBound:
    """The proven optimum, or where HiGHS stops at `time_limit_s` first, its bound.

    For measuring a heuristic against: its objective over `upper_bound` is at most its
    share of the true optimum.
    """
    weights = weights or PlannerWeights()
    model = _build_model(people, shelters, weights, rules or SeparationRules())
    assign, optimal, upper = _solve_whole(model, time_limit_s)
    best = _model_objective(model, assign)
    # Both are bounds, so the lower one is; the class relaxation is the one a large camp gets.
    relaxed = _class_bound(model, time_limit_s)
    by_classes = upper is None or relaxed < upper
    upper = relaxed if upper is None else min(upper, relaxed)
    return ObjectiveBound(
        best_found=best,
        upper_bound=max(upper, best),
        proven_optimal=optimal,
        by_classes=by_classes and not optimal,
    )


def _class_bound(model: _Model, time_limit_s: float | None = None) -> float:
    """An upper bound on the optimum from a relaxation small enough for any camp.

    Why it is a bound: it is the whole problem with three things given away, so every plan
    is a solution of it and scores at least as much there as in truth.

    * Shelters whose gain is the same for every block (same use, same ward zone, same
      rules; moves aside) are one *kind*; within a kind the relaxation keeps only the total
      places, and, for each household size k, the places of the kind's shelters that hold
      k or more (a household of k can only be in one of those). Which tent a household gets
      within its kind is no longer decided, so packing losses vanish.
    * The place a block already holds is the one thing that tells two shelters of a kind
      apart (staying saves the move penalty). Each such stay is its own 0/1 column bound by
      that shelter's places, so a stay is only counted where there is room for it.
    * Blocks of one size and one gain in every kind are interchangeable: a *class*, whose
      integer count per kind is one column. Teams and split households are counted as if
      kept whole, the most their term can give.

    A plan maps to the relaxation by putting each block that stays in its own shelter on
    its stay column and every other block on its class's column at the kind of its
    shelter: every row holds and the objective is the plan's, less the group terms, which
    are at most what the bound adds back. HiGHS solves it (a few hundred integer columns
    at 10,000 people) to optimality or, cut short by `time_limit_s`, to a dual bound,
    which bounds the relaxation and so the problem.
    """
    n_blocks = len(model.members)
    nobody = np.full(n_blocks, -1, dtype=np.int64)
    open_shelters = np.flatnonzero(model.eligible.any(axis=0) & (model.capacity > 0))
    if len(open_shelters) == 0 or n_blocks == 0:
        return _model_objective(model, nobody)
    plain = model.gain.copy()  # the gain without staying's saved move
    plain[model.home_block, model.home_shelter] -= model.home_bonus
    kinds: dict[bytes, list[int]] = defaultdict(list)
    for s in open_shelters.tolist():
        kinds[plain[:, s].tobytes()].append(s)
    kind_shelters = [np.array(members, dtype=np.int64) for members in kinds.values()]
    kind_gain = np.stack([plain[:, members[0]] for members in kind_shelters], axis=1)
    classes: dict[tuple[int, bytes], list[int]] = defaultdict(list)
    for b in range(n_blocks):
        classes[(int(model.size[b]), kind_gain[b].tobytes())].append(b)

    cost: list[float] = []
    var_upper: list[float] = []
    column_size: list[int] = []
    column_kind: list[int] = []
    rows: list[int] = []
    cols: list[int] = []
    upper: list[float] = []
    stays_in: dict[int, list[int]] = defaultdict(list)
    kind_of = np.full(len(model.shelters), -1, dtype=np.int64)
    for k, members in enumerate(kind_shelters):
        kind_of[members] = k
    largest = [int(model.capacity[members].max()) for members in kind_shelters]
    stays_of: dict[int, list[int]] = defaultdict(list)
    for b, s in zip(model.home_block.tolist(), model.home_shelter.tolist(), strict=True):
        stays_of[b].append(s)

    def add_column(gain: float, bound: float, size: int, kind: int) -> int:
        cost.append(-gain)
        var_upper.append(bound)
        column_size.append(size)
        column_kind.append(kind)
        return len(cost) - 1

    row = 0
    for (size, _), blocks in classes.items():
        in_class: list[int] = []
        for k in range(len(kind_shelters)):
            gain = float(kind_gain[blocks[0], k])
            if math.isfinite(gain) and gain > 0 and largest[k] >= size:
                in_class.append(add_column(gain, float(len(blocks)), size, k))
        for b in blocks:
            own: list[int] = []
            for s in stays_of.get(b, []):
                gain = float(model.gain[b, s])
                if kind_of[s] < 0 or not math.isfinite(gain) or gain <= 0:
                    continue
                if model.capacity[s] < size:
                    continue
                column = add_column(gain, 1.0, size, int(kind_of[s]))
                stays_in[s].append(column)
                own.append(column)
            if len(own) > 1:  # a household whose members hold places in several shelters
                rows += [row] * len(own)
                cols += own
                upper.append(1.0)
                row += 1
            in_class += own
        if in_class:
            rows += [row] * len(in_class)
            cols += in_class
            upper.append(float(len(blocks)))
            row += 1
    whole_groups = sum(group.weight * (group.size - 1) for group in model.groups)
    if not cost:
        return _model_objective(model, nobody) + whole_groups
    vals = [1.0] * len(cols)
    for s, columns in stays_in.items():
        rows += [row] * len(columns)
        cols += columns
        vals += [float(column_size[c]) for c in columns]
        upper.append(float(model.capacity[s]))
        row += 1
    sizes = np.array(column_size)
    kinds_of_column = np.array(column_kind)
    for k, members in enumerate(kind_shelters):
        capacity = model.capacity[members]
        for least in sorted(set(sizes[kinds_of_column == k].tolist())):
            columns = np.flatnonzero((kinds_of_column == k) & (sizes >= least)).tolist()
            rows += [row] * len(columns)
            cols += columns
            vals += [float(column_size[c]) for c in columns]
            upper.append(float(capacity[capacity >= least].sum()))
            row += 1
    settings: dict[str, float | bool] = {"mip_rel_gap": 1e-9}
    if time_limit_s is not None:
        settings["time_limit"] = time_limit_s
    solution = milp(
        np.array(cost),
        integrality=np.ones(len(cost)),
        bounds=Bounds(np.zeros(len(cost)), np.array(var_upper)),
        constraints=LinearConstraint(
            coo_array((vals, (rows, cols)), shape=(row, len(cost))).tocsr(),
            np.full(row, -np.inf),
            np.array(upper),
        ),
        options=settings,
    )
    dual = solution.get("mip_dual_bound")
    if (dual is None or not math.isfinite(dual)) and solution.status == 0:
        dual = solution.fun
    if dual is None or not math.isfinite(dual):
        raise PlanningInputError(f"shelter bound failed: {solution.message}")
    return model.constant - float(dual) + whole_groups


def plan_heuristic(
    people: Sequence[PlannerPerson],
    shelters: Sequence[PlannerShelter],
    weights: PlannerWeights | None = None,
    *,
    rules: SeparationRules | None = None,
    max_passes: int = 6,
    tries: int = 3,
    polish_windows: int = POLISH_WINDOWS,
    window_shelters: int = 8,
    max_unplaced: int = 10,
    node_limit: int = WINDOW_NODE_LIMIT,
    cpu_cap_s: float = CPU_CAP_S,
    searched: int = 2,
) -> AllocationPlan:
    """Fast plan at any size: greedy construction, local search for up to `max_passes`
    passes from the `searched` best of the two starts, then `polish_windows` windows
    re-optimised by HiGHS (0: none), each searching at most `node_limit` branch-and-bound
    nodes.

    The work is fixed by those counts, not by a clock, so a camp gets the same plan on any
    machine however busy. `cpu_cap_s` (CPU seconds, per step) is only a safety net against
    a pathological instance; sized well above the work the counts allow, it never cuts
    short a camp of the sizes `plan_allocation` sends here."""
    weights = weights or PlannerWeights()
    model = _build_model(people, shelters, weights, rules or SeparationRules())
    starts = sorted(
        (_construct(model, settle_current_first=settle) for settle in (True, False)),
        key=lambda candidate: -_model_objective(model, candidate),
    )
    deadline = time.process_time() + cpu_cap_s
    assign = max(
        (_improve(model, start, max_passes, tries, deadline) for start in starts[:searched]),
        key=lambda candidate: _model_objective(model, candidate),
    )
    if polish_windows > 0:
        assign = _polish(
            model,
            assign,
            windows=polish_windows,
            node_limit=node_limit,
            cpu_cap_s=cpu_cap_s,
            window_shelters=window_shelters,
            max_unplaced=max_unplaced,
        )
    return _plan(model, assign, "heuristic", weights)


def plan_greedy(
    people: Sequence[PlannerPerson],
    shelters: Sequence[PlannerShelter],
    weights: PlannerWeights | None = None,
    *,
    rules: SeparationRules | None = None,
) -> AllocationPlan:
    """Naive baseline: by priority, stay in the current shelter, else the first that fits."""
    weights = weights or PlannerWeights()
    model = _build_model(people, shelters, weights, rules or SeparationRules())
    order = _priority_order(model)
    assign, room = _keep_current(model, order)
    for b in order:
        if assign[b] < 0:
            fits = np.nonzero(model.eligible[b] & (room >= model.size[b]))[0]
            if len(fits):
                assign[b] = fits[0]
                room[fits[0]] -= model.size[b]
    return _plan(model, assign, "greedy", weights)


def plan_allocation(
    people: Sequence[PlannerPerson],
    shelters: Sequence[PlannerShelter],
    weights: PlannerWeights | None = None,
    *,
    rules: SeparationRules | None = None,
    exact_limit: int = DEFAULT_EXACT_LIMIT,
    exact_time_limit_s: float = 10.0,
) -> AllocationPlan:
    """Plan who sleeps where: proven optimal up to `exact_limit` people, heuristic beyond.

    Should HiGHS not prove a small instance within `exact_time_limit_s`, the better of its
    best plan and the heuristic's is returned, marked "heuristic".
    """
    if len(people) <= exact_limit:
        plan = plan_exact(people, shelters, weights, rules=rules, time_limit_s=exact_time_limit_s)
        if plan.method == "exact":
            return plan
        fallback = plan_heuristic(people, shelters, weights, rules=rules)
        return plan if plan.objective >= fallback.objective else fallback
    return plan_heuristic(
        people,
        shelters,
        weights,
        rules=rules,
        polish_windows=LARGE_POLISH_WINDOWS,
        searched=1,
    )


def allocation_violations(
    people: Sequence[PlannerPerson],
    shelters: Sequence[PlannerShelter],
    assignments: Mapping[int, int],
    rules: SeparationRules | None = None,
) -> list[str]:
    """Every hard rule an assignment breaks, in words; empty when it is feasible."""
    rules = rules or SeparationRules()
    by_id = {shelter.shelter_id: shelter for shelter in shelters}
    families = _households_with_children(people)
    problems: list[str] = []
    load: Counter[int] = Counter()
    for person in people:
        shelter_id = assignments.get(person.person_id)
        if shelter_id is None:
            continue
        shelter = by_id.get(shelter_id)
        if shelter is None:
            problems.append(f"person {person.person_id} is in unknown shelter {shelter_id}")
            continue
        load[shelter_id] += 1
        if not shelter.usable:
            problems.append(f"person {person.person_id} is in unusable shelter {shelter_id}")
    for shelter_id, count in sorted(load.items()):
        if count > by_id[shelter_id].capacity:
            problems.append(
                f"shelter {shelter_id} holds {count} people, "
                f"over its capacity {by_id[shelter_id].capacity}"
            )
    households: dict[tuple[int, bool], list[PlannerPerson]] = defaultdict(list)
    blocks: list[list[PlannerPerson]] = []
    for person in people:
        key = _household_key(person)
        if key is None:
            blocks.append([person])
        else:
            households[key].append(person)
    for key, household in sorted(households.items()):
        places = {assignments.get(person.person_id) for person in household}
        allowed = [
            shelter
            for shelter in shelters
            if _allowed(
                shelter,
                isolation=key[1],
                has_injured=any(person.injured for person in household),
                has_family=key[0] in families,
                rules=rules,
            )
        ]
        if len(household) <= max((shelter.capacity for shelter in allowed), default=0):
            blocks.append(household)
            if len(places) > 1:
                problems.append(f"household {key[0]} is split although it fits one shelter")
        else:
            blocks += [[person] for person in household]
    for block in blocks:
        shelter_id = assignments.get(block[0].person_id)
        if shelter_id is None or shelter_id not in by_id:
            continue
        if not _allowed(
            by_id[shelter_id],
            isolation=block[0].needs_isolation,
            has_injured=any(person.injured for person in block),
            has_family=block[0].household_id in families,
            rules=rules,
        ):
            ids = ", ".join(str(person.person_id) for person in block)
            problems.append(f"people {ids} may not sleep in shelter {shelter_id}")
    return problems
