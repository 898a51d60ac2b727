from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from haven.people import services as people
from haven.people.choices import Status
from haven.people.models import Person
from haven.planning.triage import Answer

# Answers that take an adult through START to each colour.
START_RED: dict[str, Answer] = {"walking": "no", "breathing": "yes", "respiratory_rate": 34}
START_YELLOW: dict[str, Answer] = {
    "walking": "no",
    "breathing": "yes",
    "respiratory_rate": 18,
    "radial_pulse": "yes",
    "obeys_commands": "yes",
}
START_GREEN: dict[str, Answer] = {"walking": "yes"}


@pytest.fixture
def make_person(users: dict[str, Any]) -> Callable[..., Person]:
    def make(name: str = "Amina Yusuf", status: str = Status.PRESENT, age: int = 30) -> Person:
        return people.register_person(
            by=users["clerk"],
            full_name=name,
            status=status,
            estimated_age=age,
            registered_at=timezone.now() - timedelta(days=1),
        )

    return make


@pytest.fixture
def person(make_person: Callable[..., Person]) -> Person:
    return make_person()
