"""The commander's view of the audit log: browse by record, user and kind; the head hash
to copy onto paper."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy

from haven.audit import log, services
from haven.audit.choices import Kind
from haven.audit.models import AuditEvent
from haven.core.access import permission_required
from haven.core.errors import HavenError

PAGE_SIZE = 50
RECORD = re.compile(r"^[a-z_]+\.[a-z_]+:\d{1,19}$")
GROUPS = ["location", "medical", "protection", "contact", "export"]


def record_filter(text: str) -> str | None:
    """ "12" or "#12" → a person; "stock.store:3" → that record; anything else → None."""
    text = text.strip().lstrip("#").lower()
    if text.isdigit() and len(text) <= 19:
        return f"people.person:{int(text)}"
    if RECORD.match(text):
        return text
    return None


def filtered(params: Any) -> tuple[QuerySet[AuditEvent], dict[str, str], list[str]]:
    """The events the query asks for, the filters as understood, and any refused."""
    events = AuditEvent.objects.order_by("-seq")
    chosen: dict[str, str] = {}
    problems: list[str] = []
    record = params.get("record", "").strip()
    if record:
        ref = record_filter(record)
        if ref is None:
            problems.append(
                f"record {record[:60]!r} is not a person's number or a label:id "
                "such as stock.store:3"
            )
        else:
            events = events.filter(records__contains=f" {ref} ")
            chosen["record"] = ref
    user = params.get("user", "").strip()[:150]
    if user:
        events = events.filter(username=user)
        chosen["user"] = user
    kind = params.get("kind", "")
    if kind in Kind.values:
        events = events.filter(kind=kind)
        chosen["kind"] = kind
    group = params.get("group", "").strip()[:40]
    if group:
        events = events.filter(group=group)
        chosen["group"] = group
    action = params.get("action", "").strip()[:80]
    if action:
        events = events.filter(action__startswith=action)
        chosen["action"] = action
    return events, chosen, problems


@permission_required("audit.view_auditevent")
def index(request: HttpRequest) -> HttpResponse:
    events, chosen, problems = filtered(request.GET)
    if problems:
        events = events.none()
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = "&".join(f"{key}={value}" for key, value in chosen.items())
    groups = sorted({*GROUPS, *AuditEvent.objects.values_list("group", flat=True).distinct()})
    return render(
        request,
        "audit/index.html",
        {
            "page": page,
            "chosen": chosen,
            "problems": problems,
            "query": query,
            "head": log.head(),
            "kinds": Kind.choices,
            "groups": [group for group in groups if group],
        },
    )


class LockdownForm(forms.Form):
    days = forms.IntegerField(
        min_value=1,
        max_value=services.MAX_DAYS,
        initial=7,
        help_text=gettext_lazy("List who read location data in this many past days."),
        label=gettext_lazy("Days"),
    )
    confirm = forms.BooleanField(
        label=gettext_lazy("I understand: everyone is signed out and must set a new password.")
    )


@permission_required("audit.lockdown")
def lockdown(request: HttpRequest) -> HttpResponse:
    """A confirmation page; the lockdown itself only on a confirmed POST."""
    form = LockdownForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.lockdown(
                by=request.user,  # type: ignore[arg-type]
                days=form.cleaned_data["days"],
                keep_session=request.session.session_key,
            )
        except HavenError as error:
            form.add_error(None, str(error))
        else:
            return render(request, "audit/lockdown_done.html", {"result": result})
    return render(request, "audit/lockdown.html", {"form": form})
