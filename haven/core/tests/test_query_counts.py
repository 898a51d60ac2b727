"""Every API list and every list page costs the same number of queries with 2 rows as with
20 (netbox style): a list that grows a query per row fails here, naming itself."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from itertools import count
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from haven.health import services as health
from haven.missions import services as missions
from haven.people import musters
from haven.people import services as people
from haven.people.choices import Status
from haven.rations import services as rations
from haven.shelter import services as shelter
from haven.stock import services as stock
from haven.stock.models import Item

pytestmark = pytest.mark.django_db

RED: dict[str, str | int] = {"walking": "no", "breathing": "yes", "respiratory_rate": 34}
serial = count(1)


@dataclass
class Camp:
    """What the growers share: the acting users and the records the lists hang off."""

    users: dict[str, Any]
    now: Any = field(default_factory=timezone.now)
    made: dict[str, Any] = field(default_factory=dict)

    @property
    def clerk(self) -> Any:
        return self.users["clerk"]

    @property
    def commander(self) -> Any:
        return self.users["commander"]

    def person(self, **details: Any) -> Any:
        details.setdefault("estimated_age", 30)
        return people.register_person(
            by=self.clerk,
            full_name=f"Person {next(serial)}",
            registered_at=self.now - timedelta(days=2),
            **details,
        )

    def once(self, key: str, make: Callable[[], Any]) -> Any:
        if key not in self.made:
            self.made[key] = make()
        return self.made[key]

    def store(self) -> Any:
        if "store" not in self.made:
            self.made["store"] = stock.create_store(by=self.clerk, name="Main store")
            for code in ("cereal", "drinking-water", "trauma-kit"):
                stock.receive(
                    by=self.clerk,
                    item=code,
                    store=self.made["store"],
                    quantity=5000,
                    source="opening",
                )
        return self.made["store"]


def grow_people(camp: Camp, n: int) -> None:
    household = camp.once("household", lambda: people.create_household(name="Household"))
    team = camp.once("team", lambda: people.create_team(name="Team"))
    for _ in range(n):
        camp.person(household=household, team=team, skills=["medic"])


def grow_history(camp: Camp, n: int) -> str:
    person = camp.once("subject", lambda: camp.person())
    for _ in range(n):
        status = Status.INJURED if person.status == Status.PRESENT else Status.PRESENT
        people.change_status(by=camp.clerk, person=person, status=status)
        person.refresh_from_db()
    return f"/api/v1/people/{person.pk}/history"


def grow_musters(camp: Camp, n: int) -> None:
    camp.person()
    for _ in range(n):
        muster = musters.open_muster(by=camp.clerk, label=f"Roll {next(serial)}")
        musters.close_muster(by=camp.clerk, muster=muster)


def grow_unaccounted(camp: Camp, n: int) -> str:
    muster = camp.once("muster", lambda: musters.open_muster(by=camp.clerk, label="Roll"))
    for _ in range(n):
        camp.person()
    return f"/api/v1/people/musters/{muster.pk}/unaccounted"


def grow_households(camp: Camp, n: int) -> None:
    for _ in range(n):
        household = people.create_household(name=f"Household {next(serial)}")
        camp.person(household=household)


def grow_teams(camp: Camp, n: int) -> None:
    for _ in range(n):
        camp.person(team=people.create_team(name=f"Team {next(serial)}"))


def grow_items(camp: Camp, n: int) -> None:
    store = camp.store()
    for _ in range(n):
        number = next(serial)
        item = Item.objects.create(
            code=f"thing-{number}", name=f"Thing {number}", category="tools", unit="piece"
        )
        stock.receive(by=camp.clerk, item=item, store=store, quantity=3, source="opening")


def grow_ledger(camp: Camp, n: int) -> str:
    store = camp.store()
    for _ in range(n):
        stock.receive(by=camp.clerk, item="cereal", store=store, quantity=1, source="donation")
    return "/api/v1/stock/items/cereal/ledger"


def grow_stores(camp: Camp, n: int) -> None:
    for _ in range(n):
        store = stock.create_store(by=camp.clerk, name=f"Store {next(serial)}")
        stock.receive(by=camp.clerk, item="cereal", store=store, quantity=2, source="opening")


def grow_missions(camp: Camp, n: int) -> None:
    store = camp.store()
    for _ in range(n):
        team = [camp.person(), camp.person()]
        mission = missions.plan_mission(
            by=camp.commander,
            name=f"Run {next(serial)}",
            destination=f"Town {next(serial)}",
            team=team,
            leader=team[0],
            objectives=[("cereal", 10), ("trauma-kit", 1)],
            planned_departure_at=camp.now - timedelta(hours=3),
            expected_return_at=camp.now + timedelta(hours=9),
        )
        missions.depart(by=camp.commander, mission=mission)
        missions.return_mission(
            by=camp.commander, mission=mission, store=store, yield_lines=[("cereal", 4)]
        )


def grow_queue(camp: Camp, n: int) -> None:
    for _ in range(n):
        health.record_triage(by=camp.commander, person=camp.person(), answers=RED)


def grow_deaths(camp: Camp, n: int) -> None:
    for _ in range(n):
        health.record_death(
            by=camp.commander,
            person=camp.person(),
            died_at=camp.now - timedelta(hours=1),
            cause="unknown",
            confidence="confirmed",
        )


def grow_shelters(camp: Camp, n: int) -> None:
    for _ in range(n):
        tent = shelter.add_shelter(by=camp.clerk, name=f"Tent {next(serial)}", covered_area_m2=16)
        shelter.assign(by=camp.clerk, person=camp.person(), shelter=tent)


def grow_unsheltered(camp: Camp, n: int) -> None:
    for _ in range(n):
        camp.person()


def grow_stays(camp: Camp, n: int) -> str:
    tent = camp.once(
        "tent", lambda: shelter.add_shelter(by=camp.clerk, name="Big tent", covered_area_m2=400)
    )
    for _ in range(n):
        shelter.assign(by=camp.clerk, person=camp.person(), shelter=tent)
    return f"/api/v1/shelter/{tent.pk}/stays"


def grow_ration_plans(camp: Camp, n: int) -> None:
    camp.store()
    camp.once("eater", lambda: camp.person())
    for _ in range(n):
        rations.preview_plan(by=camp.commander, horizon_days=7)


def grow_shares(camp: Camp, n: int) -> str:
    camp.store()
    for _ in range(n):
        camp.person(household=people.create_household(name=f"Household {next(serial)}"))
    plan = rations.preview_plan(by=camp.commander, horizon_days=7)
    return f"/api/v1/rations/plans/{plan.pk}/households"


def grow_recipes(camp: Camp, n: int) -> None:
    for _ in range(n):
        rations.create_recipe(
            by=camp.commander,
            code=f"recipe-{next(serial)}",
            name="Tools from scrap",
            skill="fabrication",
            batches_per_day_per_worker=2,
            inputs={"scrap-metal": 5},
            outputs={"tools": 1},
        )


Grower = Callable[[Camp, int], "str | None"]

API_LISTS: list[tuple[str, Grower]] = [
    ("/api/v1/people/", grow_people),
    ("/api/v1/people/?q=person", grow_people),
    ("people history", grow_history),
    ("/api/v1/people/musters", grow_musters),
    ("people unaccounted", grow_unaccounted),
    ("/api/v1/people/households", grow_households),
    ("/api/v1/people/teams", grow_teams),
    ("/api/v1/stock/items", grow_items),
    ("stock ledger", grow_ledger),
    ("/api/v1/stock/stores", grow_stores),
    ("/api/v1/stock/balances", grow_stores),
    ("/api/v1/stock/runway", grow_items),
    ("/api/v1/missions/", grow_missions),
    ("/api/v1/missions/history", grow_missions),
    ("/api/v1/health/queue", grow_queue),
    ("/api/v1/health/deaths", grow_deaths),
    ("/api/v1/shelter/", grow_shelters),
    ("/api/v1/shelter/unsheltered", grow_unsheltered),
    ("shelter stays", grow_stays),
    ("/api/v1/rations/plans", grow_ration_plans),
    ("rations households", grow_shares),
    ("/api/v1/rations/recipes", grow_recipes),
]

PAGES: list[tuple[str, Grower]] = [
    ("/", grow_people),
    ("/people/", grow_people),
    ("/people/muster/", grow_musters),
    ("/stock/", grow_items),
    ("/stock/items/cereal/", grow_ledger),
    ("/missions/", grow_missions),
    ("/health/", grow_queue),
    ("/health/casualties/", grow_deaths),
    ("/shelter/", grow_shelters),
    ("/shelter/plans/", grow_shelters),
    ("/rations/", grow_ration_plans),
]


def _queries(client: Any, url: str) -> int:
    client.get(url)  # once first: caches that fill on a first request are not rows
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    return len(queries)


def _same_for_2_and_20(client: Any, label: str, grow: Grower, users: dict[str, Any]) -> None:
    camp = Camp(users)
    url = grow(camp, 2) or label
    few = _queries(client, url)
    grow(camp, 18)
    many = _queries(client, url)
    print(f"QUERIES {label}: {few} with 2 rows, {many} with 20")
    assert few == many, f"{label}: {few} queries with 2 rows, {many} with 20"


@pytest.mark.parametrize(("label", "grow"), API_LISTS, ids=[label for label, _ in API_LISTS])
def test_api_list_queries_do_not_grow_with_rows(
    label: str, grow: Grower, users: dict[str, Any], api_as: Callable[[str], Any]
) -> None:
    _same_for_2_and_20(api_as("commander"), label, grow, users)


@pytest.mark.parametrize(("label", "grow"), PAGES, ids=[label for label, _ in PAGES])
def test_list_page_queries_do_not_grow_with_rows(
    label: str, grow: Grower, users: dict[str, Any], client_as: Callable[[str], Any]
) -> None:
    _same_for_2_and_20(client_as("commander"), label, grow, users)
