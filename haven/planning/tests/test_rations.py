"""Fair ration distribution planner: specs."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from haven.planning.errors import PlanningInputError
from haven.planning.rations import (
    UNHCR_TEMPORARY_SUBSTITUTIONS,
    NeedClass,
    NeedStandards,
    PersonNeeds,
    PriorityWeights,
    RationItem,
    RationRequest,
    classes_from_people,
    daily_energy_need_kcal,
    disaggregated_min_fraction,
    equal_shares,
    plan_rations,
    plan_rations_for_people,
)

TOLERANCE = 1e-6


def cereal(on_hand: float, **extra: float) -> RationItem:
    return RationItem(
        item_id="cereal",
        name="maize meal, kg",
        on_hand=on_hand,
        content={"kcal": 3500.0},
        group="cereal",
        **extra,
    )


def water(on_hand: float) -> RationItem:
    return RationItem(item_id="water", name="water, L", on_hand=on_hand, content={"litres": 1.0})


def trauma_doses(on_hand: float) -> RationItem:
    return RationItem(
        item_id="trauma", name="trauma dose", on_hand=on_hand, content={"doses:trauma": 1.0}
    )


def request(
    classes: list[NeedClass], items: list[RationItem], horizon_days: float = 5.0
) -> RationRequest:
    return RationRequest(classes=classes, items=items, horizon_days=horizon_days)


def test_single_item_single_class_gets_the_exact_fraction() -> None:
    # 10 people × 5 days × 2,100 kcal = 105,000 kcal; 15 kg × 3,500 kcal is half of it.
    people = NeedClass(class_id="all", people=10, daily_need={"kcal": 2100.0})
    plan = plan_rations(request([people], [cereal(15.0)]))
    assert plan.min_fraction == pytest.approx(0.5, abs=TOLERANCE)
    assert plan.ration_for_class("all")["cereal"] == pytest.approx(0.3, abs=TOLERANCE)
    assert plan.used["cereal"] == pytest.approx(15.0, abs=TOLERANCE)
    assert plan.short_classes == ("all",)


def test_nobody_gets_more_than_their_need_and_surplus_stays_in_stock() -> None:
    people = NeedClass(class_id="all", people=10, daily_need={"kcal": 2100.0})
    plan = plan_rations(request([people], [cereal(1000.0)]))
    assert plan.min_fraction == 1.0
    assert plan.short_classes == ()
    assert plan.used["cereal"] == pytest.approx(30.0, abs=TOLERANCE)


def test_max_min_beats_equal_shares_when_needs_differ() -> None:
    thirsty = NeedClass(class_id="thirsty", people=10, daily_need={"litres": 15.0})
    modest = NeedClass(class_id="modest", people=10, daily_need={"litres": 5.0})
    fair = request([thirsty, modest], [water(500.0)])
    plan = plan_rations(fair)
    # 500 L for 50 × 15 + 50 × 5 = 1,000 L of need: everyone at one half.
    assert plan.min_fraction == pytest.approx(0.5, abs=TOLERANCE)
    assert equal_shares(fair) == pytest.approx(250 / 750)
    assert plan.min_fraction > equal_shares(fair)


def test_lexicographic_second_level_raises_the_classes_that_are_not_worst() -> None:
    injured = NeedClass(
        class_id="injured", people=10, daily_need={"litres": 15.0, "doses:trauma": 1.0}
    )
    others = NeedClass(class_id="others", people=10, daily_need={"litres": 15.0})
    plan = plan_rations(request([injured, others], [water(1000.0), trauma_doses(10.0)]))
    # Trauma doses cover a fifth; water (1,000 of 1,500 L) is then shared at two thirds.
    assert plan.min_fraction == pytest.approx(0.2, abs=TOLERANCE)
    assert plan.fraction_by_class["others"] == pytest.approx(2 / 3, abs=TOLERANCE)
    assert plan.fraction_by_need["injured"]["litres"] == pytest.approx(2 / 3, abs=TOLERANCE)
    assert plan.fairness_levels[:2] == pytest.approx((0.2, 2 / 3), abs=TOLERANCE)


def test_priorities_tilt_the_allocation_in_proportion() -> None:
    children = NeedClass(class_id="children", people=10, daily_need={"litres": 15.0}, priority=2)
    adults = NeedClass(class_id="adults", people=10, daily_need={"litres": 15.0})
    plan = plan_rations(request([children, adults], [water(450.0)]))
    # f + 2f over 50 person-days × 15 L = 450 L → f = 0.2.
    assert plan.fraction_by_class["adults"] == pytest.approx(0.2, abs=TOLERANCE)
    assert plan.fraction_by_class["children"] == pytest.approx(0.4, abs=TOLERANCE)


def test_a_priority_class_fully_served_leaves_the_rest_to_others() -> None:
    children = NeedClass(class_id="children", people=10, daily_need={"litres": 15.0}, priority=4)
    adults = NeedClass(class_id="adults", people=10, daily_need={"litres": 15.0})
    plan = plan_rations(request([children, adults], [water(1200.0)]))
    assert plan.fraction_by_class["children"] == 1.0
    assert plan.fraction_by_class["adults"] == pytest.approx(450 / 750, abs=TOLERANCE)


def test_reserve_in_units_is_kept_back() -> None:
    people = NeedClass(class_id="all", people=10, daily_need={"kcal": 2100.0})
    plan = plan_rations(request([people], [cereal(40.0, reserve=25.0)]))
    assert plan.used["cereal"] <= 15.0 + TOLERANCE
    assert plan.min_fraction == pytest.approx(0.5, abs=TOLERANCE)


def test_reserve_fraction_is_kept_back_and_the_larger_reserve_wins() -> None:
    people = NeedClass(class_id="all", people=10, daily_need={"kcal": 2100.0})
    plan = plan_rations(request([people], [cereal(20.0, reserve=1.0, reserve_fraction=0.25)]))
    assert plan.available["cereal"] == pytest.approx(15.0)
    assert plan.used["cereal"] <= 15.0 + TOLERANCE


def test_a_reserve_above_stock_leaves_nothing_to_distribute() -> None:
    people = NeedClass(class_id="all", people=10, daily_need={"kcal": 2100.0})
    plan = plan_rations(request([people], [cereal(20.0, reserve=50.0)]))
    assert plan.min_fraction == 0.0
    assert plan.used["cereal"] == 0.0


def test_cereal_stands_in_for_beans_two_to_one() -> None:
    basket = NeedClass(
        class_id="all", people=10, daily_need={"group:cereal": 0.4, "group:pulses": 0.06}
    )
    beans = RationItem(
        item_id="beans", name="beans, kg", on_hand=0.0, content={"kcal": 3350.0}, group="pulses"
    )
    plan = plan_rations(request([basket], [cereal(1000.0), beans]))
    assert plan.min_fraction == 1.0
    assert plan.ration_for_class("all")["cereal"] == pytest.approx(0.4 + 0.12, abs=TOLERANCE)
    assert plan.substitution_kg_per_person_daily["all"] == pytest.approx(
        {"cereal→pulses 2:1": 0.06}, abs=TOLERANCE
    )


def test_scarce_cereal_is_shared_between_its_own_need_and_the_beans_it_replaces() -> None:
    basket = NeedClass(
        class_id="all", people=10, daily_need={"group:cereal": 0.4, "group:pulses": 0.06}
    )
    beans = RationItem(
        item_id="beans", name="beans, kg", on_hand=0.0, content={"kcal": 3350.0}, group="pulses"
    )
    # 0.46 kg a day: 0.4·f for cereal plus 2 × 0.06·f for beans.
    plan = plan_rations(request([basket], [cereal(0.46 * 50), beans]))
    assert plan.min_fraction == pytest.approx(0.46 / 0.52, abs=TOLERANCE)


def test_sugar_replaces_oil_two_to_one_and_nothing_replaces_without_a_rule() -> None:
    oil_need = NeedClass(class_id="all", people=10, daily_need={"group:oil": 0.025})
    sugar = RationItem(
        item_id="sugar", name="sugar, kg", on_hand=100.0, content={"kcal": 4000.0}, group="sugar"
    )
    oil = RationItem(item_id="oil", name="oil, kg", on_hand=0.0, content={}, group="oil")
    plan = plan_rations(request([oil_need], [sugar, oil]))
    assert plan.min_fraction == 1.0
    assert plan.ration_for_class("all")["sugar"] == pytest.approx(0.05, abs=TOLERANCE)

    without_rules = RationRequest(
        classes=[oil_need], items=[sugar, oil], horizon_days=5.0, substitutions=()
    )
    assert plan_rations(without_rules).min_fraction == 0.0


def test_default_substitutions_are_the_unhcr_temporary_ones() -> None:
    assert {(r.substitute_group, r.replaced_group): r.substitute_kg_per_replaced_kg
            for r in UNHCR_TEMPORARY_SUBSTITUTIONS} == {
        ("blended_food", "pulses"): 1.0,
        ("sugar", "oil"): 2.0,
        ("cereal", "pulses"): 2.0,
        ("cereal", "oil"): 3.0,
    }  # fmt: skip


def test_a_need_whose_item_ran_out_gets_zero_and_the_rest_is_still_shared() -> None:
    injured = NeedClass(
        class_id="injured", people=5, daily_need={"litres": 15.0, "doses:trauma": 1.0}
    )
    plan = plan_rations(request([injured], [water(1000.0), trauma_doses(0.0)]))
    assert plan.min_fraction == 0.0
    assert plan.fraction_by_need["injured"]["litres"] == 1.0


def test_identical_people_form_one_class_and_keep_their_own_lookup() -> None:
    people = [PersonNeeds(person_id=f"p{n}", age_years=30, sex="female") for n in range(1000)]
    people.append(PersonNeeds(person_id="baby", age_years=0.5, sex="male"))
    classes, person_class = classes_from_people(people)
    assert sorted(c.people for c in classes) == [1, 1000]
    assert person_class["p0"] == person_class["p999"] != person_class["baby"]
    plan = plan_rations_for_people(people, [cereal(100.0), water(100_000.0)], 7.0)
    assert plan.class_of("p7") == plan.class_of("p999") != plan.class_of("baby")
    assert plan.fraction_for_person("baby") > plan.fraction_for_person("p7")
    assert plan.ration_for_person("p7")["cereal"] > 0
    with pytest.raises(PlanningInputError, match="nobody"):
        plan.class_of("nobody")


def test_energy_need_follows_the_who_age_bands() -> None:
    adult_male = daily_energy_need_kcal(30, "male", False, False, 0.0)
    assert adult_male == pytest.approx(2460 * 2100 / 2070)
    assert daily_energy_need_kcal(2, "female", False, False, 0.0) < adult_male
    assert daily_energy_need_kcal(25, "female", True, False, 0.0) == pytest.approx(
        (1990 + 500) * 2100 / 2070
    )
    assert daily_energy_need_kcal(30, "male", False, True, 100.0) == pytest.approx(
        adult_male * 1.1 + 100
    )
    assert daily_energy_need_kcal(30, "male", False, False, 0.0, 1900.0) == pytest.approx(
        adult_male * 1900 / 2100
    )


def test_priorities_come_from_the_most_urgent_condition() -> None:
    weights = PriorityWeights()
    classes, person_class = classes_from_people(
        [
            PersonNeeds(person_id="child", age_years=3),
            PersonNeeds(person_id="hurt child", age_years=3, injured=True),
            PersonNeeds(person_id="worker", age_years=40, worker=True),
        ],
        priorities=weights,
    )
    priority = {c.class_id: c.priority for c in classes}
    assert priority[person_class["child"]] == weights.child
    assert priority[person_class["hurt child"]] == weights.injured
    assert priority[person_class["worker"]] == weights.worker


@pytest.mark.parametrize(
    ("classes", "items", "horizon_days", "message"),
    [
        ([NeedClass(class_id="a", people=1, daily_need={"kcal": 1})], [cereal(-5)], 1, "-5"),
        ([NeedClass(class_id="a", people=1, daily_need={"kcal": -1})], [cereal(5)], 1, "-1"),
        ([NeedClass(class_id="a", people=1, daily_need={"kcal": 1})], [cereal(5)], 0, "horizon"),
        ([NeedClass(class_id="a", people=1, daily_need={"kcal": 1})], [cereal(5)], -2, "-2"),
        ([NeedClass(class_id="a", people=1, daily_need={"kcals": 1})], [cereal(5)], 1, "kcals"),
        ([NeedClass(class_id="a", people=1, daily_need={"kcal": 1})], [cereal(math.nan)], 1, "nan"),
        (
            [NeedClass(class_id="a", people=1, daily_need={"kcal": math.nan})],
            [cereal(5)],
            1,
            "nan",
        ),
        ([NeedClass(class_id="a", people=1, daily_need={"kcal": 1})], [cereal(5)], math.nan, "nan"),
        (
            [NeedClass(class_id="a", people=1, daily_need={"kcal": 1}, priority=0)],
            [cereal(5)],
            1,
            "priority",
        ),
        ([NeedClass(class_id="a", people=-3, daily_need={"kcal": 1})], [cereal(5)], 1, "-3"),
    ],
)
def test_bad_input_is_refused_naming_the_value(
    classes: list[NeedClass], items: list[RationItem], horizon_days: float, message: str
) -> None:
    with pytest.raises(PlanningInputError, match=message):
        plan_rations(request(classes, items, horizon_days))


def test_implausible_person_is_refused() -> None:
    with pytest.raises(PlanningInputError, match="200"):
        classes_from_people([PersonNeeds(person_id="x", age_years=200)])
    with pytest.raises(PlanningInputError, match="sex"):
        classes_from_people([PersonNeeds(person_id="x", age_years=20, sex="m")])


# --------------------------------------------------------------------------- properties

BASKET = {"cereal": 0.4, "pulses": 0.06, "oil": 0.025}


@st.composite
def small_camps(draw: st.DrawFn) -> tuple[list[PersonNeeds], list[RationItem], float]:
    count = draw(st.integers(min_value=1, max_value=10))
    people = [
        PersonNeeds(
            person_id=f"p{n}",
            age_years=draw(st.sampled_from([0.5, 3.0, 8.0, 16.0, 30.0, 70.0])),
            sex=draw(st.sampled_from(["male", "female", "unknown"])),
            pregnant_or_lactating=draw(st.booleans()),
            injured=draw(st.booleans()),
            worker=draw(st.booleans()),
            doses_per_day={"trauma": draw(st.sampled_from([0.0, 1.0, 2.0]))},
        )
        for n in range(count)
    ]
    stock = st.floats(min_value=0.0, max_value=200.0, allow_nan=False)

    def food(item_id: str, kcal_per_kg: float, share: float) -> RationItem:
        return RationItem(
            item_id=item_id,
            name=item_id,
            on_hand=draw(stock) * share,
            content={"kcal": kcal_per_kg},
            group=item_id,
        )

    items = [
        cereal(draw(stock)),
        food("pulses", 3350, 1.0),
        food("oil", 8850, 0.1),
        food("sugar", 4000, 0.1),
        water(draw(stock) * 30),
        trauma_doses(draw(stock) / 5),
    ]
    horizon_days = draw(st.sampled_from([1.0, 7.0, 30.0]))
    return people, items, horizon_days


@settings(max_examples=60, deadline=None)
@given(small_camps())
def test_aggregated_classes_give_the_same_min_fraction_as_each_person_alone(
    camp: tuple[list[PersonNeeds], list[RationItem], float],
) -> None:
    people, items, horizon_days = camp
    standards = NeedStandards(basket_kg_per_day=BASKET)
    plan = plan_rations_for_people(people, items, horizon_days, standards=standards)
    direct = disaggregated_min_fraction(people, items, horizon_days, standards=standards)
    assert plan.min_fraction == pytest.approx(direct, abs=TOLERANCE)


@settings(max_examples=60, deadline=None)
@given(small_camps())
def test_stock_is_never_exceeded_and_no_need_is_overfilled(
    camp: tuple[list[PersonNeeds], list[RationItem], float],
) -> None:
    people, items, horizon_days = camp
    standards = NeedStandards(basket_kg_per_day=BASKET)
    plan = plan_rations_for_people(people, items, horizon_days, standards=standards)
    for item in items:
        assert plan.used[item.item_id] <= item.available * (1 + 1e-7) + 1e-9
    for fractions in plan.fraction_by_need.values():
        assert all(0.0 <= fraction <= 1.0 for fraction in fractions.values())


EQUAL_PRIORITIES = PriorityWeights(injured=1.0, child=1.0, pregnant_or_lactating=1.0, worker=1.0)


@settings(max_examples=40, deadline=None)
@given(small_camps())
def test_with_equal_priorities_the_plan_is_never_worse_than_equal_shares(
    camp: tuple[list[PersonNeeds], list[RationItem], float],
) -> None:
    people, items, horizon_days = camp
    standards = NeedStandards(basket_kg_per_day=BASKET)
    classes, _ = classes_from_people(people, standards, EQUAL_PRIORITIES)
    fair = RationRequest(classes=classes, items=items, horizon_days=horizon_days)
    assert plan_rations(fair).min_fraction >= equal_shares(fair) - TOLERANCE
