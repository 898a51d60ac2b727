from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from haven.core.access import permission_required
from haven.core.errors import HavenError
from haven.core.limits import as_id
from haven.core.rows import good, read_rows
from haven.shelter import services
from haven.shelter.choices import Condition, Kind, Use
from haven.shelter.models import Shelter, ShelterPlan


class ShelterForm(forms.Form):
    name = forms.CharField(max_length=120, label=gettext_lazy("Name"))
    kind = forms.ChoiceField(choices=Kind.choices, initial=Kind.TENT, label=gettext_lazy("Kind"))
    covered_area_m2 = forms.DecimalField(
        label=gettext_lazy("Covered area (m²)"),
        max_digits=9,
        decimal_places=2,
        help_text=gettext_lazy("Usable floor space."),
    )
    beds = forms.IntegerField(
        required=False,
        min_value=0,
        help_text=gettext_lazy("Leave empty if none."),
        label=gettext_lazy("Beds"),
    )
    zone = forms.CharField(max_length=60, required=False, label=gettext_lazy("Block / zone"))
    use = forms.ChoiceField(choices=Use.choices, initial=Use.GENERAL, label=gettext_lazy("Use"))
    accessible = forms.BooleanField(required=False, label=gettext_lazy("Accessible (step-free)"))
    heated = forms.BooleanField(required=False, label=gettext_lazy("Heated"))
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label=gettext_lazy("Notes")
    )


class ConditionForm(forms.Form):
    condition = forms.ChoiceField(choices=Condition.choices, label=gettext_lazy("Condition"))
    note = forms.CharField(max_length=300, required=False, label=gettext_lazy("Note"))


def _may_see_names(request: HttpRequest, shelter: Shelter) -> bool:
    user = request.user
    if user.has_perm("shelter.view_occupants"):
        return True
    return shelter.use == Use.INJURED_WARD and user.has_perm("shelter.view_injured_ward")


def _tent_type_id(request: HttpRequest) -> int | None:
    value = request.GET.get("tent", "")
    return as_id(value)


@permission_required("shelter.view_shelter")
def board(request: HttpRequest) -> HttpResponse:
    data = services.board(tent_type_id=_tent_type_id(request))
    names = request.user.has_perm("shelter.view_occupants")
    unsheltered, unreadable = services.unsheltered_rows(limit=500) if names else (None, [])
    return render(
        request,
        "shelter/board.html",
        {
            "board": data,
            "tent_types": services.tent_types(),
            "unsheltered": unsheltered,
            "unreadable": unreadable,
            "names": names,
        },
    )


@permission_required("shelter.view_shelter")
def shelter_detail(request: HttpRequest, shelter_id: int) -> HttpResponse:
    shelter = services.get_shelter(shelter_id)
    names = _may_see_names(request, shelter)
    row = services.shelter_rows([shelter])[0]
    context: dict[str, Any] = {
        "shelter": shelter,
        "row": row,
        "names": names,
        "occupants": read_rows(services.people_in(shelter)) if names else None,
        "history": services.history(shelter) if names else None,
        "conditions": shelter.condition_changes.select_related("recorded_by")[:20],
        "condition_form": ConditionForm(initial={"condition": shelter.condition}),
    }
    if request.user.has_perm("shelter.assign_shelter"):
        context["candidates"] = good(
            read_rows(services.unsheltered_queryset().order_by("full_name")[:500])
        )
        context["other_shelters"] = [
            r for r in services.shelter_rows() if r.shelter.pk != shelter.pk and r.free
        ]
    return render(request, "shelter/detail.html", context)


def _shelter_form(request: HttpRequest, shelter: Shelter | None) -> HttpResponse:
    initial = {}
    if shelter is not None:
        initial = {field: getattr(shelter, field) for field in services.SHELTER_FIELDS}
    form = ShelterForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if shelter is None:
                shelter = services.add_shelter(by=request.user, **data)
                messages.success(
                    request,
                    _("Added %(name)s: %(capacity)s places.")
                    % {"name": shelter.name, "capacity": shelter.capacity},
                )
            else:
                shelter = services.update_shelter(by=request.user, shelter=shelter, **data)
                messages.success(
                    request,
                    _("Saved %(name)s: %(capacity)s places.")
                    % {"name": shelter.name, "capacity": shelter.capacity},
                )
        except HavenError as error:
            form.add_error(None, str(error))
        else:
            return redirect("shelter:detail", shelter_id=shelter.pk)
    return render(request, "shelter/form.html", {"form": form, "shelter": shelter})


@permission_required("shelter.add_shelter")
def shelter_add(request: HttpRequest) -> HttpResponse:
    return _shelter_form(request, None)


@permission_required("shelter.change_shelter")
def shelter_edit(request: HttpRequest, shelter_id: int) -> HttpResponse:
    return _shelter_form(request, services.get_shelter(shelter_id))


@require_POST
@permission_required("shelter.change_shelter")
def shelter_condition(request: HttpRequest, shelter_id: int) -> HttpResponse:
    shelter = services.get_shelter(shelter_id)
    form = ConditionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a condition."))
    else:
        try:
            services.set_condition(by=request.user, shelter=shelter, **form.cleaned_data)
            messages.success(request, _("%(name)s: condition recorded.") % {"name": shelter.name})
        except HavenError as error:
            messages.error(request, str(error))
    return redirect("shelter:detail", shelter_id=shelter.pk)


def _person_id(value: str) -> int:
    number = as_id(value)
    if number is None:
        raise HavenError(_("person %(value)r is not a person id") % {"value": value})
    return number


@require_POST
@permission_required("shelter.assign_shelter")
def assign(request: HttpRequest) -> HttpResponse:
    """Check someone in (or move them) to a shelter; back to where the clerk came from."""
    back = request.POST.get("back", "")
    try:
        person = services.get_person(_person_id(request.POST.get("person", "")))
        shelter = services.get_shelter(_person_id(request.POST.get("shelter", "")))
        services.assign(by=request.user, person=person, shelter=shelter)
        messages.success(
            request,
            _("%(full_name)s now sleeps in %(name)s.")
            % {"full_name": person.full_name, "name": shelter.name},
        )
    except HavenError as error:
        messages.error(request, str(error))
    return redirect(back if back.startswith("/shelter/") else "shelter:board")


@require_POST
@permission_required("shelter.assign_shelter")
def check_out(request: HttpRequest) -> HttpResponse:
    back = request.POST.get("back", "")
    try:
        person = services.get_person(_person_id(request.POST.get("person", "")))
        services.check_out(by=request.user, person=person, note=request.POST.get("note", ""))
        messages.success(request, _("%(full_name)s checked out.") % {"full_name": person.full_name})
    except HavenError as error:
        messages.error(request, str(error))
    return redirect(back if back.startswith("/shelter/") else "shelter:board")


@permission_required("shelter.plan_allocation")
def plan_index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "shelter/plans.html",
        {"plans": ShelterPlan.objects.select_related("created_by", "applied_by")[:20]},
    )


@require_POST
@permission_required("shelter.plan_allocation")
def plan_new(request: HttpRequest) -> HttpResponse:
    try:
        plan = services.make_plan(by=request.user)
    except HavenError as error:
        messages.error(request, str(error))
        return redirect("shelter:plans")
    return redirect("shelter:plan", plan_id=plan.pk)


@permission_required("shelter.plan_allocation")
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = services.get_plan(plan_id)
    return render(
        request,
        "shelter/plan.html",
        {
            "plan": plan,
            "changes": services.plan_changes(plan),
            "unsheltered": services.plan_unsheltered(plan),
        },
    )


@require_POST
@permission_required("shelter.plan_allocation")
def plan_apply(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = services.get_plan(plan_id)
    try:
        chosen = [int(value) for value in request.POST.getlist("person")]
        if not chosen:
            raise HavenError(_("choose at least one change to apply"))
        done = services.apply_plan(by=request.user, plan=plan, person_ids=chosen)
    except ValueError as error:  # HavenError, or a tampered checkbox value
        messages.error(request, str(error))
        return redirect("shelter:plan", plan_id=plan.pk)
    messages.success(
        request,
        _("Applied %(done)s of %(count)s changes of plan %(pk)s.")
        % {"done": done, "count": len(plan.changes), "pk": plan.pk},
    )
    return redirect("shelter:board")
