"""The SITREP page, the events behind its figures and the note, as every role."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client

from haven.people.models import StatusEvent
from haven.sitrep.models import SitrepNote
from haven.sitrep.tests.conftest import END, at

QUERY = urlencode({"period": "24h", "end": END.isoformat()})
SEES = {"commander", "clerk", "medic", "quartermaster"}


@pytest.mark.parametrize(
    "role", ["commander", "clerk", "medic", "quartermaster", "scout", "member"]
)
def test_who_sees_the_sitrep(
    camp: dict[str, Any], client_as: Callable[[str], Client], role: str
) -> None:
    response = client_as(role).get(f"/sitrep/?{QUERY}")
    assert response.status_code == (200 if role in SEES else 403)


@pytest.mark.parametrize(
    ("role", "shown", "hidden"),
    [
        ("commander", ["Injured", "Missions", "Supplies", "Shelter"], []),
        ("clerk", ["Shelter", "Supplies"], ["In the triage queue", "Missions out"]),
        ("medic", ["In the triage queue", "Supplies"], ["Missions out"]),
        ("quartermaster", ["Missions", "Supplies"], ["In the triage queue"]),
    ],
)
def test_each_role_sees_its_parts(
    camp: dict[str, Any],
    client_as: Callable[[str], Client],
    role: str,
    shown: list[str],
    hidden: list[str],
) -> None:
    text = client_as(role).get(f"/sitrep/?{QUERY}").content.decode()
    assert "Crude mortality" in text or "CMR" in text
    for part in shown:
        assert part in text, (role, part)
    for part in hidden:
        assert part not in text, (role, part)


def test_the_figures_link_to_the_events_behind_them(
    camp: dict[str, Any], client_as: Callable[[str], Client]
) -> None:
    client = client_as("commander")
    text = client.get(f"/sitrep/?{QUERY}").content.decode()
    assert "/sitrep/events/?figure=deaths&amp;" in text
    deaths = client.get(f"/sitrep/events/?figure=deaths&{QUERY}")
    assert deaths.status_code == 200
    body = deaths.content.decode()
    assert "Adult 0" in body and "Child 0" in body and "Adult 1" not in body
    water = client.get(f"/sitrep/events/?figure=water&{QUERY}").content.decode()
    assert "T water" in water and "157.5" in water


@pytest.mark.parametrize(
    ("role", "figure", "status"),
    [
        ("clerk", "deaths", 200),
        ("clerk", "triage", 403),
        ("clerk", "water", 403),
        ("medic", "triage", 200),
        ("quartermaster", "deaths", 403),
        ("quartermaster", "water", 200),
        ("quartermaster", "missions_out", 200),
        ("medic", "missions_out", 403),
        ("scout", "deaths", 403),
    ],
)
def test_the_events_behind_a_figure_need_the_right_to_read_them(
    camp: dict[str, Any], client_as: Callable[[str], Client], role: str, figure: str, status: int
) -> None:
    response = client_as(role).get(f"/sitrep/events/?figure={figure}&{QUERY}")
    assert response.status_code == status


@pytest.mark.parametrize(
    "query",
    ["period=soon", "period=0h", "period=400d", "end=yesterday", "end=2026-01-01T10:00"],
)
def test_bad_input_is_one_clear_error(
    camp: dict[str, Any], client_as: Callable[[str], Client], query: str
) -> None:
    response = client_as("commander").get(f"/sitrep/?{query}")
    assert response.status_code == 400
    text = response.content.decode()
    assert "period" in text or "end" in text


def test_an_unknown_figure_is_a_400(
    camp: dict[str, Any], client_as: Callable[[str], Client]
) -> None:
    response = client_as("commander").get(f"/sitrep/events/?figure=nonsense&{QUERY}")
    assert response.status_code == 400 and "nonsense" in response.content.decode()


def test_the_page_draws_with_a_bad_record(
    camp: dict[str, Any], client_as: Callable[[str], Client]
) -> None:
    # A status written around the services, and a date of birth in the future.
    adult = camp["adults"][5]
    StatusEvent.objects.create(person=adult, status="zombie", occurred_at=at(10))
    from haven.people.models import Person

    Person.objects.filter(pk=camp["adults"][6].pk).update(date_of_birth="2999-01-01")
    client = client_as("commander")
    assert client.get(f"/sitrep/?{QUERY}").status_code == 200
    assert client.get(f"/sitrep/events/?figure=population&{QUERY}").status_code == 200


def test_the_commander_writes_a_note_for_the_period(
    camp: dict[str, Any], client_as: Callable[[str], Client]
) -> None:
    client = client_as("commander")
    assert client.post("/sitrep/note/", {"text": "Water ration cut to 10 L."}).status_code == 302
    assert "Water ration cut to 10 L." in client.get("/sitrep/").content.decode()
    # A past SITREP keeps the note of its own period (none here).
    assert "Water ration cut" not in client.get(f"/sitrep/?{QUERY}").content.decode()
    assert client.post("/sitrep/note/", {"text": "  "}).status_code == 400
    assert client_as("clerk").post("/sitrep/note/", {"text": "x"}).status_code == 403
    assert SitrepNote.objects.count() == 1


@pytest.mark.parametrize(
    ("language", "title"), [("fr", "Rapport de situation"), ("ar", "تقرير الوضع")]
)
def test_the_sitrep_speaks_french_and_arabic(
    camp: dict[str, Any], client_as: Callable[[str], Client], language: str, title: str
) -> None:
    text = client_as("commander").get(f"/sitrep/?{QUERY}", HTTP_ACCEPT_LANGUAGE=language)
    assert title in text.content.decode()
