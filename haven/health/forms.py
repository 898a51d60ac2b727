"""Web forms for health records; the services check the rules, these only read input."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy

from haven.health.choices import (
    BodyRegion,
    Cause,
    Disposition,
    IdentificationConfidence,
    InjuryKind,
    Outcome,
)
from haven.people.choices import Sex

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class InjuryForm(forms.Form):
    body_region = forms.ChoiceField(choices=BodyRegion.choices, label=gettext_lazy("Body region"))
    kind = forms.ChoiceField(choices=InjuryKind.choices, label=gettext_lazy("Kind"))
    burn_body_surface_percent = forms.IntegerField(
        required=False,
        label=gettext_lazy("Burned body surface (%)"),
        help_text=gettext_lazy("Burns only."),
    )
    cause = forms.ChoiceField(
        choices=Cause.choices, initial=Cause.UNKNOWN, label=gettext_lazy("Cause")
    )
    place = forms.CharField(max_length=200, required=False, label=gettext_lazy("Place"))
    description = forms.CharField(max_length=500, required=False, label=gettext_lazy("Description"))


class TreatmentForm(forms.Form):
    what = forms.CharField(max_length=300, label=gettext_lazy("Treatment given"))
    injury = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, label=gettext_lazy("Injury")
    )
    note = forms.CharField(max_length=500, required=False, label=gettext_lazy("Note"))
    item = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, label=gettext_lazy("Medical stock used")
    )
    store = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, label=gettext_lazy("From store")
    )
    quantity = forms.DecimalField(
        required=False, min_value=0, decimal_places=3, label=gettext_lazy("Quantity")
    )


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(choices=Outcome.choices, label=gettext_lazy("Outcome"))
    note = forms.CharField(max_length=500, required=False, label=gettext_lazy("Note"))
    destination = forms.CharField(
        max_length=200,
        required=False,
        help_text=gettext_lazy("Where to, for a transfer."),
        label=gettext_lazy("Destination"),
    )
    return_to_present = forms.BooleanField(
        required=False, initial=True, label=gettext_lazy("Recovered: back to present")
    )
    cause = forms.ChoiceField(
        choices=Cause.choices,
        initial=Cause.UNKNOWN,
        label=gettext_lazy("Cause (if died)"),
        required=False,
    )


class DeathForm(forms.Form):
    died_at = forms.DateTimeField(widget=DATETIME, label=gettext_lazy("Date and time of death"))
    time_is_estimate = forms.BooleanField(required=False, label=gettext_lazy("Time is an estimate"))
    place = forms.CharField(max_length=200, required=False, label=gettext_lazy("Place"))
    cause = forms.ChoiceField(choices=Cause.choices, label=gettext_lazy("Cause"))
    cause_detail = forms.CharField(
        max_length=300, required=False, label=gettext_lazy("Medical cause")
    )
    circumstances = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label=gettext_lazy("Circumstances"),
    )
    identified_by = forms.CharField(
        max_length=200, required=False, label=gettext_lazy("Identified by")
    )
    confidence = forms.ChoiceField(
        choices=IdentificationConfidence.choices, label=gettext_lazy("Identification")
    )
    disposition = forms.ChoiceField(
        choices=Disposition.choices, initial=Disposition.PENDING, label=gettext_lazy("Disposition")
    )
    disposition_place = forms.CharField(
        max_length=200, required=False, label=gettext_lazy("Disposition place")
    )
    personal_effects = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=gettext_lazy("What was kept, and where."),
        label=gettext_lazy("Personal effects"),
    )
    next_of_kin = forms.CharField(max_length=300, required=False, label=gettext_lazy("Next of kin"))
    next_of_kin_told = forms.BooleanField(required=False, label=gettext_lazy("Next of kin told"))


class CorrectionForm(DeathForm):
    reason = forms.CharField(max_length=500, label=gettext_lazy("Reason for the correction"))


class StartingPopulationForm(forms.Form):
    count = forms.IntegerField(min_value=1, label=gettext_lazy("People in camp before the crisis"))
    note = forms.CharField(max_length=300, required=False, label=gettext_lazy("Note"))


class UnknownCasualtyForm(forms.Form):
    tag_number = forms.CharField(
        max_length=40,
        label=gettext_lazy("Triage tag number"),
        widget=forms.TextInput(attrs={"autofocus": True}),
    )
    sex = forms.ChoiceField(
        choices=Sex.choices,
        initial=Sex.UNKNOWN,
        widget=forms.RadioSelect,
        label=gettext_lazy("Sex"),
    )
    estimated_age = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=120,
        label=gettext_lazy("Estimated age (years)"),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    features = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        label=gettext_lazy("Distinguishing features"),
        help_text=gettext_lazy("Clothing, scars, tattoos, build, hair."),
    )
    found_place = forms.CharField(max_length=200, required=False, label=gettext_lazy("Where found"))
