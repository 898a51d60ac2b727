"""Rations pages: plans and their preview, distribution lists, hand-outs, transfers,
production, the runway forecast and one's own ration. Thin: services do the work."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from haven.core import computed, policy
from haven.core.access import permission_required
from haven.core.errors import HavenError
from haven.people.models import Person
from haven.rations import adapters, charts, services
from haven.rations.choices import need_label
from haven.rations.computed import FORECAST, WHAT_IF, runway_state
from haven.rations.forms import (
    HandoutForm,
    OrderForm,
    PlanForm,
    ProductionForm,
    ScenarioForm,
    TransferForm,
)
from haven.rations.models import DistributionPlan, PlanClass, RationTransfer
from haven.stock.models import Item

SHORT_NAMES_SHOWN = 12
SHORT_GROUPS_SHOWN = 10
DISTRIBUTION_PAGE = 100


def form_errors(form: Any) -> str:
    return "; ".join(
        f"{name}: {' '.join(map(str, errors))}" for name, errors in form.errors.items()
    )


@permission_required("rations.view_distributionplan")
def index(request: HttpRequest) -> HttpResponse:
    plans = DistributionPlan.objects.select_related("store", "created_by")[:20]
    return render(request, "rations/index.html", {"plans": plans, "form": PlanForm()})


@require_POST
@permission_required("rations.plan_distribution")
def plan_new(request: HttpRequest) -> HttpResponse:
    form = PlanForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("rations:index")
    try:
        plan = services.preview_plan(by=request.user, **form.cleaned_data)
    except HavenError as error:
        messages.error(request, str(error))
        return redirect("rations:index")
    return redirect("rations:plan", plan_id=plan.pk)


def _short_classes(plan: DistributionPlan) -> list[dict[str, Any]]:
    rows = []
    short = plan.classes.filter(fraction_met__lt=0.999999).order_by("fraction_met")
    for plan_class in short[:SHORT_GROUPS_SHOWN]:
        people = services.class_members(plan_class, limit=SHORT_NAMES_SHOWN)
        rows.append({"plan_class": plan_class, "people": people, "need": _need_text(plan_class)})
    return rows


def _need_text(plan_class: PlanClass) -> str:
    parts = []
    for key, amount in plan_class.daily_need.items():
        if key == "kcal":
            parts.append(f"{amount:,.0f} kcal")
        elif key == "litres":
            parts.append(f"{amount:g} L water")
        else:
            parts.append(f"{amount:g} {key.split(':')[-1]} dose(s)")
    return ", ".join(parts) + " a day" + (f" · priority ×{plan_class.priority:g}")


@permission_required("rations.view_distributionplan")
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = get_object_or_404(DistributionPlan.objects.select_related("store"), pk=plan_id)
    # The fair share as the LP computed it, and as handed out in whole steps.
    handed_out = services.handout_totals(plan)
    items = list(plan.items.select_related("item"))
    for line in items:
        line.handed_out = handed_out.get(line.item_id, Decimal(0))  # type: ignore[attr-defined]
    context: dict[str, Any] = {
        "plan": plan,
        "items": items,
        "short_classes": _short_classes(plan),
        "short_groups": plan.classes.filter(fraction_met__lt=0.999999).count(),
        "min_percent": round(plan.min_fraction * 100, 1),
        "by_need": [
            (need_label(key), fraction)
            for key, fraction in sorted(plan.summary.get("min_fraction_by_need", {}).items())
        ],
    }
    if request.user.has_perm("rations.view_forecast"):
        context["forecast"] = _shown(computed.latest(FORECAST, runway_state()))
    return render(request, "rations/plan.html", context)


@require_POST
@permission_required("rations.apply_distribution")
def plan_apply(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = get_object_or_404(DistributionPlan, pk=plan_id)
    try:
        services.apply_plan(by=request.user, plan=plan)
        messages.success(
            request, _("Plan #%(pk)s applied: distribute against it.") % {"pk": plan.pk}
        )
    except HavenError as error:
        messages.error(request, str(error))
    return redirect("rations:plan", plan_id=plan.pk)


@permission_required("rations.view_distributionplan")
def distribution_list(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = get_object_or_404(DistributionPlan.objects.select_related("store"), pk=plan_id)
    items = list(Item.objects.filter(pk__in=plan.items.values("item")).order_by("name"))
    page = Paginator(services.distribution_list(plan), DISTRIBUTION_PAGE).get_page(
        request.GET.get("page")
    )
    rows = [
        {
            "share": share,
            "quantities": [
                (item, share.planned.get(item.pk), share.handed_out.get(item.pk)) for item in items
            ],
        }
        for share in page.object_list
    ]
    # Who is grouped with whom is the household group: a role without it sees the quantities.
    households = policy.G.HOUSEHOLD in policy.role_groups(request.user)
    return render(
        request,
        "rations/list.html",
        {"plan": plan, "items": items, "rows": rows, "page": page, "households": households},
    )


@permission_required("rations.view_distributionplan")
def distribution_sheet(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The whole distribution list on paper: a row per household (or person collecting) with
    the quantities to hand out and a column to sign or thumbprint."""
    plan = get_object_or_404(DistributionPlan.objects.select_related("store"), pk=plan_id)
    shares = services.distribution_list(plan)[0:]
    # Only the items someone is handed: a column of dashes takes the signature's room.
    given = {pk for share in shares for pk, quantity in share.planned.items() if quantity}
    items = list(Item.objects.filter(pk__in=given).order_by("name"))
    rows = [
        {"share": share, "quantities": [(item, share.planned.get(item.pk)) for item in items]}
        for share in shares
    ]
    return render(
        request,
        "rations/print_distribution.html",
        {
            "plan": plan,
            "items": items,
            "rows": rows,
            "households": policy.G.HOUSEHOLD in policy.role_groups(request.user),
            "printed_at": timezone.now(),
        },
    )


@require_POST
@permission_required("rations.record_handout")
def handout(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = get_object_or_404(DistributionPlan, pk=plan_id)
    form = HandoutForm(request.POST)
    if form.is_valid():
        try:
            done = services.record_full_handout(by=request.user, plan=plan, **form.cleaned_data)
            messages.success(
                request, _("Recorded %(count)s item(s) handed out.") % {"count": len(done)}
            )
        except HavenError as error:
            messages.error(request, str(error))
    else:
        messages.error(request, _("Choose a household or a person."))
    return redirect("rations:list", plan_id=plan.pk)


@permission_required("rations.record_transfer")
def transfer(request: HttpRequest) -> HttpResponse:
    form = TransferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.record_transfer(by=request.user, **form.cleaned_data)
        except HavenError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Recorded: %(from_person)s handed %(quantity)s × %(item)s to %(to_person)s.")
                % {
                    "from_person": record.from_person,
                    "quantity": f"{record.quantity:f}",
                    "item": record.item,
                    "to_person": record.to_person,
                },
            )
            return redirect("rations:transfer")
    recent = RationTransfer.objects.select_related("from_person", "to_person", "item")[:20]
    return render(request, "rations/transfer.html", {"form": form, "recent": recent})


@permission_required("rations.view_own_ration")
def mine(request: HttpRequest) -> HttpResponse:
    person = (
        Person.objects.filter(user=request.user).first() if request.user.is_authenticated else None
    )
    plan = services.latest_plan(applied_only=True)
    ration = None
    problem = ""
    if person is None:
        problem = _("Your account is not linked to a person in the registry.")
    elif plan is None:
        problem = _("No distribution plan has been applied yet.")
    else:
        try:
            ration = services.own_ration(plan, person)
        except HavenError as error:
            problem = str(error)
    lines = []
    if ration is not None:
        items = Item.objects.in_bulk(list(ration.total))
        lines = [
            {
                "item": items[pk],
                "daily": ration.daily[pk],
                "total": total,
                "given": ration.given.get(pk),
                "received": ration.received.get(pk),
            }
            for pk, total in ration.total.items()
        ]
    return render(
        request,
        "rations/mine.html",
        {"person": person, "plan": plan, "ration": ration, "lines": lines, "problem": problem},
    )


@permission_required("rations.plan_production")
def production(request: HttpRequest) -> HttpResponse:
    try:
        default = services.default_store()
    except HavenError:
        default = None
    form = ProductionForm(
        request.GET or None,
        initial={"store": default, "horizon_days": settings.HAVEN_FABRICATION_HORIZON_DAYS},
    )
    store = default
    days = settings.HAVEN_FABRICATION_HORIZON_DAYS
    if form.is_bound and form.is_valid():
        store, days = form.cleaned_data["store"], form.cleaned_data["horizon_days"]
    proposal = None
    error = ""
    if store is not None:
        try:
            proposal = services.propose_production(store=store, horizon_days=days)
        except HavenError as problem:
            error = str(problem)
    rows = []
    if proposal is not None:
        for batches in proposal.plan.recipe_batches:
            recipe = proposal.recipes[batches.recipe_id]
            rows.append(
                {
                    "recipe": recipe,
                    "batches": batches,
                    "fabricators": adapters.fabricators(recipe.skill.code),
                }
            )
    return render(
        request,
        "rations/production.html",
        {
            "form": form,
            "proposal": proposal,
            "rows": rows,
            "coverage": proposal.plan.shortage_coverage.values() if proposal else [],
            "error": error,
            "store": store,
        },
    )


@require_POST
@permission_required("rations.order_production")
def production_order(request: HttpRequest) -> HttpResponse:
    form = OrderForm(request.POST)
    if form.is_valid():
        try:
            order = services.order_production(by=request.user, **form.cleaned_data)
            messages.success(
                request,
                _("Made %(batches)s × %(recipe)s (%(reference)s).")
                % {"batches": order.batches, "recipe": order.recipe, "reference": order.reference},
            )
        except HavenError as error:
            messages.error(request, str(error))
    else:
        messages.error(request, form_errors(form))
    return redirect("rations:production")


@dataclass(frozen=True, slots=True)
class ShownForecast:
    """Fan charts as the worker last computed them (a page never waits for a forecast)."""

    charts: list[charts.FanChart]
    error: str
    ready: bool
    current: bool
    as_of: str

    @property
    def pending(self) -> bool:
        return not (self.ready and self.current)


def _shown(result: computed.Latest) -> ShownForecast:
    value = result.value if isinstance(result.value, dict) else {}
    return ShownForecast(
        charts=[charts.FanChart(**chart) for chart in value.get("charts", [])],
        error=str(value.get("error", "")),
        ready=result.ready,
        current=result.current,
        as_of=result.age_text,
    )


@permission_required("rations.view_forecast")
def forecast(request: HttpRequest) -> HttpResponse:
    form = ScenarioForm(request.GET or None)
    days = settings.HAVEN_FORECAST_HORIZON_DAYS
    what_if = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        days = data["horizon_days"] or days
        store = data["store_lost"]
        params = {
            "days": days,
            "people_leave": data["people_leave"] or 0,
            "people_arrive": data["people_arrive"] or 0,
            "store_lost": store.pk if store is not None else None,
            "missions_bring_nothing": bool(data["missions_bring_nothing"]),
        }
        if any(value for key, value in params.items() if key != "days"):
            what_if = _shown(computed.ask(WHAT_IF, params))
    if days == settings.HAVEN_FORECAST_HORIZON_DAYS:
        base = _shown(computed.latest(FORECAST, runway_state()))
    else:
        base = _shown(computed.ask(WHAT_IF, {"days": days}))
    pending = base.pending or (what_if is not None and what_if.pending)
    template = "rations/_forecast.html" if request.headers.get("HX-Request") else None
    return render(
        request,
        template or "rations/forecast.html",
        {"form": form, "base": base, "what_if": what_if, "days": days, "pending": pending},
    )
