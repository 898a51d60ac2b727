"""People API: registry, status changes and history, departures and returns (musters:
muster_api.py, mounted under /musters)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status as WithStatus

from haven.core.access import require
from haven.people import services
from haven.people.choices import Sex, Status
from haven.people.models import Household, Person, StatusEvent, Team
from haven.people.muster_api import router as muster_router

router = Router(tags=["people"])
router.add_router("/musters", muster_router)  # haven/people/muster_api.py


class PersonIn(Schema):
    full_name: str = ""
    given_name: str = ""
    family_name: str = ""
    alternate_names: list[str] = []
    sex: Sex = Sex.UNKNOWN
    date_of_birth: date | None = None
    estimated_age: float | None = Field(None, ge=0, le=120)
    phone: str = ""
    household_id: int | None = None
    team_id: int | None = None
    skills: list[str] = []
    special_needs: str = ""
    extra_energy_kcal: int = Field(0, ge=0, le=5000)
    pregnant_or_lactating: bool = False
    languages: str = ""
    notes: str = ""
    record_id: str | None = None
    status: Status = Status.PRESENT


class PersonPatch(Schema):
    full_name: str | None = None
    given_name: str | None = None
    family_name: str | None = None
    alternate_names: list[str] | None = None
    sex: Sex | None = None
    date_of_birth: date | None = None
    estimated_age: float | None = Field(None, ge=0, le=120)
    phone: str | None = None
    household_id: int | None = None
    team_id: int | None = None
    skills: list[str] | None = None
    special_needs: str | None = None
    extra_energy_kcal: int | None = Field(None, ge=0, le=5000)
    pregnant_or_lactating: bool | None = None
    languages: str | None = None
    notes: str | None = None
    record_id: str | None = None


class PersonName(Schema):
    id: int
    full_name: str


class PersonOut(Schema):
    id: int
    record_id: str | None
    full_name: str
    given_name: str
    family_name: str
    alternate_names: list[str]
    sex: str
    date_of_birth: date | None
    birth_date_is_estimate: bool
    age: int | None
    phone: str
    household_id: int | None
    household: str | None
    team_id: int | None
    team: str | None
    skills: list[str]
    special_needs: str
    extra_energy_kcal: int
    pregnant_or_lactating: bool
    languages: str
    notes: str
    status: str
    status_changed_at: datetime


class PeoplePage(Schema):
    count: int
    limit: int
    offset: int
    items: list[dict[str, Any]]


class StatusIn(Schema):
    status: Status
    reason: str = ""
    place: str = ""
    occurred_at: datetime | None = None
    correction: bool = False


class StatusEventOut(Schema):
    id: int
    previous_status: str
    status: str
    occurred_at: datetime
    recorded_at: datetime
    recorded_by: str | None
    reason: str
    place: str
    is_correction: bool


class DepartureIn(Schema):
    reason: str
    destination: str = ""
    equipment_returned: str = ""
    left_at: datetime | None = None
    expected_back: date | None = None


class DepartureOut(Schema):
    id: int
    person_id: int
    left_at: datetime
    reason: str
    destination: str
    equipment_returned: str
    expected_back: date | None


class ReturnIn(Schema):
    note: str = ""
    returned_at: datetime | None = None
    injured: bool = False


class ReturnOut(Schema):
    id: int
    person_id: int
    departure_id: int | None
    returned_at: datetime
    note: str


def person_out(person: Person) -> dict[str, Any]:
    return {
        "id": person.pk,
        "record_id": person.record_id,
        "full_name": person.full_name,
        "given_name": person.given_name,
        "family_name": person.family_name,
        "alternate_names": person.alternate_name_list,
        "sex": person.sex,
        "date_of_birth": person.date_of_birth,
        "birth_date_is_estimate": person.birth_date_is_estimate,
        "age": person.age_years(),
        "phone": person.phone,
        "household_id": person.household_id,
        "household": person.household.name if person.household else None,
        "team_id": person.team_id,
        "team": person.team.name if person.team else None,
        "skills": [skill.code for skill in person.skills.all()],
        "special_needs": person.special_needs,
        "extra_energy_kcal": person.extra_energy_kcal,
        "pregnant_or_lactating": person.pregnant_or_lactating,
        "languages": person.languages,
        "notes": person.notes,
        "status": person.status,
        "status_changed_at": person.status_changed_at,
    }


def _may_see(request: HttpRequest, person: Person) -> None:
    """Staff see every record; a member only their own."""
    user = request.user
    if user.has_perm("people.view_person_details"):
        return
    if user.is_authenticated and person.user_id == user.pk:
        return
    raise PermissionDenied("your role may see only the roster's names and your own record")


def _details(values: dict[str, Any]) -> dict[str, Any]:
    details = {key: value for key, value in values.items() if key not in {"status"}}
    if "alternate_names" in details and details["alternate_names"] is not None:
        details["alternate_names"] = "\n".join(details["alternate_names"])
    for key in ("household_id", "team_id"):
        if key in details:
            details[key.removesuffix("_id")] = details.pop(key)
    return details


@router.get("/", response=PeoplePage, summary="List or search people")
def list_people(
    request: HttpRequest,
    q: str = "",
    status: Status | None = None,
    limit: int = settings.HAVEN_API_PAGE_SIZE,
    offset: int = 0,
) -> dict[str, Any]:
    require(request.user, "people.view_person")
    limit, offset = min(max(limit, 1), 1000), max(offset, 0)
    people = Person.objects.search(q)
    if status is not None:
        people = people.filter(status=status)
    detailed = request.user.has_perm("people.view_person_details")
    if detailed:
        people = people.select_related("household", "team").prefetch_related("skills")
    page = people[offset : offset + limit]
    items = (
        [person_out(p) for p in page]
        if detailed
        else [{"id": p.pk, "full_name": p.full_name} for p in page]
    )
    return {"count": people.count(), "limit": limit, "offset": offset, "items": items}


@router.post("/", response={201: PersonOut}, summary="Register a person")
def create_person(request: HttpRequest, payload: PersonIn) -> WithStatus[Any]:
    require(request.user, "people.add_person")
    values = payload.dict()
    person = services.register_person(
        by=request.user, status=values.pop("status"), **_details(values)
    )
    return WithStatus(201, person_out(person))


@router.get("/{int:person_id}", response=PersonOut, summary="One person's record")
def get_person(request: HttpRequest, person_id: int) -> dict[str, Any]:
    require(request.user, "people.view_person")
    person = services.get_person(person_id)
    _may_see(request, person)
    return person_out(person)


@router.patch("/{int:person_id}", response=PersonOut, summary="Change a person's details")
def update_person(request: HttpRequest, person_id: int, payload: PersonPatch) -> dict[str, Any]:
    require(request.user, "people.change_person")
    person = services.get_person(person_id)
    changes = _details(payload.dict(exclude_unset=True))
    return person_out(services.update_person(by=request.user, person=person, **changes))


def event_out(event: StatusEvent) -> dict[str, Any]:
    return {
        "id": event.pk,
        "previous_status": event.previous_status,
        "status": event.status,
        "occurred_at": event.occurred_at,
        "recorded_at": event.recorded_at,
        "recorded_by": event.recorded_by.get_username() if event.recorded_by else None,
        "reason": event.reason,
        "place": event.place,
        "is_correction": event.is_correction,
    }


@router.post(
    "/{int:person_id}/status", response={201: StatusEventOut}, summary="Record a status change"
)
def change_status(request: HttpRequest, person_id: int, payload: StatusIn) -> WithStatus[Any]:
    require(request.user, "people.change_status")
    person = services.get_person(person_id)
    event = services.change_status(by=request.user, person=person, **payload.dict())
    return WithStatus(201, event_out(event))


@router.get("/{int:person_id}/history", response=list[StatusEventOut], summary="Status history")
def status_history(request: HttpRequest, person_id: int) -> list[dict[str, Any]]:
    require(request.user, "people.view_person")
    person = services.get_person(person_id)
    _may_see(request, person)
    return [event_out(e) for e in person.status_events.select_related("recorded_by")]


@router.post(
    "/{int:person_id}/departure", response={201: DepartureOut}, summary="Record a departure"
)
def record_departure(request: HttpRequest, person_id: int, payload: DepartureIn) -> WithStatus[Any]:
    require(request.user, "people.record_departure")
    person = services.get_person(person_id)
    return WithStatus(
        201, services.record_departure(by=request.user, person=person, **payload.dict())
    )


@router.post("/{int:person_id}/return", response={201: ReturnOut}, summary="Record a return")
def record_return(request: HttpRequest, person_id: int, payload: ReturnIn) -> WithStatus[Any]:
    require(request.user, "people.record_departure")
    person = services.get_person(person_id)
    return WithStatus(201, services.record_return(by=request.user, person=person, **payload.dict()))


class GroupIn(Schema):
    name: str
    notes: str = ""


class HouseholdOut(Schema):
    id: int
    name: str
    notes: str
    members: list[PersonName]


class TeamIn(Schema):
    name: str
    purpose: str = ""


class TeamOut(Schema):
    id: int
    name: str
    purpose: str
    members: list[PersonName]


@router.get("/households", response=list[HouseholdOut], summary="Households and their members")
def list_households(request: HttpRequest, q: str = "", limit: int = 100, offset: int = 0) -> Any:
    require(request.user, "people.view_person_details")
    households = Household.objects.filter(name__icontains=q).prefetch_related("members")
    limit, offset = min(max(limit, 1), 1000), max(offset, 0)
    return [
        {
            "id": h.pk,
            "name": h.name,
            "notes": h.notes,
            "members": [{"id": p.pk, "full_name": p.full_name} for p in h.members.all()],
        }
        for h in households[offset : offset + limit]
    ]


@router.post("/households", response={201: HouseholdOut}, summary="Add a household")
def create_household(request: HttpRequest, payload: GroupIn) -> WithStatus[Any]:
    require(request.user, "people.add_household")
    household = services.create_household(name=payload.name, notes=payload.notes)
    return WithStatus(
        201, {"id": household.pk, "name": household.name, "notes": household.notes, "members": []}
    )


@router.get("/teams", response=list[TeamOut], summary="Teams and their members")
def list_teams(request: HttpRequest) -> Any:
    require(request.user, "people.view_person_details")
    return [
        {
            "id": t.pk,
            "name": t.name,
            "purpose": t.purpose,
            "members": [{"id": p.pk, "full_name": p.full_name} for p in t.members.all()],
        }
        for t in Team.objects.prefetch_related("members")
    ]


@router.post("/teams", response={201: TeamOut}, summary="Add a team")
def create_team(request: HttpRequest, payload: TeamIn) -> WithStatus[Any]:
    require(request.user, "people.add_team")
    team = services.create_team(name=payload.name, purpose=payload.purpose)
    return WithStatus(
        201, {"id": team.pk, "name": team.name, "purpose": team.purpose, "members": []}
    )
