from __future__ import annotations

from typing import Any

import pytest

from haven.core.errors import HavenError
from haven.shelter import services
from haven.shelter.models import Stay

pytestmark = pytest.mark.django_db


def test_plan_puts_the_injured_in_the_ward_and_keeps_households(
    camp: Any, users: dict[str, Any]
) -> None:
    plan = services.make_plan(by=users["clerk"])
    assert not Stay.objects.exists()  # a plan moves nobody
    assert (plan.people_count, plan.capacity, plan.sheltered_before) == (11, 10, 0)
    assert plan.sheltered_after == 10
    assert plan.method == "exact"
    assert plan.objective > plan.objective_before
    to = {row[0]: row[2] for row in plan.changes}
    assert {to[p.pk] for p in camp.injured} == {camp.ward.pk}
    household = {to[p.pk] for p in camp.people[:3]}
    assert len(household) == 1 and None not in household
    assert len(plan.unsheltered) == 1
    (reason,) = plan.unsheltered.values()
    assert "no capacity left" in reason


def test_apply_all_writes_the_stays_through_services(camp: Any, users: dict[str, Any]) -> None:
    plan = services.make_plan(by=users["clerk"])
    assert services.apply_plan(by=users["clerk"], plan=plan) == 10
    assert sum(services.occupancy().values()) == 10
    assert Stay.objects.filter(plan=plan).count() == 10
    unsheltered = services.unsheltered()
    assert len(unsheltered) == 1 and "no capacity left" in unsheltered[0].reason
    with pytest.raises(HavenError, match=f"shelter plan {plan.pk} was already applied"):
        services.apply_plan(by=users["clerk"], plan=plan)


def test_apply_some(camp: Any, users: dict[str, Any]) -> None:
    plan = services.make_plan(by=users["clerk"])
    chosen = [p.pk for p in camp.injured]
    assert services.apply_plan(by=users["clerk"], plan=plan, person_ids=chosen) == 2
    assert services.occupancy() == {camp.ward.pk: 2}
    reasons = {row.person: row.reason for row in services.unsheltered()}
    assert reasons[camp.people[0]].startswith(f"plan {plan.pk} has a place for them in Tent ")
    assert reasons[camp.people[0]].endswith(", not applied")
    plan.refresh_from_db()
    assert plan.applied_count == 2


def test_a_stale_plan_is_refused_and_nothing_written(camp: Any, users: dict[str, Any]) -> None:
    plan = services.make_plan(by=users["clerk"])
    target = plan.changes[0]
    other = camp.tent_b if target[2] != camp.tent_b.pk else camp.tent_a
    services.assign(by=users["clerk"], person=services.get_person(target[0]), shelter=other)
    before = Stay.objects.count()
    with pytest.raises(HavenError, match=f"shelter plan {plan.pk} is out of date: .* now in Tent"):
        services.apply_plan(by=users["clerk"], plan=plan)
    assert Stay.objects.count() == before


def test_a_subset_that_overfills_a_shelter_is_refused(camp: Any, users: dict[str, Any]) -> None:
    # Tent A is full with an injured man the plan moves to the ward, freeing a place.
    for person in [camp.injured[0], *camp.people[3:6]]:
        services.assign(by=users["clerk"], person=person, shelter=camp.tent_a)
    plan = services.make_plan(by=users["clerk"])
    arrivals = [row[0] for row in plan.changes if row[2] == camp.tent_a.pk and row[1] is None]
    before = Stay.objects.count()
    with pytest.raises(HavenError, match="would put 5 people in Tent A \\(capacity 4\\)"):
        services.apply_plan(by=users["clerk"], plan=plan, person_ids=arrivals[:1])
    assert Stay.objects.count() == before


def test_unknown_person_in_selection(camp: Any, users: dict[str, Any]) -> None:
    plan = services.make_plan(by=users["clerk"])
    with pytest.raises(HavenError, match=f"person 999999 has no change in shelter plan {plan.pk}"):
        services.apply_plan(by=users["clerk"], plan=plan, person_ids=[999999])


def test_a_plan_after_a_storm_says_why_someone_loses_their_place(
    camp: Any, users: dict[str, Any]
) -> None:
    # Tent A and B full of healthy adults; the injured have nowhere once the ward is gone.
    for person in camp.people[3:7]:
        services.assign(by=users["clerk"], person=person, shelter=camp.tent_a)
    for person in camp.people[7:9]:
        services.assign(by=users["clerk"], person=person, shelter=camp.tent_b)
    services.destroy_shelter(by=users["clerk"], shelter=camp.ward)
    plan = services.make_plan(by=users["clerk"])
    losers = [c for c in services.plan_changes(plan) if c.to_shelter is None]
    gainers = {c.person for c in services.plan_changes(plan) if c.from_shelter is None}
    assert set(camp.injured) <= gainers  # the injured come first
    assert all(c.kind == "loses their place" and c.reason for c in losers)
