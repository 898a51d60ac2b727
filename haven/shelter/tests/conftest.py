from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from haven.people import services as people
from haven.people.choices import Status
from haven.people.models import Household, Person
from haven.shelter import services
from haven.shelter.choices import Use
from haven.shelter.models import Shelter


@dataclass
class SmallCamp:
    """Two tents of 4 and an injured ward of 2 for eleven people in camp."""

    tent_a: Shelter
    tent_b: Shelter
    ward: Shelter
    people: list[Person]
    injured: list[Person]
    gone: dict[str, Person]


@pytest.fixture
def camp(users: dict[str, Any]) -> SmallCamp:
    clerk = users["clerk"]
    tent_a = services.add_shelter(by=clerk, name="Tent A", covered_area_m2=16, zone="North")
    tent_b = services.add_shelter(by=clerk, name="Tent B", covered_area_m2=14, zone="North")
    ward = services.add_shelter(
        by=clerk, name="Ward", covered_area_m2=20, beds=2, use=Use.INJURED_WARD, zone="North"
    )
    family = Household.objects.create(name="Yusuf household")
    everyone = []
    for index in range(9):
        everyone.append(
            people.register_person(
                by=clerk,
                full_name=f"Person {index}",
                household=family if index < 3 else None,
                estimated_age=8 if index == 2 else 35,
            )
        )
    injured = [
        people.register_person(by=clerk, full_name=f"Injured {i}", status=Status.INJURED)
        for i in range(2)
    ]
    gone: dict[str, Person] = {
        str(status): people.register_person(by=clerk, full_name=f"Gone {status}", status=status)
        for status in (Status.DECEASED, Status.DEPARTED)
    }
    return SmallCamp(tent_a, tent_b, ward, everyone + injured, injured, gone)
