"""A medic triages a patient on a phone-sized screen by tapping the big buttons."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from haven.health import services
from haven.health.models import TriageRecord
from haven.health.tests.conftest import START_GREEN, START_RED, START_YELLOW
from haven.people import services as people
from haven.people.choices import Status
from haven.people.models import Person
from haven.planning.triage import Answer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = Path("/tmp/screens")


def _shot(page: Any, name: str) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"health-{name}.png"), full_page=True)


def test_medic_triages_a_patient_step_by_step(
    page_as: Callable[[str], Any], users: dict[str, Any], live_server: Any
) -> None:
    patient = people.register_person(by=users["clerk"], full_name="Amina Yusuf", estimated_age=34)
    page = page_as("medic")
    page.goto(f"{live_server.url}/health/triage/")
    page.fill("input[name=q]", "amina")
    page.click("button:has-text('Find')")
    page.click(".results a.button:has-text('Triage')")
    page.wait_for_selector("#prompt:has-text('Can the patient walk?')")
    _shot(page, "walker")
    page.click("button.answer:has-text('No')")
    page.wait_for_selector("#prompt:has-text('Is the patient breathing?')")
    page.click("button.answer:has-text('Yes')")
    page.wait_for_selector("#prompt:has-text('Breaths per minute?')")
    # An impossible rate is refused and the question asked again.
    page.fill("input.number", "400")
    page.click("button:has-text('Next')")
    page.wait_for_selector(".error:has-text('respiratory rate 400/min is implausible')")
    page.fill("input.number", "36")
    page.click("button:has-text('Next')")
    result = page.wait_for_selector("#triage-result")
    assert result.get_attribute("data-category") == "red"
    assert page.inner_text("#category").strip().lower() == "immediate (red)"
    colour = page.eval_on_selector(
        "#triage-result", "element => getComputedStyle(element).backgroundColor"
    )
    assert colour == "rgb(198, 40, 40)"
    _shot(page, "result")
    page.click("#save-triage")
    page.wait_for_selector("#triage-saved[data-category=red]")
    record = TriageRecord.objects.get(person=patient)
    assert (record.category, record.respiratory_rate) == ("red", 36)
    patient.refresh_from_db()
    assert patient.status == Status.INJURED


def test_queue_board_and_register_screens(
    page_as: Callable[[str], Any], users: dict[str, Any], live_server: Any
) -> None:
    medic = users["medic"]
    now = timezone.now()
    waiting: list[tuple[str, dict[str, Answer], int]] = [
        ("Omar Haddad", START_RED, 40),
        ("Lina Haddad", START_YELLOW, 20),
        ("Kito Mwangi", START_GREEN, 10),
    ]
    for index, (name, answers, minutes) in enumerate(waiting):
        person = people.register_person(
            by=users["clerk"], full_name=name, registered_at=now - timedelta(hours=2, minutes=index)
        )
        services.record_triage(
            by=medic, person=person, answers=answers, triaged_at=now - timedelta(minutes=minutes)
        )
    dead = people.register_person(by=users["clerk"], full_name="Yusuf Ali")
    services.record_death(
        by=medic,
        person=dead,
        died_at=now - timedelta(hours=1),
        cause="explosion",
        confidence="confirmed",
        place="Market square",
        confirm=True,
    )
    page = page_as("medic")
    page.goto(f"{live_server.url}/health/")
    overdue = page.locator(".queue li.overdue")
    assert overdue.count() == 1 and "Omar Haddad" in overdue.inner_text()
    _shot(page, "queue")
    record = TriageRecord.objects.get(person__full_name="Omar Haddad")
    page.goto(f"{live_server.url}/health/triage/record/{record.pk}/tag/")
    _shot(page, "tag")
    page.goto(f"{live_server.url}/health/casualties/")
    assert "Yusuf Ali" in page.inner_text("#register")
    _shot(page, "register")
    page.goto(f"{live_server.url}/health/person/{record.person_id}/")
    _shot(page, "person")
    assert Person.objects.filter(status=Status.INJURED).count() == 3
