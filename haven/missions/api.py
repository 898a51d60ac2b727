"""Missions API: plan a supply run, check the team out and back in, receive the yield."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status as WithStatus

from haven.core.access import require
from haven.core.errors import NotFoundError
from haven.missions import services
from haven.missions.choices import RiskLevel
from haven.missions.models import Mission
from haven.people.models import Person

router = Router(tags=["missions"])


class LineIn(Schema):
    item: str
    quantity: Decimal


class LineOut(Schema):
    item_id: int
    item: str
    unit: str
    quantity: Decimal


class MemberOut(Schema):
    person_id: int
    full_name: str
    is_leader: bool
    checked_out_at: datetime | None
    checked_in_at: datetime | None


class MissionIn(Schema):
    name: str = ""
    destination: str
    team: list[int]
    leader_id: int | None = None
    objectives: list[LineIn] = []
    risk_level: RiskLevel = RiskLevel.MEDIUM
    planned_departure_at: datetime
    expected_return_at: datetime
    notes: str = ""


class ReturnIn(Schema):
    store: str | None = None
    yield_lines: list[LineIn] = []
    not_back: list[int] = []
    note: str = ""


class YieldIn(Schema):
    store: str
    yield_lines: list[LineIn]


class MissionOut(Schema):
    id: int
    name: str
    destination: str
    risk_level: str
    status: str
    overdue: bool
    planned_departure_at: datetime
    expected_return_at: datetime
    departed_at: datetime | None
    returned_at: datetime | None
    notes: str
    return_note: str
    team: list[MemberOut]
    objectives: list[LineOut]
    brought_back: list[LineOut]


class HistoryOut(Schema):
    destination: str
    runs: int
    lost: int
    last_returned_at: datetime | None
    mean_yield_per_run: list[LineOut]


def mission_out(mission: Mission) -> dict[str, Any]:
    return {
        "id": mission.pk,
        "name": mission.name,
        "destination": mission.destination,
        "risk_level": mission.risk_level,
        "status": mission.status,
        "overdue": mission.is_overdue(),
        "planned_departure_at": mission.planned_departure_at,
        "expected_return_at": mission.expected_return_at,
        "departed_at": mission.departed_at,
        "returned_at": mission.returned_at,
        "notes": mission.notes,
        "return_note": mission.return_note,
        "team": [
            {
                "person_id": m.person_id,
                "full_name": m.person.full_name,
                "is_leader": m.is_leader,
                "checked_out_at": m.checked_out_at,
                "checked_in_at": m.checked_in_at,
            }
            for m in mission.members.select_related("person")
        ],
        "objectives": [
            {"item_id": o.item_id, "item": o.item.name, "unit": o.item.unit, "quantity": o.quantity}
            for o in mission.objectives.select_related("item")
        ],
        "brought_back": [
            {"item_id": item.pk, "item": item.name, "unit": item.unit, "quantity": quantity}
            for item, quantity in services.yield_of(mission)
        ],
    }


def _visible(request: HttpRequest, mission_id: int) -> Mission:
    require(request.user, "missions.view_mission")
    mission = services.get_mission(mission_id)
    if not services.may_see(request.user, mission):
        raise PermissionDenied("you may see only the missions you are on")
    return mission


def _people(ids: list[int]) -> list[Person]:
    found = Person.objects.in_bulk(ids)
    missing = [str(pk) for pk in ids if pk not in found]
    if missing:
        raise NotFoundError(f"no person with id {', '.join(missing)}")
    return [found[pk] for pk in ids]


def _lines(lines: list[LineIn]) -> list[tuple[str, Decimal]]:
    return [(line.item, line.quantity) for line in lines]


@router.get("/", response=list[MissionOut], summary="Missions one may see, newest first")
def list_missions(request: HttpRequest, status: str = "") -> list[dict[str, Any]]:
    require(request.user, "missions.view_mission")
    missions = services.visible_missions(request.user)
    if status:
        missions = missions.filter(status=status)
    return [mission_out(m) for m in missions[:200]]


@router.get("/history", response=list[HistoryOut], summary="Yield per destination")
def history(request: HttpRequest) -> list[dict[str, Any]]:
    require(request.user, "missions.view_all_missions")
    return [
        {
            "destination": h.destination,
            "runs": h.runs,
            "lost": h.lost,
            "last_returned_at": h.last_returned_at,
            "mean_yield_per_run": [
                {"item_id": 0, "item": name, "unit": unit, "quantity": quantity}
                for name, quantity, unit in h.per_run()
            ],
        }
        for h in services.yield_history()
    ]


@router.post("/", response={201: MissionOut}, summary="Plan a mission")
def plan(request: HttpRequest, payload: MissionIn) -> WithStatus[dict[str, Any]]:
    require(request.user, "missions.add_mission")
    leader = _people([payload.leader_id])[0] if payload.leader_id is not None else None
    mission = services.plan_mission(
        by=request.user,
        name=payload.name,
        destination=payload.destination,
        team=_people(payload.team),
        leader=leader,
        objectives=_lines(payload.objectives),
        risk_level=payload.risk_level,
        planned_departure_at=payload.planned_departure_at,
        expected_return_at=payload.expected_return_at,
        notes=payload.notes,
    )
    return WithStatus(201, mission_out(mission))


@router.get("/{int:mission_id}", response=MissionOut, summary="One mission")
def get_mission(request: HttpRequest, mission_id: int) -> dict[str, Any]:
    return mission_out(_visible(request, mission_id))


@router.post("/{int:mission_id}/depart", response=MissionOut, summary="Check the team out")
def depart(request: HttpRequest, mission_id: int) -> dict[str, Any]:
    mission = _visible(request, mission_id)
    require(request.user, "missions.check_team")
    return mission_out(services.depart(by=request.user, mission=mission))


@router.post(
    "/{int:mission_id}/return", response=MissionOut, summary="Check the team in, with the yield"
)
def return_mission(request: HttpRequest, mission_id: int, payload: ReturnIn) -> dict[str, Any]:
    mission = _visible(request, mission_id)
    require(request.user, "missions.check_team")
    if payload.yield_lines:
        require(request.user, "missions.receive_yield")
    result = services.return_mission(
        by=request.user,
        mission=mission,
        store=payload.store,
        yield_lines=_lines(payload.yield_lines),
        not_back=_people(payload.not_back),
        note=payload.note,
    )
    return mission_out(result.mission)


@router.post("/{int:mission_id}/yield", response=MissionOut, summary="Receive more yield")
def receive_yield(request: HttpRequest, mission_id: int, payload: YieldIn) -> dict[str, Any]:
    require(request.user, "missions.receive_yield")
    mission = _visible(request, mission_id)
    services.receive_yield(
        by=request.user,
        mission=mission,
        store=payload.store,
        yield_lines=_lines(payload.yield_lines),
    )
    return mission_out(services.get_mission(mission_id))
