"""Distribution plans: preview, apply, hand out, transfers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from haven.core.errors import HavenError
from haven.rations import services
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
