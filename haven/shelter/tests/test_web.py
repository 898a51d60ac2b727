"""Each role on each page: who sees the board, names, the plan, and who may change things."""

from __future__ import annotations

from typing import Any

import pytest

from haven.shelter import services
from haven.shelter.models import Shelter, ShelterPlan, Stay

pytestmark = pytest.mark.django_db

ROLES = ("commander", "quartermaster", "medic", "scout", "clerk", "member")
MANAGERS = {"commander", "clerk", "quartermaster"}
PLANNERS = {"commander", "clerk"}
# Who sleeps where is the clerk's and the commander's (haven/core/policy.py), not the quartermaster's.
SEES_NAMES = {"commander", "clerk"}


@pytest.fixture
def housed(camp: Any, users: dict[str, Any]) -> Any:
    services.assign(by=users["clerk"], person=camp.people[3], shelter=camp.tent_a)
    services.assign(by=users["clerk"], person=camp.injured[0], shelter=camp.ward)
    return camp


@pytest.mark.parametrize("role", ROLES)
def test_everyone_sees_the_board_names_only_for_some(
    client_as: Any, housed: Any, role: str
) -> None:
    response = client_as(role).get("/shelter/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Tent A" in page and "Shortfall" in page
    assert ("Person 4" in page) is (role in SEES_NAMES)  # Person 4 has no shelter


@pytest.mark.parametrize("role", ROLES)
def test_tent_page_names(client_as: Any, housed: Any, role: str) -> None:
    page = client_as(role).get(f"/shelter/{housed.tent_a.pk}/").content.decode()
    assert ("Person 3" in page) is (role in SEES_NAMES)


@pytest.mark.parametrize("role", ROLES)
def test_the_medic_sees_the_injured_ward(client_as: Any, housed: Any, role: str) -> None:
    page = client_as(role).get(f"/shelter/{housed.ward.pk}/").content.decode()
    assert ("Injured 0" in page) is (role in SEES_NAMES | {"medic"})


@pytest.mark.parametrize("role", ROLES)
def test_add_and_edit_pages(client_as: Any, camp: Any, role: str) -> None:
    client = client_as(role)
    expected = 200 if role in MANAGERS else 403
    assert client.get("/shelter/add/").status_code == expected
    assert client.get(f"/shelter/{camp.tent_a.pk}/edit/").status_code == expected


@pytest.mark.parametrize("role", ROLES)
def test_adding_a_shelter(client_as: Any, users: dict[str, Any], role: str) -> None:
    response = client_as(role).post(
        "/shelter/add/",
        {"name": "Tent Z", "kind": "tent", "covered_area_m2": "16", "use": "general"},
    )
    assert response.status_code == (302 if role in MANAGERS else 403)
    assert Shelter.objects.filter(name="Tent Z").exists() is (role in MANAGERS)


def test_bad_area_in_the_form_shows_the_error_and_writes_nothing(client_as: Any) -> None:
    response = client_as("clerk").post(
        "/shelter/add/",
        {"name": "Tent Z", "kind": "tent", "covered_area_m2": "-5", "use": "general"},
    )
    assert response.status_code == 200
    assert "covered area of Tent Z must be more than 0 m², not -5" in response.content.decode()
    assert not Shelter.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_destroying_from_the_page(client_as: Any, housed: Any, role: str) -> None:
    response = client_as(role).post(
        f"/shelter/{housed.tent_a.pk}/condition/", {"condition": "destroyed", "note": "fire"}
    )
    assert response.status_code == (302 if role in MANAGERS else 403)
    housed.tent_a.refresh_from_db()
    assert (housed.tent_a.condition == "destroyed") is (role in MANAGERS)


@pytest.mark.parametrize("role", ROLES)
def test_checking_in_and_out(client_as: Any, camp: Any, role: str) -> None:
    client = client_as(role)
    person = camp.people[5]
    response = client.post("/shelter/assign/", {"person": person.pk, "shelter": camp.tent_b.pk})
    assert response.status_code == (302 if role in PLANNERS else 403)
    assert Stay.objects.filter(person=person).exists() is (role in PLANNERS)
    response = client.post("/shelter/check-out/", {"person": person.pk})
    assert response.status_code == (302 if role in PLANNERS else 403)


def test_assigning_the_dead_shows_the_error(client_as: Any, camp: Any) -> None:
    client = client_as("clerk")
    dead = camp.gone["deceased"]
    response = client.post(
        "/shelter/assign/", {"person": dead.pk, "shelter": camp.tent_b.pk}, follow=True
    )
    assert "Gone deceased" in response.content.decode()
    assert "is recorded deceased" in response.content.decode()
    assert not Stay.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_plan_pages(client_as: Any, camp: Any, role: str) -> None:
    client = client_as(role)
    allowed = role in PLANNERS
    assert client.get("/shelter/plans/").status_code == (200 if allowed else 403)
    response = client.post("/shelter/plans/new/")
    assert response.status_code == (302 if allowed else 403)
    plan = services.make_plan(by=None)
    preview = client.get(f"/shelter/plans/{plan.pk}/")
    assert preview.status_code == (200 if allowed else 403)
    if allowed:
        assert "Injured 0" in preview.content.decode()
    chosen = [row[0] for row in plan.changes]
    response = client.post(f"/shelter/plans/{plan.pk}/apply/", {"person": chosen})
    assert response.status_code == (302 if allowed else 403)
    assert Stay.objects.filter(plan=plan).exists() is allowed


def test_applying_nothing_or_a_tampered_id_changes_nothing(client_as: Any, camp: Any) -> None:
    plan = services.make_plan(by=None)
    client = client_as("clerk")
    for data in ({}, {"person": "abc"}, {"person": "999999"}):
        client.post(f"/shelter/plans/{plan.pk}/apply/", data)
    assert not Stay.objects.exists()
    plan.refresh_from_db()
    assert not plan.is_applied
    assert ShelterPlan.objects.count() == 1


@pytest.mark.parametrize("role", ROLES)
def test_dashboard_panel(client_as: Any, housed: Any, role: str) -> None:
    page = client_as(role).get("/").content.decode()
    assert "Shelter tonight" in page
    assert "without shelter tonight" in page


def test_unknown_shelter_is_404(client_as: Any, camp: Any) -> None:
    response = client_as("clerk").get("/shelter/999999/")
    assert response.status_code == 404
    assert "no shelter with id 999999" in response.content.decode()
