"""People panels on the dashboard: headcount by status, sex and age band, last muster."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils import timezone

from haven.core.dashboard import Panel
from haven.people import accounting, musters
from haven.people.choices import AGE_BANDS, IN_CAMP, STATUS_COLOURS, Sex, Status
from haven.people.models import Person


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def headcount() -> dict[str, Any]:
    counts = dict(Person.objects.values_list("status").annotate(n=Count("id")).order_by())
    total = sum(counts.values())
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
    """Counts of those in camp by age band and sex, in one query."""
    today = timezone.localdate()
    aggregates: dict[str, Any] = {}
    for label, low, high in AGE_BANDS:
        window = Q(date_of_birth__lte=_years_before(today, low))
        if high is not None:
            window &= Q(date_of_birth__gt=_years_before(today, high))
        for sex in (Sex.FEMALE, Sex.MALE):
            aggregates[f"{label}|{sex}"] = Count("id", filter=window & Q(sex=sex))
    aggregates["unknown"] = Count(
        "id", filter=Q(date_of_birth__isnull=True) | Q(sex__in=[Sex.OTHER, Sex.UNKNOWN])
    )
    counts = Person.objects.in_camp().aggregate(**aggregates)
    largest = max([v for k, v in counts.items() if k != "unknown"] + [1])
    bands = [
        {
            "label": label,
            "female": counts[f"{label}|{Sex.FEMALE}"],
            "male": counts[f"{label}|{Sex.MALE}"],
            "female_pct": round(100 * counts[f"{label}|{Sex.FEMALE}"] / largest),
            "male_pct": round(100 * counts[f"{label}|{Sex.MALE}"] / largest),
        }
        for label, _, _ in reversed(AGE_BANDS)
    ]
    return {"bands": bands, "unknown": counts["unknown"]}


def last_muster_summary() -> dict[str, Any] | None:
    muster = musters.last_muster()
    if muster is None:
        return None
    return {
        "account": accounting.account(muster),
        "unaccounted": list(accounting.unaccounted(muster).order_by("full_name")[:12]),
    }


def panels(request: HttpRequest) -> list[Panel]:
    user = request.user
    result: list[Panel] = []
    if user.has_perm("people.view_person"):
        result.append(Panel("Headcount", "people/panel_headcount.html", headcount(), order=10))
    if user.has_perm("people.view_person_details"):
        result.append(Panel("Age and sex", "people/panel_pyramid.html", age_sex_pyramid(), 11))
    if user.has_perm("people.check_in_muster"):
        summary = last_muster_summary()
        result.append(
            Panel("Last muster", "people/panel_muster.html", {"summary": summary}, order=12)
        )
    return result
