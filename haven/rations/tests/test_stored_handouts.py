"""Hand-outs stored when a plan is applied: the page reads them, equal to the rounding."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from haven.people import services as people
from haven.people.choices import Sex, Status
from haven.people.models import Household
from haven.rations import services
from haven.rations.models import PlannedHandout
from haven.rations.tests.conftest import Camp
from haven.stock import services as stock

pytestmark = pytest.mark.django_db


def _grow(camp: Camp, users: dict[str, Any]) -> None:
    """More households and lone people of mixed needs, and scarce stock of several items."""
    rng = random.Random(7)
    clerk = users["clerk"]
    for code, quantity in (
        ("cereal", 37),
        ("pulses", 9),
        ("fortified-oil", 3),
        ("bottled-water", 101),
        ("trauma-kit", 2),
        ("oral-rehydration", 5),
    ):
        stock.receive(by=clerk, item=code, store=camp.store, quantity=quantity, source="opening")
    born = [date(1950, 2, 2), date(1988, 6, 1), date(2015, 9, 9), date(2023, 1, 1)]
    for h in range(14):
        household = Household.objects.create(name=f"Household {h:02d}")
        for m in range(rng.randint(1, 6)):
            people.register_person(
                by=clerk,
                full_name=f"Member {m} of {h}",
                household=household,
                sex=rng.choice([Sex.MALE, Sex.FEMALE]),
                date_of_birth=rng.choice(born),
                status=rng.choice([Status.PRESENT] * 4 + [Status.INJURED]),
            )
    for p in range(9):
        people.register_person(
            by=clerk,
            full_name=f"Alone {p}",
            sex=rng.choice([Sex.MALE, Sex.FEMALE]),
            date_of_birth=rng.choice(born),
            status=rng.choice([Status.PRESENT, Status.INJURED]),
        )


def test_applying_stores_what_the_page_showed(camp: Camp, users: dict[str, Any]) -> None:
    _grow(camp, users)
    plan = services.preview_plan(by=users["quartermaster"], store=camp.store, horizon_days=5)
    services.write_shares(plan)
    computed = services.handout_quantities(plan, written=True)
    totals = services.handout_totals(plan)
    pages = [(share.key, share.planned) for share in services.household_shares(plan)]
    assert any(key.startswith("p") for key, _ in pages)
    assert len({item for quantities in computed.values() for item in quantities}) >= 4
    # Scarce: someone's need is not met.
    assert plan.min_fraction < 1

    services.apply_plan(by=users["quartermaster"], plan=plan)
    plan.refresh_from_db()
    assert plan.handouts_stored
    stored: dict[str, dict[int, Decimal]] = {}
    for row in PlannedHandout.objects.filter(plan=plan):
        key = f"h{row.household_id}" if row.household_id else f"p{row.person_id}"
        stored.setdefault(key, {})[row.item_id] = row.quantity
    assert stored == {key: quantities for key, quantities in computed.items() if quantities}
    assert services.handout_totals(plan) == totals
    # The page reads the stored rows, and shows what it showed before the plan was applied.
    assert [(share.key, share.planned) for share in services.household_shares(plan)] == pages
    listing = services.distribution_list(plan)
    assert [share.planned for share in listing[3:8]] == [planned for _, planned in pages[3:8]]


def test_the_page_of_an_applied_plan_does_not_round_the_whole_camp(
    camp: Camp, users: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = services.preview_plan(by=users["quartermaster"], store=camp.store, horizon_days=3)
    services.apply_plan(by=users["quartermaster"], plan=plan)

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("rounded every household on a page view")

    monkeypatch.setattr(services, "handout_quantities", refuse)
    okafor = services.household_shares(plan, household=camp.households[1])[0]
    assert okafor.planned[camp.items["dressing-kit"].pk] == Decimal(1)
    assert services.handout_totals(plan)[camp.items["dressing-kit"].pk] == Decimal(1)


def test_the_list_of_an_applied_plan_is_counted_when_applied(
    camp: Camp, users: dict[str, Any], django_assert_num_queries: Any
) -> None:
    _grow(camp, users)
    plan = services.preview_plan(by=users["quartermaster"], store=camp.store, horizon_days=5)
    services.apply_plan(by=users["quartermaster"], plan=plan)
    plan = services.get_plan(plan.pk)
    households, alone = services._units(plan, written=True)
    assert (plan.households_collecting, plan.people_collecting_alone) == (
        households.count(),
        alone.count(),
    )
    assert plan.people_collecting_alone
    units = households.count() + alone.count()
    listing = services.distribution_list(plan, written=True)
    with django_assert_num_queries(0):
        assert len(listing) == units


def _page_by_key(plan: Any) -> dict[str, dict[int, Decimal]]:
    listing = services.distribution_list(plan)
    return {share.key: share.planned for share in listing[0 : len(listing)]}


def test_a_draft_is_rounded_once_per_state_of_the_registry(
    camp: Camp, users: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    _grow(camp, users)
    plan = services.preview_plan(by=users["quartermaster"], store=camp.store, horizon_days=5)
    rounded = services.handout_quantities(plan)
    rounding = services._store_handouts
    calls: list[bool] = []

    def counted(*args: Any, **kwargs: Any) -> int:
        calls.append(True)
        return rounding(*args, **kwargs)

    monkeypatch.setattr(services, "_store_handouts", counted)
    page = _page_by_key(plan)
    assert page == {key: rounded.get(key, {}) for key in page}
    assert len(page) > 20
    services.distribution_list(plan)[5:10]
    assert services.handout_totals(plan)
    assert calls == [True]
    assert PlannedHandout.objects.filter(plan=plan).exists()

    # Stock moving (a receipt, a hand-out) changes no one's share of the draft.
    stock.receive(by=users["clerk"], item="cereal", store=camp.store, quantity=5, source="donation")
    assert services.distribution_list(plan)[0:3]
    assert calls == [True]

    # A registration changes the camp: the next page rounds the draft again, with them in.
    newcomer = people.register_person(
        by=users["clerk"], full_name="Late Arrival", sex=Sex.FEMALE, date_of_birth=date(1990, 1, 1)
    )
    page = _page_by_key(plan)
    assert calls == [True, True]
    assert f"p{newcomer.pk}" in page
    assert page == {key: services.handout_quantities(plan).get(key, {}) for key in page}
