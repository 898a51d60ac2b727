"""The shelter API: each role on each endpoint, bad input as 4xx JSON with nothing written."""

from __future__ import annotations

from typing import Any

import pytest

from haven.shelter import services
from haven.shelter.models import Shelter, Stay

pytestmark = pytest.mark.django_db

ROLES = ("commander", "quartermaster", "medic", "scout", "clerk", "member")
MANAGERS = {"commander", "clerk", "quartermaster"}
PLANNERS = {"commander", "clerk"}
# Who sleeps where is the clerk's and the commander's (haven/core/policy.py), not the quartermaster's.
SEES_NAMES = {"commander", "clerk"}
URL = "/api/v1/shelter/"


def code(allowed: bool, ok: int = 200) -> int:
    return ok if allowed else 403


@pytest.mark.parametrize("role", ROLES)
def test_reading(api_as: Any, camp: Any, users: dict[str, Any], role: str) -> None:
    services.assign(by=users["clerk"], person=camp.injured[0], shelter=camp.ward)
    services.assign(by=users["clerk"], person=camp.people[3], shelter=camp.tent_a)
    client = api_as(role)
    listing = client.get(URL)
    assert listing.status_code == 200
    ward = next(s for s in listing.json()["items"] if s["name"] == "Ward")
    assert (ward["capacity"], ward["occupied"], ward["fill"]) == (2, 1, "ok")
    summary = client.get(f"{URL}summary").json()
    assert (summary["in_camp"], summary["sheltered"], summary["shortfall_tents"]) == (11, 2, 1)
    tent = client.get(f"{URL}{camp.tent_a.pk}").json()
    # Left out (access policy), not null, for a role that may not see who sleeps where.
    assert ("occupants" in tent) is (role in SEES_NAMES)
    ward_detail = client.get(f"{URL}{camp.ward.pk}").json()
    assert ("occupants" in ward_detail) is (role in SEES_NAMES | {"medic"})
    assert client.get(f"{URL}unsheltered").status_code == code(role in SEES_NAMES)
    assert client.get(f"{URL}{camp.tent_a.pk}/stays").status_code == code(role in SEES_NAMES)
    assert client.get(f"{URL}{camp.ward.pk}/stays").status_code == code(
        role in SEES_NAMES | {"medic"}
    )


@pytest.mark.parametrize("role", ROLES)
def test_managing_shelters(api_as: Any, camp: Any, role: str) -> None:
    client = api_as(role)
    allowed = role in MANAGERS
    made = client.post(
        URL, {"name": "Bus", "kind": "vehicle", "covered_area_m2": 20}, "application/json"
    )
    assert made.status_code == code(allowed, 201)
    if allowed:
        assert made.json()["capacity"] == 5
    patched = client.patch(f"{URL}{camp.tent_b.pk}", {"zone": "South"}, "application/json")
    assert patched.status_code == code(allowed)
    condition = client.post(
        f"{URL}{camp.tent_b.pk}/condition", {"condition": "damaged"}, "application/json"
    )
    assert condition.status_code == code(allowed, 201)
    destroyed = client.post(f"{URL}{camp.tent_a.pk}/destroy", {"note": "flood"}, "application/json")
    assert destroyed.status_code == code(allowed, 201)


@pytest.mark.parametrize("role", ROLES)
def test_occupancy_changes(api_as: Any, camp: Any, role: str) -> None:
    client = api_as(role)
    allowed = role in PLANNERS
    body = {"person_id": camp.people[4].pk, "shelter_id": camp.tent_a.pk}
    assert client.post(f"{URL}assign", body, "application/json").status_code == code(allowed, 201)
    out = client.post(f"{URL}check-out", {"person_id": camp.people[4].pk}, "application/json")
    assert out.status_code == code(allowed)


@pytest.mark.parametrize("role", ROLES)
def test_plans(api_as: Any, camp: Any, role: str) -> None:
    client = api_as(role)
    allowed = role in PLANNERS
    made = client.post(f"{URL}plans")
    assert made.status_code == code(allowed, 201)
    plan = services.make_plan(by=None)
    assert client.get(f"{URL}plans/{plan.pk}").status_code == code(allowed)
    applied = client.post(f"{URL}plans/{plan.pk}/apply", {}, "application/json")
    assert applied.status_code == code(allowed)
    if allowed:
        assert applied.json() == {"plan_id": plan.pk, "applied": 10}
        assert made.json()["sheltered_after"] == 10
        reasons = [row["reason"] for row in made.json()["unsheltered"]]
        assert len(reasons) == 1 and "no capacity left" in reasons[0]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"name": "T", "covered_area_m2": 0}, "covered_area_m2: Input should be greater than 0"),
        ({"name": "T", "covered_area_m2": -12.5}, "covered_area_m2: Input should be greater"),
        ({"name": "T", "covered_area_m2": 16, "beds": -1}, "beds: Input should be greater than"),
        ({"name": "T" * 121, "covered_area_m2": 16}, "name: String should have at most 120"),
    ],
)
def test_bad_shelters_are_422_json(api_as: Any, users: Any, body: Any, message: str) -> None:
    response = api_as("clerk").post(URL, body, "application/json")
    assert response.status_code == 422
    assert message in response.json()["detail"]
    assert not Shelter.objects.exists()


def test_bad_assignments_are_4xx_json(api_as: Any, camp: Any, users: dict[str, Any]) -> None:
    client = api_as("clerk")
    for person in camp.people[:2]:
        services.assign(by=users["clerk"], person=person, shelter=camp.ward)
    full = client.post(
        f"{URL}assign",
        {"person_id": camp.people[5].pk, "shelter_id": camp.ward.pk},
        "application/json",
    )
    assert full.status_code == 400
    assert full.json()["detail"].startswith("Ward is full: 2 of 2 places taken")
    departed = client.post(
        f"{URL}assign",
        {"person_id": camp.gone["departed"].pk, "shelter_id": camp.tent_a.pk},
        "application/json",
    )
    assert departed.status_code == 400
    assert "Gone departed" in departed.json()["detail"]
    assert "recorded departed" in departed.json()["detail"]
    missing = client.post(
        f"{URL}assign", {"person_id": 999999, "shelter_id": camp.tent_a.pk}, "application/json"
    )
    assert missing.status_code == 404
    assert missing.json()["detail"] == "no person with id 999999"
    assert Stay.objects.count() == 2
