"""Health API: the triage walker and records, the queue, injuries, treatments, outcomes,
the casualty register and figures. Every read of a medical record is audit-logged."""

from __future__ import annotations

from datetime import date, datetime
from datetime import date as Day
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema
from ninja.responses import Status as WithStatus

from haven.core import policy
from haven.core.access import require
from haven.core.api import ApiRouter
from haven.core.errors import NotFoundError
from haven.core.pagination import PageQuery, page_of, paginate
from haven.core.policy_schema import PolicySchema
from haven.core.schemas import Id, PatchSchema, Search, column, unchanged
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
from haven.health.models import (
    DeathRecord,
    Injury,
    OutcomeRecord,
    StartingPopulation,
    Treatment,
    TriageRecord,
)
from haven.people.models import Person
from haven.planning.triage import Algorithm, Question
from haven.stock.api import ItemRef, StoreRef

router = ApiRouter(tags=["health"])

MEDICAL = "health.view_medical_details"
# A walker's answer: a choice's value, a number (a rate, a count) or yes/no.
AnswerKey = Annotated[str, Field(max_length=40)]
AnswerValue = (
    Annotated[str, Field(max_length=40)] | Annotated[float, Field(allow_inf_nan=False)] | bool
)
Answers = Annotated[dict[AnswerKey, AnswerValue], Field(max_length=40)]


def _log(request: HttpRequest, people_ids: Any, view: str) -> None:
    services.log_medical_access(by=request.user, people_ids=people_ids, view=f"api:{view}")


# --- schemas --------------------------------------------------------------------------


class StepIn(Schema):
    algorithm: Algorithm
    answers: Answers = {}


class QuestionOut(Schema):
    key: str
    prompt: str
    kind: str
    choices: list[list[str]]
    unit: str
    minimum: float | None
    maximum: float | None
    hint: str

    @staticmethod
    def resolve_choices(question: Question) -> list[list[str]]:
        return [list(choice) for choice in question.choices]


class StepOut(Schema):
    done: bool
    question: QuestionOut | None = None
    category: str | None = None
    label: str | None = None
    colour: str | None = None
    reasons: list[str] = []


class TriageIn(Schema):
    person_id: Id
    answers: Answers
    algorithm: Algorithm | None = None
    pulse_rate: float | None = column(TriageRecord, "pulse_rate", None)
    systolic_bp: float | None = column(TriageRecord, "systolic_bp", None)
    gcs: int | None = column(TriageRecord, "gcs", None)
    place: str = column(TriageRecord, "place", "")
    note: str = column(TriageRecord, "note", "")
    triaged_at: datetime | None = None


class TriageOut(PolicySchema):
    policy_model = "health.triagerecord"

    id: int
    person_id: int
    full_name: str = Field(alias="person.full_name")
    triaged_at: datetime
    triaged_by: str | None
    algorithm: str
    category: str
    label: str = Field(alias="category_label")
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

    @staticmethod
    def resolve_triaged_by(record: TriageRecord) -> str | None:
        return record.triaged_by.get_username() if record.triaged_by else None

    @staticmethod
    def resolve_overdue(record: TriageRecord) -> bool:
        return record.is_overdue()


class InjuryIn(Schema):
    body_region: BodyRegion
    kind: InjuryKind
    cause: Cause = Cause.UNKNOWN
    burn_body_surface_percent: int | None = column(
        Injury, "burn_body_surface_percent", None, le=100
    )
    occurred_at: datetime | None = None
    place: str = column(Injury, "place", "")
    description: str = column(Injury, "description", "")


class InjuryOut(PolicySchema):
    policy_model = "health.injury"

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
    what: str = column(Treatment, "what")
    injury_id: Id | None = None
    note: str = column(Treatment, "note", "")
    given_at: datetime | None = None
    item: ItemRef | None = Field(None, description="Stock item code, name or id")
    store: StoreRef | None = Field(None, description="Store name or id")
    quantity: Decimal | None = column(Treatment, "quantity", None)


class TreatmentOut(PolicySchema):
    policy_model = "health.treatment"

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

    @staticmethod
    def resolve_given_by(treatment: Treatment) -> str | None:
        return treatment.given_by.get_username() if treatment.given_by else None

    @staticmethod
    def resolve_item(treatment: Treatment) -> str | None:
        return treatment.item.code if treatment.item else None

    @staticmethod
    def resolve_store(treatment: Treatment) -> str | None:
        return treatment.store.name if treatment.store else None

    @staticmethod
    def resolve_ledger_entry_ids(treatment: Treatment) -> list[int]:
        return [entry.pk for entry in treatment.ledger_entries.all()]


class DeathDetails(Schema):
    cause: Cause = Cause.UNKNOWN
    cause_detail: str = column(DeathRecord, "cause_detail", "")
    place: str = column(DeathRecord, "place", "")
    circumstances: str = column(DeathRecord, "circumstances", "")
    identified_by: str = column(DeathRecord, "identified_by", "")
    confidence: IdentificationConfidence = IdentificationConfidence.CONFIRMED


class OutcomeIn(Schema):
    outcome: Outcome
    note: str = column(OutcomeRecord, "note", "")
    destination: str = column(OutcomeRecord, "destination", "")
    occurred_at: datetime | None = None
    return_to_present: bool = True
    death: DeathDetails | None = None


class OutcomeOut(PolicySchema):
    policy_model = "health.outcomerecord"

    id: int
    person_id: int
    outcome: str
    occurred_at: datetime
    note: str
    destination: str
    status: str = Field(alias="person.status")


class HealthRecordOut(PolicySchema):
    policy_model = "people.person"

    id: int
    full_name: str
    status: str
    triages: list[TriageOut] | None = None
    injuries: list[InjuryOut] | None = None
    treatments: list[TreatmentOut] | None = None


class DeathIn(Schema):
    person_id: Id
    died_at: datetime
    time_is_estimate: bool = False
    place: str = column(DeathRecord, "place", "")
    cause: Cause
    cause_detail: str = column(DeathRecord, "cause_detail", "")
    circumstances: str = column(DeathRecord, "circumstances", "")
    identified_by: str = column(DeathRecord, "identified_by", "")
    confidence: IdentificationConfidence
    disposition: Disposition = Disposition.PENDING
    disposition_place: str = column(DeathRecord, "disposition_place", "")
    personal_effects: str = column(DeathRecord, "personal_effects", "")
    next_of_kin: str = column(DeathRecord, "next_of_kin", "")
    next_of_kin_told: bool = False
    confirm: bool = False


class DeathPatch(PatchSchema):
    model = DeathRecord

    died_at: datetime = unchanged()
    time_is_estimate: bool = unchanged()
    place: str | None = column(DeathRecord, "place", None)
    cause: Cause = unchanged()
    cause_detail: str | None = column(DeathRecord, "cause_detail", None)
    circumstances: str | None = column(DeathRecord, "circumstances", None)
    identified_by: str | None = column(DeathRecord, "identified_by", None)
    confidence: IdentificationConfidence = unchanged()
    disposition: Disposition = unchanged()
    disposition_place: str | None = column(DeathRecord, "disposition_place", None)
    personal_effects: str | None = column(DeathRecord, "personal_effects", None)
    next_of_kin: str | None = column(DeathRecord, "next_of_kin", None)
    next_of_kin_told: bool = unchanged()


class CorrectionIn(DeathPatch):
    reason: str = column(DeathRecord, "correction_reason")


class DeathOut(PolicySchema):
    """A death: every role sees who and when; the medical fields medics and the commander;
    the places (of the death, of the body) read "hidden" but for those who see locations."""

    policy_model = "health.deathrecord"

    id: int
    person_id: int
    full_name: str = Field(alias="person.full_name")
    died_at: datetime
    time_is_estimate: bool
    place: str
    cause: str
    cause_detail: str
    circumstances: str
    identified_by: str
    confidence: str
    disposition: str
    disposition_place: str
    personal_effects: str
    next_of_kin: str
    next_of_kin_told: bool
    confirmed: bool = Field(alias="is_confirmed")
    corrects_id: int | None
    correction_reason: str


class FigureRowOut(PolicySchema):
    policy_model = "health.figurerow"

    date: date | None
    cause: str
    place: str
    killed: int
    injured: int
    missing: int

    @staticmethod
    def resolve_date(row: Any) -> Day | None:
        return None if row.day == Day.min else row.day


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
    count: int = column(StartingPopulation, "count", ge=1)
    note: str = column(StartingPopulation, "note", "")


# --- triage ---------------------------------------------------------------------------


@router.post("/triage/step", response=StepOut, summary="Walk a triage algorithm one step")
def triage_step(request: HttpRequest, payload: StepIn) -> dict[str, Any]:
    require(request.user, "health.add_triagerecord")
    step = services.walk(payload.algorithm, payload.answers)
    if isinstance(step, Question):
        return {"done": False, "question": step}
    return {
        "done": True,
        "category": step.category.value,
        "label": step.category.label,
        "colour": step.category.colour,
        "reasons": list(step.reasons),
    }


def _triage(record_id: int) -> TriageRecord:
    return TriageRecord.objects.select_related("person", "triaged_by").get(pk=record_id)


@router.post("/triage", response={201: TriageOut}, summary="Triage or re-triage a person")
def create_triage(request: HttpRequest, payload: TriageIn) -> WithStatus[TriageRecord]:
    require(request.user, "health.add_triagerecord")
    values = payload.dict()
    person = services.get_person(values.pop("person_id"))
    record = services.record_triage(by=request.user, person=person, **values)
    return WithStatus(201, _triage(record.pk))


@router.get("/queue", response=page_of(TriageOut), summary="The triage queue, most urgent first")
def triage_queue(request: HttpRequest, page: Query[PageQuery]) -> dict[str, Any]:
    require(request.user, MEDICAL)
    result = paginate(TriageRecord.objects.queue().select_related("person", "triaged_by"), page)
    _log(request, [record.person_id for record in result["items"]], "queue")
    return result


@router.get("/triage/{int:record_id}", response=TriageOut, summary="One triage record")
def get_triage(request: HttpRequest, record_id: Id) -> TriageRecord:
    require(request.user, MEDICAL)
    record = services.get_triage(record_id)
    _log(request, [record.person_id], "triage")
    return _triage(record.pk)


# --- a person's health record ---------------------------------------------------------------


@router.get("/people/{int:person_id}", response=HealthRecordOut, summary="A health record")
def health_record(request: HttpRequest, person_id: Id) -> dict[str, Any]:
    """Medics and the commander get the record; any other role only the person's status."""
    require(request.user, "health.view_casualty_register")
    person = services.get_person(person_id)
    out: dict[str, Any] = {"id": person.pk, "full_name": person.full_name, "status": person.status}
    if not request.user.has_perm(MEDICAL):
        return out
    _log(request, [person.pk], "person")
    out["triages"] = list(person.triage_records.select_related("person", "triaged_by"))
    out["injuries"] = list(person.injuries.all())
    out["treatments"] = list(
        person.treatments.select_related("given_by", "item", "store").prefetch_related(
            "ledger_entries"
        )
    )
    return out


@router.post(
    "/people/{int:person_id}/injuries", response={201: InjuryOut}, summary="Record an injury"
)
def create_injury(request: HttpRequest, person_id: Id, payload: InjuryIn) -> WithStatus[Injury]:
    require(request.user, "health.add_injury")
    person = services.get_person(person_id)
    return WithStatus(201, services.record_injury(by=request.user, person=person, **payload.dict()))


@router.post(
    "/people/{int:person_id}/treatments",
    response={201: TreatmentOut},
    summary="Record a treatment (and issue the medical stock it used)",
)
def create_treatment(
    request: HttpRequest, person_id: Id, payload: TreatmentIn
) -> WithStatus[Treatment]:
    require(request.user, "health.add_treatment")
    person = services.get_person(person_id)
    values = payload.dict()
    injury_id = values.pop("injury_id")
    injury = None
    if injury_id is not None:
        injury = person.injuries.filter(pk=injury_id).first()
        if injury is None:
            raise NotFoundError(
                _("%(full_name)s has no injury with id %(injury_id)s")
                % {"full_name": person.full_name, "injury_id": injury_id}
            )
    treatment = services.record_treatment(by=request.user, person=person, injury=injury, **values)
    return WithStatus(201, treatment)


@router.post(
    "/people/{int:person_id}/outcome", response={201: OutcomeOut}, summary="Record an outcome"
)
def create_outcome(
    request: HttpRequest, person_id: Id, payload: OutcomeIn
) -> WithStatus[OutcomeRecord]:
    require(request.user, "health.record_outcome")
    person = services.get_person(person_id)
    values = payload.dict()
    death = values.pop("death")
    outcome = services.record_outcome(by=request.user, person=person, death=death, **values)
    return WithStatus(201, OutcomeRecord.objects.select_related("person").get(pk=outcome.pk))


# --- casualty register ----------------------------------------------------------------------


@router.get("/deaths", response=page_of(DeathOut), summary="The casualty register")
def list_deaths(request: HttpRequest, page: Query[PageQuery], q: Search = "") -> dict[str, Any]:
    require(request.user, "health.view_casualty_register")
    records = DeathRecord.objects.current().select_related("person").order_by("-died_at", "-id")
    if q.strip():
        names_only = not policy.searches_identity(request.user)
        records = records.filter(person__in=Person.objects.search(q, names_only=names_only))
    result = paginate(records, page)
    if request.user.has_perm("health.view_deathrecord"):
        _log(request, [record.person_id for record in result["items"]], "deaths")
    return result


@router.post("/deaths", response={201: DeathOut}, summary="Record a death")
def create_death(request: HttpRequest, payload: DeathIn) -> WithStatus[DeathRecord]:
    require(request.user, "health.add_deathrecord")
    values = payload.dict()
    person = services.get_person(values.pop("person_id"))
    if values["confirm"]:
        require(request.user, "health.confirm_deathrecord")
    return WithStatus(201, services.record_death(by=request.user, person=person, **values))


@router.get("/deaths/{int:record_id}", response=DeathOut, summary="One death record")
def get_death(request: HttpRequest, record_id: Id) -> DeathRecord:
    require(request.user, "health.view_deathrecord")
    record = services.get_death_record(record_id)
    _log(request, [record.person_id], "death")
    return record


@router.patch("/deaths/{int:record_id}", response=DeathOut, summary="Complete a draft record")
def update_death(request: HttpRequest, record_id: Id, payload: DeathPatch) -> DeathRecord:
    require(request.user, "health.change_deathrecord")
    record = services.get_death_record(record_id)
    changes = payload.dict(exclude_unset=True)
    return services.update_death_record(by=request.user, record=record, **changes)


@router.post("/deaths/{int:record_id}/confirm", response=DeathOut, summary="Confirm and lock")
def confirm_death(request: HttpRequest, record_id: Id) -> DeathRecord:
    require(request.user, "health.confirm_deathrecord")
    record = services.get_death_record(record_id)
    return services.confirm_death_record(by=request.user, record=record)


@router.post(
    "/deaths/{int:record_id}/correction", response={201: DeathOut}, summary="Correct a record"
)
def correct_death(
    request: HttpRequest, record_id: Id, payload: CorrectionIn
) -> WithStatus[DeathRecord]:
    require(request.user, "health.correct_deathrecord")
    record = services.get_death_record(record_id)
    changes = payload.dict(exclude_unset=True)
    reason = changes.pop("reason")
    corrected = services.correct_death_record(
        by=request.user, record=record, reason=reason, **changes
    )
    return WithStatus(201, corrected)


@router.get("/figures", response=FiguresOut, summary="Dead, injured and missing")
def figures(request: HttpRequest) -> Any:
    require(request.user, "health.view_casualty_register")
    return casualty_figures()


@router.put("/starting-population", response=FiguresOut, summary="Set the starting population")
def set_starting_population(request: HttpRequest, payload: StartingPopulationIn) -> Any:
    require(request.user, "health.set_starting_population")
    services.set_starting_population(by=request.user, **payload.dict())
    return casualty_figures()
