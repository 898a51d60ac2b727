"""SITREP API: the figures of a period as JSON, and the commander's note."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Schema
from ninja.responses import Status as WithStatus

from haven.core.access import require
from haven.core.api import ApiRouter
from haven.core.schemas import column
from haven.sitrep import services
from haven.sitrep.indicators import camp_location, indicators, visible_sections
from haven.sitrep.models import SitrepNote

router = ApiRouter(tags=["sitrep"])


class IndicatorOut(Schema):
    key: str
    section: str
    name: str
    value: float | None
    unit: str
    threshold: float | None
    flagged: bool
    population: dict[str, int] | None
    affected: dict[str, int] | None


class SitrepNoteOut(Schema):
    text: str
    written_at: datetime


class SitrepOut(Schema):
    period: str
    start: datetime
    end: datetime
    location: str
    sections: list[str]
    indicators: list[IndicatorOut]
    note: SitrepNoteOut | None


class SitrepNoteIn(Schema):
    text: str = column(SitrepNote, "text")


@router.get("/", response=SitrepOut, summary="The SITREP's figures for a period")
def sitrep(request: HttpRequest, period: str = "24h", end: str | None = None) -> dict[str, Any]:
    """The figures of the `period` (e.g. 24h, 7d) ending at `end` (an ISO time with a zone;
    now by default), computed from the events alone; the parts the caller's role may see."""
    require(request.user, "sitrep.view_sitrep")
    report = services.sitrep(period=period, end=end)
    sections = visible_sections(request.user)
    return {
        "period": report.period.text,
        "start": report.period.start,
        "end": report.period.end,
        "location": camp_location(request.user),
        "sections": sorted(sections),
        "indicators": indicators(report, sections),
        "note": report.note,
    }


@router.post("/note", response={201: SitrepNoteOut}, summary="Write the commander's note")
def write_note(request: HttpRequest, payload: SitrepNoteIn) -> Any:
    require(request.user, "sitrep.write_sitrep_note")
    return WithStatus(201, services.write_note(by=request.user, text=payload.text))
