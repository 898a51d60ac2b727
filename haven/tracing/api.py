"""Tracing API: requests and their notes, and the candidate pairs a tracing officer confirms
or rejects. Mounted at /api/v1/tracing/."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Query, Schema
from ninja.responses import Status as WithStatus

from haven.core.access import require
from haven.core.api import ApiRouter
from haven.core.pagination import PageQuery, page_of, paginate
from haven.core.policy_schema import PolicySchema
from haven.core.schemas import Id, PatchSchema, Search, column, unchanged
from haven.people.choices import Sex
from haven.tracing import services
from haven.tracing.choices import CandidateLabel, CandidateState, NoteStatus, RequestState
from haven.tracing.models import Candidate, TracingNote, TracingRequest
from haven.tracing.queries import candidates_for_review, search_requests

router = ApiRouter(tags=["tracing"])

VIEW = "tracing.view_tracingrequest"
AlternateName = Annotated[str, column(TracingRequest, "full_name")]


class RequestIn(Schema):
    asker_name: str = column(TracingRequest, "asker_name")
    asker_contact: str = column(TracingRequest, "asker_contact", "")
    asker_relationship: str = column(TracingRequest, "asker_relationship", "")
    full_name: str = column(TracingRequest, "full_name", "")
    given_name: str = column(TracingRequest, "given_name", "")
    family_name: str = column(TracingRequest, "family_name", "")
    alternate_names: list[AlternateName] = Field([], max_length=50)
    sex: Sex = Sex.UNKNOWN
    date_of_birth: date | None = None
    age_min: int | None = Field(None, ge=0, le=services.OLDEST_AGE)
    age_max: int | None = Field(None, ge=0, le=services.OLDEST_AGE)
    phone: str = column(TracingRequest, "phone", "")
    origin: str = column(TracingRequest, "origin", "")
    last_seen_place: str = column(TracingRequest, "last_seen_place", "")
    last_seen_at: datetime | None = None
    distinguishing_features: str = column(TracingRequest, "distinguishing_features", "")
    consent_to_share: bool = False
    note: str = column(TracingNote, "text", "")


class RequestPatch(PatchSchema):
    model = TracingRequest

    asker_name: str = column(TracingRequest, "asker_name", None)
    asker_contact: str | None = column(TracingRequest, "asker_contact", None)
    asker_relationship: str | None = column(TracingRequest, "asker_relationship", None)
    full_name: str = column(TracingRequest, "full_name", None)
    given_name: str | None = column(TracingRequest, "given_name", None)
    family_name: str | None = column(TracingRequest, "family_name", None)
    alternate_names: list[AlternateName] = unchanged(max_length=50)
    sex: Sex = unchanged()
    date_of_birth: date | None = None
    age_min: int | None = Field(None, ge=0, le=services.OLDEST_AGE)
    age_max: int | None = Field(None, ge=0, le=services.OLDEST_AGE)
    phone: str | None = column(TracingRequest, "phone", None)
    origin: str | None = column(TracingRequest, "origin", None)
    last_seen_place: str | None = column(TracingRequest, "last_seen_place", None)
    last_seen_at: datetime | None = None
    distinguishing_features: str | None = column(TracingRequest, "distinguishing_features", None)
    consent_to_share: bool = unchanged()


class RequestOut(PolicySchema):
    """A tracing request: the fields of groups the reader may not see are left out."""

    policy_model = "tracing.tracingrequest"

    id: int
    full_name: str
    asker_name: str
    asker_contact: str
    asker_relationship: str
    given_name: str
    family_name: str
    alternate_names: list[str] = Field(alias="alternate_name_list")
    sex: str
    date_of_birth: date | None
    age_min: int | None
    age_max: int | None
    phone: str
    origin: str
    last_seen_place: str
    last_seen_at: datetime | None
    distinguishing_features: str
    has_photo: bool
    consent_to_share: bool
    state: str
    outcome: str
    found_person_id: int | None
    source: str
    pfif_record_id: str | None
    expires_at: datetime | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_has_photo(request: TracingRequest) -> bool:
        return bool(request.photo)


class NoteIn(Schema):
    text: str = column(TracingNote, "text", "")
    status: NoteStatus = NoteStatus.NONE
    author_name: str = column(TracingNote, "author_name", "")
    author_made_contact: bool | None = None
    last_known_location: str = column(TracingNote, "last_known_location", "")


class NoteOut(PolicySchema):
    policy_model = "tracing.tracingnote"

    id: int
    request_id: int
    status: str
    text: str
    author_name: str
    author_made_contact: bool | None
    last_known_location: str
    linked_person_id: int | None
    state: str
    created_at: datetime
    recorded_by: str | None

    @staticmethod
    def resolve_recorded_by(note: TracingNote) -> str | None:
        return note.recorded_by.get_username() if note.recorded_by else None


class CloseIn(Schema):
    reason: str = column(TracingNote, "text")


class EvidenceOut(Schema):
    field: str
    level: str
    weight: float
    words: str


class CandidateOut(PolicySchema):
    """A proposed (or decided) pair and why, field by field; the phone's evidence is
    contact."""

    policy_model = "tracing.candidate"

    id: int
    request_id: int | None
    first_person_id: int | None
    person_id: int
    full_name: str = Field(alias="person.full_name")
    sought: str
    probability: float
    match_weight: float
    label: str
    evidence: list[EvidenceOut]
    phone_evidence: list[EvidenceOut]
    summary: str
    state: str
    found_at: datetime
    decided_at: datetime | None
    decided_by: str | None
    decision_note: str

    @staticmethod
    def resolve_sought(candidate: Candidate) -> str:
        if candidate.request is not None:
            return candidate.request.full_name
        return candidate.first_person.full_name if candidate.first_person else ""

    @staticmethod
    def resolve_evidence(candidate: Candidate) -> list[dict[str, Any]]:
        return [item for item in candidate.evidence if item.get("field") != "phone"]

    @staticmethod
    def resolve_phone_evidence(candidate: Candidate) -> list[dict[str, Any]]:
        return [item for item in candidate.evidence if item.get("field") == "phone"]

    @staticmethod
    def resolve_summary(candidate: Candidate) -> str:
        return candidate.summary

    @staticmethod
    def resolve_decided_by(candidate: Candidate) -> str | None:
        return candidate.decided_by.get_username() if candidate.decided_by else None


class DecisionIn(Schema):
    note: str = column(Candidate, "decision_note", "")


def _request(request_id: int) -> TracingRequest:
    return services.get_request(request_id)


@router.get("/requests/", response=page_of(RequestOut), summary="List or search tracing requests")
def list_requests(
    request: HttpRequest,
    page: Query[PageQuery],
    q: Search = "",
    state: RequestState | None = None,
) -> dict[str, Any]:
    require(request.user, VIEW)
    return paginate(search_requests(q, state=state), page)


@router.post("/requests/", response={201: RequestOut}, summary="Open a tracing request")
def create_request(request: HttpRequest, payload: RequestIn) -> WithStatus[TracingRequest]:
    require(request.user, "tracing.add_tracingrequest")
    values = payload.dict()
    return WithStatus(201, services.open_request(by=request.user, **values))


@router.get("/requests/{int:request_id}", response=RequestOut, summary="One tracing request")
def get_request(request: HttpRequest, request_id: Id) -> TracingRequest:
    require(request.user, VIEW)
    return _request(request_id)


@router.patch(
    "/requests/{int:request_id}", response=RequestOut, summary="Change an open tracing request"
)
def update_request(request: HttpRequest, request_id: Id, payload: RequestPatch) -> TracingRequest:
    require(request.user, "tracing.change_tracingrequest")
    changes = payload.dict(exclude_unset=True)
    return services.update_request(by=request.user, request=_request(request_id), **changes)


@router.get(
    "/requests/{int:request_id}/notes",
    response=page_of(NoteOut),
    summary="A request's history of notes",
)
def list_notes(request: HttpRequest, request_id: Id, page: Query[PageQuery]) -> dict[str, Any]:
    require(request.user, VIEW)
    return paginate(_request(request_id).notes.select_related("recorded_by"), page)


@router.post(
    "/requests/{int:request_id}/notes", response={201: NoteOut}, summary="Add a note to a request"
)
def add_note(request: HttpRequest, request_id: Id, payload: NoteIn) -> WithStatus[TracingNote]:
    require(request.user, "tracing.change_tracingrequest")
    note = services.add_note(by=request.user, request=_request(request_id), **payload.dict())
    return WithStatus(201, note)


@router.post(
    "/requests/{int:request_id}/close", response=RequestOut, summary="Close a tracing request"
)
def close_request(request: HttpRequest, request_id: Id, payload: CloseIn) -> TracingRequest:
    require(request.user, "tracing.change_tracingrequest")
    return services.close_request(
        by=request.user, request=_request(request_id), reason=payload.reason
    )


@router.get(
    "/candidates/", response=page_of(CandidateOut), summary="Candidate pairs, most probable first"
)
def list_candidates(
    request: HttpRequest,
    page: Query[PageQuery],
    state: CandidateState = CandidateState.PROPOSED,
    label: CandidateLabel | None = None,
    request_id: Id | None = None,
) -> dict[str, Any]:
    require(request.user, VIEW)
    return paginate(candidates_for_review(state=state, label=label, request_id=request_id), page)


@router.get(
    "/candidates/{int:candidate_id}", response=CandidateOut, summary="One candidate pair, explained"
)
def get_candidate(request: HttpRequest, candidate_id: Id) -> Candidate:
    require(request.user, VIEW)
    return services.get_candidate(candidate_id)


@router.post(
    "/candidates/{int:candidate_id}/confirm",
    response=CandidateOut,
    summary="Confirm a pair is one person",
)
def confirm_candidate(request: HttpRequest, candidate_id: Id, payload: DecisionIn) -> Candidate:
    require(request.user, "tracing.decide_candidate")
    candidate = services.get_candidate(candidate_id)
    return services.confirm_candidate(by=request.user, candidate=candidate, note=payload.note)


@router.post(
    "/candidates/{int:candidate_id}/reject",
    response=CandidateOut,
    summary="Reject a pair: never proposed again",
)
def reject_candidate(request: HttpRequest, candidate_id: Id, payload: DecisionIn) -> Candidate:
    require(request.user, "tracing.decide_candidate")
    candidate = services.get_candidate(candidate_id)
    return services.reject_candidate(by=request.user, candidate=candidate, note=payload.note)
