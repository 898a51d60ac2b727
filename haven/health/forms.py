"""Web forms for health records; the services check the rules, these only read input."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

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
    body_region = forms.ChoiceField(choices=BodyRegion.choices)
    kind = forms.ChoiceField(choices=InjuryKind.choices)
    burn_body_surface_percent = forms.IntegerField(
        required=False, label="Burned body surface (%)", help_text="Burns only."
    )
    cause = forms.ChoiceField(choices=Cause.choices, initial=Cause.UNKNOWN)
    place = forms.CharField(max_length=200, required=False)
    description = forms.CharField(max_length=500, required=False)


class TreatmentForm(forms.Form):
    what = forms.CharField(max_length=300, label="Treatment given")
    injury = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    note = forms.CharField(max_length=500, required=False)
    item = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, label="Medical stock used"
    )
    store = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="From store")
    quantity = forms.DecimalField(required=False, min_value=0, decimal_places=3)


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(choices=Outcome.choices)
    note = forms.CharField(max_length=500, required=False)
    destination = forms.CharField(
        max_length=200, required=False, help_text="Where to, for a transfer."
    )
    return_to_present = forms.BooleanField(
        required=False, initial=True, label="Recovered: back to present"
    )
    cause = forms.ChoiceField(
        choices=Cause.choices, initial=Cause.UNKNOWN, label="Cause (if died)", required=False
    )


class DeathForm(forms.Form):
    died_at = forms.DateTimeField(widget=DATETIME, label="Date and time of death")
    time_is_estimate = forms.BooleanField(required=False, label="Time is an estimate")
    place = forms.CharField(max_length=200, required=False)
    cause = forms.ChoiceField(choices=Cause.choices)
    cause_detail = forms.CharField(max_length=300, required=False, label="Medical cause")
    circumstances = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    identified_by = forms.CharField(max_length=200, required=False)
    confidence = forms.ChoiceField(choices=IdentificationConfidence.choices, label="Identification")
    disposition = forms.ChoiceField(choices=Disposition.choices, initial=Disposition.PENDING)
    disposition_place = forms.CharField(max_length=200, required=False)
    personal_effects = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="What was kept, and where.",
    )
    next_of_kin = forms.CharField(max_length=300, required=False)
    next_of_kin_told = forms.BooleanField(required=False, label="Next of kin told")


class CorrectionForm(DeathForm):
    reason = forms.CharField(max_length=500, label="Reason for the correction")


class StartingPopulationForm(forms.Form):
    count = forms.IntegerField(min_value=1, label="People in camp before the crisis")
    note = forms.CharField(max_length=300, required=False)


class UnknownCasualtyForm(forms.Form):
    tag_number = forms.CharField(
        max_length=40,
        label=_("Triage tag number"),
        widget=forms.TextInput(attrs={"autofocus": True}),
    )
    sex = forms.ChoiceField(
        choices=Sex.choices, initial=Sex.UNKNOWN, widget=forms.RadioSelect, label=_("Sex")
    )
    estimated_age = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=120,
        label=_("Estimated age (years)"),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    features = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("Distinguishing features"),
        help_text=_("Clothing, scars, tattoos, build, hair."),
    )
    found_place = forms.CharField(max_length=200, required=False, label=_("Where found"))
