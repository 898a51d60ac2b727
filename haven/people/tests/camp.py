"""Building blocks for muster tests: people in the clinic, people out on a mission."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.utils import timezone

from haven.health import services as health
from haven.missions import services as missions
from haven.missions.models import Mission
from haven.people.models import Person

# START: does not walk, breathes at 34/min → Immediate (red).
RED: dict[str, str | int] = {"walking": "no", "breathing": "yes", "respiratory_rate": 34}


def to_clinic(by: Any, person: Person) -> None:
    """Triage someone: they are injured and in the triage queue."""
    health.record_triage(by=by, person=person, answers=RED)


def send_on_mission(by: Any, team: Sequence[Person], destination: str = "Market ruins") -> Mission:
    """Plan a run with this team and check them out: they are out on a mission."""
    now = timezone.now()
    mission = missions.plan_mission(
        by=by,
        name="",
        destination=destination,
        team=team,
        planned_departure_at=now,
        expected_return_at=now + timedelta(hours=8),
    )
    return missions.depart(by=by, mission=mission)
