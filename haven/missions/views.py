from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from haven.core import policy
from haven.core.access import permission_required, require
from haven.core.errors import HavenError
from haven.missions import services
from haven.missions.choices import MissionStatus, RiskLevel
from haven.missions.models import Mission
from haven.people.models import Person
from haven.stock.models import Item, Store


def parse_lines(text: str) -> list[tuple[str, str]]:
    """ "item, quantity" per line (item by code or name) → pairs; blank lines skipped."""
    lines: list[tuple[str, str]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        item, sep, quantity = raw.rpartition(",")
        if not sep or not item.strip():
            raise HavenError(
                _("line %(number)s %(raw)r: write 'item, quantity'")
                % {"number": number, "raw": raw.strip()}
            )
        lines.append((item.strip(), quantity.strip()))
    return lines


class PlanForm(forms.Form):
    name = forms.CharField(max_length=120, required=False, label=gettext_lazy("Name"))
    destination = forms.CharField(max_length=200, label=gettext_lazy("Destination"))
    # Picked by typing a name (core/picker.js); a plain list without JavaScript.
    team = forms.ModelMultipleChoiceField(
        Person.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 8, "data-picker": gettext_lazy("Type a name")}),
        label=gettext_lazy("Team"),
    )
    leader = forms.ModelChoiceField(
        Person.objects.none(),
        required=False,
        widget=forms.Select(attrs={"data-picker": gettext_lazy("Type a name")}),
        label=gettext_lazy("Leader"),
    )
    risk_level = forms.ChoiceField(
        choices=RiskLevel.choices, initial=RiskLevel.MEDIUM, label=gettext_lazy("Risk level")
    )
    planned_departure_at = forms.DateTimeField(
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        label=gettext_lazy("Planned departure at"),
    )
    expected_return_at = forms.DateTimeField(
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        label=gettext_lazy("Expected return at"),
    )
    objectives = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "cereal, 200\ntrauma-kit, 5"}),
        required=False,
        help_text=gettext_lazy("One 'item, quantity' per line."),
        label=gettext_lazy("Objectives"),
    )
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label=gettext_lazy("Notes")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        available = services.available_people()
        self.fields["team"].queryset = available  # type: ignore[attr-defined]
        self.fields["leader"].queryset = available  # type: ignore[attr-defined]


YIELD_ROWS = 5


class ReturnForm(forms.Form):
    """The team back in, and what they brought as item rows (an item found by typing, a
    quantity): a bad row is flagged on its own and every row is kept for correcting."""

    store = forms.ModelChoiceField(Store.objects.all(), required=False, label=gettext_lazy("Store"))
    not_back = forms.ModelMultipleChoiceField(
        Person.objects.none(), required=False, label=gettext_lazy("Did not come back")
    )
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label=gettext_lazy("Note")
    )

    def __init__(self, *args: Any, mission: Mission, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["not_back"].queryset = Person.objects.filter(  # type: ignore[attr-defined]
            mission_memberships__mission=mission
        )
        items = [("", "—")] + [
            (str(item.pk), f"{item.name} ({item.unit})") for item in Item.objects.order_by("name")
        ]
        rows: dict[str, forms.Field] = {}
        for row in range(1, YIELD_ROWS + 1):
            rows[f"item_{row}"] = forms.TypedChoiceField(
                choices=items,
                coerce=int,
                required=False,
                empty_value=None,
                label=gettext_lazy("Brought back, row %(row)d") % {"row": row},
                widget=forms.Select(attrs={"data-picker": gettext("Type an item")}),
            )
            rows[f"quantity_{row}"] = forms.DecimalField(
                required=False,
                min_value=Decimal("0.001"),
                max_digits=16,
                decimal_places=3,
                label=gettext_lazy("Quantity, row %(row)d") % {"row": row},
                widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
            )
        # The rows come after the store, before who did not come back.
        fields = dict(self.fields)
        self.fields = {"store": fields.pop("store"), **rows, **fields}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for row in range(1, YIELD_ROWS + 1):
            item, quantity = data.get(f"item_{row}"), data.get(f"quantity_{row}")
            if item is not None and quantity is None and f"quantity_{row}" not in self.errors:
                self.add_error(f"quantity_{row}", gettext("How many were brought back?"))
            if quantity is not None and item is None:
                self.add_error(f"item_{row}", gettext("Which item is this quantity of?"))
        return data

    def yield_lines(self) -> list[tuple[Item, Decimal]]:
        """(item, quantity) per filled row, in the rows' order."""
        chosen = [
            (self.cleaned_data[f"item_{row}"], self.cleaned_data[f"quantity_{row}"])
            for row in range(1, YIELD_ROWS + 1)
            if self.cleaned_data.get(f"item_{row}") is not None
        ]
        items = Item.objects.in_bulk([pk for pk, _ in chosen])
        return [(items[pk], quantity) for pk, quantity in chosen if pk in items]


def _mission(request: HttpRequest, mission_id: int) -> Mission:
    mission = services.get_mission(mission_id)
    if not services.may_see(request.user, mission):
        raise PermissionDenied(_("you may see only the missions you are on"))
    return mission


@permission_required("missions.view_mission")
def board(request: HttpRequest) -> HttpResponse:
    """The mission board: overdue first, then out, planned and recently returned."""
    now = timezone.now()
    missions = list(
        services.visible_missions(request.user).prefetch_related("members__person", "objectives")
    )
    columns = {
        "overdue": [m for m in missions if m.is_overdue(now)],
        "out": [m for m in missions if m.status == MissionStatus.OUT and not m.is_overdue(now)],
        "planned": [m for m in missions if m.status == MissionStatus.PLANNED],
        "returned": [m for m in missions if m.status == MissionStatus.RETURNED][:10],
    }
    return render(request, "missions/board.html", {"columns": columns, "now": now})


@permission_required("missions.add_mission")
def plan(request: HttpRequest) -> HttpResponse:
    now = timezone.localtime().replace(second=0, microsecond=0)
    form = PlanForm(
        request.POST or None,
        initial={
            "planned_departure_at": now + timedelta(hours=2),
            "expected_return_at": now + timedelta(hours=14),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            mission = services.plan_mission(
                by=request.user,
                name=data["name"],
                destination=data["destination"],
                team=list(data["team"]),
                leader=data["leader"],
                risk_level=data["risk_level"],
                planned_departure_at=data["planned_departure_at"],
                expected_return_at=data["expected_return_at"],
                objectives=parse_lines(data["objectives"]),
                notes=data["notes"],
            )
        except HavenError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Mission %(name)s planned.") % {"name": mission.name})
            return redirect("missions:detail", mission_id=mission.pk)
    history = services.yield_history()
    # The history is grouped by destination: the places read "hidden" but for those who
    # may see locations.
    may_locate = policy.G.LOCATION in policy.role_groups(request.user)
    if may_locate and history:
        policy.note_read(request, request.user, policy.G.LOCATION, "missions.mission", None)
    return render(
        request,
        "missions/plan.html",
        {"form": form, "history": history, "may_locate": may_locate},
    )


@permission_required("missions.view_mission")
def detail(request: HttpRequest, mission_id: int) -> HttpResponse:
    mission = _mission(request, mission_id)
    return _detail(request, mission, ReturnForm(mission=mission))


def _detail(
    request: HttpRequest, mission: Mission, return_form: ReturnForm, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "missions/detail.html",
        {
            "mission": mission,
            "members": mission.members.select_related("person"),
            "objectives": mission.objectives.select_related("item"),
            "brought_back": services.yield_of(mission),
            "return_form": return_form,
            "overdue": mission.is_overdue(),
            "may_receive": request.user.has_perm("missions.receive_yield"),
        },
        status=status,
    )


@require_POST
@permission_required("missions.check_team")
def depart(request: HttpRequest, mission_id: int) -> HttpResponse:
    mission = _mission(request, mission_id)
    try:
        services.depart(by=request.user, mission=mission)
        messages.success(request, _("%(name)s: team checked out.") % {"name": mission.name})
    except HavenError as error:
        messages.error(request, str(error))
    return redirect("missions:detail", mission_id=mission.pk)


@require_POST
@permission_required("missions.check_team")
def return_view(request: HttpRequest, mission_id: int) -> HttpResponse:
    mission = _mission(request, mission_id)
    form = ReturnForm(request.POST, mission=mission)
    if not form.is_valid():
        # Every row stays as typed; only the bad ones say what is wrong.
        return _detail(request, mission, form, status=400)
    data = form.cleaned_data
    try:
        lines = form.yield_lines()
        if lines:
            require(request.user, "missions.receive_yield")
        result = services.return_mission(
            by=request.user,
            mission=mission,
            store=data["store"],
            yield_lines=lines,
            not_back=list(data["not_back"]),
            note=data["note"],
        )
    except HavenError as error:
        form.add_error(None, str(error))
        return _detail(request, mission, form, status=400)
    else:
        total = sum((e.quantity for e in result.entries), Decimal(0))
        messages.success(
            request,
            _("%(name)s is back: %(count)s yield lines received%(value)s.")
            % {
                "name": mission.name,
                "count": len(result.entries),
                "value": f" ({total:f} units)" if result.entries else "",
            },
        )
    return redirect("missions:detail", mission_id=mission.pk)
