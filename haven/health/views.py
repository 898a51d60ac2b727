"""Health pages: the triage walker, the queue board, a person's record, the casualty register.

Every page that shows someone's medical details records the read in the audit log.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from haven.core import policy
from haven.core.access import permission_required
from haven.core.errors import HavenError
from haven.core.forms import posted_text
from haven.health import queries, services, unknown
from haven.health.choices import Cause
from haven.health.figures import casualty_figures
from haven.health.forms import (
    CorrectionForm,
    DeathForm,
    InjuryForm,
    OutcomeForm,
    StartingPopulationForm,
    TreatmentForm,
    UnknownCasualtyForm,
)
from haven.health.models import DeathRecord, Identification, TriageRecord, UnknownCasualty
from haven.people.choices import Status
from haven.people.models import Person
from haven.planning.triage import Algorithm, Question

MEDICAL = "health.view_medical_details"
ANSWER_PREFIX = "a."


def _log(request: HttpRequest, people_ids: Any, view: str) -> None:
    services.log_medical_access(by=request.user, people_ids=people_ids, view=f"web:{view}")


# --- queue board --------------------------------------------------------------------------


@permission_required(MEDICAL)
def queue(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    rows = list(TriageRecord.objects.queue().select_related("person")[:500])
    _log(request, [row.person_id for row in rows], "queue")
    return render(
        request,
        "health/queue.html",
        {"rows": rows, "now": now, "counts": queries.queue_counts(now)},
    )


# --- triage walker ------------------------------------------------------------------------


@permission_required("health.add_triagerecord")
def triage_start(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    results: list[Person] = []
    if query:
        results = list(
            Person.objects.search(query)
            .exclude(status__in=[Status.DECEASED, Status.DEPARTED])
            .order_by("full_name")[:20]
        )
    return render(request, "health/triage_start.html", {"query": query, "results": results})


def _answers(data: QueryDict) -> dict[str, str]:
    """The answers so far, in the order given (the form repeats them as hidden fields)."""
    answers: dict[str, str] = {}
    for key in data:
        if key.startswith(ANSWER_PREFIX):
            value = data.get(key, "").strip()
            if value:
                answers[key.removeprefix(ANSWER_PREFIX)] = value
    return answers


def _algorithm(request: HttpRequest, person: Person) -> Algorithm:
    chosen = request.POST.get("algorithm") or request.GET.get("algorithm") or ""
    return services.parse_algorithm(chosen) if chosen else services.algorithm_for(person)


@permission_required("health.add_triagerecord")
def triage_walk(request: HttpRequest, person_id: int) -> HttpResponse:
    """One step of the algorithm per screen: the planning walker decides what comes next."""
    person = get_object_or_404(Person, pk=person_id)
    algorithm = _algorithm(request, person)
    answers = _answers(request.POST) if request.method == "POST" else {}
    if request.POST.get("back") and answers:
        answers.pop(list(answers)[-1])
    error = ""
    try:
        step = services.walk(algorithm, answers)
    except HavenError as problem:
        # The newest answer is the one that failed; ask that question again.
        error = str(problem)
        if answers:
            answers.pop(list(answers)[-1])
        step = services.walk(algorithm, answers)
    context: dict[str, Any] = {
        "person": person,
        "algorithm": algorithm,
        "algorithms": list(Algorithm),
        "answers": answers,
        "error": error,
        "age": person.age_years(),
        "step_number": len(answers) + 1,
    }
    if isinstance(step, Question):
        context["question"] = step
        return render(request, "health/triage_walk.html", context)
    context["result"] = step
    context["category"] = step.category
    return render(request, "health/triage_result.html", context)


def _optional_number(data: QueryDict, name: str) -> float | None:
    value = data.get(name, "").strip().replace(",", ".")
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        raise HavenError(
            _("%(name)s %(value)r is not a number")
            % {"name": name.replace("_", " "), "value": value}
        ) from None


@require_POST
@permission_required("health.add_triagerecord")
def triage_save(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_object_or_404(Person, pk=person_id)
    try:
        gcs = _optional_number(request.POST, "gcs")
        record = services.record_triage(
            by=request.user,
            person=person,
            algorithm=_algorithm(request, person),
            answers=_answers(request.POST),
            pulse_rate=_optional_number(request.POST, "pulse_rate"),
            systolic_bp=_optional_number(request.POST, "systolic_bp"),
            gcs=int(gcs) if gcs is not None and gcs.is_integer() else gcs,  # type: ignore[arg-type]
            place=posted_text(request.POST, "place", TriageRecord),
            note=posted_text(request.POST, "note", TriageRecord),
        )
    except HavenError as error:
        messages.error(request, str(error))
        return redirect("health:triage_walk", person_id=person.pk)
    return redirect("health:triage_detail", record_id=record.pk)


@permission_required(MEDICAL)
def triage_detail(request: HttpRequest, record_id: int) -> HttpResponse:
    record = services.get_triage(record_id)
    _log(request, [record.person_id], "triage_detail")
    return render(request, "health/triage_detail.html", {"record": record, "now": timezone.now()})


@permission_required(MEDICAL)
def triage_tag(request: HttpRequest, record_id: int) -> HttpResponse:
    record = services.get_triage(record_id)
    _log(request, [record.person_id], "triage_tag")
    return render(request, "health/triage_tag.html", {"records": [record]})


@permission_required(MEDICAL)
def queue_tags(request: HttpRequest) -> HttpResponse:
    """Every current tag, one per printed page."""
    records = list(TriageRecord.objects.queue().select_related("person", "triaged_by")[:500])
    _log(request, [r.person_id for r in records], "queue_tags")
    return render(request, "health/triage_tag.html", {"records": records})


# --- a person's health record ---------------------------------------------------------------


@permission_required("health.view_casualty_register")
def person_health(request: HttpRequest, person_id: int) -> HttpResponse:
    """Medics and the commander see the medical record; everyone else only the status."""
    person = get_object_or_404(Person, pk=person_id)
    context: dict[str, Any] = {"person": person}
    if request.user.has_perm(MEDICAL):
        _log(request, [person.pk], "person_health")
        context.update(queries.medical_record(person))
        context.update(
            injury_form=InjuryForm(),
            treatment_form=_treatment_form(person),
            outcome_form=OutcomeForm(),
        )
        return render(request, "health/person.html", context)
    return render(request, "health/person_status.html", context)


def _treatment_form(person: Person, data: QueryDict | None = None) -> TreatmentForm:
    form = TreatmentForm(data)
    injuries = [(injury.pk, str(injury)) for injury in person.injuries.all()]
    form.fields["injury"].choices = [("", "—"), *injuries]  # type: ignore[attr-defined]
    items, stores = queries.stock_choices()
    form.fields["item"].choices = [("", "none"), *items]  # type: ignore[attr-defined]
    form.fields["store"].choices = [("", "—"), *stores]  # type: ignore[attr-defined]
    clinic = queries.clinic_store()
    if clinic is not None:
        form.fields["store"].initial = clinic.pk
    return form


@require_POST
@permission_required("health.add_injury")
def injury_add(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_object_or_404(Person, pk=person_id)
    form = InjuryForm(request.POST)
    if form.is_valid():
        try:
            services.record_injury(by=request.user, person=person, **form.cleaned_data)
            messages.success(
                request, _("%(full_name)s: injury recorded.") % {"full_name": person.full_name}
            )
        except HavenError as error:
            messages.error(request, str(error))
    else:
        messages.error(request, _form_errors(form))
    return redirect("health:person", person_id=person.pk)


@require_POST
@permission_required("health.add_treatment")
def treatment_add(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_object_or_404(Person, pk=person_id)
    form = _treatment_form(person, request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            injury = person.injuries.filter(pk=data.pop("injury") or 0).first()
            item, store = queries.stock_objects(data.pop("item"), data.pop("store"))
            services.record_treatment(
                by=request.user, person=person, injury=injury, item=item, store=store, **data
            )
            messages.success(
                request, _("%(full_name)s: treatment recorded.") % {"full_name": person.full_name}
            )
        except HavenError as error:
            messages.error(request, str(error))
    else:
        messages.error(request, _form_errors(form))
    return redirect("health:person", person_id=person.pk)


@require_POST
@permission_required("health.record_outcome")
def outcome_add(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_object_or_404(Person, pk=person_id)
    form = OutcomeForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        cause = data.pop("cause") or Cause.UNKNOWN
        try:
            services.record_outcome(by=request.user, person=person, death={"cause": cause}, **data)
            messages.success(
                request, _("%(full_name)s: outcome recorded.") % {"full_name": person.full_name}
            )
        except HavenError as error:
            messages.error(request, str(error))
    else:
        messages.error(request, _form_errors(form))
    return redirect("health:person", person_id=person.pk)


def _form_errors(form: Any) -> str:
    return "; ".join(
        f"{name.replace('_', ' ')}: {' '.join(errors)}" for name, errors in form.errors.items()
    )


# --- casualty register ----------------------------------------------------------------------


@permission_required("health.view_casualty_register")
def register(request: HttpRequest) -> HttpResponse:
    """Names for everyone; cause, place and disposition only for medics and the commander."""
    query = request.GET.get("q", "").strip()
    records = DeathRecord.objects.current().select_related("person")
    if query:
        records = records.filter(person__in=Person.objects.search(query))
    page = Paginator(records.order_by("-died_at", "-id"), 100).get_page(request.GET.get("page"))
    detailed = request.user.has_perm("health.view_deathrecord")
    if detailed:
        _log(request, [record.person_id for record in page], "register")
    return render(
        request,
        "health/register.html",
        {
            "page": page,
            "query": query,
            "detailed": detailed,
            "figures": casualty_figures(),
            "unrecorded": queries.deceased_without_record_count(),
            "unrecorded_people": queries.deceased_without_record().order_by("full_name")[:20],
            "population_form": StartingPopulationForm(),
        },
    )


@permission_required("health.view_deathrecord")
def death_detail(request: HttpRequest, record_id: int) -> HttpResponse:
    record = services.get_death_record(record_id)
    _log(request, [record.person_id], "death_detail")
    history = DeathRecord.objects.filter(person=record.person).select_related(
        "recorded_by", "confirmed_by"
    )
    return render(request, "health/death_detail.html", {"record": record, "history": history})


@permission_required("health.add_deathrecord")
def death_add(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_object_or_404(Person, pk=person_id)
    form = DeathForm(request.POST or None, initial={"died_at": timezone.localtime()})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            record = services.record_death(
                by=request.user,
                person=person,
                confirm=bool(request.POST.get("confirm")),
                **data,
            )
        except HavenError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("Death of %(full_name)s recorded.") % {"full_name": person.full_name}
            )
            return redirect("health:death_detail", record_id=record.pk)
    return render(
        request, "health/death_form.html", {"form": form, "person": person, "mode": "add"}
    )


def _initial(record: DeathRecord) -> dict[str, Any]:
    initial = {name: getattr(record, name) for name in services.DEATH_FIELDS}
    initial["died_at"] = timezone.localtime(record.died_at)
    return initial


FormT = TypeVar("FormT", bound=forms.Form)


def _without_hidden_places(request: HttpRequest, form: FormT, record: DeathRecord) -> FormT:
    """A medic who may not see where a death happened neither reads nor changes it: the
    place fields leave the form (and the record keeps them)."""
    if not policy.may_see(request.user, record, policy.G.LOCATION):
        for name in policy.MODELS["health.deathrecord"][policy.G.LOCATION]:
            form.fields.pop(name, None)
    return form


@permission_required("health.change_deathrecord")
def death_edit(request: HttpRequest, record_id: int) -> HttpResponse:
    record = services.get_death_record(record_id)
    if record.is_confirmed:
        messages.error(
            request, _("Death record %(pk)s is confirmed: record a correction.") % {"pk": record.pk}
        )
        return redirect("health:death_correct", record_id=record.pk)
    form = _without_hidden_places(
        request, DeathForm(request.POST or None, initial=_initial(record)), record
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_death_record(by=request.user, record=record, **form.cleaned_data)
        except HavenError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Death record updated."))
            return redirect("health:death_detail", record_id=record.pk)
    _log(request, [record.person_id], "death_edit")
    return render(
        request,
        "health/death_form.html",
        {"form": form, "person": record.person, "record": record, "mode": "edit"},
    )


@require_POST
@permission_required("health.confirm_deathrecord")
def death_confirm(request: HttpRequest, record_id: int) -> HttpResponse:
    record = services.get_death_record(record_id)
    try:
        services.confirm_death_record(by=request.user, record=record)
        messages.success(
            request, _("Death record %(pk)s confirmed and locked.") % {"pk": record.pk}
        )
    except HavenError as error:
        messages.error(request, str(error))
    return redirect("health:death_detail", record_id=record.pk)


@permission_required("health.correct_deathrecord")
def death_correct(request: HttpRequest, record_id: int) -> HttpResponse:
    record = services.get_death_record(record_id)
    form = _without_hidden_places(
        request, CorrectionForm(request.POST or None, initial=_initial(record)), record
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reason = data.pop("reason")
        try:
            corrected = services.correct_death_record(
                by=request.user, record=record, reason=reason, **data
            )
        except HavenError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Correction recorded."))
            return redirect("health:death_detail", record_id=corrected.pk)
    _log(request, [record.person_id], "death_correct")
    return render(
        request,
        "health/death_form.html",
        {"form": form, "person": record.person, "record": record, "mode": "correct"},
    )


@require_POST
@permission_required("health.set_starting_population")
def starting_population(request: HttpRequest) -> HttpResponse:
    form = StartingPopulationForm(request.POST)
    if form.is_valid():
        services.set_starting_population(by=request.user, **form.cleaned_data)
        messages.success(
            request,
            _("Starting population set to %(count)s.") % {"count": form.cleaned_data["count"]},
        )
    else:
        messages.error(request, _form_errors(form))
    return redirect("health:register")


# --- unknown casualties -------------------------------------------------------------------


@permission_required("health.register_unknown_casualty")
def unknown_add(request: HttpRequest) -> HttpResponse:
    """One screen for someone who cannot be named; the triage walk follows at once."""
    form = UnknownCasualtyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            casualty = unknown.register_unknown_casualty(by=request.user, **form.cleaned_data)
        except HavenError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, gettext("%(name)s registered.") % {"name": casualty.person.full_name}
            )
            return redirect("health:triage_walk", person_id=casualty.person_id)
    return render(request, "health/unknown_form.html", {"form": form})


@permission_required("health.identify_casualty")
def identify(request: HttpRequest, person_id: int) -> HttpResponse:
    """Name an unknown casualty: find their registration, or undo a wrong identification."""
    casualty = get_object_or_404(
        UnknownCasualty.objects.select_related("person", "identified_as"), person_id=person_id
    )
    if request.method == "POST":
        try:
            note = posted_text(request.POST, "note", Identification)
            if request.POST.get("undo"):
                unknown.undo_identification(by=request.user, casualty=casualty, note=note)
                messages.success(request, gettext("Identification undone."))
            else:
                person = get_object_or_404(Person, pk=_posted_id(request.POST, "person"))
                unknown.identify_casualty(
                    by=request.user,
                    casualty=casualty,
                    person=person,
                    note=note,
                )
                messages.success(
                    request,
                    gettext("Tag %(tag)s is %(name)s.")
                    % {"tag": casualty.tag_number, "name": person.full_name},
                )
                return redirect("health:person", person_id=person.pk)
        except HavenError as error:
            messages.error(request, str(error))
        return redirect("health:identify", person_id=person_id)
    query = request.GET.get("q", "").strip()
    results: list[Person] = []
    if query and casualty.identified_as_id is None:
        results = list(
            Person.objects.search(query)
            .exclude(status=Status.DECEASED)
            .filter(unknown_casualty__isnull=True)
            .order_by("full_name")[:20]
        )
    return render(
        request,
        "health/identify.html",
        {"casualty": casualty, "query": query, "results": results},
    )


def _posted_id(data: QueryDict, name: str) -> int:
    value = data.get(name, "").strip()
    if not value.isdigit() or not 0 < int(value) < 2**63:
        raise HavenError(
            gettext("choose who the casualty is (%(name)s %(value)r)")
            % {"name": name, "value": value}
        )
    return int(value)
