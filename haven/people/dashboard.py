"""People panels on the dashboard: headcount by status, sex and age band, last muster."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.core.dashboard import KeyFigure, Panel
from haven.core.templatetags.quantities import grouped
from haven.people import accounting, aggregates, musters
from haven.people.choices import AGE_BANDS, IN_CAMP, STATUS_COLOURS, Sex, Status

SEXES = (Sex.FEMALE, Sex.MALE)


def headcount() -> dict[str, Any]:
    counts = aggregates.status_counts()
    # A merged record is a second registration of someone counted already.
    total = sum(n for status, n in counts.items() if status != Status.MERGED)
    rows = [
        {
            "status": status.value,
            "label": status.label,
            "count": counts.get(status.value, 0),
            "colour": STATUS_COLOURS[status],
            "percent": round(100 * counts.get(status.value, 0) / total, 1) if total else 0,
        }
        for status in Status
    ]
    in_camp = sum(counts.get(status, 0) for status in IN_CAMP)
    return {"rows": rows, "total": total, "in_camp": in_camp}


def age_sex_pyramid() -> dict[str, Any]:
    """Those in camp by age band (as of today) and sex, from the headcount classes."""
    counts = aggregates.in_camp_by_band_and_sex(timezone.localdate())
    shown = {(band, sex) for band, _, _ in AGE_BANDS for sex in SEXES}
    unknown = sum(
        n
        for (band, sex), n in counts.items()
        if band == aggregates.UNKNOWN_BAND or sex not in SEXES
    )
    largest = max([n for key, n in counts.items() if key in shown] + [1])
    bands = []
    for label, _low, _high in reversed(AGE_BANDS):
        female, male = counts.get((label, Sex.FEMALE), 0), counts.get((label, Sex.MALE), 0)
        bands.append(
            {
                "label": label,
                "female": female,
                "male": male,
                "female_pct": round(100 * female / largest),
                "male_pct": round(100 * male / largest),
            }
        )
    return {"bands": bands, "unknown": unknown}


def last_muster_summary() -> dict[str, Any] | None:
    muster = musters.last_muster()
    if muster is None:
        return None
    return {
        "account": accounting.account(muster),
        "unaccounted": list(accounting.unaccounted(muster).order_by("full_name")[:12]),
    }


def headcount_figures(data: dict[str, Any]) -> list[KeyFigure]:
    """In camp, injured and missing: the first three numbers anyone asks for."""
    counts = {row["status"]: row["count"] for row in data["rows"]}
    people = reverse("people:list")
    injured, missing = counts.get(Status.INJURED, 0), counts.get(Status.MISSING, 0)
    return [
        KeyFigure(_("in camp"), grouped(data["in_camp"]), people, "", 10),
        KeyFigure(
            _("injured"),
            grouped(injured),
            f"{people}?status={Status.INJURED.value}",
            "warn" if injured else "",
            20,
        ),
        KeyFigure(
            _("missing"),
            grouped(missing),
            f"{people}?status={Status.MISSING.value}",
            "bad" if missing else "",
            30,
        ),
    ]


def panels(request: HttpRequest) -> list[Panel]:
    # The headcount and the pyramid share one read of the classes (so does the whole
    # dashboard, around every app's panels).
    with aggregates.shared_reads():
        return _panels(request)


def _panels(request: HttpRequest) -> list[Panel]:
    user = request.user
    result: list[Panel] = []
    if user.has_perm("people.view_person"):
        counts = headcount()
        result.append(
            Panel(
                _("Headcount"),
                "people/panel_headcount.html",
                counts,
                order=10,
                figures=headcount_figures(counts),
            )
        )
    if user.has_perm("people.view_person_details"):
        result.append(Panel(_("Age and sex"), "people/panel_pyramid.html", age_sex_pyramid(), 11))
    if user.has_perm("people.check_in_muster"):
        summary = last_muster_summary()
        result.append(
            Panel(_("Last muster"), "people/panel_muster.html", {"summary": summary}, order=12)
        )
    return result
