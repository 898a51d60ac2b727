"""Distribution lists in quantities people can hand out: whole kits, half-kilo scoops."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.template import Context, Template
from django.utils import translation

from haven.rations import services
from haven.rations.tests.conftest import Camp
from haven.stock.models import Item

pytestmark = pytest.mark.django_db


def test_the_catalogue_says_how_each_item_is_handed_out() -> None:
    steps = dict(Item.objects.values_list("code", "handout_step"))
    assert steps["cereal"] == Decimal("0.5")
    assert steps["trauma-kit"] == Decimal(1)
    assert steps["drinking-water"] == Decimal(1)
    assert Item.objects.get(code="cereal").handout_unit == "scoop"


def test_shares_are_whole_steps_within_the_plans_stock(camp: Camp, users: dict[str, Any]) -> None:
    plan = services.preview_plan(by=users["quartermaster"], store=camp.store, horizon_days=3)
    shares = services.household_shares(plan)
    lines = {line.item_id: line for line in plan.items.select_related("item")}
    totals: dict[int, Decimal] = {}
    for share in shares:
        for item_id, quantity in share.planned.items():
            step = lines[item_id].item.handout_step
            assert quantity % step == 0, (share.name, lines[item_id].item.code, quantity)
            totals[item_id] = totals.get(item_id, Decimal(0)) + quantity
    for item_id, total in totals.items():
        assert float(total) <= lines[item_id].available + 1e-9
    # The one dressing kit goes whole to the household of the injured man, not in slivers.
    kit = camp.items["dressing-kit"].pk
    holders = {share.name: share.planned[kit] for share in shares if kit in share.planned}
    assert holders == {"Okafor household": Decimal(1)}


def test_one_household_is_handed_what_the_whole_list_gives_it(
    camp: Camp, users: dict[str, Any]
) -> None:
    plan = services.preview_plan(by=users["quartermaster"], store=camp.store, horizon_days=3)
    everyone = {share.key: share.planned for share in services.household_shares(plan)}
    okafor = services.household_shares(plan, household=camp.households[1])[0]
    assert okafor.planned == everyone[okafor.key]


def test_the_distribution_list_shows_steps_with_their_names(
    camp: Camp, users: dict[str, Any], client_as: Any
) -> None:
    plan = services.preview_plan(by=users["quartermaster"], store=camp.store, horizon_days=3)
    page = client_as("quartermaster").get(f"/rations/plans/{plan.pk}/list/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "1 kit" in text
    assert "× scoop)" in text
    assert "0.0" not in text.split('id="share-')[1]


@pytest.mark.parametrize(
    ("value", "unit", "language", "shown"),
    [
        (Decimal("12617.100"), "L", "en", "12,617.1 L"),
        (Decimal("40.000"), "kit", "en", "40 kit"),
        (1234567, "", "en", "1,234,567"),
        (Decimal("12617.100"), "L", "fr", "12\u00a0617,1 L"),
        (None, "L", "en", ""),
        ("n/a", "L", "en", "n/a L"),
    ],
)
def test_quantities_read_with_thousands_separators_and_units(
    value: Any, unit: str, language: str, shown: str
) -> None:
    template = Template("{% load quantities %}{{ value|quantity:unit }}")
    with translation.override(language):
        text = template.render(Context({"value": value, "unit": unit}))
    assert text.replace(" ", "\u00a0") == shown.replace(" ", "\u00a0")


def test_a_named_step_reads_as_a_count_of_it() -> None:
    cereal = Item.objects.get(code="cereal")
    template = Template("{% load quantities %}{{ value|handout:item }}")
    assert template.render(Context({"value": Decimal("1.5"), "item": cereal})) == (
        "1.5 kg (3 × scoop)"
    )


def test_the_plan_page_shows_the_shared_stock_in_whole_steps(
    camp: Camp, users: dict[str, Any], client_as: Any
) -> None:
    plan = services.preview_plan(by=users["quartermaster"], store=camp.store, horizon_days=3)
    totals = services.handout_totals(plan)
    kit = camp.items["dressing-kit"]
    assert totals[kit.pk] == Decimal(1)
    page = client_as("quartermaster").get(f"/rations/plans/{plan.pk}/").content.decode()
    assert "Handed out (whole steps)" in page
    assert "1 kit" in page
