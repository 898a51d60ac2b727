from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from haven.people import services
from haven.people.models import Person

pytestmark = pytest.mark.django_db

ROLES = ["commander", "quartermaster", "medic", "scout", "clerk", "member"]


@pytest.fixture
def amina(users: dict[str, Any]) -> Person:
    return services.register_person(by=users["clerk"], full_name="Amina Yusuf", phone="0700-123")


def test_pages_need_a_login(amina: Person) -> None:
    for url in ("/", "/people/", f"/people/{amina.pk}/", "/people/muster/"):
        response = Client().get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url


@pytest.mark.parametrize(
    ("role", "list_ok", "detail_ok", "add_ok", "muster_ok", "export_ok"),
    [
        ("commander", 200, 200, 200, 200, 200),
        ("clerk", 200, 200, 200, 200, 200),
        ("medic", 200, 200, 403, 200, 403),
        ("quartermaster", 200, 200, 403, 200, 403),
        ("scout", 200, 403, 403, 200, 403),
        ("member", 200, 403, 403, 403, 403),
    ],
)
def test_each_role_on_each_page(
    client_as: Callable[[str], Client],
    amina: Person,
    role: str,
    list_ok: int,
    detail_ok: int,
    add_ok: int,
    muster_ok: int,
    export_ok: int,
) -> None:
    client = client_as(role)
    assert client.get("/").status_code == 200
    assert client.get("/people/").status_code == list_ok
    assert client.get(f"/people/{amina.pk}/").status_code == detail_ok
    assert client.get("/people/add/").status_code == add_ok
    assert client.get("/people/muster/").status_code == muster_ok
    assert client.get("/people/export.csv").status_code == export_ok


def test_member_sees_their_own_record(
    client_as: Callable[[str], Client], users: dict[str, Any], amina: Person
) -> None:
    amina.user = users["member"]
    amina.save()
    assert b"0700-123" in client_as("member").get(f"/people/{amina.pk}/").content


def test_roster_hides_details_from_members(
    client_as: Callable[[str], Client], amina: Person
) -> None:
    page = client_as("member").get("/people/").content.decode()
    assert "Amina Yusuf" in page and "Household" not in page
    assert "Household" in client_as("clerk").get("/people/").content.decode()


@pytest.mark.parametrize(
    ("role", "allowed"), [("clerk", True), ("medic", True), ("scout", False), ("member", False)]
)
def test_status_form_respects_roles(
    client_as: Callable[[str], Client], amina: Person, role: str, allowed: bool
) -> None:
    response = client_as(role).post(
        f"/people/{amina.pk}/status/", {"status": "injured", "reason": "fall"}
    )
    amina.refresh_from_db()
    assert (amina.status == "injured") == allowed
    assert response.status_code == (302 if allowed else 403)


def test_register_through_the_form(client_as: Callable[[str], Client]) -> None:
    response = client_as("clerk").post(
        "/people/add/",
        {
            "given_name": "Omar",
            "family_name": "Haddad",
            "sex": "m",
            "estimated_age": "40",
            "extra_energy_kcal": "0",
            "skills": ["medic"],
        },
    )
    person = Person.objects.get(full_name="Omar Haddad")
    assert response.status_code == 302 and response["Location"] == f"/people/{person.pk}/"
    assert list(person.skills.values_list("code", flat=True)) == ["medic"]


def test_impossible_change_shows_the_message_and_changes_nothing(
    client_as: Callable[[str], Client], users: dict[str, Any], amina: Person
) -> None:
    services.change_status(by=users["medic"], person=amina, status="deceased")
    response = client_as("clerk").post(
        f"/people/{amina.pk}/status/", {"status": "present"}, follow=True
    )
    assert "must be a correction with a reason" in response.content.decode()
    amina.refresh_from_db()
    assert amina.status == "deceased"


def test_search_is_partial_for_htmx(client_as: Callable[[str], Client], amina: Person) -> None:
    response = client_as("clerk").get("/people/?q=amina", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "Amina Yusuf" in html and "<html" not in html


def test_unknown_muster_is_404(client_as: Callable[[str], Client]) -> None:
    assert client_as("clerk").get("/people/muster/999/").status_code == 404


@pytest.mark.parametrize(
    ("role", "status"), [("clerk", 200), ("commander", 200), ("medic", 403), ("member", 403)]
)
def test_who_may_open_the_edit_page(
    client_as: Callable[[str], Client], amina: Person, role: str, status: int
) -> None:
    assert client_as(role).get(f"/people/{amina.pk}/edit/").status_code == status


def test_editing_keeps_the_old_values(client_as: Callable[[str], Client], amina: Person) -> None:
    client = client_as("clerk")
    form = client.get(f"/people/{amina.pk}/edit/").context["form"]
    data = {name: value for name, value in form.initial.items() if value not in (None, "")}
    data.update({"phone": "0711-999", "sex": "f", "extra_energy_kcal": "0"})
    response = client.post(f"/people/{amina.pk}/edit/", data)
    assert response.status_code == 302
    amina.refresh_from_db()
    assert amina.phone == "0711-999"
    assert amina.revisions.get().changes["phone"] == ["0700-123", "0711-999"]


def test_household_page(client_as: Callable[[str], Client], users: dict[str, Any]) -> None:
    household = services.create_household(name="Yusuf household")
    services.register_person(by=users["clerk"], full_name="Amina Yusuf", household=household)
    assert (
        "Amina Yusuf"
        in client_as("clerk").get(f"/people/households/{household.pk}/").content.decode()
    )
    assert client_as("member").get(f"/people/households/{household.pk}/").status_code == 403
