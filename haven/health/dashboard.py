"""Health on the dashboard: the triage queue by colour, overdue re-triage, and deaths.

Each figure says what it counts: the queue counts people triaged and still waiting (no
final outcome), by the colour of their latest triage; a black tag there is someone found
without signs of life whose death is not yet in the register. Deaths count the standing
entries of the casualty register (a correction replaces an entry, it does not add one).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from haven.core.dashboard import Panel
from haven.health import queries
from haven.health.models import DeathRecord

# What each colour of the queue counts, as the card says it.
QUEUE_LABELS = {
    "red": gettext_lazy("Immediate (red)"),
    "yellow": gettext_lazy("Delayed (yellow)"),
    "green": gettext_lazy("Minor (green)"),
    "grey": gettext_lazy("Expectant (grey)"),
    "black": gettext_lazy("Black tag: no signs of life at triage, death not yet recorded"),
}


def panels(request: HttpRequest) -> list[Panel]:
    user = request.user
    if not user.has_perm("health.view_casualty_register"):
        return []
    now = timezone.now()
    deaths = DeathRecord.objects.current()
    queue = queries.queue_counts(now) if user.has_perm("health.view_medical_details") else None
    if queue is not None:
        queue["rows"] = [row | {"label": QUEUE_LABELS[row["key"]]} for row in queue["rows"]]
    context: dict[str, Any] = {
        "queue": queue,
        "deaths": deaths.count(),
        "deaths_last_day": deaths.filter(died_at__gte=now - timedelta(days=1)).count(),
        "unconfirmed": deaths.filter(confirmed_at__isnull=True).count(),
        "deceased_without_record": queries.deceased_without_record_count(),
    }
    return [Panel(_("Casualties"), "health/panel.html", context, order=15)]
