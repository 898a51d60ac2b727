"""Muster API, under /api/v1/people/musters: open, check in, close; the four figures (from
haven.people.accounting: expected = checked in + accounted for elsewhere + unaccounted, live
while open, as at closing once closed); who is unaccounted or elsewhere; mark-missing of some
or all, in batches that can be undone."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema
from ninja.responses import Status as WithStatus

from haven.core.access import require
from haven.core.api import ApiRouter
from haven.core.errors import HavenError
from haven.core.pagination import PageQuery, page_of, paginate
from haven.core.policy_schema import PolicySchema
from haven.core.schemas import Id, column
from haven.people import accounting, musters, services
from haven.people.models import MissingBatch, MissingMark, Muster

router = ApiRouter(tags=["people"])


class MusterIn(Schema):
    label: str = column(Muster, "label", "")
    place: str = column(Muster, "place", "")


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
    person_id: Id


class CheckInOut(PolicySchema):
    policy_model = "people.rollcall"

    person_id: int = Field(alias="check_in.person_id")
    full_name: str = Field(alias="check_in.person.full_name")
    checked_at: datetime = Field(alias="check_in.checked_at")
    created: bool
    status: str = Field(alias="check_in.person.status")


class UnaccountedOut(PolicySchema):
    """Someone who has not answered; once the muster is closed, whether they may be marked
    missing now (`why_not` says why not, e.g. "now in the clinic")."""

    policy_model = "people.rollcall"

    id: int = Field(alias="person.pk")
    full_name: str = Field(alias="person.full_name")
    status: str = Field(alias="person.status")
    status_at_close: str
    markable: bool
    why_not: str


class ElsewhereOut(PolicySchema):
    policy_model = "people.rollcall"

    id: int = Field(alias="person.pk")
    full_name: str = Field(alias="person.full_name")
    status: str = Field(alias="person.status")
    key: str
    label: str


class MarkMissingIn(Schema):
    """Whom to mark missing: `person_ids` (some of the unaccounted) or `all: true`."""

    person_ids: list[Id] | None = None
    all: bool = False
    note: str = Field("", max_length=musters.NOTE_MAX)


class MissingMarkOut(PolicySchema):
    policy_model = "people.rollcall"

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


class LeftAloneOut(PolicySchema):
    policy_model = "people.rollcall"

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


@router.get("", response=page_of(MusterOut), summary="Recent musters and their figures")
def list_musters(request: HttpRequest, page: Query[PageQuery]) -> dict[str, Any]:
    require(request.user, "people.check_in_muster")
    listed = paginate(Muster.objects.all(), page)
    counted = accounting.accounts(listed["items"])
    return {**listed, "items": [counted[m.pk] for m in listed["items"]]}


@router.post("", response={201: MusterOut}, summary="Open a muster")
def open_muster(request: HttpRequest, payload: MusterIn) -> WithStatus[Any]:
    require(request.user, "people.run_muster")
    muster = musters.open_muster(by=request.user, **payload.dict())
    return WithStatus(201, accounting.account(muster))


@router.get("/{int:muster_id}", response=MusterOut, summary="One muster and its figures")
def get_muster(request: HttpRequest, muster_id: Id) -> Any:
    require(request.user, "people.check_in_muster")
    return accounting.account(musters.get_muster(muster_id))


@router.post("/{int:muster_id}/check-in", response=CheckInOut, summary="Check a person in")
def check_in(request: HttpRequest, muster_id: Id, payload: CheckInIn) -> Any:
    require(request.user, "people.check_in_muster")
    muster = musters.get_muster(muster_id)
    person = services.get_person(payload.person_id)
    result = musters.check_in(by=request.user, muster=muster, person=person)
    result.check_in.person.refresh_from_db(fields=["status"])
    return result


@router.post("/{int:muster_id}/close", response=MusterOut, summary="Close a muster")
def close_muster(request: HttpRequest, muster_id: Id) -> Any:
    require(request.user, "people.run_muster")
    muster = musters.close_muster(by=request.user, muster=musters.get_muster(muster_id))
    return accounting.account(muster)


@router.get(
    "/{int:muster_id}/unaccounted",
    response=page_of(UnaccountedOut),
    summary="Who has not answered (and, once closed, who may be marked missing)",
)
def unaccounted(request: HttpRequest, muster_id: Id, page: Query[PageQuery]) -> dict[str, Any]:
    require(request.user, "people.check_in_muster", "people.view_person")
    muster = musters.get_muster(muster_id)
    if muster.is_open:
        listed = paginate(accounting.unaccounted(muster).order_by("full_name", "pk"), page)
        still_open = [
            musters.Unaccounted(p, "", "the muster is still open") for p in listed["items"]
        ]
        return {**listed, "items": still_open}
    return paginate(musters.unaccounted_now(muster), page)


@router.get(
    "/{int:muster_id}/elsewhere",
    response=page_of(ElsewhereOut),
    summary="Who is accounted for elsewhere (in the clinic, on mission …)",
)
def elsewhere(request: HttpRequest, muster_id: Id, page: Query[PageQuery]) -> dict[str, Any]:
    require(request.user, "people.check_in_muster", "people.view_person")
    return paginate(accounting.elsewhere(musters.get_muster(muster_id)), page)


@router.post(
    "/{int:muster_id}/mark-missing",
    response={201: MarkMissingOut},
    summary="Mark some (person_ids) or all of a closed muster's unaccounted missing",
)
def mark_missing(request: HttpRequest, muster_id: Id, payload: MarkMissingIn) -> WithStatus[Any]:
    require(request.user, "people.run_muster")
    muster = musters.get_muster(muster_id)
    if payload.all == (payload.person_ids is not None):
        raise HavenError(_('say whom to mark missing: "person_ids": [...] or "all": true'))
    result = musters.mark_missing(
        by=request.user, muster=muster, person_ids=payload.person_ids, note=payload.note
    )
    result.batch = _batches(muster).get(pk=result.batch.pk)
    return WithStatus(201, result)


@router.get(
    "/{int:muster_id}/batches",
    response=page_of(MissingBatchOut),
    summary="A muster's batches of people marked missing, newest first",
)
def missing_batches(request: HttpRequest, muster_id: Id, page: Query[PageQuery]) -> dict[str, Any]:
    require(request.user, "people.check_in_muster", "people.view_person")
    return paginate(_batches(musters.get_muster(muster_id)), page)


@router.post(
    "/{int:muster_id}/batches/{int:batch_id}/undo",
    response=UndoBatchOut,
    summary="Undo a batch of people marked missing (corrections; history kept)",
)
def undo_missing_batch(
    request: HttpRequest, muster_id: Id, batch_id: Id, payload: UndoBatchIn
) -> Any:
    require(request.user, "people.run_muster")
    muster = musters.get_muster(muster_id)
    batch = musters.get_batch(muster, batch_id)
    result = musters.undo_missing_batch(by=request.user, batch=batch, reason=payload.reason)
    result.batch = _batches(muster).get(pk=batch.pk)
    return result
