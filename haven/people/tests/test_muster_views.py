"""Muster pages: every role on every page and action, the tick list, undo, bad input, and
the cost of the pages."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from haven.people import musters, services
from haven.people.choices import Status
from haven.people.models import MissingBatch, Muster, Person
from haven.people.tests.camp import send_on_mission, to_clinic

pytestmark = pytest.mark.django_db

ROLES = ["commander", "quartermaster", "medic", "scout", "clerk", "member"]
CHECKS_IN = {"commander", "quartermaster", "medic", "scout", "clerk"}
RUNS = {"commander", "clerk"}


@pytest.fixture
def camp(users: dict[str, Any]) -> dict[str, Person]:
    people = {
        name.split()[0]: services.register_person(by=users["clerk"], full_name=name)
        for name in ("Amina Yusuf", "Omar Haddad", "Lina Haddad", "Karim Nasser", "Mona Idris")
    }
    to_clinic(users["medic"], people["Karim"])
    send_on_mission(users["quartermaster"], [people["Mona"]])
    return people


def messages(response: Any) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.mark.parametrize("role", ROLES)
def test_each_role_on_each_muster_page_and_action(
    client_as: Callable[[str], Client], users: dict[str, Any], camp: dict[str, Person], role: str
) -> None:
    client = client_as(role)
    reads = 200 if role in CHECKS_IN else 403
    runs = role in RUNS
    assert client.get("/people/muster/").status_code == reads
    assert client.post("/people/muster/open/", {"label": "Noon"}).status_code == (
        302 if runs else 403
    )
    muster = Muster.objects.first() or musters.open_muster(by=users["clerk"], label="Noon")
    base = f"/people/muster/{muster.pk}"
    assert client.get("/people/muster/").status_code == reads
    assert client.get(f"{base}/").status_code == reads
    assert client.get(f"{base}/counts/").status_code == reads
    assert client.get(f"{base}/search/?q=amina").status_code == reads
    checked = client.post(f"{base}/check-in/", {"person_id": camp["Amina"].pk})
    assert checked.status_code == (302 if role in CHECKS_IN else 403)
    assert client.post(f"{base}/close/").status_code == (302 if runs else 403)
    if not runs:
        musters.close_muster(by=users["clerk"], muster=muster)
    assert client.get(f"{base}/").status_code == reads
    marked = client.post(f"{base}/mark-missing/", {"person": [camp["Omar"].pk]})
    assert marked.status_code == (302 if runs else 403)
    if not runs:
        musters.mark_missing(by=users["clerk"], muster=muster, person_ids=[camp["Omar"].pk])
    batch = MissingBatch.objects.get()
    assert client.post(f"{base}/batches/{batch.pk}/undo/").status_code == (302 if runs else 403)
    camp["Omar"].refresh_from_db()
    assert camp["Omar"].status == (Status.PRESENT if runs else Status.MISSING)


def test_the_clerk_ticks_some_marks_them_missing_and_undoes_it(
    client_as: Callable[[str], Client], users: dict[str, Any], camp: dict[str, Person]
) -> None:
    clerk = client_as("clerk")
    muster = musters.open_muster(by=users["clerk"], label="Evening roll call")
    musters.check_in(by=users["clerk"], muster=muster, person=camp["Amina"])
    page = clerk.post(f"/people/muster/{muster.pk}/close/", follow=True)
    html = page.content.decode()
    assert messages(page) == [
        "Muster closed: 1 checked in, 2 accounted for elsewhere "
        "(1 in the clinic, 1 on mission), 2 unaccounted for."
    ]
    ticked = re.findall(r'name="person" value="(\d+)" checked', html)
    assert sorted(map(int, ticked)) == sorted([camp["Omar"].pk, camp["Lina"].pk])
    assert 'Mark <span id="ticked-count">2</span> ticked missing' in html
    # Karim (clinic) and Mona (mission) are not on the list at all.
    unaccounted = html[html.index('id="unaccounted"') : html.index('id="elsewhere"')]
    assert "Karim Nasser" not in unaccounted and "Mona Idris" not in unaccounted

    page = clerk.post(
        f"/people/muster/{muster.pk}/mark-missing/",
        {"person": [str(camp["Lina"].pk)], "note": "not at the well"},
        follow=True,
    )
    batch = MissingBatch.objects.get()
    assert messages(page) == [
        f"1 marked missing (batch #{batch.pk}). If this was a mistake, undo the batch below."
    ]
    statuses = dict(Person.objects.values_list("full_name", "status"))
    assert (statuses["Lina Haddad"], statuses["Omar Haddad"]) == (Status.MISSING, Status.PRESENT)
    html = page.content.decode()
    assert f"Undo batch #{batch.pk}" in html
    lina = camp["Lina"].pk
    assert f'value="{lina}" disabled' in html

    page = clerk.post(
        f"/people/muster/{muster.pk}/batches/{batch.pk}/undo/", {"reason": "she was fetching water"}
    )
    page = clerk.get(page["Location"])
    assert messages(page) == [f"Batch #{batch.pk} undone: 1 back to their status before."]
    camp["Lina"].refresh_from_db()
    assert camp["Lina"].status == Status.PRESENT
    assert "she was fetching water" in page.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Tick at least one person to mark missing."),
        ({"person": ["abc"]}, "not a person id: 'abc'"),
        ({"person": ["9" * 30]}, "not a person id"),
        ({"person": ["99999"]}, "not unaccounted for at muster #"),
        ({"person": ["{amina}"]}, "not unaccounted for at muster #"),
        ({"all": "1", "note": "x" * 121}, "the note is 121 characters long: at most 120"),
    ],
)
def test_a_bad_mark_missing_form_says_why_and_changes_nothing(
    client_as: Callable[[str], Client],
    users: dict[str, Any],
    camp: dict[str, Person],
    data: dict[str, Any],
    message: str,
) -> None:
    muster = musters.open_muster(by=users["clerk"])
    musters.check_in(by=users["clerk"], muster=muster, person=camp["Amina"])
    musters.close_muster(by=users["clerk"], muster=muster)
    if data.get("person") == ["{amina}"]:
        data = {"person": [str(camp["Amina"].pk)]}
    page = client_as("clerk").post(f"/people/muster/{muster.pk}/mark-missing/", data, follow=True)
    assert page.status_code == 200
    assert any(message in text for text in messages(page)), messages(page)
    assert MissingBatch.objects.count() == 0
    assert not Person.objects.filter(status=Status.MISSING).exists()


def test_unknown_musters_and_batches_are_404(
    client_as: Callable[[str], Client], users: dict[str, Any]
) -> None:
    clerk = client_as("clerk")
    assert clerk.get("/people/muster/999/").status_code == 404
    assert clerk.post("/people/muster/999/mark-missing/").status_code == 404
    muster = musters.open_muster(by=users["clerk"])
    assert clerk.post(f"/people/muster/{muster.pk}/batches/999/undo/").status_code == 404
    assert (
        clerk.post(f"/people/muster/{muster.pk}/check-in/", {"person_id": "x"}).status_code == 404
    )


def test_the_open_muster_counts_live_and_adds_up(
    client_as: Callable[[str], Client], users: dict[str, Any], camp: dict[str, Person]
) -> None:
    muster = musters.open_muster(by=users["clerk"], label="Noon")
    musters.check_in(by=users["clerk"], muster=muster, person=camp["Amina"])
    html = client_as("scout").get(f"/people/muster/{muster.pk}/counts/").content.decode()
    figures = {
        name: int(value) for name, value in re.findall(r'id="([a-z]+)-count"[^>]*>(\d+)<', html)
    }
    assert figures == {"checked": 1, "elsewhere": 2, "remaining": 2, "expected": 5}
    assert "Accounted for elsewhere: 1 in the clinic, 1 on mission." in html


def closed_with(users: dict[str, Any], size: int) -> Muster:
    people = [
        services.register_person(by=users["clerk"], full_name=f"P{size}-{i}")
        for i in range(size * 3)
    ]
    for person in people[size * 2 :]:
        to_clinic(users["medic"], person)
    muster = musters.open_muster(by=users["clerk"])
    for person in people[:size]:
        musters.check_in(by=users["clerk"], muster=muster, person=person)
    musters.close_muster(by=users["clerk"], muster=muster)
    musters.mark_missing(by=users["clerk"], muster=muster, person_ids=[people[size].pk])
    return muster


def test_muster_pages_cost_the_same_for_2_and_20_people(
    client_as: Callable[[str], Client], users: dict[str, Any]
) -> None:
    clerk = client_as("clerk")

    def cost(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert clerk.get(url).status_code == 200
        return len(queries)

    small = closed_with(users, 2)
    pages = {"detail": cost(f"/people/muster/{small.pk}/"), "index": cost("/people/muster/")}
    large = closed_with(users, 20)
    assert cost(f"/people/muster/{large.pk}/") == pages["detail"]
    assert cost("/people/muster/") == pages["index"]


def test_the_status_form_of_someone_missing_offers_their_status_before(
    client_as: Callable[[str], Client], users: dict[str, Any], camp: dict[str, Person]
) -> None:
    karim = camp["Karim"]
    services.change_status(by=users["clerk"], person=karim, status=Status.MISSING)
    html = client_as("clerk").get(f"/people/{karim.pk}/").content.decode()
    assert '<option value="injured" selected>' in html
    assert 'value="found: back to injured"' in html


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        ("commander", True),
        ("clerk", True),
        ("medic", True),
        ("scout", False),
        ("quartermaster", False),
    ],
)
def test_a_roll_call_shows_status_and_who_is_where_only_to_roles_that_see_identity(
    client_as: Callable[[str], Client],
    users: dict[str, Any],
    camp: dict[str, Person],
    role: str,
    sees: bool,
) -> None:
    """As the API: a scout or a quartermaster checks people in by name, and reads neither
    their status nor who is in the clinic."""
    muster = musters.open_muster(by=users["clerk"], label="Evening roll call")
    search = client_as(role).get(f"/people/muster/{muster.pk}/search/", {"q": "Haddad"})
    assert "Omar Haddad" in search.content.decode()
    assert ('class="badge status-' in search.content.decode()) is sees
    musters.close_muster(by=users["clerk"], muster=muster)
    html = client_as(role).get(f"/people/muster/{muster.pk}/").content.decode()
    assert "Lina Haddad" in html  # unaccounted, by name
    assert ('class="badge status-' in html) is sees
    assert ("Karim Nasser" in html) is sees  # in the clinic
