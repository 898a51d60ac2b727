"""The events behind a SITREP figure: the status events, triage records, ledger entries,
missions or people it was counted from (the page `/sitrep/events/?figure=…`)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.core.errors import HavenError
from haven.people.choices import IN_CAMP, Status
from haven.people.models import Person, StatusEvent
from haven.sitrep.figures import (
    issues_in,
    mission_receipts,
    missions_out_at,
    status_at,
    triage_queue_at,
)
from haven.sitrep.indicators import category
from haven.sitrep.period import Period

LIMIT = 500


@dataclass(frozen=True, slots=True)
class Behind:
    title: str
    section: str
    columns: list[str]
    rows: list[list[str]]
    more: bool  # more than LIMIT rows: the first LIMIT are shown


def _when(moment: Any) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else ""


def _status_events(period: Period, where: Q) -> Iterator[list[str]]:
    events = (
        StatusEvent.objects.filter(occurred_at__gt=period.start, occurred_at__lte=period.end)
        .filter(where)
        .select_related("person")
        .order_by("occurred_at", "id")
    )
    for event in events[: LIMIT + 1]:
        yield [
            _when(event.occurred_at),
            event.person.full_name,
            str(Status(event.previous_status).label) if event.previous_status else "—",
            str(Status(event.status).label) if event.status in Status.values else event.status,
            event.reason,
        ]


STATUS_COLUMNS = [_("When"), _("Person"), _("From"), _("To"), _("Reason")]
STATUS_FIGURES: dict[str, tuple[Any, Q]] = {
    "population": (_("Status changes in the period"), Q()),
    "population_change": (_("Status changes in the period"), Q()),
    "arrivals": (
        _("Arrivals and returns"),
        Q(status__in=IN_CAMP, previous_status__in=["", Status.DEPARTED]),
    ),
    "departures": (_("Departures"), Q(status=Status.DEPARTED)),
    "deaths": (_("Deaths"), Q(status=Status.DECEASED)),
    "cmr": (_("Deaths"), Q(status=Status.DECEASED)),
    "u5mr": (_("Deaths"), Q(status=Status.DECEASED)),
    "missing": (_("Reported missing"), Q(status=Status.MISSING)),
    "found": (_("Found"), Q(previous_status=Status.MISSING, status__in=IN_CAMP)),
    **{
        f"status_{status}": (label, Q(status=status) | Q(previous_status=status))
        for status, label in Status.choices
    },
}


def section_of(figure: str) -> str:
    if figure in STATUS_FIGURES:
        return "people"
    if figure.startswith(("triage", "retriage")):
        return "health"
    if figure in ("water", "food") or figure.startswith("runway_"):
        return "supplies"
    if figure in ("covered_area", "without_shelter"):
        return "shelter"
    if figure.startswith("missions_"):
        return "missions"
    if figure == "alerts":
        return "alerts"
    raise HavenError(f"unknown figure {figure!r}")


def behind(figure: str, period: Period) -> Behind:
    """The records figure `figure` of the SITREP of `period` was counted from."""
    section = section_of(figure)
    rows: list[list[str]]
    if section == "people":
        title, where = STATUS_FIGURES[figure]
        rows, columns = list(_status_events(period, where)), [str(c) for c in STATUS_COLUMNS]
    elif section == "health":
        queue = triage_queue_at(period.end).select_related("person")
        title = _("The triage queue at the end of the period")
        if figure == "retriage_overdue":
            queue, title = queue.filter(retriage_due_at__lt=period.end), _("Re-triage overdue")
        elif figure.startswith("triage_"):
            queue = queue.filter(category=figure.removeprefix("triage_"))
        columns = [str(_("Triaged")), str(_("Person")), str(_("Category")), str(_("Re-triage"))]
        rows = [
            [
                _when(r.triaged_at),
                r.person.full_name,
                category(r.category),
                _when(r.retriage_due_at),
            ]
            for r in queue.order_by("priority", "triaged_at")[: LIMIT + 1]
        ]
    elif section == "supplies":
        entries = issues_in(period).select_related("item", "store")
        if figure == "water":
            entries, title = entries.filter(item__category="water"), _("Water issued")
        elif figure == "food":
            entries, title = entries.filter(item__category="food"), _("Food issued")
        else:
            title = _("Stock issued in the period")
        columns = [str(_("When")), str(_("Item")), str(_("Quantity")), str(_("Store"))]
        rows = [
            [_when(e.occurred_at), e.item.name, f"{-e.quantity:f} {e.item.unit}", e.store.name]
            for e in entries.order_by("occurred_at", "id")[: LIMIT + 1]
        ]
    elif section == "shelter":
        from haven.shelter.models import Stay

        stays = Stay.objects.filter(person=OuterRef("pk"), started_at__lte=period.end).filter(
            Q(ended_at__isnull=True) | Q(ended_at__gt=period.end)
        )
        people = Person.objects.annotate(s_end=status_at(period.end), s_home=Exists(stays)).filter(
            s_end__in=IN_CAMP, s_home=False
        )
        title = _("In camp without a shelter at the end of the period")
        columns = [str(_("Person"))]
        rows = [[p.full_name] for p in people.order_by("full_name")[: LIMIT + 1]]
    elif section == "alerts":
        from haven.sitrep.services import alerts_at

        title = _("Alerts in force at the end of the period")
        columns = [
            str(_("Sent")),
            str(_("Severity")),
            str(_("Urgency")),
            str(_("Status")),
            str(_("Headline")),
            str(_("Expires")),
        ]
        rows = [
            [
                _when(alert.sent),
                alert.get_severity_display(),
                alert.get_urgency_display(),
                alert.get_status_display(),
                alert.headline,
                _when(alert.expires),
            ]
            for alert in alerts_at(period)[: LIMIT + 1]
        ]
    else:
        title = _("Missions")
        columns = [str(_("Mission")), str(_("Departed")), str(_("Due back")), str(_("Returned"))]
        if figure == "missions_returned":
            from haven.missions.models import Mission

            returned = Mission.objects.filter(
                returned_at__gt=period.start, returned_at__lte=period.end
            )
            title = _("Missions returned in the period")
            receipts = mission_receipts(period).select_related("item", "mission")
            rows = [
                [
                    e.mission.name,
                    _when(e.occurred_at),
                    f"{e.quantity:f} {e.item.unit}",
                    e.item.name,
                ]
                for e in receipts.order_by("occurred_at")[: LIMIT + 1]
            ]
            columns = [str(_("Mission")), str(_("Received")), str(_("Quantity")), str(_("Item"))]
            rows += [[m.name, "", "", ""] for m in returned if not m.entries.exists()]
        else:
            missions: QuerySet[Any] = missions_out_at(period.end)
            if figure == "missions_overdue":
                missions = missions.filter(expected_return_at__lt=period.end)
                title = _("Missions overdue at the end of the period")
            rows = [
                [m.name, _when(m.departed_at), _when(m.expected_return_at), _when(m.returned_at)]
                for m in missions.order_by("expected_return_at")[: LIMIT + 1]
            ]
    more = len(rows) > LIMIT
    return Behind(str(title), section, columns, rows[:LIMIT], more)
