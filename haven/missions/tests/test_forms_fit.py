"""Mission forms that fit the hand: the team picked by typing, the yield as item rows."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from haven.missions import services
from haven.missions.models import Mission
from haven.stock.models import Item, LedgerEntry, Store

pytestmark = pytest.mark.django_db


def _out(planned: Mission) -> Mission:
    services.depart(by=None, mission=planned)
    planned.refresh_from_db()
    return planned


def rows(*filled: tuple[str, str]) -> dict[str, str]:
    body: dict[str, str] = {}
    for row, (item, quantity) in enumerate(filled, start=1):
        body[f"item_{row}"], body[f"quantity_{row}"] = item, quantity
    return body


def test_the_team_and_leader_are_picked_by_typing(client_as: Callable[[str], Any]) -> None:
    page = client_as("quartermaster").get("/missions/plan/").content.decode()
    assert 'name="team"' in page
    assert page.count("data-picker=") >= 2


def test_the_yield_is_received_from_item_rows(
    planned: Mission, warehouse: Store, client_as: Callable[[str], Any]
) -> None:
    mission = _out(planned)
    cereal, kit = Item.objects.get(code="cereal"), Item.objects.get(code="trauma-kit")
    response = client_as("commander").post(
        f"/missions/{mission.pk}/return/",
        {"store": warehouse.pk, **rows((str(cereal.pk), "60"), (str(kit.pk), "1"))},
    )
    assert response.status_code == 302
    received = dict(
        LedgerEntry.objects.filter(mission=mission).values_list("item__code", "quantity")
    )
    assert received == {"cereal": Decimal(60), "trauma-kit": Decimal(1)}


@pytest.mark.parametrize(
    ("bad_row", "message"),
    [
        (("", "5"), "Which item is this quantity of?"),
        (("{kit}", ""), "How many were brought back?"),
        (("{kit}", "-2"), "greater than or equal to 0.001"),
        (("{kit}", "lots"), "Enter a number."),
    ],
)
def test_a_bad_row_is_flagged_alone_and_every_row_kept(
    planned: Mission,
    warehouse: Store,
    client_as: Callable[[str], Any],
    bad_row: tuple[str, str],
    message: str,
) -> None:
    mission = _out(planned)
    cereal, kit = Item.objects.get(code="cereal"), Item.objects.get(code="trauma-kit")
    bad = (bad_row[0].format(kit=kit.pk), bad_row[1])
    response = client_as("commander").post(
        f"/missions/{mission.pk}/return/",
        {"store": warehouse.pk, **rows((str(cereal.pk), "60"), bad)},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert page.count('class="errorlist') == 1
    assert message in page
    # The good row is still there to send again.
    assert f'<option value="{cereal.pk}" selected>' in page
    assert 'name="quantity_1" value="60"' in page
    assert not LedgerEntry.objects.filter(mission=mission).exists()
    mission.refresh_from_db()
    assert mission.status == "out"


def test_a_refused_return_keeps_the_rows_and_says_why(
    planned: Mission, client_as: Callable[[str], Any]
) -> None:
    mission = _out(planned)
    cereal = Item.objects.get(code="cereal")
    response = client_as("commander").post(
        f"/missions/{mission.pk}/return/", rows((str(cereal.pk), "60"))
    )
    assert response.status_code == 400
    assert "name the store the yield goes into" in response.content.decode()
    assert 'name="quantity_1" value="60"' in response.content.decode()
