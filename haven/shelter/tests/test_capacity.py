from __future__ import annotations

from typing import Any

import pytest

from haven.core.errors import HavenError
from haven.shelter import services
from haven.shelter.models import Shelter

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("area", "beds", "expected"),
    [(16, None, 4), (10.5, None, 3), (3.4, None, 0), (180, 40, 40), (238, None, 68), (20, 2, 2)],
)
def test_capacity_follows_the_sphere_standard_bounded_by_beds(
    users: dict[str, Any], area: float, beds: int | None, expected: int
) -> None:
    shelter = services.add_shelter(by=users["clerk"], name="S", covered_area_m2=area, beds=beds)
    assert shelter.capacity == expected


def test_a_cold_climate_needs_more_space_per_person(users: dict[str, Any], settings: Any) -> None:
    settings.HAVEN_COLD_CLIMATE = True
    shelter = services.add_shelter(by=users["clerk"], name="S", covered_area_m2=16)
    assert shelter.capacity == 3  # 16 / 4.5


@pytest.mark.parametrize("area", [0, -4, "-0.5", "lots"])
def test_zero_negative_or_nonsense_area_is_refused(users: dict[str, Any], area: Any) -> None:
    with pytest.raises(HavenError, match=f"covered area of Tent 9 .*{area}"):
        services.add_shelter(by=users["clerk"], name="Tent 9", covered_area_m2=area)
    assert not Shelter.objects.exists()


def test_names_are_unique_and_choices_checked(users: dict[str, Any]) -> None:
    services.add_shelter(by=users["clerk"], name="Tent 1", covered_area_m2=16)
    with pytest.raises(HavenError, match="a shelter named 'tent 1' already exists"):
        services.add_shelter(by=users["clerk"], name="tent 1", covered_area_m2=16)
    with pytest.raises(HavenError, match="unknown kind 'igloo' for Tent 2"):
        services.add_shelter(by=users["clerk"], name="Tent 2", covered_area_m2=16, kind="igloo")
    assert Shelter.objects.count() == 1


def test_shortfall_in_m2_and_tents(camp: Any, users: dict[str, Any]) -> None:
    # 11 in camp, places 4 + 4 + 2 = 10: one short, 3.5 m², one family tent.
    board = services.board()
    assert (board.in_camp, board.capacity, board.places_short) == (11, 10, 1)
    assert board.shortfall.covered_area_m2 == 3.5
    assert board.shortfall.tents == 1
    assert board.tent_type.name == "Family tent"
    services.add_tent_type(by=users["clerk"], name="Small tent", covered_area_m2=7)
    services.destroy_shelter(by=users["clerk"], shelter=camp.tent_a)
    small = services.board()
    assert small.places_short == 5
    assert small.shortfall.covered_area_m2 == 17.5
    assert (small.tent_type.name, small.shortfall.tents) == ("Small tent", 3)


@pytest.mark.parametrize(
    ("occupied", "capacity", "fill"),
    [(0, 4, "ok"), (2, 4, "ok"), (3, 4, "amber"), (4, 4, "full"), (5, 4, "over"), (1, 0, "over")],
)
def test_fill_colours(occupied: int, capacity: int, fill: str) -> None:
    assert services.fill_class(occupied, capacity) == fill
