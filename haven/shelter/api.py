"""Shelter API: shelters and their fill, occupancy changes, the unsheltered, plans."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status as WithStatus

from haven.core.access import require
from haven.shelter import services
from haven.shelter.choices import Condition, Kind, Use
from haven.shelter.models import Shelter, ShelterPlan

router = Router(tags=["shelter"])


class ShelterIn(Schema):
    name: str
    covered_area_m2: Decimal
    kind: Kind = Kind.TENT
    beds: int | None = None
    accessible: bool = False
    heated: bool = False
    condition: Condition = Condition.USABLE
    zone: str = ""
    use: Use = Use.GENERAL
    notes: str = ""


class ShelterPatch(Schema):
    name: str | None = None
    covered_area_m2: Decimal | None = None
    kind: Kind | None = None
    beds: int | None = None
    accessible: bool | None = None
    heated: bool | None = None
    zone: str | None = None
    use: Use | None = None
    notes: str | None = None


class ShelterOut(Schema):
    id: int
    name: str
    kind: str
    covered_area_m2: float
    beds: int | None
    accessible: bool
    heated: bool
    condition: str
    zone: str
    use: str
    capacity: int
    occupied: int
    fill: str
    occupants: list[dict[str, Any]] | None = Field(
        None, description="Who sleeps here; null when your role may not see names."
    )


class ConditionIn(Schema):
    condition: Condition
    note: str = ""


class DestroyIn(Schema):
    note: str = ""


class ConditionOut(Schema):
    shelter_id: int
    previous_condition: str
    condition: str
    occurred_at: datetime
    note: str


class AssignIn(Schema):
    person_id: int
    shelter_id: int


class CheckOutIn(Schema):
    person_id: int
    note: str = ""


class StayOut(Schema):
    id: int
    person_id: int
    shelter_id: int
    shelter: str
    started_at: datetime
    ended_at: datetime | None
    end: str
    end_note: str


class SummaryOut(Schema):
    in_camp: int
    sheltered: int
    unsheltered: int
    capacity: int
    m2_per_person: float
    places_short: int
    shortfall_m2: float
    shortfall_tents: int
    tent_type: str
    tent_m2: float


class UnshelteredOut(Schema):
    person_id: int
    full_name: str
    reason: str


class PlanChangeOut(Schema):
    person_id: int
    full_name: str
    from_shelter_id: int | None
    to_shelter_id: int | None
    kind: str
    reason: str = Field("", description="Why they lose their place, when they do.")


class PlanOut(Schema):
    id: int
    created_at: datetime
    method: str
    objective: float
    objective_before: float
    people_count: int
    capacity: int
    sheltered_before: int
    sheltered_after: int
    changes: list[PlanChangeOut]
    unsheltered: list[UnshelteredOut]
    applied_at: datetime | None
    applied_count: int


class ApplyIn(Schema):
    person_ids: list[int] | None = Field(
        None, description="Apply only these people's changes; omit to apply the whole plan."
    )


class ApplyOut(Schema):
    plan_id: int
    applied: int


def _may_see_names(request: HttpRequest, shelter: Shelter) -> bool:
    if request.user.has_perm("shelter.view_occupants"):
        return True
    return shelter.use == Use.INJURED_WARD and request.user.has_perm("shelter.view_injured_ward")


def shelter_out(
    request: HttpRequest, row: services.ShelterRow, *, with_occupants: bool = False
) -> dict[str, Any]:
    shelter = row.shelter
    occupants = None
    if with_occupants and _may_see_names(request, shelter):
        occupants = [
            {"id": p.pk, "full_name": p.full_name, "status": p.status}
            for p in services.people_in(shelter)
        ]
    return {
        "id": shelter.pk,
        "name": shelter.name,
        "kind": shelter.kind,
        "covered_area_m2": float(shelter.covered_area_m2),
        "beds": shelter.beds,
        "accessible": shelter.accessible,
        "heated": shelter.heated,
        "condition": shelter.condition,
        "zone": shelter.zone,
        "use": shelter.use,
        "capacity": row.capacity,
        "occupied": row.occupied,
        "fill": row.fill,
        "occupants": occupants,
    }


def _detail(request: HttpRequest, shelter: Shelter) -> dict[str, Any]:
    return shelter_out(request, services.shelter_rows([shelter])[0], with_occupants=True)


@router.get("/", response=list[ShelterOut], summary="Shelters with capacity and fill")
def list_shelters(request: HttpRequest) -> list[dict[str, Any]]:
    require(request.user, "shelter.view_shelter")
    return [shelter_out(request, row) for row in services.shelter_rows()]


@router.post("/", response={201: ShelterOut}, summary="Add a shelter")
def add_shelter(request: HttpRequest, payload: ShelterIn) -> WithStatus[dict[str, Any]]:
    require(request.user, "shelter.add_shelter")
    shelter = services.add_shelter(by=request.user, **payload.dict())
    return WithStatus(201, _detail(request, shelter))


@router.get("/summary", response=SummaryOut, summary="Sheltered, unsheltered and the shortfall")
def summary(request: HttpRequest, tent_type_id: int | None = None) -> dict[str, Any]:
    require(request.user, "shelter.view_shelter")
    board = services.board(tent_type_id=tent_type_id)
    return {
        "in_camp": board.in_camp,
        "sheltered": board.occupied,
        "unsheltered": board.unsheltered,
        "capacity": board.capacity,
        "m2_per_person": board.m2_per_person,
        "places_short": board.places_short,
        "shortfall_m2": board.shortfall.covered_area_m2,
        "shortfall_tents": board.shortfall.tents,
        "tent_type": board.tent_type.name,
        "tent_m2": float(board.tent_type.covered_area_m2),
    }


@router.get("/unsheltered", response=list[UnshelteredOut], summary="Who has no shelter, and why")
def unsheltered(request: HttpRequest) -> list[dict[str, Any]]:
    require(request.user, "shelter.view_occupants")
    return [
        {"person_id": row.person.pk, "full_name": row.person.full_name, "reason": row.reason}
        for row in services.unsheltered()
    ]


@router.post("/assign", response={201: StayOut}, summary="Check a person in, or move them")
def assign(request: HttpRequest, payload: AssignIn) -> WithStatus[Any]:
    require(request.user, "shelter.assign_shelter")
    stay = services.assign(
        by=request.user,
        person=services.get_person(payload.person_id),
        shelter=services.get_shelter(payload.shelter_id),
    )
    return WithStatus(201, stay_out(stay))


@router.post("/check-out", response=StayOut, summary="A person leaves their shelter")
def check_out(request: HttpRequest, payload: CheckOutIn) -> Any:
    require(request.user, "shelter.assign_shelter")
    person = services.get_person(payload.person_id)
    return stay_out(services.check_out(by=request.user, person=person, note=payload.note))


def stay_out(stay: Any) -> dict[str, Any]:
    return {
        "id": stay.pk,
        "person_id": stay.person_id,
        "shelter_id": stay.shelter_id,
        "shelter": stay.shelter.name,
        "started_at": stay.started_at,
        "ended_at": stay.ended_at,
        "end": stay.end,
        "end_note": stay.end_note,
    }


@router.get("/{int:shelter_id}", response=ShelterOut, summary="One shelter")
def get_shelter(request: HttpRequest, shelter_id: int) -> dict[str, Any]:
    require(request.user, "shelter.view_shelter")
    return _detail(request, services.get_shelter(shelter_id))


@router.patch("/{int:shelter_id}", response=ShelterOut, summary="Change a shelter's details")
def update_shelter(request: HttpRequest, shelter_id: int, payload: ShelterPatch) -> dict[str, Any]:
    require(request.user, "shelter.change_shelter")
    shelter = services.update_shelter(
        by=request.user,
        shelter=services.get_shelter(shelter_id),
        **payload.dict(exclude_unset=True),
    )
    return _detail(request, shelter)


@router.get("/{int:shelter_id}/stays", response=list[StayOut], summary="Who slept here, when")
def stays(request: HttpRequest, shelter_id: int) -> list[dict[str, Any]]:
    require(request.user, "shelter.view_shelter")
    shelter = services.get_shelter(shelter_id)
    if not _may_see_names(request, shelter):
        raise PermissionDenied("your role may not see who sleeps where")
    return [stay_out(stay) for stay in services.history(shelter, limit=1000)]


def condition_out(change: Any) -> dict[str, Any]:
    return {
        "shelter_id": change.shelter_id,
        "previous_condition": change.previous_condition,
        "condition": change.condition,
        "occurred_at": change.occurred_at,
        "note": change.note,
    }


@router.post(
    "/{int:shelter_id}/condition", response={201: ConditionOut}, summary="Record its condition"
)
def set_condition(request: HttpRequest, shelter_id: int, payload: ConditionIn) -> WithStatus[Any]:
    require(request.user, "shelter.change_shelter")
    change = services.set_condition(
        by=request.user, shelter=services.get_shelter(shelter_id), **payload.dict()
    )
    return WithStatus(201, condition_out(change))


@router.post(
    "/{int:shelter_id}/destroy",
    response={201: ConditionOut},
    summary="Mark destroyed: its people lose their place",
)
def destroy(request: HttpRequest, shelter_id: int, payload: DestroyIn) -> WithStatus[Any]:
    require(request.user, "shelter.change_shelter")
    change = services.destroy_shelter(
        by=request.user, shelter=services.get_shelter(shelter_id), note=payload.note
    )
    return WithStatus(201, condition_out(change))


def plan_out(plan: ShelterPlan) -> dict[str, Any]:
    return {
        "id": plan.pk,
        "created_at": plan.created_at,
        "method": plan.method,
        "objective": plan.objective,
        "objective_before": plan.objective_before,
        "people_count": plan.people_count,
        "capacity": plan.capacity,
        "sheltered_before": plan.sheltered_before,
        "sheltered_after": plan.sheltered_after,
        "changes": [
            {
                "person_id": change.person.pk,
                "full_name": change.person.full_name,
                "from_shelter_id": change.from_shelter.pk if change.from_shelter else None,
                "to_shelter_id": change.to_shelter.pk if change.to_shelter else None,
                "kind": change.kind,
                "reason": change.reason,
            }
            for change in services.plan_changes(plan)
        ],
        "unsheltered": [
            {"person_id": row.person.pk, "full_name": row.person.full_name, "reason": row.reason}
            for row in services.plan_unsheltered(plan)
        ],
        "applied_at": plan.applied_at,
        "applied_count": plan.applied_count,
    }


@router.post("/plans", response={201: PlanOut}, summary="Plan who sleeps where (nothing moves)")
def make_plan(request: HttpRequest) -> WithStatus[Any]:
    require(request.user, "shelter.plan_allocation")
    return WithStatus(201, plan_out(services.make_plan(by=request.user)))


@router.get("/plans/{int:plan_id}", response=PlanOut, summary="One plan")
def get_plan(request: HttpRequest, plan_id: int) -> Any:
    require(request.user, "shelter.plan_allocation")
    return plan_out(services.get_plan(plan_id))


@router.post("/plans/{int:plan_id}/apply", response=ApplyOut, summary="Apply all or some")
def apply_plan(request: HttpRequest, plan_id: int, payload: ApplyIn) -> Any:
    require(request.user, "shelter.plan_allocation")
    plan = services.get_plan(plan_id)
    done = services.apply_plan(by=request.user, plan=plan, person_ids=payload.person_ids)
    return {"plan_id": plan.pk, "applied": done}
