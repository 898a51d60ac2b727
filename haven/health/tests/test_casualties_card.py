"""The dashboard's casualties card says exactly what each of its numbers counts.

It once showed "Dead 0" (the black tags in the triage queue) next to "562 deaths
recorded" (the casualty register): both true, neither said what it counted.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from haven.health import services
from haven.health.tests.conftest import START_RED
from haven.people import services as people
from haven.people.choices import Status
from haven.people.models import Person

pytestmark = pytest.mark.django_db


def _card(html: str) -> str:
    start = html.index("<h2>Casualties</h2>")
    text = re.sub(r"<[^>]+>", " ", html[start : html.index("</section>", start)])
    return re.sub(r"\s+", " ", text)


@pytest.fixture
def casualties(users: dict[str, Any], make_person: Callable[..., Person]) -> None:
    medic = users["medic"]
    services.record_triage(by=medic, person=make_person("Red One"), answers=START_RED)
    services.record_triage(
        by=medic,
        person=make_person("Found Still"),
        algorithm="salt",
        answers={"global_sort": "still", "breathing": "no", "breathes_after_airway_opened": "no"},
    )
    for name in ("Omar Haddad", "Lina Haddad"):
        services.record_death(
            by=medic,
            person=make_person(name),
            died_at=timezone.now() - timedelta(hours=3),
            cause="explosion",
            confidence="probable",
        )
    # Marked deceased by a status change, not (yet) entered in the register.
    people.change_status(by=medic, person=make_person("Reported Dead"), status=Status.DECEASED)


def test_the_card_names_what_the_queue_and_the_register_count(
    client_as: Callable[[str], Any], casualties: None
) -> None:
    card = _card(client_as("medic").get("/").content.decode())
    assert "2 waiting in the triage queue" in card
    assert "no final outcome yet, by the colour of their latest triage" in card
    assert "Immediate (red) 1" in card
    assert "Black tag: no signs of life at triage, death not yet recorded 1" in card
    assert "2 deaths in the casualty register" in card
    assert "2 died in the last 24 h" in card
    assert "one per person who died" in card
    assert "1 person recorded deceased without a death record" in card
    assert "Dead 0" not in card


def test_a_black_tag_row_is_left_out_when_there_is_none(
    client_as: Callable[[str], Any], users: dict[str, Any], make_person: Callable[..., Person]
) -> None:
    services.record_triage(by=users["medic"], person=make_person(), answers=START_RED)
    card = _card(client_as("commander").get("/").content.decode())
    assert "Black tag" not in card
    assert "0 deaths in the casualty register" in card
    assert "without a death record" not in card
