"""The muster that corrupted statuses (issue 9), replayed: 296 in camp, 167 of them injured in
the clinic's triage queue, 4 out on a mission. The clerk opens a muster, checks in 5, closes
it and marks everyone on the list missing. Runs on SQLite and, with
HAVEN_TEST_DATABASE_URL, on PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from haven.health import queries
from haven.missions.models import MissionMember
from haven.people import services
from haven.people.choices import Status
from haven.people.dashboard import headcount
from haven.people.models import MissingBatch, Muster, Person
from haven.people.tests.camp import send_on_mission, to_clinic

pytestmark = pytest.mark.django_db

IN_CLINIC, ON_MISSION, WALKING = 167, 4, 125


@pytest.fixture
def camp(users: dict[str, Any]) -> dict[str, list[Person]]:
    people = [
        services.register_person(by=users["clerk"], full_name=f"Person {index:03}")
        for index in range(IN_CLINIC + ON_MISSION + WALKING)
    ]
    clinic, mission, walking = (
        people[:IN_CLINIC],
        people[IN_CLINIC : IN_CLINIC + ON_MISSION],
        people[IN_CLINIC + ON_MISSION :],
    )
    for person in clinic:
        to_clinic(users["medic"], person)
    send_on_mission(users["quartermaster"], mission)
    return {"clinic": clinic, "mission": mission, "walking": walking}


def counts() -> dict[str, int]:
    return {row["status"]: row["count"] for row in headcount()["rows"]}


def figures(html: str) -> tuple[int, ...]:
    """(expected, checked in, elsewhere, unaccounted) as a muster page shows them."""
    found = {
        name: int(value) for name, value in re.findall(r'data-figure="([a-z-]+)"[^>]*>(\d+)<', html)
    }
    return found["expected"], found["checked-in"], found["elsewhere"], found["unaccounted"]


def test_marking_the_unaccounted_missing_leaves_the_injured_injured_and_can_be_undone(
    client_as: Callable[[str], Client],
    api_as: Callable[[str], Client],
    camp: dict[str, list[Person]],
) -> None:
    clerk = client_as("clerk")
    assert counts()[Status.INJURED] == IN_CLINIC == queries.queue_counts()["total"]

    clerk.post("/people/muster/open/", {"label": "Evening roll call", "place": "Gate"})
    muster = Muster.objects.get()
    for person in camp["walking"][:5]:
        clerk.post(f"/people/muster/{muster.pk}/check-in/", {"person_id": person.pk})
    live = clerk.get(f"/people/muster/{muster.pk}/").content.decode()
    assert figures(live) == (296, 5, 171, 120)
    assert "(167 in the clinic, 4 on mission)" in live

    closed = clerk.post(f"/people/muster/{muster.pk}/close/", follow=True).content.decode()
    assert "5 checked in, 171 accounted for elsewhere (167 in the clinic, 4 on mission), " in closed
    assert figures(closed) == (296, 5, 171, 120)
    listed = [int(pk) for pk in re.findall(r'name="person" value="(\d+)" checked', closed)]
    assert sorted(listed) == sorted(person.pk for person in camp["walking"][5:])

    # "Mark all 120 missing": every box ticked, as the page offers them.
    done = clerk.post(
        f"/people/muster/{muster.pk}/mark-missing/", {"person": listed}, follow=True
    ).content.decode()
    assert "120 marked missing (batch #" in done
    assert counts()[Status.INJURED] == IN_CLINIC == queries.queue_counts()["total"]
    assert counts()[Status.MISSING] == 120
    assert MissingBatch.objects.get().marks.count() == 120
    out = MissionMember.objects.out()
    assert {m.person_id for m in out} == {p.pk for p in camp["mission"]}
    team = Person.objects.filter(pk__in=[p.pk for p in camp["mission"]])
    assert [person.status for person in team] == [Status.PRESENT] * ON_MISSION
    # The closed muster's figures still add up, on the page and in the API.
    assert figures(done) == (296, 5, 171, 120)
    body = api_as("clerk").get(f"/api/v1/people/musters/{muster.pk}").json()
    assert (body["expected_count"], body["checked_in_count"]) == (296, 5)
    assert (body["elsewhere_count"], body["unaccounted_count"]) == (171, 120)
    assert {p["key"]: p["count"] for p in body["elsewhere"]} == {"clinic": 167, "mission": 4}
    dashboard = client_as("commander").get("/").content.decode()
    assert "of 296 expected: 5 checked in, 171 elsewhere (167 in the clinic, 4 on mission)" in (
        dashboard
    )
    injured_row = re.search(
        r"status=injured\">Injured</a></td><td class=\"num\"><strong>(\d+)", dashboard
    )
    assert injured_row is not None and int(injured_row.group(1)) == IN_CLINIC
    queue = client_as("commander").get("/health/").content.decode()
    assert f"{IN_CLINIC} waiting" in queue

    batch = MissingBatch.objects.get()
    undone = clerk.post(
        f"/people/muster/{muster.pk}/batches/{batch.pk}/undo/",
        {"reason": "wrong list"},
        follow=True,
    ).content.decode()
    assert f"Batch #{batch.pk} undone: 120 back to their status before." in undone
    assert counts()[Status.MISSING] == 0
    assert counts()[Status.PRESENT] == WALKING + ON_MISSION
    assert counts()[Status.INJURED] == IN_CLINIC == queries.queue_counts()["total"]
    assert figures(undone) == (296, 5, 171, 120)
