from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from haven.people import services
from haven.people.models import Person, StatusEvent

pytestmark = pytest.mark.django_db

API = "/api/v1/people"
ROLES = ["commander", "quartermaster", "medic", "scout", "clerk", "member"]


def post(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(data), content_type="application/json")


@pytest.fixture
def amina(users: dict[str, Any]) -> Person:
    return services.register_person(
        by=users["clerk"], full_name="Amina Yusuf", phone="0700", alternate_names="Mina"
    )


def test_no_token_is_401_with_a_message(amina: Person) -> None:
    response = Client().get(f"{API}/")
    assert response.status_code == 401
    assert "Bearer" in response.json()["detail"]


def test_a_wrong_token_is_401(amina: Person) -> None:
    response = Client(HTTP_AUTHORIZATION="Bearer hvn_nope").get(f"{API}/")
    assert response.status_code == 401


@pytest.mark.parametrize("role", ROLES)
def test_every_role_sees_the_roster_names(
    api_as: Callable[[str], Client], amina: Person, role: str
) -> None:
    body = api_as(role).get(f"{API}/?q=mina").json()
    assert body["count"] == 1
    assert body["items"][0]["full_name"] == "Amina Yusuf"
    assert ("phone" in body["items"][0]) == (role in {"commander", "clerk"})


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("commander", 200),
        ("clerk", 200),
        ("medic", 200),
        ("scout", 403),
        ("quartermaster", 200),
        ("member", 403),
    ],
)
def test_who_may_read_a_record(
    api_as: Callable[[str], Client], amina: Person, role: str, status: int
) -> None:
    response = api_as(role).get(f"{API}/{amina.pk}")
    assert response.status_code == status
    if status == 403:
        assert "your own record" in response.json()["detail"]


def test_a_member_reads_their_own_record(
    api_as: Callable[[str], Client], users: dict[str, Any], amina: Person
) -> None:
    amina.user = users["member"]
    amina.save()
    assert api_as("member").get(f"{API}/{amina.pk}").json()["phone"] == "0700"
    assert api_as("member").get(f"{API}/{amina.pk}/history").status_code == 200


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("commander", 201),
        ("clerk", 201),
        ("medic", 403),
        ("scout", 403),
        ("quartermaster", 403),
        ("member", 403),
    ],
)
def test_who_may_register(api_as: Callable[[str], Client], role: str, status: int) -> None:
    response = post(
        api_as(role),
        f"{API}/",
        {"given_name": "Omar", "family_name": "Haddad", "estimated_age": 40, "skills": ["medic"]},
    )
    assert response.status_code == status
    if status == 201:
        body = response.json()
        assert body["full_name"] == "Omar Haddad"
        assert body["skills"] == ["medic"]
        assert body["birth_date_is_estimate"] is True


def test_register_without_a_name_is_400_and_writes_nothing(
    api_as: Callable[[str], Client],
) -> None:
    response = post(api_as("clerk"), f"{API}/", {"sex": "f"})
    assert response.status_code == 400
    assert "needs a name" in response.json()["detail"]
    assert not Person.objects.exists()


def test_register_with_bad_values_is_422_naming_the_field(api_as: Callable[[str], Client]) -> None:
    response = post(
        api_as("clerk"), f"{API}/", {"full_name": "X", "sex": "q", "estimated_age": 400}
    )
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "sex" in detail and "estimated_age" in detail
    assert not Person.objects.exists()


def test_unknown_skill_is_400(api_as: Callable[[str], Client]) -> None:
    response = post(api_as("clerk"), f"{API}/", {"full_name": "X", "skills": ["juggling"]})
    assert response.status_code == 400
    assert "unknown skill(s): juggling" in response.json()["detail"]


@pytest.mark.parametrize(
    ("role", "status"),
    [("commander", 200), ("clerk", 200), ("medic", 403), ("member", 403)],
)
def test_who_may_edit(
    api_as: Callable[[str], Client], amina: Person, role: str, status: int
) -> None:
    response = api_as(role).patch(
        f"{API}/{amina.pk}", json.dumps({"phone": "0711"}), content_type="application/json"
    )
    assert response.status_code == status


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("commander", 201),
        ("clerk", 201),
        ("medic", 201),
        ("scout", 403),
        ("quartermaster", 403),
        ("member", 403),
    ],
)
def test_who_may_change_status(
    api_as: Callable[[str], Client], amina: Person, role: str, status: int
) -> None:
    response = post(
        api_as(role), f"{API}/{amina.pk}/status", {"status": "injured", "reason": "fall"}
    )
    assert response.status_code == status


def test_impossible_status_change_is_400_and_history_unchanged(
    api_as: Callable[[str], Client], amina: Person
) -> None:
    client = api_as("medic")
    assert post(client, f"{API}/{amina.pk}/status", {"status": "deceased"}).status_code == 201
    before = StatusEvent.objects.count()
    response = post(client, f"{API}/{amina.pk}/status", {"status": "present"})
    assert response.status_code == 400
    assert "must be a correction with a reason" in response.json()["detail"]
    assert StatusEvent.objects.count() == before
    history = api_as("clerk").get(f"{API}/{amina.pk}/history").json()["items"]
    assert [event["status"] for event in history] == ["deceased", "present"]


def test_unknown_person_is_404(api_as: Callable[[str], Client]) -> None:
    response = api_as("clerk").get(f"{API}/4711")
    assert response.status_code == 404
    assert response.json()["detail"] == "no person with id 4711"


def test_departure_and_return_by_api(api_as: Callable[[str], Client], amina: Person) -> None:
    client = api_as("clerk")
    left = post(
        client, f"{API}/{amina.pk}/departure", {"reason": "to family", "destination": "Capital"}
    )
    assert left.status_code == 201
    assert post(api_as("medic"), f"{API}/{amina.pk}/return", {}).status_code == 403
    back = post(client, f"{API}/{amina.pk}/return", {"note": "back"})
    assert back.status_code == 201
    assert back.json()["departure_id"] == left.json()["id"]


def test_pagination(api_as: Callable[[str], Client], users: dict[str, Any]) -> None:
    for index in range(7):
        services.register_person(by=users["clerk"], full_name=f"Person {index}")
    body = api_as("clerk").get(f"{API}/?limit=3&offset=3").json()
    assert (body["count"], body["limit"], body["offset"], len(body["items"])) == (7, 3, 3, 3)


def test_session_login_works_for_the_api(client_as: Callable[[str], Client], amina: Person) -> None:
    assert client_as("clerk").get(f"{API}/{amina.pk}").status_code == 200


def test_openapi_schema_is_served() -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    assert "/api/v1/people/{person_id}/status" in schema["paths"]


def test_healthz_gives_the_schema_version() -> None:
    body = Client().get("/healthz").json()
    assert body["status"] == "ok"
    assert re.search(r"\bpeople\.\d{4}\b", body["schema_version"])


def test_api_docs_use_no_cdn(client_as: Callable[[str], Client]) -> None:
    page = client_as("clerk").get("/api/v1/docs").content.decode()
    assert "swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower() and "https://" not in page


@pytest.mark.parametrize(
    ("role", "status"), [("clerk", 201), ("commander", 201), ("medic", 403), ("member", 403)]
)
def test_who_may_add_households_and_teams(
    api_as: Callable[[str], Client], role: str, status: int
) -> None:
    client = api_as(role)
    assert post(client, f"{API}/households", {"name": "Yusuf household"}).status_code == status
    assert post(client, f"{API}/teams", {"name": "Kitchen"}).status_code == status


def test_households_list_their_members(
    api_as: Callable[[str], Client], users: dict[str, Any]
) -> None:
    client = api_as("clerk")
    household = post(client, f"{API}/households", {"name": "Yusuf household"}).json()
    post(client, f"{API}/", {"full_name": "Amina Yusuf", "household_id": household["id"]})
    listed = client.get(f"{API}/households?q=yusuf").json()["items"]
    assert listed[0]["members"][0]["full_name"] == "Amina Yusuf"
    assert api_as("member").get(f"{API}/households").status_code == 403
    duplicate = post(client, f"{API}/teams", {"name": "Kitchen"})
    assert duplicate.status_code == 201
    again = post(client, f"{API}/teams", {"name": "kitchen"})
    assert again.status_code == 400 and "already exists" in again.json()["detail"]
    assert (
        post(client, f"{API}/households", {"name": " "}).json()["detail"]
        == "a household needs a name"
    )
