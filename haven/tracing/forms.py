"""Web forms for tracing; the services check the rules, these only read input."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from haven.people.choices import Sex
from haven.tracing.choices import NoteStatus

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"})


class RequestForm(forms.Form):
    asker_name = forms.CharField(max_length=200, label=_("Who asks"))
    asker_relationship = forms.CharField(
        max_length=100, required=False, label=_("Relationship to the sought person")
    )
    asker_contact = forms.CharField(
        max_length=200, required=False, label=_("How to reach who asks")
    )
    given_name = forms.CharField(max_length=100, required=False, label=_("Given name"))
    family_name = forms.CharField(max_length=100, required=False, label=_("Family name"))
    full_name = forms.CharField(
        max_length=200, required=False, label=_("Full name (if not given and family)")
    )
    alternate_names = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("Other names and spellings (one a line)"),
    )
    sex = forms.ChoiceField(choices=Sex.choices, initial=Sex.UNKNOWN, label=_("Sex"))
    date_of_birth = forms.DateField(required=False, widget=DATE, label=_("Date of birth"))
    age_min = forms.IntegerField(required=False, min_value=0, max_value=130, label=_("Age from"))
    age_max = forms.IntegerField(required=False, min_value=0, max_value=130, label=_("Age to"))
    phone = forms.CharField(max_length=40, required=False, label=_("The sought person's phone"))
    origin = forms.CharField(max_length=200, required=False, label=_("Comes from"))
    last_seen_place = forms.CharField(max_length=200, required=False, label=_("Last seen where"))
    last_seen_at = forms.DateTimeField(required=False, widget=DATETIME, label=_("Last seen when"))
    distinguishing_features = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=_("Distinguishing features"),
    )
    photo = forms.FileField(required=False, label=_("Photo (JPEG or PNG)"))
    consent_to_share = forms.BooleanField(
        required=False,
        label=_("Who asks agrees that the request is shared and matched"),
    )


class NoteForm(forms.Form):
    status = forms.ChoiceField(
        choices=NoteStatus.choices,
        required=False,
        widget=forms.Select(attrs={"aria-label": _("Status")}),
        label=_("Status"),
    )
    text = forms.CharField(
        max_length=10_000,
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 2, "placeholder": _("What was learnt"), "aria-label": _("Note")}
        ),
        label=_("Note"),
    )
    author_name = forms.CharField(
        max_length=200,
        required=False,
        widget=forms.TextInput(
            attrs={"placeholder": _("Told by (name)"), "aria-label": _("Told by")}
        ),
        label=_("Told by"),
    )
