"""Fair ration distribution: weighted, lexicographic max–min over need classes.

Model
=====

*Need keys.* A need is a mapping from a key to an amount per person per day:

- nutrient keys, exactly the keys that items carry in ``RationItem.content``:
  ``"kcal"`` (energy), ``"litres"`` (water), ``"doses:<category>"`` (medical doses by
  category, e.g. ``"doses:trauma"``); any other content key works the same way;
- commodity-group keys ``"group:<name>"`` in kg per person per day (e.g.
  ``"group:pulses": 0.06``), used where DESIGN.md's UNHCR substitution rules apply.

An item of ``group`` *g* supplies ``group_kg_per_unit`` kg of ``"group:g"`` per unit, on top
of its content. A need key that no item supplies (not even an item with zero stock, and
not through a substitution) is rejected with ``PlanningInputError``: it is far more likely
a typo than a real need, and an exhausted supply is expressed by listing the item with
``on_hand=0``, which then yields a fraction of 0 for that need.

*Substitutions.* A ``SubstitutionRule(substitute_group, replaced_group, ratio)`` lets
``ratio`` kg of the substitute stand in for 1 kg of the replaced group, per class, through
a variable ``y[c, r]`` (kg of the replaced group covered per person per day). Then the
kg delivered towards group *g* for class *c* is::

    Σ_{i in g} kg_i·x[c,i]  −  Σ_{r: substitute=g} ratio_r·y[c,r]  +  Σ_{r: replaced=g} y[c,r]

and the substitute mass spent may not exceed what the class receives of that group.
Substitution is direct only (no chains); items still contribute their nutrients (kcal)
whatever group need they are counted against. The defaults are DESIGN.md's UNHCR
temporary substitutions (≤ 1 month), read as "substitute : replaced": blended food for
beans (pulses) 1:1, sugar for oil 2:1, cereal for beans 2:1, cereal for oil 3:1.

*Variables.* ``x[c, i]`` ≥ 0: units of item *i* per person per day for everyone in class
*c*, held constant over the horizon. People with identical needs and priority form one
class, so the LP size depends on the number of classes, not people.

*Lines.* Every (class, need key) with a positive need is a *line*; its fraction met is
``delivered / need``. Classes with no people get no lines (nothing is owed; fraction 1,
ration 0). Stock: ``Σ_c people_c·horizon·x[c,i] ≤ available_i`` where
``available_i = max(0, on_hand − max(reserve, reserve_fraction·on_hand))`` (below 1e-9
units counts as none).

*Objective: weighted lexicographic max–min (progressive filling).* With class priority
``p_c > 0`` (1 = standard), level 1 maximises ``t`` subject to ``fraction(line) ≥ p_c·t``
for every line: every line rises at a speed proportional to its priority, so a priority-2
class gets twice the fraction of a priority-1 class until it is fully served. Lines that
cannot rise any further (a strictly negative LP dual on their constraint, which by
complementary slackness holds them at ``p_c·t`` in every optimum) or that reach 1 are
fixed at ``min(1, p_c·t)``; the remaining lines are raised again by the next LP, and so on
until every line is fixed. This is the standard dual-based algorithm for lexicographic
max–min fairness; each LP fixes at least one line. ``t`` is bounded by ``1/p_max`` of the
lines still rising, so a line stops exactly at its full need (fractions are capped at 1).
A last LP keeps every line at its level and minimises ``Σ_i used_i / available_i``: nobody
gets more than the levels require and the surplus stays in stock. (An item feeding
several lines, say cereal for ``kcal`` and ``group:cereal``, may then exceed one line's
need to reach another's level; the reported fraction of that line is capped at 1.)
Levels are held to within 1e-8 (HiGHS tolerances 1e-9).

A class's fraction of need met is the minimum over its lines; ``min_fraction`` is the
minimum over classes with people (1.0 for a class with no needs). With equal priorities
``min_fraction`` is the max–min optimum itself.

*Needs from people.* ``daily_energy_need_kcal`` scales the WHO/UNHCR age/sex energy table
by ``standard_kcal``; water, medical doses and the (optional) commodity basket come from
``NeedStandards``; ``PriorityWeights`` turns injured, under-five, pregnant or lactating
and working people into class priorities (the highest one that applies).
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.optimize import linprog

from haven.planning.errors import PlanningInputError

GROUP_PREFIX: Final = "group:"
DOSES_PREFIX: Final = "doses:"
SEXES: Final = frozenset({"male", "female", "unknown"})

# Fraction tolerance: a class below 1 − this is "short"; fixed lines may sit this far
# below their level so the next LP stays feasible under solver round-off.
SHORTFALL_TOLERANCE: Final = 1e-6
_LEVEL_SLACK: Final = 1e-8
_SOLVER_TOLERANCE: Final = 1e-9
_HIGHS_OPTIONS: Final = {
    "primal_feasibility_tolerance": _SOLVER_TOLERANCE,
    "dual_feasibility_tolerance": _SOLVER_TOLERANCE,
}
_DUAL_TOLERANCE: Final = 1e-9
# Less than this many units counts as none: the stock row would be divided by it.
_MIN_AVAILABLE_UNITS: Final = 1e-9

# Energy requirements (kcal/day) by age band, male / female, developing-country profile,
# light activity: UNHCR/WFP "Guidelines for Estimating Food and Nutritional Needs in
# Emergencies" (1997), Annex I, derived from WHO Technical Report Series 724. The whole
# population averages 2,070 kcal, which agencies round to the 2,100 planning figure, so
# each band is used as a factor band/2,070 of ``standard_kcal``.
_REFERENCE_POPULATION_KCAL: Final = 2070.0
_AGE_BAND_STARTS: Final = (0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 10.0, 15.0, 20.0, 60.0)
_AGE_BAND_KCAL_MALE: Final = (850, 1250, 1430, 1560, 1690, 1980, 2370, 2700, 2460, 2010)
_AGE_BAND_KCAL_FEMALE: Final = (780, 1190, 1330, 1440, 1540, 1730, 2040, 2120, 1990, 1780)
# Same source: pregnancy +285, lactation +500 kcal; one flag covers both, so the larger.
_PREGNANT_OR_LACTATING_EXTRA_KCAL: Final = 500.0
# Same source, Annex II: moderate activity for adults (18+), male +360, female +100.
_ADULT_AGE_YEARS: Final = 18.0
_MODERATE_ACTIVITY_EXTRA_KCAL: Final = {"male": 360.0, "female": 100.0, "unknown": 230.0}
_MAX_AGE_YEARS: Final = 130.0


@dataclass(frozen=True, slots=True, kw_only=True)
class SubstitutionRule:
    """``substitute_kg_per_replaced_kg`` kg of one commodity group may replace 1 kg of another."""

    substitute_group: str
    replaced_group: str
    substitute_kg_per_replaced_kg: float

    @property
    def label(self) -> str:
        """A readable name, e.g. ``cereal→oil 3:1``."""
        ratio = f"{self.substitute_kg_per_replaced_kg:g}"
        return f"{self.substitute_group}→{self.replaced_group} {ratio}:1"


# DESIGN.md, UNHCR temporary substitutions (≤ 1 month); beans are the "pulses" group.
UNHCR_TEMPORARY_SUBSTITUTIONS: Final[tuple[SubstitutionRule, ...]] = (
    SubstitutionRule(
        substitute_group="blended_food", replaced_group="pulses", substitute_kg_per_replaced_kg=1.0
    ),
    SubstitutionRule(
        substitute_group="sugar", replaced_group="oil", substitute_kg_per_replaced_kg=2.0
    ),
    SubstitutionRule(
        substitute_group="cereal", replaced_group="pulses", substitute_kg_per_replaced_kg=2.0
    ),
    SubstitutionRule(
        substitute_group="cereal", replaced_group="oil", substitute_kg_per_replaced_kg=3.0
    ),
)


@dataclass(frozen=True, slots=True, kw_only=True)
class RationItem:
    """A stocked item: units on hand, what one unit provides, and what is kept back.

    ``content`` maps need keys to the amount per unit (``{"kcal": 3500}`` for 1 kg of
    cereal, ``{"litres": 1}``, ``{"doses:trauma": 1}``). ``group`` names the commodity
    group for substitution rules; one unit weighs ``group_kg_per_unit`` kg of it. The
    reserve kept back is the larger of ``reserve`` (units) and ``reserve_fraction`` of
    ``on_hand``; a reserve above the stock leaves nothing to distribute.
    """

    item_id: str
    name: str
    on_hand: float
    content: Mapping[str, float]
    reserve: float = 0.0
    reserve_fraction: float = 0.0
    group: str | None = None
    group_kg_per_unit: float = 1.0

    @property
    def available(self) -> float:
        """Units that may be distributed: on hand less the reserve, never below zero."""
        kept_back = max(self.reserve, self.reserve_fraction * self.on_hand)
        return max(0.0, self.on_hand - kept_back)


@dataclass(frozen=True, slots=True, kw_only=True)
class NeedClass:
    """People who share the same daily need and priority; the planner's unit of allocation."""

    class_id: str
    people: int
    daily_need: Mapping[str, float]
    priority: float = 1.0


@dataclass(frozen=True, slots=True, kw_only=True)
class RationRequest:
    """What to plan: need classes, items, the horizon in days and the substitution rules."""

    classes: Sequence[NeedClass]
    items: Sequence[RationItem]
    horizon_days: float
    substitutions: Sequence[SubstitutionRule] = UNHCR_TEMPORARY_SUBSTITUTIONS


@dataclass(frozen=True, slots=True, kw_only=True)
class PersonNeeds:
    """What the planner needs to know about one person to place them in a need class."""

    person_id: str
    age_years: float
    sex: str = "unknown"
    pregnant_or_lactating: bool = False
    injured: bool = False
    worker: bool = False
    extra_kcal: float = 0.0
    doses_per_day: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class NeedStandards:
    """Planning figures turned into needs (Sphere: 2,100 kcal and 15 L per person per day).

    ``basket_kg_per_day`` is the commodity basket of a standard person by group (e.g.
    ``{"cereal": 0.4, "pulses": 0.06, ...}``); a person's basket is scaled by their energy
    need over ``standard_kcal``. Empty: needs are in nutrients only. ``injured_extra_fraction``
    is a Haven planning assumption (no agency figure), to be set on medical advice.
    """

    standard_kcal: float = 2100.0
    water_litres: float = 15.0
    basket_kg_per_day: Mapping[str, float] = field(default_factory=dict)
    injured_extra_fraction: float = 0.10


@dataclass(frozen=True, slots=True, kw_only=True)
class PriorityWeights:
    """Class priorities (policy choices): each person gets the highest weight that applies."""

    standard: float = 1.0
    injured: float = 2.0
    child: float = 1.5
    child_under_age_years: float = 5.0
    pregnant_or_lactating: float = 1.5
    worker: float = 1.25


@dataclass(frozen=True, slots=True, kw_only=True)
class RationPlan:
    """The allocation: a daily ration per class and item, and how much of each need it meets.

    ``per_person_daily[c, i]`` is units of item ``item_ids[i]`` per person per day for class
    ``class_ids[c]``; ``total[c, i]`` is that times people and horizon. ``fairness_levels``
    are the successive weighted levels ``t`` of the progressive filling.
    """

    class_ids: tuple[str, ...]
    item_ids: tuple[str, ...]
    horizon_days: float
    per_person_daily: NDArray[np.float64]
    total: NDArray[np.float64]
    fraction_by_class: Mapping[str, float]
    fraction_by_need: Mapping[str, Mapping[str, float]]
    substitution_kg_per_person_daily: Mapping[str, Mapping[str, float]]
    min_fraction: float
    fairness_levels: tuple[float, ...]
    short_classes: tuple[str, ...]
    used: Mapping[str, float]
    on_hand: Mapping[str, float]
    available: Mapping[str, float]
    person_class: Mapping[str, str]
    lp_solves: int

    def ration_for_class(self, class_id: str) -> dict[str, float]:
        """Units of each item per person per day for a class."""
        row = self.per_person_daily[self._class_index(class_id)]
        return {item_id: float(row[i]) for i, item_id in enumerate(self.item_ids)}

    def class_of(self, person_id: str) -> str:
        """The need class a person was placed in."""
        try:
            return self.person_class[person_id]
        except KeyError:
            raise PlanningInputError(f"person {person_id!r} is not in this plan") from None

    def ration_for_person(self, person_id: str) -> dict[str, float]:
        """Units of each item per day for one person (their class's ration)."""
        return self.ration_for_class(self.class_of(person_id))

    def fraction_for_person(self, person_id: str) -> float:
        """Fraction of need met for one person (their class's fraction)."""
        return self.fraction_by_class[self.class_of(person_id)]

    def _class_index(self, class_id: str) -> int:
        try:
            return self.class_ids.index(class_id)
        except ValueError:
            raise PlanningInputError(f"class {class_id!r} is not in this plan") from None


# --------------------------------------------------------------------------- needs


def _check_finite(name: str, value: float, *, minimum: float = 0.0) -> None:
    if not math.isfinite(value) or value < minimum:
        raise PlanningInputError(f"{name} {value!r} must be a finite number ≥ {minimum:g}")


def _check_age(person: PersonNeeds) -> None:
    age = person.age_years
    if not math.isfinite(age) or not 0 <= age <= _MAX_AGE_YEARS:
        raise PlanningInputError(
            f"person {person.person_id!r} age {age!r} years is implausible (0–130)"
        )


def _age_band(age_years: float) -> int:
    return bisect.bisect_right(_AGE_BAND_STARTS, age_years) - 1


def daily_energy_need_kcal(
    age_years: float,
    sex: str,
    pregnant_or_lactating: bool,
    injured: bool,
    extra_kcal: float,
    standard_kcal: float = 2100.0,
    *,
    moderate_activity: bool = False,
    injured_extra_fraction: float = 0.10,
) -> float:
    """Energy need in kcal per day for one person.

    Source: UNHCR/WFP, *Guidelines for Estimating Food and Nutritional Needs in
    Emergencies* (1997), Annex I (from WHO TRS 724): kcal/day by age band (0, 1, 2, 3, 4,
    5–9, 10–14, 15–19, 20–59, 60+) and sex, light activity; population mean 2,070 kcal,
    planned as 2,100. The band value is used as the factor band/2,070 of ``standard_kcal``
    (so with the default it reproduces the table × 2100/2070). ``sex="unknown"`` takes the
    mean of male and female. Pregnant or lactating adds 500 kcal (lactation; pregnancy is
    285), moderate activity for adults (18+) adds 360 (male) / 100 (female) kcal (Annex II),
    both scaled the same way. Injury multiplies by ``1 + injured_extra_fraction`` (a Haven
    planning assumption); ``extra_kcal`` (special needs) is added last, unscaled.
    """
    _check_finite("age", age_years)
    if age_years > _MAX_AGE_YEARS:
        raise PlanningInputError(f"age {age_years!r} years is implausible (0–130)")
    if sex not in SEXES:
        raise PlanningInputError(f"sex {sex!r} must be one of {sorted(SEXES)}")
    _check_finite("extra kcal", extra_kcal)
    _check_finite("standard kcal", standard_kcal)
    _check_finite("injured extra fraction", injured_extra_fraction)
    band = _age_band(age_years)
    male, female = _AGE_BAND_KCAL_MALE[band], _AGE_BAND_KCAL_FEMALE[band]
    table_kcal = {"male": male, "female": female, "unknown": (male + female) / 2}[sex]
    if pregnant_or_lactating:
        table_kcal += _PREGNANT_OR_LACTATING_EXTRA_KCAL
    if moderate_activity and age_years >= _ADULT_AGE_YEARS:
        table_kcal += _MODERATE_ACTIVITY_EXTRA_KCAL[sex]
    energy = table_kcal * standard_kcal / _REFERENCE_POPULATION_KCAL
    if injured:
        energy *= 1.0 + injured_extra_fraction
    return energy + extra_kcal


def person_daily_need(person: PersonNeeds, standards: NeedStandards) -> dict[str, float]:
    """A person's need per day: ``kcal``, ``litres``, ``doses:<category>``, ``group:<name>``.

    Workers get the moderate-activity increment; the commodity basket scales with energy.
    """
    energy = daily_energy_need_kcal(
        person.age_years,
        person.sex,
        person.pregnant_or_lactating,
        person.injured,
        person.extra_kcal,
        standards.standard_kcal,
        moderate_activity=person.worker,
        injured_extra_fraction=standards.injured_extra_fraction,
    )
    need = {"kcal": energy, "litres": standards.water_litres}
    for category, doses in person.doses_per_day.items():
        _check_finite(f"person {person.person_id!r} doses of {category!r} per day", doses)
        if doses > 0:
            need[DOSES_PREFIX + category] = doses
    energy_ratio = energy / standards.standard_kcal if standards.standard_kcal > 0 else 0.0
    for group, kg in standards.basket_kg_per_day.items():
        _check_finite(f"basket kg per day of {group!r}", kg)
        if kg > 0:
            need[GROUP_PREFIX + group] = kg * energy_ratio
    return need


def person_priority(person: PersonNeeds, weights: PriorityWeights) -> float:
    """The highest priority weight among those that apply to the person."""
    applicable = [weights.standard]
    if person.injured:
        applicable.append(weights.injured)
    if person.age_years < weights.child_under_age_years:
        applicable.append(weights.child)
    if person.pregnant_or_lactating:
        applicable.append(weights.pregnant_or_lactating)
    if person.worker:
        applicable.append(weights.worker)
    return max(applicable)


def _class_label(need: Mapping[str, float], priority: float) -> str:
    parts = [f"{key}={need[key]:.6g}" for key in sorted(need)]
    return " ".join(parts) + f" ×{priority:g}"


class _Classifier:
    """Places people (or groups of alike people) in need classes, computing each need once."""

    def __init__(self, standards: NeedStandards | None, priorities: PriorityWeights | None):
        self.standards = standards or NeedStandards()
        self.priorities = priorities or PriorityWeights()
        # Needs depend on a person only through these attributes, so compute each once.
        self.label_by_profile: dict[tuple[object, ...], str] = {}
        self.need_by_label: dict[str, tuple[dict[str, float], float]] = {}
        self.people_by_label: dict[str, int] = {}

    def place(self, person: PersonNeeds, people: int = 1) -> str:
        """Count `people` like `person` in their class; return its id."""
        _check_age(person)
        profile = (
            _age_band(person.age_years),
            person.age_years < self.priorities.child_under_age_years,
            person.age_years >= _ADULT_AGE_YEARS,
            person.sex,
            person.pregnant_or_lactating,
            person.injured,
            person.worker,
            person.extra_kcal,
            tuple(sorted(person.doses_per_day.items())),
        )
        label = self.label_by_profile.get(profile)
        if label is None:
            need = person_daily_need(person, self.standards)
            priority = person_priority(person, self.priorities)
            label = _class_label(need, priority)
            self.label_by_profile[profile] = label
            self.need_by_label[label] = (need, priority)
        self.people_by_label[label] = self.people_by_label.get(label, 0) + people
        return label

    def classes(self) -> tuple[NeedClass, ...]:
        return tuple(
            NeedClass(
                class_id=label,
                people=self.people_by_label[label],
                daily_need=self.need_by_label[label][0],
                priority=self.need_by_label[label][1],
            )
            for label in sorted(self.people_by_label)
        )


def classes_from_people(
    people: Iterable[PersonNeeds],
    standards: NeedStandards | None = None,
    priorities: PriorityWeights | None = None,
) -> tuple[tuple[NeedClass, ...], dict[str, str]]:
    """Group people with identical daily need and priority into need classes.

    Returns the classes (sorted by class id, which spells out the need and priority) and
    the mapping person id → class id.
    """
    classifier = _Classifier(standards, priorities)
    person_class: dict[str, str] = {}
    for person in people:
        if person.person_id in person_class:
            raise PlanningInputError(f"person {person.person_id!r} is listed twice")
        person_class[person.person_id] = classifier.place(person)
    return classifier.classes(), person_class


def classes_from_groups(
    groups: Iterable[tuple[PersonNeeds, int]],
    standards: NeedStandards | None = None,
    priorities: PriorityWeights | None = None,
) -> tuple[tuple[NeedClass, ...], list[str]]:
    """Need classes for groups of alike people, each given as one of them and a count.

    The same classes as ``classes_from_people`` on the people themselves, for the cost
    of the groups (a database's GROUP BY over what a need depends on). Returns the
    classes and, in the order given, the class id of each group.
    """
    classifier = _Classifier(standards, priorities)
    group_class = []
    for person, people in groups:
        if isinstance(people, bool) or not isinstance(people, int) or people < 1:
            raise PlanningInputError(
                f"group {person.person_id!r} of {people!r} people must hold at least one"
            )
        group_class.append(classifier.place(person, people))
    return classifier.classes(), group_class


# --------------------------------------------------------------------------- validation


def _validate(request: RationRequest) -> None:
    horizon = request.horizon_days
    if not math.isfinite(horizon) or horizon <= 0:
        raise PlanningInputError(f"horizon of {horizon!r} days must be a finite number > 0")
    seen_items: set[str] = set()
    provided: set[str] = set()
    groups: set[str] = set()
    for item in request.items:
        if item.item_id in seen_items:
            raise PlanningInputError(f"item {item.item_id!r} is listed twice")
        seen_items.add(item.item_id)
        what = f"item {item.item_id!r}"
        _check_finite(f"{what} on hand", item.on_hand)
        _check_finite(f"{what} reserve", item.reserve)
        _check_finite(f"{what} reserve fraction", item.reserve_fraction)
        if item.reserve_fraction > 1:
            raise PlanningInputError(f"{what} reserve fraction {item.reserve_fraction!r} is > 1")
        _check_finite(f"{what} group kg per unit", item.group_kg_per_unit)
        for key, amount in item.content.items():
            if key.startswith(GROUP_PREFIX) or not key:
                raise PlanningInputError(f"{what} content key {key!r} is reserved or empty")
            _check_finite(f"{what} content {key!r}", amount)
            provided.add(key)
        if item.group is not None:
            groups.add(item.group)
            provided.add(GROUP_PREFIX + item.group)
    for rule in request.substitutions:
        _check_finite(f"substitution {rule.label} ratio", rule.substitute_kg_per_replaced_kg)
        if rule.substitute_kg_per_replaced_kg == 0 or rule.substitute_group == rule.replaced_group:
            raise PlanningInputError(f"substitution {rule.label} is not a usable rule")
        if rule.substitute_group in groups:
            provided.add(GROUP_PREFIX + rule.replaced_group)
    seen_classes: set[str] = set()
    for need_class in request.classes:
        what = f"class {need_class.class_id!r}"
        if need_class.class_id in seen_classes:
            raise PlanningInputError(f"{what} is listed twice")
        seen_classes.add(need_class.class_id)
        if need_class.people < 0:
            raise PlanningInputError(f"{what} has {need_class.people!r} people (must be ≥ 0)")
        priority = need_class.priority
        if not math.isfinite(priority) or priority <= 0:
            raise PlanningInputError(f"{what} priority {priority!r} must be a finite number > 0")
        for key, amount in need_class.daily_need.items():
            _check_finite(f"{what} daily need {key!r}", amount)
            if amount > 0 and key not in provided:
                raise PlanningInputError(
                    f"{what} needs {key!r} but no item provides it "
                    "(list an item with on_hand=0 for a supply that has run out)"
                )


# --------------------------------------------------------------------------- the LP


@dataclass(frozen=True, slots=True)
class _Solution:
    per_person_daily: NDArray[np.float64]
    substitution: NDArray[np.float64]
    line_class: NDArray[np.intp]
    line_key: tuple[str, ...]
    line_fraction: NDArray[np.float64]
    levels: tuple[float, ...]
    lp_solves: int


class _Model:
    """The LP of the module docstring, built once; levels are re-solved on it."""

    def __init__(self, request: RationRequest) -> None:
        classes, items, rules = request.classes, request.items, request.substitutions
        self.n_classes, self.n_items, self.n_rules = len(classes), len(items), len(rules)
        self.available = np.array([item.available for item in items], dtype=np.float64)
        line_class: list[int] = []
        line_key: list[str] = []
        line_need: list[float] = []
        for c, need_class in enumerate(classes):
            if need_class.people == 0:
                continue
            for key in sorted(need_class.daily_need):
                amount = need_class.daily_need[key]
                if amount > 0:
                    line_class.append(c)
                    line_key.append(key)
                    line_need.append(amount)
        self.line_class = np.array(line_class, dtype=np.intp)
        self.line_key = tuple(line_key)
        self.line_priority = np.array(
            [classes[c].priority for c in line_class], dtype=np.float64
        ).reshape(-1)
        n_lines = len(line_key)

        # Which items feed which need key, and by how much per unit.
        feeds: dict[str, list[tuple[int, float]]] = {}
        for i, item in enumerate(items):
            if self.available[i] < _MIN_AVAILABLE_UNITS:
                continue
            for key, amount in item.content.items():
                if amount > 0:
                    feeds.setdefault(key, []).append((i, amount))
            if item.group is not None:
                feeds.setdefault(GROUP_PREFIX + item.group, []).append((i, item.group_kg_per_unit))

        # x = unit_scale·u keeps the LP well scaled whatever the units and stock sizes: one
        # u is the smaller of an equal share per head and a full need of the hungriest line.
        total_people = sum(need_class.people for need_class in classes)
        equal_share = self.available / (max(total_people, 1) * request.horizon_days)
        full_need = np.zeros(self.n_items)
        for key, need in zip(line_key, line_need, strict=True):
            for i, amount in feeds.get(key, []):
                full_need[i] = max(full_need[i], need / amount)
        unit_scale = np.where(full_need > 0, np.minimum(equal_share, full_need), equal_share)
        unit_scale = np.where(unit_scale > 0, unit_scale, 1.0)

        x_index: dict[tuple[int, int], int] = {}
        y_index: dict[tuple[int, int], int] = {}
        rows: list[int] = []
        cols: list[int] = []
        values: list[float] = []

        def x_var(c: int, i: int) -> int:
            return x_index.setdefault((c, i), len(x_index))

        # x variables first (y indices are offset after all x are known).
        # y = need of the replaced line · v, so v is a fraction of that line.
        pending_y: list[tuple[int, int, int, float]] = []  # (line, c, r, y scale)
        for line, (c, key, need) in enumerate(zip(line_class, line_key, line_need, strict=True)):
            for i, amount in feeds.get(key, []):
                rows.append(line)
                cols.append(x_var(c, i))
                values.append(amount * unit_scale[i] / need)
            if not key.startswith(GROUP_PREFIX):
                continue
            group = key.removeprefix(GROUP_PREFIX)
            for r, rule in enumerate(rules):
                substitute_key = GROUP_PREFIX + rule.substitute_group
                if rule.replaced_group == group and feeds.get(substitute_key):
                    pending_y.append((line, c, r, need))
                    for i, _ in feeds[substitute_key]:
                        x_var(c, i)
        for _, c, r, _ in pending_y:
            y_index.setdefault((c, r), len(y_index))
        n_x = len(x_index)
        y_scale = np.zeros(len(y_index))
        for line, c, r, scale in pending_y:
            rows.append(line)
            cols.append(n_x + y_index[(c, r)])
            values.append(1.0)
            y_scale[y_index[(c, r)]] = scale
        # The substitute's mass spent is taken out of its own group line, if the class has one.
        line_of: dict[tuple[int, str], int] = {
            (c, key): line for line, (c, key) in enumerate(zip(line_class, line_key, strict=True))
        }
        for (c, r), y in y_index.items():
            rule = rules[r]
            own_line = line_of.get((c, GROUP_PREFIX + rule.substitute_group))
            if own_line is not None:
                rows.append(own_line)
                cols.append(n_x + y)
                spent = rule.substitute_kg_per_replaced_kg * y_scale[y]
                values.append(-spent / line_need[own_line])
        self.n_x, self.n_y = n_x, len(y_index)
        self.n_vars = n_x + self.n_y
        self.x_scale = unit_scale[[i for _, i in x_index]] if x_index else np.zeros(0)
        self.y_scale = y_scale
        self.x_pairs = np.array(list(x_index), dtype=np.intp).reshape(-1, 2)
        self.y_pairs = np.array(list(y_index), dtype=np.intp).reshape(-1, 2)
        self.lines = sp.csr_matrix(
            (values, (rows, cols)), shape=(n_lines, self.n_vars), dtype=np.float64
        )

        # Stock: Σ_c people·horizon·x[c,i] / available_i ≤ 1.
        stock_rows = np.array(
            [i for _, i in x_index], dtype=np.intp
        )  # item of each x, used as row index
        people = np.array([classes[c].people for c, _ in x_index], dtype=np.float64)
        stock_values = people * request.horizon_days * self.x_scale / self.available[stock_rows]
        self.stock = sp.csr_matrix(
            (stock_values, (stock_rows, np.arange(n_x))), shape=(self.n_items, self.n_vars)
        )
        # Substitute mass spent ≤ substitute mass received, per class and substitute group.
        feasibility_rows: list[int] = []
        feasibility_cols: list[int] = []
        feasibility_values: list[float] = []
        row_of: dict[tuple[int, str], int] = {}
        for (c, r), y in y_index.items():
            group = rules[r].substitute_group
            row = row_of.get((c, group))
            if row is None:
                row = row_of.setdefault((c, group), len(row_of))
                for i, kg in feeds[GROUP_PREFIX + group]:
                    feasibility_rows.append(row)
                    feasibility_cols.append(x_index[(c, i)])
                    feasibility_values.append(-kg * unit_scale[i])
            feasibility_rows.append(row)
            feasibility_cols.append(n_x + y)
            feasibility_values.append(rules[r].substitute_kg_per_replaced_kg * y_scale[y])
        feasibility = sp.csr_matrix(
            (feasibility_values, (feasibility_rows, feasibility_cols)),
            shape=(len(row_of), self.n_vars),
        )
        # Unit rows: the solver's absolute tolerance then means the same on every row.
        row_size = abs(feasibility).max(axis=1).toarray().ravel() if len(row_of) else np.ones(0)
        self.feasibility = sp.diags(1.0 / np.where(row_size > 0, row_size, 1.0)) @ feasibility

    def _fixed_blocks(
        self, fixed: NDArray[np.bool_], level: NDArray[np.float64]
    ) -> tuple[list[sp.csr_matrix], list[NDArray[np.float64]]]:
        blocks = [-self.lines[fixed], self.stock, self.feasibility]
        bounds = [
            -(level[fixed] - _LEVEL_SLACK),
            np.ones(self.n_items),
            np.zeros(self.feasibility.shape[0]),
        ]
        return blocks, bounds

    def solve(self) -> _Solution:
        n_lines = self.lines.shape[0]
        fixed = np.zeros(n_lines, dtype=bool)
        level = np.zeros(n_lines, dtype=np.float64)
        levels: list[float] = []
        solves = 0
        while not fixed.all():
            active = ~fixed
            blocks, bounds = self._fixed_blocks(fixed, level)
            # Active lines: p·t − fraction ≤ 0, with t the last column.
            active_rows = sp.hstack(
                [-self.lines[active], sp.csr_matrix(self.line_priority[active].reshape(-1, 1))]
            )
            blocks = [sp.hstack([b, sp.csr_matrix((b.shape[0], 1))]) for b in blocks]
            a_ub = sp.vstack([active_rows, *blocks], format="csr")
            b_ub = np.concatenate([np.zeros(int(active.sum())), *bounds])
            # Lines stop at a full need: beyond t = 1/p_max the most urgent would overflow, so
            # they are fixed there and the others continue in the next round.
            bounds_with_t = [(0.0, None)] * self.n_vars + [
                (0.0, 1.0 / float(self.line_priority[active].max()))
            ]
            cost = np.zeros(self.n_vars + 1)
            cost[-1] = -1.0
            result = linprog(
                cost,
                A_ub=a_ub,
                b_ub=b_ub,
                bounds=bounds_with_t,
                method="highs",
                options=_HIGHS_OPTIONS,
            )
            solves += 1
            if result.status != 0:
                raise PlanningInputError(f"the ration LP failed: {result.message}")
            t = float(result.x[-1])
            levels.append(t)
            duals = np.asarray(result.ineqlin.marginals[: int(active.sum())])
            candidate = self.line_priority[active] * t
            blocked = (duals < -_DUAL_TOLERANCE) | (candidate >= 1.0 - _LEVEL_SLACK)
            if not blocked.any():
                # Degenerate duals: fall back on the lines that are tight in this solution.
                values = self.lines[active] @ result.x[:-1]
                blocked = values <= candidate + _LEVEL_SLACK
            active_index = np.flatnonzero(active)[blocked]
            level[active_index] = np.minimum(1.0, candidate[blocked])
            fixed[active_index] = True

        # Keep every level; use as little of the available stock as that allows.
        solution = np.zeros(self.n_vars)
        if self.n_vars:
            blocks, bounds = self._fixed_blocks(fixed, level)
            result = linprog(
                np.asarray(self.stock.sum(axis=0)).ravel(),
                A_ub=sp.vstack(blocks, format="csr"),
                b_ub=np.concatenate(bounds),
                bounds=(0, None),
                method="highs",
                options=_HIGHS_OPTIONS,
            )
            solves += 1
            if result.status != 0:
                raise PlanningInputError(f"the ration LP failed: {result.message}")
            solution = np.asarray(result.x, dtype=np.float64)
        per_person_daily = np.zeros((self.n_classes, self.n_items))
        if self.n_x:
            per_person_daily[self.x_pairs[:, 0], self.x_pairs[:, 1]] = (
                solution[: self.n_x] * self.x_scale
            )
        substitution = np.zeros((self.n_classes, self.n_rules))
        if self.n_y:
            substitution[self.y_pairs[:, 0], self.y_pairs[:, 1]] = (
                solution[self.n_x :] * self.y_scale
            )
        fractions = np.clip(self.lines @ solution, 0.0, 1.0) if n_lines else np.zeros(0)
        # A line fixed at 1 sits a solver slack below it; it is met, not short.
        fractions[fractions >= 1.0 - 10 * _LEVEL_SLACK] = 1.0
        return _Solution(
            per_person_daily=np.maximum(per_person_daily, 0.0),
            substitution=np.maximum(substitution, 0.0),
            line_class=self.line_class,
            line_key=self.line_key,
            line_fraction=fractions,
            levels=tuple(levels),
            lp_solves=solves,
        )


def _class_fractions(
    n_classes: int, line_class: NDArray[np.intp], line_fraction: NDArray[np.float64]
) -> NDArray[np.float64]:
    by_class = np.ones(n_classes)
    np.minimum.at(by_class, line_class, line_fraction)
    return by_class


def _min_over_people(classes: Sequence[NeedClass], by_class: NDArray[np.float64]) -> float:
    populated = [c for c, need_class in enumerate(classes) if need_class.people > 0]
    return float(by_class[populated].min()) if populated else 1.0


# --------------------------------------------------------------------------- public planners


def plan_rations(
    request: RationRequest, *, person_class: Mapping[str, str] | None = None
) -> RationPlan:
    """Allocate the available stock by weighted lexicographic max–min fairness.

    ``person_class`` (person id → class id, from ``classes_from_people``) enables the
    per-person lookups of the plan.
    """
    _validate(request)
    solution = _Model(request).solve()
    classes, items = request.classes, request.items
    class_ids = tuple(need_class.class_id for need_class in classes)
    item_ids = tuple(item.item_id for item in items)
    people = np.array([need_class.people for need_class in classes], dtype=np.float64)
    total = solution.per_person_daily * people.reshape(-1, 1) * request.horizon_days
    by_class = _class_fractions(len(classes), solution.line_class, solution.line_fraction)
    fraction_by_need: dict[str, dict[str, float]] = {class_id: {} for class_id in class_ids}
    for line, key in enumerate(solution.line_key):
        fraction_by_need[class_ids[solution.line_class[line]]][key] = float(
            solution.line_fraction[line]
        )
    substitution_by_class: dict[str, dict[str, float]] = {}
    for c, class_id in enumerate(class_ids):
        used_rules = {
            rule.label: float(solution.substitution[c, r])
            for r, rule in enumerate(request.substitutions)
            if solution.substitution[c, r] > 0
        }
        substitution_by_class[class_id] = used_rules
    used = total.sum(axis=0)
    return RationPlan(
        class_ids=class_ids,
        item_ids=item_ids,
        horizon_days=request.horizon_days,
        per_person_daily=solution.per_person_daily,
        total=total,
        fraction_by_class={class_id: float(by_class[c]) for c, class_id in enumerate(class_ids)},
        fraction_by_need=fraction_by_need,
        substitution_kg_per_person_daily=substitution_by_class,
        min_fraction=_min_over_people(classes, by_class),
        fairness_levels=solution.levels,
        short_classes=tuple(
            class_id
            for c, class_id in enumerate(class_ids)
            if classes[c].people > 0 and by_class[c] < 1.0 - SHORTFALL_TOLERANCE
        ),
        used={item_id: float(used[i]) for i, item_id in enumerate(item_ids)},
        on_hand={item.item_id: item.on_hand for item in items},
        available={item.item_id: item.available for item in items},
        person_class=dict(person_class or {}),
        lp_solves=solution.lp_solves,
    )


def plan_rations_for_people(
    people: Iterable[PersonNeeds],
    items: Sequence[RationItem],
    horizon_days: float,
    *,
    standards: NeedStandards | None = None,
    priorities: PriorityWeights | None = None,
    substitutions: Sequence[SubstitutionRule] = UNHCR_TEMPORARY_SUBSTITUTIONS,
) -> RationPlan:
    """Aggregate people into need classes, then ``plan_rations``; the plan knows each person."""
    classes, person_class = classes_from_people(people, standards, priorities)
    request = RationRequest(
        classes=classes, items=items, horizon_days=horizon_days, substitutions=substitutions
    )
    return plan_rations(request, person_class=person_class)


def disaggregated_min_fraction(
    people: Sequence[PersonNeeds],
    items: Sequence[RationItem],
    horizon_days: float,
    *,
    standards: NeedStandards | None = None,
    priorities: PriorityWeights | None = None,
    substitutions: Sequence[SubstitutionRule] = UNHCR_TEMPORARY_SUBSTITUTIONS,
) -> float:
    """``min_fraction`` of the same LPs solved with one variable set per person, no classes.

    A check on aggregation (and a baseline for its speed): each person's own need and
    priority, one person per line set. Slow for many people by design.
    """
    standards = standards or NeedStandards()
    priorities = priorities or PriorityWeights()
    seen: set[str] = set()
    singles: list[NeedClass] = []
    for person in people:
        if person.person_id in seen:
            raise PlanningInputError(f"person {person.person_id!r} is listed twice")
        seen.add(person.person_id)
        singles.append(
            NeedClass(
                class_id=person.person_id,
                people=1,
                daily_need=person_daily_need(person, standards),
                priority=person_priority(person, priorities),
            )
        )
    request = RationRequest(
        classes=singles, items=items, horizon_days=horizon_days, substitutions=substitutions
    )
    _validate(request)
    solution = _Model(request).solve()
    by_class = _class_fractions(len(singles), solution.line_class, solution.line_fraction)
    return _min_over_people(singles, by_class)


def equal_shares(request: RationRequest) -> float:
    """Min fraction of need met when every item is split equally per head (the naive plan).

    Each person gets ``available / (people × horizon)`` units of every item per day,
    whether they need it or not; no substitutions; fractions capped at 1.
    """
    _validate(request)
    classes, items = request.classes, request.items
    total_people = sum(need_class.people for need_class in classes)
    if total_people == 0:
        return 1.0
    share = np.array([item.available for item in items]) / (total_people * request.horizon_days)
    by_class = np.ones(len(classes))
    for c, need_class in enumerate(classes):
        for key, amount in need_class.daily_need.items():
            if amount <= 0:
                continue
            delivered = 0.0
            for i, item in enumerate(items):
                per_unit = item.content.get(key, 0.0)
                if item.group is not None and key == GROUP_PREFIX + item.group:
                    per_unit += item.group_kg_per_unit
                delivered += per_unit * float(share[i])
            by_class[c] = min(by_class[c], delivered / amount)
    return _min_over_people(classes, np.minimum(by_class, 1.0))
