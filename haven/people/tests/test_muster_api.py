"""Musters over the API: the four figures, the unaccounted, mark-missing of some or all,
undo, every role on every endpoint, bad input, and the cost of the lists."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from haven.people import musters, services
from haven.people.choices import Status
from haven.people.models import Muster, Person
from haven.people.tests.camp import send_on_mission, to_clinic

pytestmark = pytest.mark.django_db

API = "/api/v1/people/musters"


def post(client: Client, url: str, data: dict[str, Any] | None = None) -> Any:
    return client.post(url, json.dumps(data or {}), content_type="application/json")


@pytest.fixture
def camp(users: dict[str, Any]) -> dict[str, Person]:
    people = {
        name.split()[0]: services.register_person(by=users["clerk"], full_name=name)
        for name in ("Amina Yusuf", "Omar Haddad", "Lina Haddad", "Karim Nasser", "Mona Idris")
    }
    to_clinic(users["medic"], people["Karim"])
    send_on_mission(users["quartermaster"], [people["Mona"]])
    return people


def adds_up(body: dict[str, Any]) -> dict[str, Any]:
    parts = body["checked_in_count"] + body["elsewhere_count"] + body["unaccounted_count"]
    assert body["expected_count"] == parts
    assert body["elsewhere_count"] == sum(place["count"] for place in body["elsewhere"])
    return body


def test_a_muster_over_the_api(api_as: Callable[[str], Client], camp: dict[str, Person]) -> None:
    clerk, scout = api_as("clerk"), api_as("scout")
    opened = adds_up(post(clerk, API, {"label": "Evening", "place": "Gate"}).json())
    assert (opened["expected_count"], opened["unaccounted_count"]) == (5, 3)
    assert {p["key"]: p["count"] for p in opened["elsewhere"]} == {"clinic": 1, "mission": 1}
    url = f"{API}/{opened['id']}"
    checked = post(scout, f"{url}/check-in", {"person_id": camp["Amina"].pk})
    assert checked.status_code == 200
    # A scout answering the roll call reads names; status is identity (access policy).
    assert checked.json()["created"] is True and "status" not in checked.json()
    live = adds_up(scout.get(url).json())
    assert (live["is_open"], live["checked_in_count"], live["unaccounted_count"]) == (True, 1, 2)
    waiting = scout.get(f"{url}/unaccounted").json()["items"]
    assert {row["full_name"] for row in waiting} == {"Omar Haddad", "Lina Haddad"}
    assert not any(row["markable"] for row in waiting)
    elsewhere = scout.get(f"{url}/elsewhere").json()["items"]
    assert [set(row) for row in elsewhere] == [{"id", "full_name"}] * 2
    elsewhere = clerk.get(f"{url}/elsewhere").json()["items"]
    assert {(row["full_name"], row["label"]) for row in elsewhere} == {
        ("Karim Nasser", "in the clinic"),
        ("Mona Idris", "on mission"),
    }

    closed = adds_up(post(clerk, f"{url}/close").json())
    assert (closed["is_open"], closed["counted_at"]) == (False, closed["closed_at"])
    rows = scout.get(f"{url}/unaccounted").json()["items"]
    assert [(row["full_name"], row["markable"]) for row in rows] == [
        ("Lina Haddad", True),
        ("Omar Haddad", True),
    ]
    marked = post(clerk, f"{url}/mark-missing", {"person_ids": [camp["Omar"].pk], "note": "gate"})
    assert marked.status_code == 201
    batch = marked.json()["batch"]
    assert [(m["full_name"], m["status_before"]) for m in batch["marks"]] == [
        ("Omar Haddad", "present")
    ]
    assert (batch["marked_by"], batch["note"], batch["undone_at"]) == ("clerk", "gate", None)
    history = post(clerk, f"{url}/mark-missing", {"all": True}).json()
    assert [m["full_name"] for m in history["batch"]["marks"]] == ["Lina Haddad"]
    assert [(left["full_name"], left["why"]) for left in history["left_alone"]] == [
        ("Omar Haddad", f"marked missing in batch #{batch['id']}")
    ]
    assert scout.get(f"{url}/batches").json()["count"] == 2

    undone = post(clerk, f"{url}/batches/{batch['id']}/undo", {"reason": "at the well"})
    assert undone.status_code == 200
    body = undone.json()
    assert [r["status"] for r in body["restored"]] == ["present"]
    assert body["batch"]["undone_by"] == "clerk"
    assert body["batch"]["marks"][0]["undo_event_id"] == body["restored"][0]["event_id"]
    camp["Omar"].refresh_from_db()
    assert camp["Omar"].status == Status.PRESENT
    again = post(clerk, f"{url}/batches/{batch['id']}/undo")
    assert again.status_code == 400 and "already undone" in again.json()["detail"]
    assert adds_up(scout.get(API).json()["items"][0])["id"] == opened["id"]


@pytest.mark.parametrize(
    ("payload", "status", "detail"),
    [
        ({}, 400, 'say whom to mark missing: "person_ids": [...] or "all": true'),
        ({"all": True, "person_ids": [1]}, 400, "say whom"),
        ({"person_ids": []}, 400, "choose at least one person"),
        ({"person_ids": [99999]}, 400, "person id 99999"),
        ({"person_ids": [10**20]}, 422, "person_ids.0"),
        ({"person_ids": ["x"]}, 422, "person_ids.0"),
        ({"all": True, "note": "x" * 121}, 422, "note"),
    ],
)
def test_bad_mark_missing_requests_are_refused_and_change_nothing(
    api_as: Callable[[str], Client],
    users: dict[str, Any],
    camp: dict[str, Person],
    payload: dict[str, Any],
    status: int,
    detail: str,
) -> None:
    muster = musters.open_muster(by=users["clerk"])
    musters.close_muster(by=users["clerk"], muster=muster)
    response = post(api_as("clerk"), f"{API}/{muster.pk}/mark-missing", payload)
    assert response.status_code == status
    assert detail in response.json()["detail"]
    assert muster.missing_batches.count() == 0
    assert not Person.objects.filter(status=Status.MISSING).exists()


@pytest.mark.parametrize(
    ("method", "path", "payload", "status", "detail"),
    [
        ("get", "/99999", None, 404, "no muster with id 99999"),
        ("get", f"/{10**19}", None, 422, "muster_id"),
        ("post", "", {"label": "x" * 121}, 422, "label"),
        ("post", "/{id}/check-in", {"person_id": 99999}, 404, "no person with id 99999"),
        ("post", "/{id}/check-in", {"person_id": 10**20}, 422, "person_id"),
        ("post", "/{id}/batches/99999/undo", {}, 404, "no missing batch with id 99999"),
        ("post", "/{id}/mark-missing", {"all": True}, 400, "still open: close it first"),
    ],
)
def test_bad_muster_requests_answer_4xx_json(
    api_as: Callable[[str], Client],
    users: dict[str, Any],
    camp: dict[str, Person],
    method: str,
    path: str,
    payload: dict[str, Any] | None,
    status: int,
    detail: str,
) -> None:
    muster = musters.open_muster(by=users["clerk"])
    url = API + path.replace("{id}", str(muster.pk))
    client = api_as("clerk")
    response = client.get(url) if method == "get" else post(client, url, payload)
    assert response.status_code == status
    assert detail in response.json()["detail"]


RUNS = {"commander", "clerk"}
CHECKS_IN = {"commander", "clerk", "medic", "scout", "quartermaster"}


@pytest.mark.parametrize(
    "role", ["commander", "quartermaster", "medic", "scout", "clerk", "member"]
)
def test_each_role_on_each_muster_endpoint(
    api_as: Callable[[str], Client], users: dict[str, Any], camp: dict[str, Person], role: str
) -> None:
    client = api_as(role)
    reads = 200 if role in CHECKS_IN else 403
    writes_ok = role in RUNS
    muster = musters.open_muster(by=users["clerk"], label="Noon")
    url = f"{API}/{muster.pk}"
    assert client.get(API).status_code == reads
    assert client.get(url).status_code == reads
    assert client.get(f"{url}/unaccounted").status_code == reads
    assert client.get(f"{url}/elsewhere").status_code == reads
    assert client.get(f"{url}/batches").status_code == reads
    check = post(client, f"{url}/check-in", {"person_id": camp["Amina"].pk})
    assert check.status_code == reads
    assert post(client, f"{url}/close").status_code == (200 if writes_ok else 403)
    if not writes_ok:
        musters.close_muster(by=users["clerk"], muster=muster)
    marked = post(client, f"{url}/mark-missing", {"person_ids": [camp["Omar"].pk]})
    assert marked.status_code == (201 if writes_ok else 403)
    if not writes_ok:
        musters.mark_missing(by=users["clerk"], muster=muster, person_ids=[camp["Omar"].pk])
    batch = muster.missing_batches.get()
    assert post(client, f"{url}/batches/{batch.pk}/undo").status_code == (200 if writes_ok else 403)
    assert post(client, API, {"label": "Next"}).status_code == (201 if writes_ok else 403)
    if not writes_ok:
        assert Muster.objects.count() == 1
        camp["Omar"].refresh_from_db()
        assert camp["Omar"].status == Status.MISSING


def closed_with(users: dict[str, Any], size: int) -> Muster:
    """A closed muster: `size` checked in, `size` marked missing, `size` in the clinic."""
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
    chosen = [p.pk for p in people[size : size * 2]]
    musters.mark_missing(by=users["clerk"], muster=muster, person_ids=chosen)
    return muster


def test_muster_lists_cost_the_same_for_2_and_20_people(
    api_as: Callable[[str], Client], users: dict[str, Any]
) -> None:
    client = api_as("clerk")

    def cost(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    small = closed_with(users, 2)
    cost(API)  # the first request of a token also records its use
    listing = cost(API)
    costs = {path: cost(f"{API}/{small.pk}{path}") for path in ("/unaccounted", "/elsewhere")}
    costs["/batches"] = cost(f"{API}/{small.pk}/batches")
    large = closed_with(users, 20)
    assert cost(API) == listing
    for path, queries in costs.items():
        assert cost(f"{API}/{large.pk}{path}") == queries, path
