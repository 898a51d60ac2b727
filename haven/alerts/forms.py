"""The draft (and update) form: the CAP fields a commander fills in, in the order they think
of them; the CAP rules themselves are the services' (haven.alerts.rules)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from haven.alerts.choices import (
    CapStatus,
    Category,
    Certainty,
    ResponseType,
    Scope,
    Severity,
    Urgency,
)
from haven.alerts.models import HEADLINE_MAX, Alert
from haven.core import policy

LOCAL_TIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class AlertForm(forms.Form):
    headline = forms.CharField(label=_("Headline"), max_length=HEADLINE_MAX)
    event = forms.CharField(label=_("Event"), max_length=120, help_text=_("e.g. Armed attack"))
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices)
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    certainty = forms.ChoiceField(label=_("Certainty"), choices=Certainty.choices)
    response_type = forms.ChoiceField(
        label=_("What people should do"),
        choices=[("", "—"), *ResponseType.choices],
        required=False,
    )
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    instruction = forms.CharField(
        label=_("Instruction"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    expires = forms.DateTimeField(label=_("Expires"), widget=LOCAL_TIME)
    area_desc = forms.CharField(label=_("Area"), max_length=200, required=False)
    circle = forms.CharField(
        label=_("Circle"),
        max_length=100,
        required=False,
        help_text=_("lat,lon radius_km — optional"),
    )
    polygon = forms.CharField(
        label=_("Polygon"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("lat,lon points separated by spaces, the first repeated last — optional"),
    )
    status = forms.ChoiceField(label=_("Status"), choices=CapStatus.choices)
    scope = forms.ChoiceField(label=_("Scope"), choices=Scope.choices)
    restriction = forms.CharField(
        label=_("Restriction"),
        max_length=300,
        required=False,
        help_text=_("who may see it (scope Restricted only)"),
    )
    addresses = forms.CharField(
        label=_("Addresses"),
        max_length=1000,
        required=False,
        help_text=_("whom it is for (scope Private only)"),
    )
    share_coordinates = forms.BooleanField(
        label=_("Send the circle and polygon out with a Public alert"), required=False
    )
    assemble_at = forms.CharField(
        label=_("Assemble at"),
        max_length=Alert._meta.get_field("assemble_at").max_length,
        required=False,
        help_text=_("opens the emergency muster there when the alert is issued"),
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if policy.G.LOCATION not in policy.role_groups(user):
            # Only the commander may publish coordinates (or see those already set).
            for name in ("share_coordinates", "circle", "polygon"):
                del self.fields[name]
