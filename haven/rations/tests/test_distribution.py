"""Distribution plans: preview, apply, hand out, transfers."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from haven.core.errors import HavenError
from haven.people import services as people
from haven.people.choices import Sex, Status
from haven.people.models import Person, Team
from haven.planning.rations import PriorityWeights, plan_rations_for_people
from haven.rations import adapters, services
from haven.rations.choices import PlanStatus
from haven.rations.models import DistributionPlan, Handout, RationTransfer
from haven.rations.tests.conftest import Camp
from haven.stock import services as stock
from haven.stock.models import LedgerEntry

pytestmark = pytest.mark.django_db


def test_preview_shares_fairly_and_names_who_is_short(camp: Camp, users: dict[str, Any]) -> None:
    plan = services.preview_plan(by=users["quartermaster"], store=camp.store, horizon_days=7)
    assert plan.status == PlanStatus.DRAFT
    assert plan.people_count == 6
    # 20 kg cereal = 70,000 kcal for ~6 × 7 × 2,100: everyone is short of food.
    assert 0 < plan.min_fraction < 0.9
    # The injured man rises at twice the speed (priority 2) and is fully served first.
    assert plan.short_people_count == 5
    assert plan.classes.get(fraction_met__gte=0.999).priority == 2
    planned = {line.item.code: line.planned for line in plan.items.select_related("item")}
    assert planned["cereal"] == pytest.approx(20, rel=1e-6)
    shares = services.household_shares(plan)
    names = {share.name for share in shares}
    assert {"Aydin household", "Okafor household", "Tomasz Nowak", "Ana Ruiz"} == names


def test_horizon_of_zero_days_is_refused_and_nothing_written(
    camp: Camp, users: dict[str, Any]
) -> None:
    with pytest.raises(HavenError, match="horizon of 0 days"):
        services.preview_plan(by=users["quartermaster"], store=camp.store, horizon_days=0)
    assert not DistributionPlan.objects.exists()


def test_apply_supersedes_the_previous_plan(camp: Camp, users: dict[str, Any]) -> None:
    first = services.preview_plan(by=users["quartermaster"], store=camp.store, horizon_days=3)
    services.apply_plan(by=users["quartermaster"], plan=first)
    second = services.preview_plan(by=users["quartermaster"], store=camp.store, horizon_days=3)
    services.apply_plan(by=users["commander"], plan=second)
    first.refresh_from_db()
    assert (first.status, second.status) == (PlanStatus.SUPERSEDED, PlanStatus.APPLIED)
    with pytest.raises(HavenError, match="not a draft"):
        services.apply_plan(by=users["commander"], plan=second)


def test_apply_is_refused_when_stock_has_gone(camp: Camp, users: dict[str, Any]) -> None:
    plan = services.preview_plan(by=users["quartermaster"], store=camp.store, horizon_days=3)
    stock.issue(by=users["clerk"], item="cereal", store=camp.store, quantity=10, purpose="other")
    with pytest.raises(HavenError, match=r"now hold\(s\) 10\.000; preview a new plan"):
        services.apply_plan(by=users["quartermaster"], plan=plan)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_full_handout_issues_the_households_share_from_the_ledger(
    camp: Camp, users: dict[str, Any]
) -> None:
    plan = services.preview_plan(by=users["quartermaster"], store=camp.store, horizon_days=3)
    services.apply_plan(by=users["quartermaster"], plan=plan)
    household = camp.households[0]
    handouts = services.record_full_handout(
        by=users["clerk"], plan=plan, household=household, person=camp.people[0]
    )
    assert handouts
    share = services.household_shares(plan, household=household)[0]
    assert share.collected
    entries = LedgerEntry.objects.filter(reference=f"ration plan {plan.pk}")
    assert entries.count() == len(handouts)
    assert {e.person_id for e in entries} == {camp.people[0].pk}
    with pytest.raises(HavenError, match="collected its whole share"):
        services.record_full_handout(by=users["clerk"], plan=plan, household=household)


def test_handout_beyond_the_share_is_refused(camp: Camp, users: dict[str, Any]) -> None:
    plan = services.preview_plan(by=users["quartermaster"], store=camp.store, horizon_days=3)
    services.apply_plan(by=users["quartermaster"], plan=plan)
    before = LedgerEntry.objects.count()
    with pytest.raises(HavenError, match="left of its share"):
        services.record_handout(
            by=users["clerk"],
            plan=plan,
            item=camp.items["cereal"],
            quantity=Decimal(19),
            household=camp.households[0],
        )
    with pytest.raises(HavenError, match="must be more than 0"):
        services.record_handout(
            by=users["clerk"],
            plan=plan,
            item=camp.items["cereal"],
            quantity=Decimal(-1),
            household=camp.households[0],
        )
    assert LedgerEntry.objects.count() == before
    assert not Handout.objects.exists()


def test_handout_against_a_draft_is_refused(camp: Camp, users: dict[str, Any]) -> None:
    plan = services.preview_plan(by=users["quartermaster"], store=camp.store, horizon_days=3)
    with pytest.raises(HavenError, match="hand out only against the applied plan"):
        services.record_full_handout(by=users["clerk"], plan=plan, household=camp.households[0])


def test_transfer_is_kept_in_history_and_limited_to_the_ration(
    camp: Camp, users: dict[str, Any]
) -> None:
    plan = services.preview_plan(by=users["quartermaster"], store=camp.store, horizon_days=3)
    services.apply_plan(by=users["quartermaster"], plan=plan)
    mother, child = camp.people[0], camp.people[1]
    ration = services.own_ration(plan, mother)
    cereal = camp.items["cereal"]
    half = ration.total[cereal.pk] / 2
    services.record_transfer(
        by=users["clerk"], from_person=mother, to_person=child, item=cereal, quantity=half
    )
    after = services.own_ration(plan, mother)
    assert after.given[cereal.pk] == half
    assert services.own_ration(plan, child).received[cereal.pk] == half
    with pytest.raises(HavenError, match="cannot hand on"):
        services.record_transfer(
            by=users["clerk"],
            from_person=mother,
            to_person=child,
            item=cereal,
            quantity=ration.total[cereal.pk],
        )
    with pytest.raises(HavenError, match="to themselves"):
        services.record_transfer(
            by=users["clerk"], from_person=mother, to_person=mother, item=cereal, quantity=1
        )
    assert RationTransfer.objects.count() == 1


def test_plans_draw_by_default_from_the_store_with_most_food(camp: Camp) -> None:
    # A store holding no food at all sums to NULL; PostgreSQL sorts NULL first when
    # descending, which once sent the demo's fabrication to the empty clinic store.
    stock.create_store(by=None, name="Aid post")
    stock.create_store(by=None, name="Clinic store")
    stock.receive(by=None, item="dressing-kit", store="Clinic store", quantity=4, source="donation")
    assert services.default_store() == camp.store


def _born(years: int, days_later: int = 0) -> date:
    today = timezone.localdate()
    try:
        birthday = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        birthday = today.replace(year=today.year - years, day=28)
    return birthday + timedelta(days=days_later)


def test_classes_grouped_in_the_database_give_the_per_person_plan(
    camp: Camp, users: dict[str, Any]
) -> None:
    clerk = users["clerk"]
    team = Team.objects.create(name="Porters")
    # Either side of each birthday where a need or a priority changes, and the odd ones.
    for years in (1, 4, 5, 15, 18, 20, 60, 130):
        for days_later in (0, 1):
            people.register_person(
                by=clerk,
                full_name=f"Born {years} {days_later}",
                date_of_birth=_born(years, days_later),
                sex=Sex.FEMALE if years % 2 else Sex.MALE,
                team=team if years == 18 else None,  # adult work adds energy from 18
            )
    people.register_person(by=clerk, full_name="Leap Day", date_of_birth=date(2000, 2, 29))
    people.register_person(
        by=clerk, full_name="Porter", date_of_birth=date(1985, 6, 1), team=team, sex=Sex.MALE
    )
    people.register_person(by=clerk, full_name="Hungry", extra_energy_kcal=300, sex=Sex.OTHER)

    plan = services.preview_plan(by=users["quartermaster"], store=camp.store, horizon_days=7)

    items = list(adapters.ration_items_queryset())
    in_camp = list(Person.objects.in_camp())
    per_person = plan_rations_for_people(
        adapters.person_needs(in_camp, adapters.dose_categories(items)),
        adapters.ration_items(camp.store, items),
        7.0,
        standards=adapters.standards(),
    )
    assert plan.min_fraction == pytest.approx(per_person.min_fraction, abs=1e-9)
    assert plan.people_count == len(in_camp)
    people_by_class = Counter(per_person.person_class.values())
    assert {c.label: c.people for c in plan.classes.all()} == people_by_class
    expected = {person.pk: per_person.class_of(str(person.pk)) for person in in_camp}
    # A draft derives each person's class from the registry; applying writes the same.
    assert not plan.shares.exists()
    derived = {person.pk: services.class_of(plan, person) for person in in_camp}
    assert {pk: c.label if c else None for pk, c in derived.items()} == expected
    services.apply_plan(by=users["quartermaster"], plan=plan)
    shares = {s.person_id: s.plan_class.label for s in plan.shares.select_related("plan_class")}
    assert shares == expected
    planned = {line.item.code: line.planned for line in plan.items.select_related("item")}
    for code, used in per_person.used.items():
        assert planned[code] == pytest.approx(used, rel=1e-6, abs=1e-6)


def test_a_birth_date_in_the_future_is_refused_naming_the_person(
    camp: Camp, users: dict[str, Any]
) -> None:
    # Written around the services, as an import of bad data might.
    Person.objects.filter(pk=camp.medic.pk).update(date_of_birth=_born(-1))
    with pytest.raises(HavenError, match=f"person '{camp.medic.pk}' age -1.0 years"):
        services.preview_plan(by=users["quartermaster"], store=camp.store, horizon_days=7)
    assert not DistributionPlan.objects.exists()


def _listed(
    plan: DistributionPlan,
) -> list[tuple[str, list[tuple[int, float]], dict[int, Decimal]]]:
    return [
        (share.name, [(p.pk, f) for p, f in share.members], share.planned)
        for share in services.household_shares(plan)
    ]


def test_a_draft_writes_no_share_and_applying_writes_the_list_it_showed(
    camp: Camp, users: dict[str, Any]
) -> None:
    plan = services.preview_plan(by=users["quartermaster"], store=camp.store, horizon_days=3)
    assert not plan.shares.exists()
    derived = _listed(plan)
    assert sum(len(members) for _, members, _ in derived) == plan.people_count
    services.apply_plan(by=users["quartermaster"], plan=plan)
    assert plan.shares.count() == plan.people_count
    assert _listed(plan) == derived


def test_the_distribution_list_pages_are_the_whole_list_in_order(
    camp: Camp, users: dict[str, Any]
) -> None:
    plan = services.preview_plan(by=users["quartermaster"], store=camp.store, horizon_days=3)
    whole = services.household_shares(plan)
    listing = services.distribution_list(plan)
    assert len(listing) == len(whole) == 4
    # Households by name first, then people without one by name.
    assert [share.name for share in whole][:2] == ["Aydin household", "Okafor household"]
    for size in (1, 2, 3):
        pages = [listing[start : start + size] for start in range(0, len(listing), size)]
        assert [s.key for page in pages for s in page] == [s.key for s in whole]
    assert listing[3].key == whole[3].key


def test_a_plan_the_camp_has_outgrown_is_refused_when_applied(
    camp: Camp, users: dict[str, Any]
) -> None:
    plan = services.preview_plan(by=users["quartermaster"], store=camp.store, horizon_days=3)
    people.register_person(
        by=users["clerk"], full_name="Late Arrival", sex=Sex.FEMALE, date_of_birth=date(1990, 1, 1)
    )
    with pytest.raises(HavenError, match="preview a new plan"):
        services.apply_plan(by=users["quartermaster"], plan=plan)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT
    assert not plan.shares.exists()


def test_after_applying_the_list_is_what_was_applied_not_who_came_since(
    camp: Camp, users: dict[str, Any]
) -> None:
    plan = services.preview_plan(by=users["quartermaster"], store=camp.store, horizon_days=3)
    services.apply_plan(by=users["quartermaster"], plan=plan)
    before = _listed(plan)
    late = people.register_person(by=users["clerk"], full_name="Late Arrival")
    assert _listed(plan) == before
    with pytest.raises(HavenError, match="Late Arrival is not in plan"):
        services.own_ration(plan, late)


@pytest.mark.parametrize(
    "today",
    [
        None,
        date(2024, 2, 29),
        date(2025, 3, 1),
        date(2026, 1, 1),
        date(2025, 12, 31),
        # Mid-month: the days before the birthday are read from the people, then after.
        date(2025, 6, 15),
        date(2025, 6, 16),
        date(2024, 2, 14),
        date(2024, 2, 15),
    ],
)
def test_need_groups_from_the_headcount_classes_equal_a_recount(
    camp: Camp, users: dict[str, Any], today: date | None
) -> None:
    """The classes know only the month of birth: around each threshold birthday, in the
    month it falls in and either side, the groups are still everyone's exact ones (also
    with people out of camp born on the side of the month read from the people)."""
    today = today or timezone.localdate()
    child = PriorityWeights().child_under_age_years
    thresholds = adapters.age_thresholds(child)
    statuses = [Status.PRESENT, Status.INJURED, Status.MISSING]
    for n, years in enumerate(t for t in thresholds if 0 < t < 131):
        birthday = date(today.year - years, today.month, min(today.day, 28))
        for days_later in (-40, -1, 0, 1, 40):
            born = birthday + timedelta(days=days_later)
            people.register_person(
                by=users["clerk"],
                full_name=f"Born {years} {days_later}",
                date_of_birth=born,
                sex=[Sex.FEMALE, Sex.MALE, Sex.OTHER][n % 3],
                status=statuses[(n + days_later) % 3],
            )
    first_of_month = today.replace(day=1)
    people.register_person(
        by=users["clerk"], full_name="Born on the 1st", date_of_birth=first_of_month
    )
    groups = adapters.need_groups([], child_under_age_years=child, today=today)
    assert {group.key: group.people for group in groups} == adapters.need_groups_counted(
        today, thresholds
    )
    assert sum(group.people for group in groups) == Person.objects.in_camp().count()
