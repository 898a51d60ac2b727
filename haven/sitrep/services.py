"""SITREP use cases: compute the report of a period, write the commander's note."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.apps import apps
from django.db import transaction
from django.db.models import Exists, OuterRef, Q

from haven.audit.trail import audited, read_only
from haven.core.errors import HavenError
from haven.core.services import Author, acting_user, event_time
from haven.sitrep.figures import Sitrep, compute
from haven.sitrep.models import NOTE_MAX, SitrepNote
from haven.sitrep.period import Period, period_of


@read_only
def note_for(period: Period) -> SitrepNote | None:
    """The last note written in the period (a later note belongs to a later SITREP)."""
    return (
        SitrepNote.objects.filter(written_at__gt=period.start, written_at__lte=period.end)
        .select_related("written_by")
        .first()
    )


@read_only
def alerts_at(period: Period) -> list[Any]:
    """The alerts in force at the period's end, when the alerts app is installed: issued by
    then, not a Cancel, not expired, and not superseded by then (from the alert's history,
    so a later Update or Cancel leaves a past SITREP as it was)."""
    if not apps.is_installed("haven.alerts"):
        return []
    from haven.alerts.choices import MsgType, Step
    from haven.alerts.models import Alert, AlertEvent

    moment = period.end
    superseded = AlertEvent.objects.filter(
        alert=OuterRef("pk"), step=Step.SUPERSEDED, at__lte=moment
    )
    return list(
        Alert.objects.filter(sent__isnull=False, sent__lte=moment)
        .filter(Q(expires__isnull=True) | Q(expires__gt=moment))
        .exclude(msg_type=MsgType.CANCEL)
        .exclude(Exists(superseded))
        .order_by("-sent", "-pk")
    )


@read_only
def sitrep_period(*, period: str | None = None, end: datetime | str | None = None) -> Period:
    """The period asked for, checked (a bad length or end is refused, naming it)."""
    return period_of(period, end)


@read_only
def sitrep(*, period: str | None = None, end: datetime | str | None = None) -> Sitrep:
    """The SITREP of the `period` (e.g. "24h", the default) ending at `end` (now)."""
    span = period_of(period, end)
    report = compute(span)
    return Sitrep(
        period=report.period,
        people=report.people,
        health=report.health,
        supplies=report.supplies,
        shelter=report.shelter,
        missions=report.missions,
        series=report.series,
        note=note_for(span),
        alerts=alerts_at(span),
    )


@audited("sitrep.write_note")
@transaction.atomic
def write_note(*, by: Author, text: str, at: datetime | None = None) -> SitrepNote:
    """The commander's short note on the situation, shown on the SITREP of its period."""
    text = text.strip()
    if not text:
        raise HavenError("the note is empty")
    if len(text) > NOTE_MAX:
        raise HavenError(f"the note is {len(text):,} characters long: at most {NOTE_MAX:,}")
    return SitrepNote.objects.create(
        text=text, written_at=event_time(at, "note time"), written_by=acting_user(by)
    )
