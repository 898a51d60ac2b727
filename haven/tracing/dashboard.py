"""The tracing panel on the dashboard: open requests, matches waiting for review, reunified."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.http import HttpRequest
from django.utils.translation import gettext as _

from haven.core.dashboard import Panel
from haven.tracing.choices import CandidateState, Outcome
from haven.tracing.models import OPEN_STATES, Candidate, TracingRequest


def tracing_figures() -> dict[str, Any]:
    """Counts from two indexed GROUP BYs: requests by state and outcome, proposed pairs by label."""
    by_state = dict(
        TracingRequest.objects.values_list("state")
        .annotate(n=Count("id"))
        .values_list("state", "n")
    )
    reunified = TracingRequest.objects.filter(outcome=Outcome.REUNIFIED).count()
    labels = dict(
        Candidate.objects.filter(state=CandidateState.PROPOSED)
        .values_list("label")
        .annotate(n=Count("id"))
        .values_list("label", "n")
    )
    return {
        "open": sum(by_state.get(state, 0) for state in OPEN_STATES),
        "likely": labels.get("likely", 0),
        "possible": labels.get("possible", 0),
        "reunified": reunified,
    }


def panels(request: HttpRequest) -> list[Panel]:
    if not request.user.has_perm("tracing.view_tracingrequest"):
        return []
    return [Panel(_("Tracing"), "tracing/panel.html", tracing_figures(), order=15)]
