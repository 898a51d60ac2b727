"""Health API: the triage walker and records, the queue, injuries, treatments, outcomes,
the casualty register and figures. Every read of a medical record is audit-logged."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status as WithStatus

from haven.core.access import require
from haven.core.errors import NotFoundError
from haven.health import services
from haven.health.choices import (
    BodyRegion,
    Cause,
    Disposition,
    IdentificationConfidence,
    InjuryKind,
    Outcome,
)
from haven.health.figures import casualty_figures
from haven.health.models import DeathRecord, Injury, Treatment, TriageRecord
from haven.people.models import Person
from haven.planning.triage import Algorithm, Question

router = Router(tags=["health"])

MEDICAL = "health.view_medical_details"
AnswerValue = str | float | bool


def _log(request: HttpRequest, people_ids: Any, view: str) -> None:
    services.log_medical_access(by=request.user, people_ids=people_ids, view=f"api:{view}")


# --- schemas --------------------------------------------------------------------------


class StepIn(Schema):
    algorithm: Algorithm
    answers: dict[str, AnswerValue] = {}


class QuestionOut(Schema):
    key: str
    prompt: str
    kind: str
    choices: list[list[str]]
    unit: str
    minimum: float | None
    maximum: float | None
    hint: str


class StepOut(Schema):
    done: bool
    question: QuestionOut | None = None
    category: str | None = None
    label: str | None = None
    colour: str | None = None
    reasons: list[str] = []


class TriageIn(Schema):
    person_id: int
    answers: dict[str, AnswerValue]
    algorithm: Algorithm | None = None
    pulse_rate: float | None = None
    systolic_bp: float | None = None
    gcs: int | None = None
    place: str = ""
    note: str = ""
    triaged_at: datetime | None = None


class TriageOut(Schema):
    id: int
    person_id: int
    full_name: str
    triaged_at: datetime
    triaged_by: str | None
    algorithm: str
    category: str
    label: str
    colour: str
    priority: int
    answers: dict[str, Any]
    reasons: list[str]
    respiratory_rate: float | None
    pulse_rate: float | None
    systolic_bp: float | None
    gcs: int | None
    revised_trauma_score: float | None
    place: str
    note: str
    waiting_since: datetime
    retriage_due_at: datetime | None
    overdue: bool
    is_current: bool


class InjuryIn(Schema):
    body_region: BodyRegion
    kind: InjuryKind
    cause: Cause = Cause.UNKNOWN
    burn_body_surface_percent: int | None = None
    occurred_at: datetime | None = None
    place: str = ""
    description: str = ""


class InjuryOut(Schema):
    id: int
    person_id: int
    body_region: str
    kind: str
    cause: str
    burn_body_surface_percent: int | None
    occurred_at: datetime
    place: str
    description: str


class TreatmentIn(Schema):
    what: str
    injury_id: int | None = None
    note: str = ""
    given_at: datetime | None = None
    item: str | None = Field(None, description="Stock item code, name or id")
    store: str | None = Field(None, description="Store name or id")
    quantity: Decimal | None = None


class TreatmentOut(Schema):
    id: int
    person_id: int
    injury_id: int | None
    what: str
    note: str
    given_at: datetime
    given_by: str | None
    item: str | None
    store: str | None
    quantity: Decimal | None
    ledger_entry_ids: list[int]


class DeathDetails(Schema):
    cause: Cause = Cause.UNKNOWN
    cause_detail: str = ""
    place: str = ""
    circumstances: str = ""
    identified_by: str = ""
    confidence: IdentificationConfidence = IdentificationConfidence.CONFIRMED


class OutcomeIn(Schema):
    outcome: Outcome
    note: str = ""
    destination: str = ""
    occurred_at: datetime | None = None
    return_to_present: bool = True
    death: DeathDetails | None = None


class OutcomeOut(Schema):
    id: int
    person_id: int
    outcome: str
    occurred_at: datetime
    note: str
    destination: str
    status: str


class HealthRecordOut(Schema):
    id: int
    full_name: str
    status: str
    triages: list[TriageOut] | None = None
    injuries: list[InjuryOut] | None = None
    treatments: list[TreatmentOut] | None = None


class DeathIn(Schema):
    person_id: int
    died_at: datetime
    time_is_estimate: bool = False
    place: str = ""
    cause: Cause
    cause_detail: str = ""
    circumstances: str = ""
    identified_by: str = ""
    confidence: IdentificationConfidence
    disposition: Disposition = Disposition.PENDING
    disposition_place: str = ""
    personal_effects: str = ""
    next_of_kin: str = ""
    next_of_kin_told: bool = False
    confirm: bool = False


class DeathPatch(Schema):
    died_at: datetime | None = None
    time_is_estimate: bool | None = None
    place: str | None = None
    cause: Cause | None = None
    cause_detail: str | None = None
    circumstances: str | None = None
    identified_by: str | None = None
    confidence: IdentificationConfidence | None = None
    disposition: Disposition | None = None
    disposition_place: str | None = None
    personal_effects: str | None = None
    next_of_kin: str | None = None
    next_of_kin_told: bool | None = None


class CorrectionIn(DeathPatch):
    reason: str


class DeathOut(Schema):
    id: int
    person_id: int
    full_name: str
    died_at: datetime
    time_is_estimate: bool | None = None
    place: str | None = None
    cause: str | None = None
    cause_detail: str | None = None
    circumstances: str | None = None
    identified_by: str | None = None
    confidence: str | None = None
    disposition: str | None = None
    disposition_place: str | None = None
    personal_effects: str | None = None
    next_of_kin: str | None = None
    next_of_kin_told: bool | None = None
    confirmed: bool | None = None
    corrects_id: int | None = None
    correction_reason: str | None = None


class DeathPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[DeathOut]


class FigureRowOut(Schema):
    date: date | None
    cause: str
    place: str
    killed: int
    injured: int
    missing: int


class FiguresOut(Schema):
    killed: int
    injured: int
    missing: int
    starting_population: int | None
    killed_percent: float | None
    injured_percent: float | None
    missing_percent: float | None
    by_date: list[FigureRowOut]
    by_cause: list[FigureRowOut]


class StartingPopulationIn(Schema):
    count: int
    note: str = ""


# --- output helpers -----------------------------------------------------------------------


def question_out(question: Question) -> dict[str, Any]:
    return {
        "key": question.key,
        "prompt": question.prompt,
        "kind": question.kind,
        "choices": [list(choice) for choice in question.choices],
        "unit": question.unit,
        "minimum": question.minimum,
        "maximum": question.maximum,
        "hint": question.hint,
    }


def triage_out(record: TriageRecord) -> dict[str, Any]:
    return {
        "id": record.pk,
        "person_id": record.person_id,
        "full_name": record.person.full_name,
        "triaged_at": record.triaged_at,
        "triaged_by": record.triaged_by.get_username() if record.triaged_by else None,
        "algorithm": record.algorithm,
        "category": record.category,
        "label": record.category_label,
        "colour": record.colour,
        "priority": record.priority,
        "answers": record.answers,
        "reasons": record.reasons,
        "respiratory_rate": record.respiratory_rate,
        "pulse_rate": record.pulse_rate,
        "systolic_bp": record.systolic_bp,
        "gcs": record.gcs,
        "revised_trauma_score": record.revised_trauma_score,
        "place": record.place,
        "note": record.note,
        "waiting_since": record.waiting_since,
        "retriage_due_at": record.retriage_due_at,
        "overdue": record.is_overdue(),
        "is_current": record.is_current,
    }


def treatment_out(treatment: Treatment) -> dict[str, Any]:
    return {
        "id": treatment.pk,
        "person_id": treatment.person_id,
        "injury_id": treatment.injury_id,
        "what": treatment.what,
        "note": treatment.note,
        "given_at": treatment.given_at,
        "given_by": treatment.given_by.get_username() if treatment.given_by else None,
        "item": treatment.item.code if treatment.item else None,
        "store": treatment.store.name if treatment.store else None,
        "quantity": treatment.quantity,
        "ledger_entry_ids": [entry.pk for entry in treatment.ledger_entries.all()],
    }


def death_out(record: DeathRecord, detailed: bool) -> dict[str, Any]:
    """Name and date for every role; the rest only for medics and the commander."""
    out: dict[str, Any] = {
        "id": record.pk,
        "person_id": record.person_id,
        "full_name": record.person.full_name,
        "died_at": record.died_at,
    }
    if detailed:
        out.update({name: getattr(record, name) for name in services.DEATH_FIELDS})
        out.update(
            confirmed=record.is_confirmed,
            corrects_id=record.corrects_id,
            correction_reason=record.correction_reason,
        )
    return out


def _row(row: Any) -> dict[str, Any]:
    return {
        "date": None if row.day == date.min else row.day,
        "cause": row.cause,
        "place": row.place,
        "killed": row.killed,
        "injured": row.injured,
        "missing": row.missing,
    }


# --- triage ---------------------------------------------------------------------------


@router.post("/triage/step", response=StepOut, summary="Walk a triage algorithm one step")
def triage_step(request: HttpRequest, payload: StepIn) -> dict[str, Any]:
    require(request.user, "health.add_triagerecord")
    step = services.walk(payload.algorithm, payload.answers)
    if isinstance(step, Question):
        return {"done": False, "question": question_out(step)}
    return {
        "done": True,
        "category": step.category.value,
        "label": step.category.label,
        "colour": step.category.colour,
        "reasons": list(step.reasons),
    }


@router.post("/triage", response={201: TriageOut}, summary="Triage or re-triage a person")
def create_triage(request: HttpRequest, payload: TriageIn) -> WithStatus[dict[str, Any]]:
    require(request.user, "health.add_triagerecord")
    values = payload.dict()
    person = services.get_person(values.pop("person_id"))
    record = services.record_triage(by=request.user, person=person, **values)
    return WithStatus(201, triage_out(record))


@router.get("/queue", response=list[TriageOut], summary="The triage queue, most urgent first")
def triage_queue(request: HttpRequest, limit: int = 200) -> list[dict[str, Any]]:
    require(request.user, MEDICAL)
    records = list(
        TriageRecord.objects.queue().select_related("person", "triaged_by")[
            : min(max(limit, 1), 1000)
        ]
    )
    _log(request, [record.person_id for record in records], "queue")
    return [triage_out(record) for record in records]


@router.get("/triage/{int:record_id}", response=TriageOut, summary="One triage record")
def get_triage(request: HttpRequest, record_id: int) -> dict[str, Any]:
    require(request.user, MEDICAL)
    record = services.get_triage(record_id)
    _log(request, [record.person_id], "triage")
    return triage_out(record)


# --- a person's health record ---------------------------------------------------------------


@router.get("/people/{int:person_id}", response=HealthRecordOut, summary="A health record")
def health_record(request: HttpRequest, person_id: int) -> dict[str, Any]:
    """Medics and the commander get the record; any other role only the person's status."""
    require(request.user, "health.view_casualty_register")
    person = services.get_person(person_id)
    out: dict[str, Any] = {"id": person.pk, "full_name": person.full_name, "status": person.status}
    if not request.user.has_perm(MEDICAL):
        return out
    _log(request, [person.pk], "person")
    out["triages"] = [
        triage_out(record) for record in person.triage_records.select_related("triaged_by")
    ]
    out["injuries"] = list(person.injuries.all())
    out["treatments"] = [
        treatment_out(t)
        for t in person.treatments.select_related("given_by", "item", "store").prefetch_related(
            "ledger_entries"
        )
    ]
    return out


@router.post(
    "/people/{int:person_id}/injuries", response={201: InjuryOut}, summary="Record an injury"
)
def create_injury(request: HttpRequest, person_id: int, payload: InjuryIn) -> WithStatus[Injury]:
    require(request.user, "health.add_injury")
    person = services.get_person(person_id)
    return WithStatus(201, services.record_injury(by=request.user, person=person, **payload.dict()))


@router.post(
    "/people/{int:person_id}/treatments",
    response={201: TreatmentOut},
    summary="Record a treatment (and issue the medical stock it used)",
)
def create_treatment(
    request: HttpRequest, person_id: int, payload: TreatmentIn
) -> WithStatus[dict[str, Any]]:
    require(request.user, "health.add_treatment")
    person = services.get_person(person_id)
    values = payload.dict()
    injury_id = values.pop("injury_id")
    injury = None
    if injury_id is not None:
        injury = person.injuries.filter(pk=injury_id).first()
        if injury is None:
            raise NotFoundError(f"{person.full_name} has no injury with id {injury_id}")
    treatment = services.record_treatment(by=request.user, person=person, injury=injury, **values)
    return WithStatus(201, treatment_out(treatment))


@router.post(
    "/people/{int:person_id}/outcome", response={201: OutcomeOut}, summary="Record an outcome"
)
def create_outcome(
    request: HttpRequest, person_id: int, payload: OutcomeIn
) -> WithStatus[dict[str, Any]]:
    require(request.user, "health.record_outcome")
    person = services.get_person(person_id)
    values = payload.dict()
    death = values.pop("death")
    outcome = services.record_outcome(by=request.user, person=person, death=death, **values)
    person.refresh_from_db(fields=["status"])
    return WithStatus(
        201,
        {
            "id": outcome.pk,
            "person_id": person.pk,
            "outcome": outcome.outcome,
            "occurred_at": outcome.occurred_at,
            "note": outcome.note,
            "destination": outcome.destination,
            "status": person.status,
        },
    )


# --- casualty register ----------------------------------------------------------------------


@router.get("/deaths", response=DeathPage, summary="The casualty register")
def list_deaths(
    request: HttpRequest, q: str = "", limit: int = settings.HAVEN_API_PAGE_SIZE, offset: int = 0
) -> dict[str, Any]:
    require(request.user, "health.view_casualty_register")
    limit, offset = min(max(limit, 1), 1000), max(offset, 0)
    records = DeathRecord.objects.current().select_related("person").order_by("-died_at", "-id")
    if q.strip():
        records = records.filter(person__in=Person.objects.search(q))
    page = list(records[offset : offset + limit])
    detailed = request.user.has_perm("health.view_deathrecord")
    if detailed:
        _log(request, [record.person_id for record in page], "deaths")
    return {
        "count": records.count(),
        "limit": limit,
        "offset": offset,
        "items": [death_out(record, detailed) for record in page],
    }


@router.post("/deaths", response={201: DeathOut}, summary="Record a death")
def create_death(request: HttpRequest, payload: DeathIn) -> WithStatus[dict[str, Any]]:
    require(request.user, "health.add_deathrecord")
    values = payload.dict()
    person = services.get_person(values.pop("person_id"))
    if values["confirm"]:
        require(request.user, "health.confirm_deathrecord")
    record = services.record_death(by=request.user, person=person, **values)
    return WithStatus(201, death_out(record, True))


@router.get("/deaths/{int:record_id}", response=DeathOut, summary="One death record")
def get_death(request: HttpRequest, record_id: int) -> dict[str, Any]:
    require(request.user, "health.view_deathrecord")
    record = services.get_death_record(record_id)
    _log(request, [record.person_id], "death")
    return death_out(record, True)


@router.patch("/deaths/{int:record_id}", response=DeathOut, summary="Complete a draft record")
def update_death(request: HttpRequest, record_id: int, payload: DeathPatch) -> dict[str, Any]:
    require(request.user, "health.change_deathrecord")
    record = services.get_death_record(record_id)
    changes = payload.dict(exclude_unset=True)
    return death_out(services.update_death_record(by=request.user, record=record, **changes), True)


@router.post("/deaths/{int:record_id}/confirm", response=DeathOut, summary="Confirm and lock")
def confirm_death(request: HttpRequest, record_id: int) -> dict[str, Any]:
    require(request.user, "health.confirm_deathrecord")
    record = services.get_death_record(record_id)
    return death_out(services.confirm_death_record(by=request.user, record=record), True)


@router.post(
    "/deaths/{int:record_id}/correction", response={201: DeathOut}, summary="Correct a record"
)
def correct_death(
    request: HttpRequest, record_id: int, payload: CorrectionIn
) -> WithStatus[dict[str, Any]]:
    require(request.user, "health.correct_deathrecord")
    record = services.get_death_record(record_id)
    changes = payload.dict(exclude_unset=True)
    reason = changes.pop("reason")
    corrected = services.correct_death_record(
        by=request.user, record=record, reason=reason, **changes
    )
    return WithStatus(201, death_out(corrected, True))


@router.get("/figures", response=FiguresOut, summary="Dead, injured and missing")
def figures(request: HttpRequest) -> dict[str, Any]:
    require(request.user, "health.view_casualty_register")
    found = casualty_figures()
    return {
        "killed": found.killed,
        "injured": found.injured,
        "missing": found.missing,
        "starting_population": found.starting_population,
        "killed_percent": found.killed_percent,
        "injured_percent": found.injured_percent,
        "missing_percent": found.missing_percent,
        "by_date": [_row(row) for row in found.by_date],
        "by_cause": [_row(row) for row in found.by_cause],
    }


@router.put("/starting-population", response=FiguresOut, summary="Set the starting population")
def set_starting_population(request: HttpRequest, payload: StartingPopulationIn) -> dict[str, Any]:
    require(request.user, "health.set_starting_population")
    services.set_starting_population(by=request.user, **payload.dict())
    return figures(request)
