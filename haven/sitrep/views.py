"""SITREP pages: the one-page report (printable), its PDF and HXL, the events behind a
figure, and the commander's note."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from haven.core.access import permission_required
from haven.core.errors import HavenError
from haven.people.aggregates import UNKNOWN_BAND
from haven.people.choices import AGE_BANDS, Status
from haven.sitrep import charts, services
from haven.sitrep import events as behind_figures
from haven.sitrep.figures import SEXES, Sitrep
from haven.sitrep.indicators import (
    EVENTS_PERMISSION,
    camp_location,
    indicators,
    visible_sections,
)
from haven.sitrep.period import DEFAULT_PERIOD

VIEW = "sitrep.view_sitrep"
# The chance of running out is the worker's forecast of the camp as it is now: shown on a
# SITREP that ends this recently, never recomputed for a past period.
RISK_SHOWN_WITHIN_MINUTES = 60


def _asked(request: HttpRequest) -> tuple[str, str]:
    return request.GET.get("period", DEFAULT_PERIOD), request.GET.get("end", "")


def _bad(request: HttpRequest, error: HavenError) -> HttpResponse:
    period, end = _asked(request)
    return render(
        request,
        "sitrep/page.html",
        {"error": str(error), "period_text": period, "end_text": end},
        status=400,
    )


def _runway_risk(report: Sitrep) -> dict[str, Any] | None:
    if timezone.now() - report.period.end > timedelta(minutes=RISK_SHOWN_WITHIN_MINUTES):
        return None
    from haven.rations.dashboard import runway_risk

    return runway_risk()


def context(request: HttpRequest, report: Sitrep) -> dict[str, Any]:
    return {
        **report_context(request.user, report),
        "end_text": request.GET.get("end", ""),
        "may_write_note": request.user.has_perm("sitrep.write_sitrep_note"),
    }


def report_context(user: Any, report: Sitrep, *, links: bool = True) -> dict[str, Any]:
    """What the report shows to `user` (None: the command line's operator, who sees every
    part): the page, the PDF and the HTML file share it."""
    sections = visible_sections(user)
    shown = {indicator.key: indicator for indicator in indicators(report, sections)}
    linked = {
        key: reverse("sitrep:events") + f"?figure={key}&{report.period.query}"
        for key, indicator in shown.items()
        if links
        and user is not None
        and indicator.section in EVENTS_PERMISSION
        and user.has_perm(EVENTS_PERMISSION[indicator.section])
    }
    people = report.people
    pyramid = []
    for band in [label for label, _low, _high in AGE_BANDS] + [UNKNOWN_BAND]:
        cells = [people.groups_end.get((sex, band), 0) for sex in SEXES]
        before = sum(people.groups_start.get((sex, band), 0) for sex in SEXES)
        if any(cells) or before:
            pyramid.append({"band": band, "cells": cells, "change": sum(cells) - before})
    statuses = [
        {
            "key": status,
            "label": label,
            "start": people.by_status_start[status],
            "end": people.by_status_end[status],
            "change": people.by_status_end[status] - people.by_status_start[status],
        }
        for status, label in Status.choices
    ]
    return {
        "report": report,
        "period": report.period,
        "camp_name": settings.HAVEN_CAMP_NAME,
        "period_text": report.period.text,
        "sections": sections,
        "ind": shown,
        "links": linked,
        "statuses": statuses,
        "pyramid": pyramid,
        "sexes": [sex.label for sex in SEXES],
        "population_chart": charts.population_chart(report.series, _("Population in camp")),
        "deaths_chart": charts.deaths_chart(report.series, _("Deaths a day")),
        "location": camp_location(user),
        "risk": _runway_risk(report) if "supplies" in sections else None,
    }


@permission_required(VIEW)
def page(request: HttpRequest) -> HttpResponse:
    period, end = _asked(request)
    try:
        report = services.sitrep(period=period, end=end or None)
    except HavenError as error:
        return _bad(request, error)
    return render(request, "sitrep/page.html", context(request, report))


@permission_required(VIEW)
def pdf(request: HttpRequest) -> HttpResponse:
    from haven.sitrep.exporting import PdfUnavailable, render_pdf

    period, end = _asked(request)
    try:
        report = services.sitrep(period=period, end=end or None)
    except HavenError as error:
        return _bad(request, error)
    try:
        data = render_pdf(context(request, report), base_url=request.build_absolute_uri("/"))
    except PdfUnavailable as error:
        return HttpResponse(str(error), status=503, content_type="text/plain; charset=utf-8")
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(report, "pdf")}"'
    return response


@permission_required(VIEW)
def hxl(request: HttpRequest) -> HttpResponse:
    from haven.sitrep.exporting import write_hxl

    period, end = _asked(request)
    try:
        report = services.sitrep(period=period, end=end or None)
    except HavenError as error:
        return _bad(request, error)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(report, "csv")}"'
    write_hxl(response, report, sections=visible_sections(request.user), user=request.user)
    return response


def _filename(report: Sitrep, suffix: str) -> str:
    return f"sitrep-{timezone.localtime(report.period.end):%Y%m%d-%H%M}.{suffix}"


@permission_required(VIEW)
def events(request: HttpRequest) -> HttpResponse:
    period, end = _asked(request)
    figure = request.GET.get("figure", "population")
    try:
        span = services.sitrep_period(period=period, end=end or None)
        section = behind_figures.section_of(figure)
    except HavenError as error:
        return _bad(request, error)
    needed = EVENTS_PERMISSION[section]
    if section not in visible_sections(request.user) or not request.user.has_perm(needed):
        raise PermissionDenied(f"your role may not see these records ({needed})")
    found = behind_figures.behind(figure, span)
    return render(
        request,
        "sitrep/events.html",
        {"behind": found, "period": span, "back": reverse("sitrep:page") + f"?{span.query}"},
    )


@require_POST
@permission_required("sitrep.write_sitrep_note")
def note(request: HttpRequest) -> HttpResponse:
    try:
        services.write_note(by=request.user, text=request.POST.get("text", ""))
    except HavenError as error:
        return render(
            request,
            "sitrep/page.html",
            {"error": str(error), "period_text": DEFAULT_PERIOD, "end_text": ""},
            status=400,
        )
    return redirect("sitrep:page")
