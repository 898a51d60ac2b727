"""Missions API: plan a supply run, check the team out and back in, receive the yield."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema
from ninja.responses import Status as WithStatus

from haven.core.access import require
from haven.core.api import ApiRouter
from haven.core.errors import NotFoundError
from haven.core.pagination import PageQuery, page_of, paginate
from haven.core.policy_schema import PolicySchema
from haven.core.schemas import Id, column
from haven.missions import services
from haven.missions.choices import MissionStatus, RiskLevel
from haven.missions.models import Mission, MissionMember, MissionObjective
from haven.people.models import Person
from haven.stock.api import ItemRef, StoreRef
from haven.stock.models import Item

router = ApiRouter(tags=["missions"])

MAX_LINES = 100


class LineIn(Schema):
    item: ItemRef
    quantity: Decimal = column(MissionObjective, "quantity")


class LineOut(Schema):
    item_id: int
    item: str = Field(alias="item.name")
    unit: str = Field(alias="item.unit")
    quantity: Decimal


class MemberOut(Schema):
    person_id: int
    full_name: str = Field(alias="person.full_name")
    is_leader: bool
    checked_out_at: datetime | None
    checked_in_at: datetime | None


class MissionIn(Schema):
    name: str = column(Mission, "name", "")
    destination: str = column(Mission, "destination")
    team: list[Id] = Field(max_length=MAX_LINES)
    leader_id: Id | None = None
    objectives: list[LineIn] = Field([], max_length=MAX_LINES)
    risk_level: RiskLevel = RiskLevel.MEDIUM
    planned_departure_at: datetime
    expected_return_at: datetime
    notes: str = column(Mission, "notes", "")


class MissionReturnIn(Schema):
    store: StoreRef | None = None
    yield_lines: list[LineIn] = Field([], max_length=MAX_LINES)
    not_back: list[Id] = Field([], max_length=MAX_LINES)
    note: str = column(Mission, "return_note", "")


class YieldIn(Schema):
    store: StoreRef
    yield_lines: list[LineIn] = Field(max_length=MAX_LINES)


@dataclass(frozen=True, slots=True)
class YieldLine:
    item_id: int
    item: Item
    quantity: Decimal


class MissionOut(PolicySchema):
    """A mission; its destination reads "hidden" but for the commander, a core.view_location
    grant and the scouts on its team."""

    policy_model = "missions.mission"

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
    team: list[MemberOut] = Field(alias="members")
    objectives: list[LineOut]
    brought_back: list[LineOut]

    @staticmethod
    def resolve_overdue(mission: Mission) -> bool:
        return mission.is_overdue()

    @staticmethod
    def resolve_brought_back(mission: Mission) -> list[YieldLine]:
        rows = getattr(mission, "brought_back_rows", None)
        if rows is None:
            rows = services.yield_of(mission)
        return [YieldLine(item.pk, item, quantity) for item, quantity in rows]


class MeanYieldOut(Schema):
    item: str
    unit: str
    quantity: Decimal


class HistoryOut(PolicySchema):
    """Past runs to one destination: the destination reads "hidden" as a mission's does."""

    policy_model = "missions.destinationhistory"

    destination: str
    runs: int
    lost: int
    last_returned_at: datetime | None
    mean_yield_per_run: list[MeanYieldOut]

    @staticmethod
    def resolve_mean_yield_per_run(history: services.DestinationHistory) -> list[dict[str, Any]]:
        return [
            {"item": name, "unit": unit, "quantity": quantity}
            for name, quantity, unit in history.per_run()
        ]


def _with_team_and_objectives(missions: QuerySet[Mission]) -> QuerySet[Mission]:
    return missions.prefetch_related(
        Prefetch("members", queryset=MissionMember.objects.select_related("person")),
        Prefetch("objectives", queryset=MissionObjective.objects.select_related("item")),
    )


def _with_yields(missions: Sequence[Mission]) -> Sequence[Mission]:
    yields = services.yields_of(missions)
    for mission in missions:
        mission.brought_back_rows = yields[mission.pk]  # type: ignore[attr-defined]
    return missions


def _visible(request: HttpRequest, mission_id: int) -> Mission:
    require(request.user, "missions.view_mission")
    mission = services.get_mission(mission_id)
    if not services.may_see(request.user, mission):
        raise PermissionDenied(_("you may see only the missions you are on"))
    return mission


def _full(mission: Mission) -> Mission:
    """The mission as answered: team, objectives and yield read in one go."""
    return _with_yields(list(_with_team_and_objectives(Mission.objects.filter(pk=mission.pk))))[0]


def _people(ids: list[int]) -> list[Person]:
    found = Person.objects.in_bulk(ids)
    missing = [str(pk) for pk in ids if pk not in found]
    if missing:
        raise NotFoundError(_("no person with id %(names)s") % {"names": ", ".join(missing)})
    return [found[pk] for pk in ids]


def _lines(lines: list[LineIn]) -> list[tuple[str, Decimal]]:
    return [(line.item, line.quantity) for line in lines]


@router.get("/", response=page_of(MissionOut), summary="Missions one may see, newest first")
def list_missions(
    request: HttpRequest, page: Query[PageQuery], status: MissionStatus | None = None
) -> dict[str, Any]:
    require(request.user, "missions.view_mission")
    missions = services.visible_missions(request.user)
    if status is not None:
        missions = missions.filter(status=status)
    result = paginate(_with_team_and_objectives(missions), page)
    _with_yields(result["items"])
    return result


@router.get("/history", response=page_of(HistoryOut), summary="Yield per destination")
def history(request: HttpRequest, page: Query[PageQuery]) -> dict[str, Any]:
    require(request.user, "missions.view_all_missions")
    return paginate(services.yield_history(), page)


@router.post("/", response={201: MissionOut}, summary="Plan a mission")
def plan(request: HttpRequest, payload: MissionIn) -> WithStatus[Mission]:
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
    return WithStatus(201, _full(mission))


@router.get("/{int:mission_id}", response=MissionOut, summary="One mission")
def get_mission(request: HttpRequest, mission_id: Id) -> Mission:
    return _full(_visible(request, mission_id))


@router.post("/{int:mission_id}/depart", response=MissionOut, summary="Check the team out")
def depart(request: HttpRequest, mission_id: Id) -> Mission:
    mission = _visible(request, mission_id)
    require(request.user, "missions.check_team")
    return _full(services.depart(by=request.user, mission=mission))


@router.post(
    "/{int:mission_id}/return", response=MissionOut, summary="Check the team in, with the yield"
)
def return_mission(request: HttpRequest, mission_id: Id, payload: MissionReturnIn) -> Mission:
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
    return _full(result.mission)


@router.post("/{int:mission_id}/yield", response=MissionOut, summary="Receive more yield")
def receive_yield(request: HttpRequest, mission_id: Id, payload: YieldIn) -> Mission:
    require(request.user, "missions.receive_yield")
    mission = _visible(request, mission_id)
    services.receive_yield(
        by=request.user,
        mission=mission,
        store=payload.store,
        yield_lines=_lines(payload.yield_lines),
    )
    return _full(mission)
