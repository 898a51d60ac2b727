"""Shelter API: shelters and their fill, occupancy changes, the unsheltered, plans."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema
from ninja.responses import Status as WithStatus

from haven.core import policy
from haven.core.access import require
from haven.core.api import ApiRouter
from haven.core.pagination import PageQuery, page_of, paginate
from haven.core.policy import G
from haven.core.policy_schema import PolicySchema
from haven.core.schemas import Id, PatchSchema, column, unchanged
from haven.people.models import Person
from haven.shelter import services
from haven.shelter.choices import Condition, Kind, Use
from haven.shelter.models import ConditionChange, Shelter, ShelterPlan, Stay

router = ApiRouter(tags=["shelter"])

AREA = {"gt": 0}


class ShelterIn(Schema):
    name: str = column(Shelter, "name")
    covered_area_m2: Decimal = column(Shelter, "covered_area_m2", **AREA)
    kind: Kind = Kind.TENT
    beds: int | None = column(Shelter, "beds", None)
    accessible: bool = False
    heated: bool = False
    condition: Condition = Condition.USABLE
    zone: str = column(Shelter, "zone", "")
    use: Use = Use.GENERAL
    notes: str = column(Shelter, "notes", "")


class ShelterPatch(PatchSchema):
    model = Shelter

    name: str = column(Shelter, "name", None)
    covered_area_m2: Decimal = column(Shelter, "covered_area_m2", None, **AREA)
    kind: Kind = unchanged()
    beds: int | None = column(Shelter, "beds", None)
    accessible: bool = unchanged()
    heated: bool = unchanged()
    zone: str | None = column(Shelter, "zone", None)
    use: Use = unchanged()
    notes: str | None = column(Shelter, "notes", None)


class OccupantOut(PolicySchema):
    policy_model = "shelter.occupant"

    id: int
    full_name: str
    status: str


class ShelterOut(PolicySchema):
    """A shelter with its capacity and fill (read from a board row)."""

    policy_model = "shelter.shelter"

    id: int = Field(alias="shelter.pk")
    name: str = Field(alias="shelter.name")
    kind: str = Field(alias="shelter.kind")
    covered_area_m2: float = Field(alias="shelter.covered_area_m2")
    beds: int | None = Field(alias="shelter.beds")
    accessible: bool = Field(alias="shelter.accessible")
    heated: bool = Field(alias="shelter.heated")
    condition: str = Field(alias="shelter.condition")
    zone: str = Field(alias="shelter.zone")
    use: str = Field(alias="shelter.use")
    capacity: int
    occupied: int
    fill: str


class ShelterDetailOut(ShelterOut):
    occupants: list[OccupantOut] | None = Field(
        None, description="Who sleeps here; left out when your role may not see it."
    )

    @staticmethod
    def resolve_occupants(row: services.ShelterRow, context: Any) -> list[Person] | None:
        if not _may_see_names(context["request"], row.shelter):
            return None
        return list(services.people_in(row.shelter))


class ConditionIn(Schema):
    condition: Condition
    note: str = column(ConditionChange, "note", "")


class DestroyIn(Schema):
    note: str = column(ConditionChange, "note", "")


class ConditionOut(Schema):
    shelter_id: int
    previous_condition: str
    condition: str
    occurred_at: datetime
    note: str


class AssignIn(Schema):
    person_id: Id
    shelter_id: Id


class CheckOutIn(Schema):
    person_id: Id
    note: str = column(Stay, "end_note", "")


class StayOut(PolicySchema):
    policy_model = "shelter.stay"

    id: int
    person_id: int
    shelter_id: int
    shelter: str = Field(alias="shelter.name")
    started_at: datetime
    ended_at: datetime | None
    end: str
    end_note: str


class SummaryOut(Schema):
    in_camp: int
    sheltered: int = Field(alias="occupied")
    unsheltered: int
    capacity: int
    m2_per_person: float
    places_short: int
    shortfall_m2: float = Field(alias="shortfall.covered_area_m2")
    shortfall_tents: int = Field(alias="shortfall.tents")
    tent_type: str = Field(alias="tent_type.name")
    tent_m2: float = Field(alias="tent_type.covered_area_m2")


class UnshelteredOut(PolicySchema):
    policy_model = "shelter.unsheltered"

    person_id: int = Field(alias="person.pk")
    full_name: str = Field(alias="person.full_name")
    reason: str


class PlanChangeOut(PolicySchema):
    policy_model = "shelter.planchange"

    person_id: int = Field(alias="person.pk")
    full_name: str = Field(alias="person.full_name")
    from_shelter_id: int | None
    to_shelter_id: int | None
    kind: str
    reason: str = Field("", description="Why they lose their place, when they do.")

    @staticmethod
    def resolve_from_shelter_id(change: services.PlanChange) -> int | None:
        return change.from_shelter.pk if change.from_shelter else None

    @staticmethod
    def resolve_to_shelter_id(change: services.PlanChange) -> int | None:
        return change.to_shelter.pk if change.to_shelter else None


class ShelterPlanOut(Schema):
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

    @staticmethod
    def resolve_changes(plan: ShelterPlan) -> list[services.PlanChange]:
        return services.plan_changes(plan)

    @staticmethod
    def resolve_unsheltered(plan: ShelterPlan) -> list[services.Unsheltered]:
        return services.plan_unsheltered(plan)


class ApplyIn(Schema):
    person_ids: list[Id] | None = Field(
        None,
        max_length=100_000,
        description="Apply only these people's changes; omit to apply the whole plan.",
    )


class ApplyOut(Schema):
    plan_id: int
    applied: int


def _may_see_names(request: HttpRequest, shelter: Shelter) -> bool:
    return G.SHELTER in policy.visible_groups(request.user, shelter, "shelter.shelter")


def _row(shelter: Shelter) -> services.ShelterRow:
    return services.shelter_rows([shelter])[0]


@router.get("/", response=page_of(ShelterOut), summary="Shelters with capacity and fill")
def list_shelters(request: HttpRequest, page: Query[PageQuery]) -> dict[str, Any]:
    require(request.user, "shelter.view_shelter")
    result = paginate(Shelter.objects.all(), page)
    result["items"] = services.shelter_rows(result["items"])
    return result


@router.post("/", response={201: ShelterDetailOut}, summary="Add a shelter")
def add_shelter(request: HttpRequest, payload: ShelterIn) -> WithStatus[services.ShelterRow]:
    require(request.user, "shelter.add_shelter")
    return WithStatus(201, _row(services.add_shelter(by=request.user, **payload.dict())))


@router.get("/summary", response=SummaryOut, summary="Sheltered, unsheltered and the shortfall")
def summary(request: HttpRequest, tent_type_id: Id | None = None) -> services.Board:
    require(request.user, "shelter.view_shelter")
    return services.board(tent_type_id=tent_type_id)


@router.get("/unsheltered", response=page_of(UnshelteredOut), summary="Who has no shelter, and why")
def unsheltered(request: HttpRequest, page: Query[PageQuery]) -> dict[str, Any]:
    require(request.user, "shelter.view_occupants")
    rows = services.unsheltered(limit=page.offset + page.limit)[page.offset :]
    count = services.unsheltered_queryset().count()
    return {"count": count, "limit": page.limit, "offset": page.offset, "items": rows}


@router.post("/assign", response={201: StayOut}, summary="Check a person in, or move them")
def assign(request: HttpRequest, payload: AssignIn) -> WithStatus[Stay]:
    require(request.user, "shelter.assign_shelter")
    stay = services.assign(
        by=request.user,
        person=services.get_person(payload.person_id),
        shelter=services.get_shelter(payload.shelter_id),
    )
    return WithStatus(201, stay)


@router.post("/check-out", response=StayOut, summary="A person leaves their shelter")
def check_out(request: HttpRequest, payload: CheckOutIn) -> Stay:
    require(request.user, "shelter.assign_shelter")
    person = services.get_person(payload.person_id)
    return services.check_out(by=request.user, person=person, note=payload.note)


@router.get("/{int:shelter_id}", response=ShelterDetailOut, summary="One shelter")
def get_shelter(request: HttpRequest, shelter_id: Id) -> services.ShelterRow:
    require(request.user, "shelter.view_shelter")
    return _row(services.get_shelter(shelter_id))


@router.patch("/{int:shelter_id}", response=ShelterDetailOut, summary="Change a shelter's details")
def update_shelter(
    request: HttpRequest, shelter_id: Id, payload: ShelterPatch
) -> services.ShelterRow:
    require(request.user, "shelter.change_shelter")
    shelter = services.update_shelter(
        by=request.user,
        shelter=services.get_shelter(shelter_id),
        **payload.dict(exclude_unset=True),
    )
    return _row(shelter)


@router.get("/{int:shelter_id}/stays", response=page_of(StayOut), summary="Who slept here, when")
def stays(request: HttpRequest, shelter_id: Id, page: Query[PageQuery]) -> dict[str, Any]:
    require(request.user, "shelter.view_shelter")
    shelter = services.get_shelter(shelter_id)
    if not _may_see_names(request, shelter):
        raise PermissionDenied(_("your role may not see who sleeps where"))
    stays = (
        Stay.objects.filter(shelter=shelter)
        .select_related("shelter")
        .order_by("-started_at", "-id")
    )
    return paginate(stays, page)


@router.post(
    "/{int:shelter_id}/condition", response={201: ConditionOut}, summary="Record its condition"
)
def set_condition(
    request: HttpRequest, shelter_id: Id, payload: ConditionIn
) -> WithStatus[ConditionChange]:
    require(request.user, "shelter.change_shelter")
    change = services.set_condition(
        by=request.user, shelter=services.get_shelter(shelter_id), **payload.dict()
    )
    return WithStatus(201, change)


@router.post(
    "/{int:shelter_id}/destroy",
    response={201: ConditionOut},
    summary="Mark destroyed: its people lose their place",
)
def destroy(
    request: HttpRequest, shelter_id: Id, payload: DestroyIn
) -> WithStatus[ConditionChange]:
    require(request.user, "shelter.change_shelter")
    change = services.destroy_shelter(
        by=request.user, shelter=services.get_shelter(shelter_id), note=payload.note
    )
    return WithStatus(201, change)


@router.post(
    "/plans", response={201: ShelterPlanOut}, summary="Plan who sleeps where (nothing moves)"
)
def make_plan(request: HttpRequest) -> WithStatus[ShelterPlan]:
    require(request.user, "shelter.plan_allocation")
    return WithStatus(201, services.make_plan(by=request.user))


@router.get("/plans/{int:plan_id}", response=ShelterPlanOut, summary="One plan")
def get_plan(request: HttpRequest, plan_id: Id) -> ShelterPlan:
    require(request.user, "shelter.plan_allocation")
    return services.get_plan(plan_id)


@router.post("/plans/{int:plan_id}/apply", response=ApplyOut, summary="Apply all or some")
def apply_plan(request: HttpRequest, plan_id: Id, payload: ApplyIn) -> dict[str, Any]:
    require(request.user, "shelter.plan_allocation")
    plan = services.get_plan(plan_id)
    done = services.apply_plan(by=request.user, plan=plan, person_ids=payload.person_ids)
    return {"plan_id": plan.pk, "applied": done}
