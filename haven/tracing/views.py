"""Tracing pages: the requests (open ones apart from the reunified), one request with its
candidates and history, the review queue, and one candidate explained field by field."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from haven.core import policy
from haven.core.access import permission_required, require
from haven.core.errors import HavenError
from haven.core.forms import posted_text
from haven.tracing import services
from haven.tracing.choices import CandidateLabel, CandidateState, Outcome, RequestState
from haven.tracing.forms import NoteForm, RequestForm
from haven.tracing.models import OPEN_STATES, TracingNote, TracingRequest
from haven.tracing.queries import candidates_for_review, search_requests

VIEW = "tracing.view_tracingrequest"
LIST_ROWS = 200


@permission_required(VIEW)
def index(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    found = search_requests(query)
    counts = dict(
        TracingRequest.objects.values_list("state")
        .annotate(n=Count("id"))
        .values_list("state", "n")
    )
    return render(
        request,
        "tracing/index.html",
        {
            "query": query,
            "open_requests": found.filter(state__in=OPEN_STATES)[:LIST_ROWS],
            "confirmed": found.filter(state=RequestState.CONFIRMED).select_related("found_person")[
                :LIST_ROWS
            ],
            "closed": found.filter(state=RequestState.CLOSED)[:LIST_ROWS],
            "counts": {state: counts.get(state, 0) for state in RequestState.values},
            "states": RequestState,
            "reunified": TracingRequest.objects.filter(outcome=Outcome.REUNIFIED).count(),
            "to_review": candidates_for_review(state=CandidateState.PROPOSED).count(),
        },
    )


@permission_required("tracing.add_tracingrequest")
def request_new(request: HttpRequest) -> HttpResponse:
    form = RequestForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        photo = data.pop("photo", None)
        data["alternate_names"] = data["alternate_names"].splitlines()
        try:
            opened = services.open_request(by=request.user, **data)
            if photo is not None:
                services.set_photo(by=request.user, request=opened, content=photo.read())
        except HavenError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("Tracing request opened for %(name)s.") % {"name": opened.full_name}
            )
            return redirect("tracing:request_detail", request_id=opened.pk)
    return render(request, "tracing/request_form.html", {"form": form})


@permission_required(VIEW)
def request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    traced = services.get_request(request_id)
    return render(
        request,
        "tracing/request_detail.html",
        {
            "traced": traced,
            "candidates": candidates_for_review(request_id=traced.pk),
            "notes": traced.notes.select_related("recorded_by", "linked_person"),
            "note_form": NoteForm(),
        },
    )


@permission_required("tracing.change_tracingrequest")
def request_edit(request: HttpRequest, request_id: int) -> HttpResponse:
    traced = services.get_request(request_id)
    # A field the reader may not see (the last-seen place, for all but the commander) is
    # neither shown nor changed: left out of the form.
    visible = policy.visible_groups(request.user, traced)
    hidden = {
        name
        for name in services.EDITABLE
        if policy.field_group("tracing.tracingrequest", name) not in visible
    }
    initial = {
        name: getattr(traced, name)
        for name in services.EDITABLE
        if name not in hidden and name != "expires_at"
    }
    initial["alternate_names"] = "\n".join(traced.alternate_name_list)
    form = RequestForm(request.POST or None, request.FILES or None, initial=initial)
    for name in hidden:
        form.fields.pop(name, None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        photo = data.pop("photo", None)
        data["alternate_names"] = data["alternate_names"].splitlines()
        try:
            services.update_request(by=request.user, request=traced, **data)
            if photo is not None:
                services.set_photo(by=request.user, request=traced, content=photo.read())
        except HavenError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Saved; the change is noted in the history."))
            return redirect("tracing:request_detail", request_id=traced.pk)
    return render(request, "tracing/request_form.html", {"form": form, "traced": traced})


@permission_required(VIEW)
def request_photo(request: HttpRequest, request_id: int) -> HttpResponse:
    traced = services.get_request(request_id)
    if not traced.photo:
        raise Http404("no photo")
    path = services.photo_folder() / traced.photo
    if not path.is_file():
        raise Http404("no photo")
    kind = "image/png" if path.suffix == ".png" else "image/jpeg"
    return HttpResponse(path.read_bytes(), content_type=kind)


@require_POST
@permission_required("tracing.change_tracingrequest")
def request_note(request: HttpRequest, request_id: int) -> HttpResponse:
    traced = services.get_request(request_id)
    try:
        services.add_note(
            by=request.user,
            request=traced,
            text=posted_text(request.POST, "text", TracingNote),
            status=request.POST.get("status", ""),
            author_name=posted_text(request.POST, "author_name", TracingNote),
        )
    except HavenError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Note added."))
    return redirect("tracing:request_detail", request_id=traced.pk)


@require_POST
@permission_required("tracing.change_tracingrequest")
def request_close(request: HttpRequest, request_id: int) -> HttpResponse:
    traced = services.get_request(request_id)
    try:
        services.close_request(
            by=request.user,
            request=traced,
            reason=posted_text(request.POST, "reason", TracingNote, "text"),
        )
    except HavenError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Request closed."))
    return redirect("tracing:request_detail", request_id=traced.pk)


@permission_required(VIEW)
def candidates(request: HttpRequest) -> HttpResponse:
    label = request.GET.get("label", "")
    if label not in CandidateLabel.values:
        label = ""
    rows = candidates_for_review(state=CandidateState.PROPOSED, label=label or None)
    return render(
        request,
        "tracing/candidates.html",
        {"rows": rows[:LIST_ROWS], "count": rows.count(), "label": label, "labels": CandidateLabel},
    )


def _sides(candidate: Any) -> dict[str, Any]:
    return {
        "candidate": candidate,
        "sought": candidate.request,
        "first": candidate.first_person,
        "person": candidate.person,
    }


@permission_required(VIEW)
def candidate_detail(request: HttpRequest, candidate_id: int) -> HttpResponse:
    candidate = services.get_candidate(candidate_id)
    return render(request, "tracing/candidate_detail.html", _sides(candidate))


@require_POST
@permission_required(VIEW)
def candidate_decide(request: HttpRequest, candidate_id: int) -> HttpResponse:
    require(request.user, "tracing.decide_candidate")
    candidate = services.get_candidate(candidate_id)
    decision = request.POST.get("decision", "")
    try:
        note = posted_text(request.POST, "note", type(candidate), "decision_note")
        if decision == "confirm":
            services.confirm_candidate(by=request.user, candidate=candidate, note=note)
            messages.success(request, _("Confirmed: one person."))
        elif decision == "reject":
            services.reject_candidate(by=request.user, candidate=candidate, note=note)
            messages.success(request, _("Rejected: this pair will not be proposed again."))
        else:
            raise HavenError(f"unknown decision {decision!r}: confirm or reject")
    except HavenError as error:
        messages.error(request, str(error))
    if candidate.request_id:
        return redirect("tracing:request_detail", request_id=candidate.request_id)
    return redirect("tracing:candidate_detail", candidate_id=candidate.pk)
