"""Health on the dashboard: the triage queue by colour, overdue re-triage, and deaths."""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpRequest
from django.utils import timezone

from haven.core.dashboard import Panel
from haven.health import queries
from haven.health.models import DeathRecord


def panels(request: HttpRequest) -> list[Panel]:
    user = request.user
    if not user.has_perm("health.view_casualty_register"):
        return []
    now = timezone.now()
    deaths = DeathRecord.objects.current()
    context = {
        "queue": queries.queue_counts(now)
        if user.has_perm("health.view_medical_details")
        else None,
        "deaths": deaths.count(),
        "deaths_last_day": deaths.filter(died_at__gte=now - timedelta(days=1)).count(),
        "unconfirmed": deaths.filter(confirmed_at__isnull=True).count(),
    }
    return [Panel("Casualties", "health/panel.html", context, order=15)]
