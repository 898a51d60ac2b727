from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from haven.core.errors import HavenError
from haven.missions import services
from haven.missions.models import Mission
from haven.people import accounting, musters
from haven.people.models import Person
from haven.stock import services as stock
from haven.stock.models import LedgerEntry, Store

ROLES = ("commander", "quartermaster", "medic", "scout", "clerk", "member")


def test_plan_keeps_team_and_objectives(planned: Mission) -> None:
    assert planned.status == "planned"
    assert planned.members.count() == 3 and planned.members.filter(is_leader=True).count() == 1
    assert {o.item.code: o.quantity for o in planned.objectives.all()} == {
        "cereal": 100,
        "trauma-kit": 2,
    }


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"destination": " "}, "needs a destination"),
        ({"team": []}, "at least one person"),
        ({"risk_level": "mild"}, "risk level 'mild'"),
        ({"objectives": [("unobtainium", 1)]}, "no item 'unobtainium'"),
        ({"objectives": [("cereal", -5)]}, "must be > 0"),
        ({"back_hours": -1}, "is not after departure"),
    ],
)
def test_bad_plans_are_refused(
    team: list[Person], now: datetime, change: dict[str, Any], message: str
) -> None:
    values: dict[str, Any] = {
        "destination": "Mill",
        "team": team,
        "risk_level": "low",
        "objectives": [],
    }
    back = change.pop("back_hours", 8)
    values.update(change)
    with pytest.raises(HavenError, match=message):
        services.plan_mission(
            by=None,
            name="",
            planned_departure_at=now,
            expected_return_at=now + timedelta(hours=back),
            **values,
        )
    assert Mission.objects.count() == 0


def test_people_out_are_accounted_for_on_mission_at_a_muster_and_show_on_the_roster(
    planned: Mission, team: list[Person], client_as: Callable[[str], Any]
) -> None:
    muster = musters.open_muster(by=None, label="Noon")
    before = accounting.account(muster)
    services.depart(by=None, mission=planned)
    after = accounting.account(muster)
    assert after.expected == before.expected
    assert {place.key: place.count for place in after.elsewhere}["mission"] == 3
    assert after.unaccounted == before.unaccounted - 3
    assert set(services.people_out()) == set(team)
    roster = client_as("clerk").get("/people/").content.decode()
    assert roster.count("on mission") == 3
    detail = client_as("clerk").get(f"/people/{team[0].pk}/").content.decode()
    assert "on mission: hidden" in detail  # a destination is a location: the commander's


def test_overdue_when_out_past_expected_return(planned: Mission, now: datetime) -> None:
    services.depart(by=None, mission=planned)
    assert not Mission.objects.overdue(now).exists()
    assert list(Mission.objects.overdue(now + timedelta(hours=10))) == [planned]


def test_return_receives_the_yield_in_one_step(
    planned: Mission, team: list[Person], warehouse: Store, now: datetime
) -> None:
    services.depart(by=None, mission=planned)
    result = services.return_mission(
        by=None,
        mission=planned,
        store=warehouse,
        yield_lines=[("cereal", 60), ("trauma-kit", 1), ("cereal", 5)],
        not_back=[team[2]],
        note="bridge is out",
    )
    assert result.mission.status == "returned"
    assert all(e.mission_id == planned.pk and e.reason == "mission" for e in result.entries)
    assert stock.on_hand("cereal", warehouse) == 65
    team[2].refresh_from_db()
    assert team[2].status == "missing"
    assert list(services.people_out()) == []
    [history] = services.yield_history()
    assert history.destination == "Market ruins" and history.runs == 1 and history.lost == 1
    assert dict((n, q) for n, q, _ in history.per_run())["Cereal (wheat flour / maize)"] == Decimal(
        "65.0"
    )


def test_a_bad_yield_line_writes_nothing(planned: Mission, warehouse: Store) -> None:
    services.depart(by=None, mission=planned)
    with pytest.raises(HavenError, match="no item 'gold'"):
        services.return_mission(
            by=None, mission=planned, store=warehouse, yield_lines=[("cereal", 5), ("gold", 1)]
        )
    planned.refresh_from_db()
    assert planned.status == "out" and LedgerEntry.objects.count() == 0


def test_cannot_depart_twice_or_return_before_leaving(planned: Mission) -> None:
    with pytest.raises(HavenError, match="is planned, not out"):
        services.return_mission(by=None, mission=planned)
    services.depart(by=None, mission=planned)
    with pytest.raises(HavenError, match="is out, not planned"):
        services.depart(by=None, mission=planned)


# --- roles --------------------------------------------------------------------------

VIEW = {
    "commander": 200,
    "quartermaster": 200,
    "medic": 403,
    "scout": 200,
    "clerk": 403,
    "member": 403,
}
PLAN = {
    "commander": 200,
    "quartermaster": 200,
    "medic": 403,
    "scout": 403,
    "clerk": 403,
    "member": 403,
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/missions/", VIEW),
        ("/missions/plan/", PLAN),
        ("/missions/{id}/", VIEW),
        ("/api/v1/missions/", VIEW),
        ("/api/v1/missions/{id}", VIEW),
        ("/api/v1/missions/history", PLAN),
    ],
)
def test_reading(
    client_as: Callable[[str], Any],
    api_as: Callable[[str], Any],
    planned: Mission,
    scout_on: Person,
    role: str,
    url: str,
    expected: dict[str, int],
) -> None:
    url = url.replace("{id}", str(planned.pk))
    client = api_as(role) if url.startswith("/api/") else client_as(role)
    assert client.get(url).status_code == expected[role]


def test_scouts_see_only_missions_they_are_on(
    api_as: Callable[[str], Any], planned: Mission, team: list[Person], now: datetime
) -> None:
    other = services.plan_mission(
        by=None,
        destination="Elsewhere",
        name="",
        team=[Person.objects.create(full_name="Other runner")],
        planned_departure_at=now,
        expected_return_at=now + timedelta(hours=2),
    )
    scout = api_as("scout")
    assert scout.get("/api/v1/missions/").json()["items"] == []
    assert scout.get(f"/api/v1/missions/{other.pk}").status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_checking_out(
    api_as: Callable[[str], Any], planned: Mission, scout_on: Person, role: str
) -> None:
    response = api_as(role).post(f"/api/v1/missions/{planned.pk}/depart")
    allowed = role in ("commander", "quartermaster", "scout")
    assert response.status_code == (200 if allowed else 403)
    planned.refresh_from_db()
    assert planned.status == ("out" if allowed else "planned")


@pytest.mark.parametrize("role", ROLES)
def test_returning_with_a_yield(
    api_as: Callable[[str], Any], planned: Mission, scout_on: Person, warehouse: Store, role: str
) -> None:
    services.depart(by=None, mission=planned)
    body = {"store": "Warehouse", "yield_lines": [{"item": "cereal", "quantity": 40}]}
    response = api_as(role).post(
        f"/api/v1/missions/{planned.pk}/return", json.dumps(body), content_type="application/json"
    )
    # Scouts check their team in; only those who may receive the yield post it to stock.
    allowed = role in ("commander", "quartermaster")
    assert response.status_code == (200 if allowed else 403)
    assert stock.on_hand("cereal") == (40 if allowed else 0)


@pytest.mark.parametrize("role", ROLES)
def test_planning_over_the_api(
    api_as: Callable[[str], Any], team: list[Person], now: datetime, role: str
) -> None:
    body = {
        "destination": "Mill",
        "team": [p.pk for p in team],
        "objectives": [{"item": "cereal", "quantity": 10}],
        "planned_departure_at": now.isoformat(),
        "expected_return_at": (now + timedelta(hours=3)).isoformat(),
    }
    response = api_as(role).post(
        "/api/v1/missions/", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == PLAN[role] + (1 if PLAN[role] == 200 else 0)


def test_api_bad_input_is_4xx_json(api_as: Callable[[str], Any], now: datetime) -> None:
    body = {
        "destination": "Mill",
        "team": [987654],
        "planned_departure_at": now.isoformat(),
        "expected_return_at": now.isoformat(),
    }
    client = api_as("quartermaster")
    response = client.post("/api/v1/missions/", json.dumps(body), content_type="application/json")
    assert response.status_code == 404 and "no person with id 987654" in response.json()["detail"]
    assert client.get("/api/v1/missions/424242").status_code == 404


def test_cli_plan_depart_return_list(team: list[Person], warehouse: Store) -> None:
    out = io.StringIO()
    ids = ",".join(str(p.pk) for p in team)
    call_command(
        "missions",
        "plan",
        "--destination",
        "Mill",
        "--team",
        ids,
        "--objective",
        "cereal=50",
        "--depart",
        "2020-01-01T08:00",
        "--back",
        "2020-01-01T18:00",
        stdout=out,
    )
    mission = Mission.objects.get()
    call_command("missions", "depart", str(mission.pk), stdout=out)
    call_command("missions", "list", stdout=out)
    assert "OVERDUE" in out.getvalue()
    call_command(
        "missions",
        "return",
        str(mission.pk),
        "--store",
        "Warehouse",
        "--yield",
        "cereal=30",
        stdout=out,
    )
    assert "1 yield lines received" in out.getvalue()
    assert stock.on_hand("cereal") == 30
    with pytest.raises(CommandError) as error:
        call_command("missions", "depart", "999")
    assert error.value.returncode == 2 and "no mission with id 999" in str(error.value)
