"""People API: registry, status changes and history, departures and returns, musters."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status as WithStatus

from haven.core.access import require
from haven.core.errors import HavenError
from haven.people import accounting, musters, services
from haven.people.choices import Sex, Status
from haven.people.models import (
    Household,
    MissingBatch,
    MissingMark,
    Muster,
    Person,
    StatusEvent,
    Team,
)

router = Router(tags=["people"])


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


# --- musters --------------------------------------------------------------------------
# Figures come from haven.people.accounting: expected = checked in + accounted for elsewhere
# + unaccounted, live while a muster is open and as at its closing once closed.

MusterId = Annotated[int, Field(ge=1, le=musters.ID_MAX)]


class MusterIn(Schema):
    label: str = Field("", max_length=musters.LABEL_MAX)
    place: str = Field("", max_length=musters.LABEL_MAX)


class PlaceCountOut(Schema):
    key: str
    label: str
    count: int


class MusterOut(Schema):
    """A muster and its four figures; expected_count = checked_in_count + elsewhere_count +
    unaccounted_count, counted at `counted_at` (now while open, its closing once closed)."""

    id: int = Field(alias="muster.pk")
    label: str = Field(alias="muster.label")
    place: str = Field(alias="muster.place")
    opened_at: datetime = Field(alias="muster.opened_at")
    closed_at: datetime | None = Field(alias="muster.closed_at")
    is_open: bool = Field(alias="muster.is_open")
    counted_at: datetime
    expected_count: int = Field(alias="expected")
    checked_in_count: int = Field(alias="checked_in")
    elsewhere_count: int
    unaccounted_count: int = Field(alias="unaccounted")
    elsewhere: list[PlaceCountOut]


class CheckInIn(Schema):
    person_id: MusterId


class CheckInOut(Schema):
    person_id: int = Field(alias="check_in.person_id")
    full_name: str = Field(alias="check_in.person.full_name")
    checked_at: datetime = Field(alias="check_in.checked_at")
    created: bool
    status: str = Field(alias="check_in.person.status")


class UnaccountedOut(Schema):
    """Someone who has not answered; once the muster is closed, whether they may be marked
    missing now (`why_not` says why not, e.g. "now in the clinic")."""

    id: int = Field(alias="person.pk")
    full_name: str = Field(alias="person.full_name")
    status: str = Field(alias="person.status")
    status_at_close: str
    markable: bool
    why_not: str


class ElsewhereOut(Schema):
    id: int = Field(alias="person.pk")
    full_name: str = Field(alias="person.full_name")
    status: str = Field(alias="person.status")
    key: str
    label: str


class MarkMissingIn(Schema):
    """Whom to mark missing: `person_ids` (some of the unaccounted) or `all: true`."""

    person_ids: list[MusterId] | None = None
    all: bool = False
    note: str = Field("", max_length=musters.NOTE_MAX)


class MissingMarkOut(Schema):
    person_id: int
    full_name: str = Field(alias="person.full_name")
    event_id: int
    status_before: str = Field(alias="event.previous_status")
    undo_event_id: int | None


class MissingBatchOut(Schema):
    id: int
    muster_id: int
    marked_at: datetime
    marked_by: str | None
    note: str
    undone_at: datetime | None
    undone_by: str | None
    undo_reason: str
    marks: list[MissingMarkOut]

    @staticmethod
    def resolve_marked_by(batch: MissingBatch) -> str | None:
        return batch.marked_by.get_username() if batch.marked_by else None

    @staticmethod
    def resolve_undone_by(batch: MissingBatch) -> str | None:
        return batch.undone_by.get_username() if batch.undone_by else None

    @staticmethod
    def resolve_marks(batch: MissingBatch) -> list[MissingMark]:
        return list(batch.marks.all())


class LeftAloneOut(Schema):
    person_id: int = Field(alias="person.pk")
    full_name: str = Field(alias="person.full_name")
    why: str


class MarkMissingOut(Schema):
    batch: MissingBatchOut
    left_alone: list[LeftAloneOut]


class UndoBatchIn(Schema):
    reason: str = Field("", max_length=musters.NOTE_MAX)


class RestoredOut(Schema):
    person_id: int
    event_id: int = Field(alias="pk")
    status: str


class UndoBatchOut(Schema):
    batch: MissingBatchOut
    restored: list[RestoredOut]
    left_alone: list[LeftAloneOut]


def _batches(muster: Muster) -> QuerySet[MissingBatch]:
    return muster.missing_batches.select_related("marked_by", "undone_by").prefetch_related(
        Prefetch("marks", MissingMark.objects.select_related("person", "event").order_by("pk"))
    )


@router.get("/musters", response=list[MusterOut], summary="Recent musters and their figures")
def list_musters(request: HttpRequest, limit: int = 20) -> list[Any]:
    require(request.user, "people.check_in_muster")
    recent = list(Muster.objects.all()[: min(max(limit, 1), 200)])
    counted = accounting.accounts(recent)
    return [counted[m.pk] for m in recent]


@router.post("/musters", response={201: MusterOut}, summary="Open a muster")
def open_muster(request: HttpRequest, payload: MusterIn) -> WithStatus[Any]:
    require(request.user, "people.run_muster")
    muster = musters.open_muster(by=request.user, **payload.dict())
    return WithStatus(201, accounting.account(muster))


@router.get("/musters/{int:muster_id}", response=MusterOut, summary="One muster and its figures")
def get_muster(request: HttpRequest, muster_id: int) -> Any:
    require(request.user, "people.check_in_muster")
    return accounting.account(musters.get_muster(muster_id))


@router.post("/musters/{int:muster_id}/check-in", response=CheckInOut, summary="Check a person in")
def check_in(request: HttpRequest, muster_id: int, payload: CheckInIn) -> Any:
    require(request.user, "people.check_in_muster")
    muster = musters.get_muster(muster_id)
    person = services.get_person(payload.person_id)
    result = musters.check_in(by=request.user, muster=muster, person=person)
    result.check_in.person.refresh_from_db(fields=["status"])
    return result


@router.post("/musters/{int:muster_id}/close", response=MusterOut, summary="Close a muster")
def close_muster(request: HttpRequest, muster_id: int) -> Any:
    require(request.user, "people.run_muster")
    muster = musters.close_muster(by=request.user, muster=musters.get_muster(muster_id))
    return accounting.account(muster)


@router.get(
    "/musters/{int:muster_id}/unaccounted",
    response=list[UnaccountedOut],
    summary="Who has not answered (and, once closed, who may be marked missing)",
)
def unaccounted(request: HttpRequest, muster_id: int) -> Any:
    require(request.user, "people.check_in_muster", "people.view_person")
    muster = musters.get_muster(muster_id)
    if muster.is_open:
        people = accounting.unaccounted(muster).order_by("full_name", "pk")
        return [musters.Unaccounted(p, "", "the muster is still open") for p in people]
    return musters.unaccounted_now(muster)


@router.get(
    "/musters/{int:muster_id}/elsewhere",
    response=list[ElsewhereOut],
    summary="Who is accounted for elsewhere (in the clinic, on mission …)",
)
def elsewhere(request: HttpRequest, muster_id: int) -> Any:
    require(request.user, "people.check_in_muster", "people.view_person")
    return accounting.elsewhere(musters.get_muster(muster_id))


@router.post(
    "/musters/{int:muster_id}/mark-missing",
    response={201: MarkMissingOut},
    summary="Mark some (person_ids) or all of a closed muster's unaccounted missing",
)
def mark_missing(request: HttpRequest, muster_id: int, payload: MarkMissingIn) -> WithStatus[Any]:
    require(request.user, "people.run_muster")
    muster = musters.get_muster(muster_id)
    if payload.all == (payload.person_ids is not None):
        raise HavenError('say whom to mark missing: "person_ids": [...] or "all": true')
    result = musters.mark_missing(
        by=request.user, muster=muster, person_ids=payload.person_ids, note=payload.note
    )
    result.batch = _batches(muster).get(pk=result.batch.pk)
    return WithStatus(201, result)


@router.get(
    "/musters/{int:muster_id}/batches",
    response=list[MissingBatchOut],
    summary="A muster's batches of people marked missing, newest first",
)
def missing_batches(request: HttpRequest, muster_id: int) -> Any:
    require(request.user, "people.check_in_muster", "people.view_person")
    return list(_batches(musters.get_muster(muster_id)))


@router.post(
    "/musters/{int:muster_id}/batches/{int:batch_id}/undo",
    response=UndoBatchOut,
    summary="Undo a batch of people marked missing (corrections; history kept)",
)
def undo_missing_batch(
    request: HttpRequest, muster_id: int, batch_id: int, payload: UndoBatchIn
) -> Any:
    require(request.user, "people.run_muster")
    muster = musters.get_muster(muster_id)
    batch = musters.get_batch(muster, batch_id)
    result = musters.undo_missing_batch(by=request.user, batch=batch, reason=payload.reason)
    result.batch = _batches(muster).get(pk=batch.pk)
    return result


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
