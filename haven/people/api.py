"""People API: registry, status changes and history, departures and returns; musters are
in haven/people/muster_api.py, mounted under /musters."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema
from ninja.responses import Status as WithStatus

from haven.core import policy
from haven.core.access import require
from haven.core.api import ApiRouter
from haven.core.pagination import PageQuery, page_of, paginate
from haven.core.policy_schema import PolicySchema
from haven.core.schemas import Id, PatchSchema, Search, column, unchanged
from haven.people import aggregates, merging, services
from haven.people.choices import Sex, Status
from haven.people.models import (
    Departure,
    Household,
    Person,
    PersonMerge,
    Return,
    Skill,
    StatusEvent,
    Team,
)
from haven.people.muster_api import router as muster_router

router = ApiRouter(tags=["people"])
router.add_router("/musters", muster_router)  # haven/people/muster_api.py

AlternateName = Annotated[str, column(Person, "full_name")]
SkillCode = Annotated[str, column(Skill, "code")]
EXTRA_KCAL = {"ge": 0, "le": 5000}


class PersonIn(Schema):
    full_name: str = column(Person, "full_name", "")
    given_name: str = column(Person, "given_name", "")
    family_name: str = column(Person, "family_name", "")
    alternate_names: list[AlternateName] = Field([], max_length=50)
    sex: Sex = Sex.UNKNOWN
    date_of_birth: date | None = None
    estimated_age: float | None = Field(None, ge=0, le=120, allow_inf_nan=False)
    phone: str = column(Person, "phone", "")
    household_id: Id | None = None
    team_id: Id | None = None
    skills: list[SkillCode] = Field([], max_length=50)
    special_needs: str = column(Person, "special_needs", "")
    extra_energy_kcal: int = column(Person, "extra_energy_kcal", 0, **EXTRA_KCAL)
    pregnant_or_lactating: bool = False
    languages: str = column(Person, "languages", "")
    notes: str = column(Person, "notes", "")
    record_id: str | None = column(Person, "record_id", None)
    status: Status = Status.PRESENT
    confirm_duplicate: bool = Field(
        False,
        description="Register although registered people may be this one (a 400 names them).",
    )


class PersonPatch(PatchSchema):
    model = Person

    full_name: str = column(Person, "full_name", None)
    given_name: str | None = column(Person, "given_name", None)
    family_name: str | None = column(Person, "family_name", None)
    alternate_names: list[AlternateName] = unchanged(max_length=50)
    sex: Sex = unchanged()
    date_of_birth: date | None = None
    estimated_age: float = unchanged(ge=0, le=120, allow_inf_nan=False)
    phone: str | None = column(Person, "phone", None)
    household_id: Id | None = None
    team_id: Id | None = None
    skills: list[SkillCode] = unchanged(max_length=50)
    special_needs: str | None = column(Person, "special_needs", None)
    extra_energy_kcal: int = column(Person, "extra_energy_kcal", None, **EXTRA_KCAL)
    pregnant_or_lactating: bool = unchanged()
    languages: str | None = column(Person, "languages", None)
    notes: str | None = column(Person, "notes", None)
    record_id: str | None = column(Person, "record_id", None)


class PersonName(PolicySchema):
    policy_model = "people.person"

    id: int
    full_name: str


class PersonOut(PolicySchema):
    """A person's record: the fields of groups the reader may not see are left out."""

    policy_model = "people.person"

    id: int
    record_id: str | None
    full_name: str
    given_name: str
    family_name: str
    alternate_names: list[str] = Field(alias="alternate_name_list")
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

    @staticmethod
    def resolve_age(person: Person) -> int | None:
        return person.age_years()

    @staticmethod
    def resolve_household(person: Person) -> str | None:
        return person.household.name if person.household else None

    @staticmethod
    def resolve_team(person: Person) -> str | None:
        return person.team.name if person.team else None

    @staticmethod
    def resolve_skills(person: Person) -> list[str]:
        return [skill.code for skill in person.skills.all()]


class StatusIn(Schema):
    status: Status
    reason: str = column(StatusEvent, "reason", "")
    place: str = column(StatusEvent, "place", "")
    occurred_at: datetime | None = None
    correction: bool = False


class StatusEventOut(PolicySchema):
    policy_model = "people.statusevent"

    id: int
    previous_status: str
    status: str
    occurred_at: datetime
    recorded_at: datetime
    recorded_by: str | None
    reason: str
    place: str
    is_correction: bool

    @staticmethod
    def resolve_recorded_by(event: StatusEvent) -> str | None:
        return event.recorded_by.get_username() if event.recorded_by else None


class DepartureIn(Schema):
    reason: str = column(Departure, "reason")
    destination: str = column(Departure, "destination", "")
    equipment_returned: str = column(Departure, "equipment_returned", "")
    left_at: datetime | None = None
    expected_back: date | None = None


class DepartureOut(PolicySchema):
    policy_model = "people.departure"

    id: int
    person_id: int
    left_at: datetime
    reason: str
    destination: str
    equipment_returned: str
    expected_back: date | None


class PersonReturnIn(Schema):
    note: str = column(Return, "note", "")
    returned_at: datetime | None = None
    injured: bool = False


class PersonReturnOut(PolicySchema):
    policy_model = "people.return"

    id: int
    person_id: int
    departure_id: int | None
    returned_at: datetime
    note: str


def _may_see(request: HttpRequest, person: Person) -> None:
    """A status history is part of the identity group: staff who see it, and everyone for
    their own record."""
    if not policy.may_see(request.user, person, policy.G.IDENTITY):
        raise PermissionDenied(_("your role may see only the roster's names and your own record"))


def _details(values: dict[str, Any]) -> dict[str, Any]:
    details = {key: value for key, value in values.items() if key not in {"status"}}
    if "alternate_names" in details and details["alternate_names"] is not None:
        details["alternate_names"] = "\n".join(details["alternate_names"])
    for key in ("household_id", "team_id"):
        if key in details:
            details[key.removesuffix("_id")] = details.pop(key)
    return details


def _person(person_id: int) -> Person:
    return services.get_person(person_id)


@router.get("/", response=page_of(PersonOut), summary="List or search people")
def list_people(
    request: HttpRequest,
    page: Query[PageQuery],
    q: Search = "",
    status: Status | None = None,
) -> dict[str, Any]:
    require(request.user, "people.view_person")
    names_only = not policy.searches_identity(request.user)
    if names_only and status is not None:
        raise PermissionDenied(_("your role may not filter people by status (it sees names only)"))
    people = Person.objects.search(q, names_only=names_only)
    if status is not None:
        people = people.filter(status=status)
    # The whole registry (or one status) is counted by the aggregates, not row by row.
    count = None if q.strip() else aggregates.headcount(status)
    rows = people.select_related("household", "team").prefetch_related("skills")
    return paginate(rows, page, count=count)


@router.post("/", response={201: PersonOut}, summary="Register a person")
def create_person(request: HttpRequest, payload: PersonIn) -> WithStatus[Person]:
    require(request.user, "people.add_person")
    values = payload.dict()
    person = services.register_person(
        by=request.user,
        status=values.pop("status"),
        confirm_duplicate=values.pop("confirm_duplicate"),
        **_details(values),
    )
    return WithStatus(201, person)


@router.get("/{int:person_id}", response=PersonOut, summary="One person's record")
def get_person(request: HttpRequest, person_id: Id) -> Person:
    require(request.user, "people.view_person")
    person = _person(person_id)
    if not policy.opens(request.user, person):
        raise PermissionDenied(_("your role may see only the roster's names and your own record"))
    return person


@router.patch("/{int:person_id}", response=PersonOut, summary="Change a person's details")
def update_person(request: HttpRequest, person_id: Id, payload: PersonPatch) -> Person:
    require(request.user, "people.change_person")
    person = _person(person_id)
    changes = _details(payload.dict(exclude_unset=True))
    return services.update_person(by=request.user, person=person, **changes)


class MergeIn(Schema):
    merged_id: Id = Field(description="The duplicate record, merged into this one.")
    reason: str = column(PersonMerge, "reason", "")


@router.post("/{int:person_id}/merge", response=PersonOut, summary="Merge a duplicate into this")
def merge_person(request: HttpRequest, person_id: Id, payload: MergeIn) -> Person:
    """The duplicate's history (status events, treatments, stays, hand-outs) moves to this
    record; the duplicate is marked merged and points here. Undo with `/unmerge`."""
    require(request.user, "people.merge_people")
    kept = _person(person_id)
    merged = _person(payload.merged_id)
    merging.merge_people(by=request.user, kept=kept, merged=merged, reason=payload.reason)
    return _person(person_id)


@router.post("/{int:person_id}/unmerge", response=PersonOut, summary="Undo a merge")
def unmerge_person(request: HttpRequest, person_id: Id) -> Person:
    """This record, merged into another, gets back the rows it brought and its status."""
    require(request.user, "people.merge_people")
    merging.unmerge_people(by=request.user, merged=_person(person_id))
    return _person(person_id)


@router.post(
    "/{int:person_id}/status", response={201: StatusEventOut}, summary="Record a status change"
)
def change_status(
    request: HttpRequest, person_id: Id, payload: StatusIn
) -> WithStatus[StatusEvent]:
    require(request.user, "people.change_status")
    person = _person(person_id)
    return WithStatus(201, services.change_status(by=request.user, person=person, **payload.dict()))


@router.get("/{int:person_id}/history", response=page_of(StatusEventOut), summary="Status history")
def status_history(request: HttpRequest, person_id: Id, page: Query[PageQuery]) -> dict[str, Any]:
    require(request.user, "people.view_person")
    person = _person(person_id)
    _may_see(request, person)
    return paginate(person.status_events.select_related("recorded_by"), page)


@router.post(
    "/{int:person_id}/departure", response={201: DepartureOut}, summary="Record a departure"
)
def record_departure(
    request: HttpRequest, person_id: Id, payload: DepartureIn
) -> WithStatus[Departure]:
    require(request.user, "people.record_departure")
    person = _person(person_id)
    return WithStatus(
        201, services.record_departure(by=request.user, person=person, **payload.dict())
    )


@router.post("/{int:person_id}/return", response={201: PersonReturnOut}, summary="Record a return")
def record_return(
    request: HttpRequest, person_id: Id, payload: PersonReturnIn
) -> WithStatus[Return]:
    require(request.user, "people.record_departure")
    person = _person(person_id)
    return WithStatus(201, services.record_return(by=request.user, person=person, **payload.dict()))


class HouseholdIn(Schema):
    name: str = column(Household, "name")
    notes: str = column(Household, "notes", "")


class HouseholdOut(PolicySchema):
    policy_model = "people.household"

    id: int
    name: str
    notes: str
    members: list[PersonName]


class TeamIn(Schema):
    name: str = column(Team, "name")
    purpose: str = column(Team, "purpose", "")


class TeamOut(PolicySchema):
    policy_model = "people.team"

    id: int
    name: str
    purpose: str
    members: list[PersonName]


def _with_members(groups: Any) -> Any:
    return groups.prefetch_related("members")


@router.get("/households", response=page_of(HouseholdOut), summary="Households and their members")
def list_households(request: HttpRequest, page: Query[PageQuery], q: Search = "") -> dict[str, Any]:
    require(request.user, "people.view_household")
    households = (
        Household.objects.filter(name__icontains=q.strip())
        if q.strip()
        else Household.objects.all()
    )
    return paginate(_with_members(households), page)


@router.post("/households", response={201: HouseholdOut}, summary="Add a household")
def create_household(request: HttpRequest, payload: HouseholdIn) -> WithStatus[Household]:
    require(request.user, "people.add_household")
    return WithStatus(201, services.create_household(name=payload.name, notes=payload.notes))


@router.get("/teams", response=page_of(TeamOut), summary="Teams and their members")
def list_teams(request: HttpRequest, page: Query[PageQuery]) -> dict[str, Any]:
    require(request.user, "people.view_person_details")
    return paginate(_with_members(Team.objects.all()), page)


@router.post("/teams", response={201: TeamOut}, summary="Add a team")
def create_team(request: HttpRequest, payload: TeamIn) -> WithStatus[Team]:
    require(request.user, "people.add_team")
    return WithStatus(201, services.create_team(name=payload.name, purpose=payload.purpose))
