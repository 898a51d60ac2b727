"""Every role on every page and endpoint: who may see and do what (see permissions.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from haven.rations import services
from haven.rations.models import DistributionPlan, Recipe
from haven.rations.tests.conftest import Camp

pytestmark = pytest.mark.django_db

ROLES = ("commander", "quartermaster", "medic", "clerk", "scout", "member")


def allowed(*roles: str) -> list[tuple[str, bool]]:
    return [(role, role in roles) for role in ROLES]


@pytest.fixture
def plan(camp: Camp, users: dict[str, Any]) -> DistributionPlan:
    plan = services.preview_plan(by=users["quartermaster"], store=camp.store, horizon_days=3)
    return services.apply_plan(by=users["quartermaster"], plan=plan)


PAGES = [
    ("rations:index", (), allowed("commander", "quartermaster", "medic", "clerk")),
    ("rations:plan", ("plan",), allowed("commander", "quartermaster", "medic", "clerk")),
    ("rations:list", ("plan",), allowed("commander", "quartermaster", "medic", "clerk")),
    ("rations:sheet", ("plan",), allowed("commander", "quartermaster", "medic", "clerk")),
    ("rations:transfer", (), allowed("commander", "quartermaster", "clerk")),
    ("rations:production", (), allowed("commander", "quartermaster", "medic")),
    ("rations:forecast", (), allowed("commander", "quartermaster", "medic")),
    ("rations:mine", (), allowed(*ROLES)),
]


@pytest.mark.parametrize(
    ("name", "args", "role", "ok"),
    [(name, args, role, ok) for name, args, rule in PAGES for role, ok in rule],
)
def test_pages_by_role(
    client_as: Callable[[str], Any],
    plan: DistributionPlan,
    recipes: dict[str, Recipe],
    name: str,
    args: tuple[str, ...],
    role: str,
    ok: bool,
) -> None:
    url = reverse(name, args=[plan.pk for _ in args])
    response = client_as(role).get(url)
    assert response.status_code == (200 if ok else 403)


WRITES = [
    ("plan_new", allowed("commander", "quartermaster")),
    ("apply", allowed("commander", "quartermaster")),
    ("handout", allowed("commander", "quartermaster", "clerk")),
    ("order", allowed("commander", "quartermaster")),
]


@pytest.mark.parametrize(
    ("action", "role", "ok"), [(action, role, ok) for action, rule in WRITES for role, ok in rule]
)
def test_writes_by_role(
    client_as: Callable[[str], Any],
    camp: Camp,
    users: dict[str, Any],
    recipes: dict[str, Recipe],
    action: str,
    role: str,
    ok: bool,
) -> None:
    draft = services.preview_plan(by=users["quartermaster"], store=camp.store, horizon_days=3)
    applied = services.preview_plan(by=users["quartermaster"], store=camp.store, horizon_days=3)
    services.apply_plan(by=users["quartermaster"], plan=applied)
    requests = {
        "plan_new": (
            reverse("rations:plan_new"),
            {"store": camp.store.pk, "horizon_days": 3},
        ),
        "apply": (reverse("rations:apply", args=[draft.pk]), {}),
        "handout": (
            reverse("rations:handout", args=[applied.pk]),
            {"household": camp.households[0].pk, "person": camp.people[0].pk},
        ),
        "order": (
            reverse("rations:order"),
            {
                "recipe": "tools-from-scrap",
                "batches": 1,
                "store": camp.store.pk,
                "fabricator": camp.fabricator.pk,
            },
        ),
    }
    url, data = requests[action]
    response = client_as(role).post(url, data)
    assert response.status_code == (302 if ok else 403)


API_READS = [
    ("/api/v1/rations/plans", allowed("commander", "quartermaster", "medic", "clerk")),
    ("/api/v1/rations/plans/{plan}", allowed("commander", "quartermaster", "medic", "clerk")),
    (
        "/api/v1/rations/plans/{plan}/households",
        allowed("commander", "quartermaster", "medic", "clerk"),
    ),
    ("/api/v1/rations/recipes", allowed("commander", "quartermaster", "medic")),
    ("/api/v1/rations/production/proposal", allowed("commander", "quartermaster", "medic")),
    (
        "/api/v1/rations/forecast?horizon_days=5&scenarios=50",
        allowed("commander", "quartermaster", "medic"),
    ),
]


@pytest.mark.parametrize(
    ("path", "role", "ok"), [(path, role, ok) for path, rule in API_READS for role, ok in rule]
)
def test_api_reads_by_role(
    api_as: Callable[[str], Any],
    plan: DistributionPlan,
    recipes: dict[str, Recipe],
    path: str,
    role: str,
    ok: bool,
) -> None:
    response = api_as(role).get(path.format(plan=plan.pk))
    assert response.status_code == (200 if ok else 403), response.content


@pytest.mark.parametrize(("role", "ok"), allowed("commander", "quartermaster"))
def test_api_plan_preview_by_role(
    api_as: Callable[[str], Any], camp: Camp, role: str, ok: bool
) -> None:
    response = api_as(role).post(
        "/api/v1/rations/plans", {"horizon_days": 3}, content_type="application/json"
    )
    assert response.status_code == (201 if ok else 403)


@pytest.mark.parametrize(("role", "ok"), allowed("commander", "quartermaster", "clerk"))
def test_api_handout_by_role(
    api_as: Callable[[str], Any], camp: Camp, plan: DistributionPlan, role: str, ok: bool
) -> None:
    response = api_as(role).post(
        f"/api/v1/rations/plans/{plan.pk}/handouts",
        {"household_id": camp.households[0].pk},
        content_type="application/json",
    )
    assert response.status_code == (201 if ok else 403)


@pytest.mark.parametrize(("role", "ok"), allowed("commander", "quartermaster", "clerk"))
def test_api_transfer_by_role(
    api_as: Callable[[str], Any], camp: Camp, plan: DistributionPlan, role: str, ok: bool
) -> None:
    response = api_as(role).post(
        "/api/v1/rations/transfers",
        {
            "from_person_id": camp.people[0].pk,
            "to_person_id": camp.people[1].pk,
            "item": "drinking-water",
            "quantity": "1",
        },
        content_type="application/json",
    )
    assert response.status_code == (201 if ok else 403)


@pytest.mark.parametrize(("role", "ok"), allowed("commander", "quartermaster"))
def test_api_production_order_by_role(
    api_as: Callable[[str], Any], camp: Camp, recipes: dict[str, Recipe], role: str, ok: bool
) -> None:
    response = api_as(role).post(
        "/api/v1/rations/production/orders",
        {
            "recipe": "tools-from-scrap",
            "batches": 1,
            "store": "Main store",
            "fabricator_id": camp.fabricator.pk,
        },
        content_type="application/json",
    )
    assert response.status_code == (201 if ok else 403)


@pytest.mark.parametrize(("role", "ok"), allowed("commander", "quartermaster"))
def test_api_recipe_by_role(api_as: Callable[[str], Any], camp: Camp, role: str, ok: bool) -> None:
    response = api_as(role).post(
        "/api/v1/rations/recipes",
        {
            "code": "spoons",
            "skill": "fabrication",
            "batches_per_day_per_worker": 3,
            "inputs": {"scrap-metal": 1},
            "outputs": {"tools": 1},
        },
        content_type="application/json",
    )
    assert response.status_code == (201 if ok else 403)


@pytest.mark.parametrize("role", ROLES)
def test_api_own_ration_for_every_role(
    api_as: Callable[[str], Any], camp: Camp, users: dict[str, Any], role: str
) -> None:
    person = camp.people[0]
    person.user = users[role]
    person.save()
    services.apply_plan(
        by=users["quartermaster"],
        plan=services.preview_plan(by=users["quartermaster"], store=camp.store, horizon_days=3),
    )
    response = api_as(role).get("/api/v1/rations/mine")
    assert response.status_code == 200
    assert "cereal" in response.json()["daily"]


def test_member_sees_only_their_own_ration_page(
    client_as: Callable[[str], Any], camp: Camp, users: dict[str, Any], plan: DistributionPlan
) -> None:
    camp.people[0].user = users["member"]
    camp.people[0].save()
    page = client_as("member").get(reverse("rations:mine")).content.decode()
    assert "Leyla Aydin" in page
    assert "Okafor" not in page
