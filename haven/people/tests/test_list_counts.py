"""The people list and the people API count the registry from the headcount classes, and a
search no further than a bound: no page of a million people counts a million rows."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from haven.people import services, views
from haven.people.choices import Status
from haven.people.models import Person

pytestmark = pytest.mark.django_db

PERSON_TABLE = Person._meta.db_table


def _counts_of_people(queries: CaptureQueriesContext) -> list[str]:
    """COUNT queries over the people table that no LIMIT bounds."""
    return [
        query["sql"]
        for query in queries.captured_queries
        if "COUNT(" in query["sql"].upper()
        and f'"{PERSON_TABLE}"' in query["sql"]
        and "LIMIT" not in query["sql"].upper()
    ]


@pytest.fixture
def registry(users: dict[str, Any]) -> list[Person]:
    clerk = users["clerk"]
    people = [services.register_person(by=clerk, full_name=f"Noor Haddad {n}") for n in range(4)]
    people.append(services.register_person(by=clerk, full_name="Omar Sleeper"))
    services.change_status(by=clerk, person=people[0], status=Status.MISSING)
    return people


def test_the_list_shows_the_registry_count_without_counting_rows(
    client_as: Callable[[str], Client], registry: list[Person]
) -> None:
    client = client_as("clerk")
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/people/").content.decode()
    assert f"{Person.objects.count()} found" in page
    assert not _counts_of_people(queries)
    with CaptureQueriesContext(connection) as queries:
        missing = client.get("/people/?status=missing").content.decode()
    assert "1 found" in missing and "Noor Haddad 0" in missing and "Omar" not in missing
    assert not _counts_of_people(queries)


def test_a_search_counts_up_to_the_bound_and_says_so_beyond(
    client_as: Callable[[str], Client], registry: list[Person], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "SEARCH_COUNT_BOUND", 3)
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    client = client_as("clerk")
    many = client.get("/people/?q=haddad").content.decode()
    assert "more than 3 found: narrow the search" in many
    assert re.search(r"Page 1 of 2\+", many)
    few = client.get("/people/?q=sleeper").content.decode()
    assert "1 found" in few and "Page 1 of 1<" in few


def test_the_rows_open_for_roles_that_see_more_than_names(
    client_as: Callable[[str], Client], registry: list[Person]
) -> None:
    link = f'href="/people/{registry[1].pk}/"'
    assert link in client_as("clerk").get("/people/").content.decode()
    member = client_as("member").get("/people/").content.decode()
    assert "Noor Haddad 1" in member and link not in member


def test_the_api_count_comes_from_the_classes_and_equals_the_rows(
    api_as: Callable[[str], Any], registry: list[Person]
) -> None:
    api = api_as("clerk")
    with CaptureQueriesContext(connection) as queries:
        whole = api.get("/api/v1/people/?limit=2").json()
    assert whole["count"] == Person.objects.count() == 5 and len(whole["items"]) == 2
    assert not _counts_of_people(queries)
    assert api.get("/api/v1/people/?status=missing").json()["count"] == 1
    assert api.get("/api/v1/people/?q=haddad").json()["count"] == 4


# What a signed-in page of the list reads, every query of it: the session, the user, the
# user's role and permissions (one query), the count by status, the page's rows, the alerts;
# a role that sees only names finds its own record too (its row opens).
LIST_QUERIES = {"clerk": 6, "medic": 6, "quartermaster": 6, "commander": 6, "member": 7, "scout": 7}


def test_the_list_costs_a_fixed_few_queries_for_every_role(
    client_as: Callable[[str], Client], registry: list[Person]
) -> None:
    """A query added to every request (a second read of the permissions, the role's groups
    on their own) fails here, naming them all."""
    for role, expected in LIST_QUERIES.items():
        client = client_as(role)
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/people/").status_code == 200
        listed = "\n".join(query["sql"][:120] for query in queries.captured_queries)
        assert len(queries) == expected, f"{role}: {len(queries)} queries\n{listed}"
