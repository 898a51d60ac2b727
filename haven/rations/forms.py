from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy

from haven.people.models import Household, Person
from haven.rations.models import Recipe
from haven.stock.models import Item, Store


class PlanForm(forms.Form):
    store = forms.ModelChoiceField(
        Store.objects.all(), required=False, empty_label=gettext_lazy("All stores")
    )
    horizon_days = forms.IntegerField(
        label=gettext_lazy("Days"),
        min_value=1,
        max_value=90,
        initial=settings.HAVEN_RATIONS_DEFAULT_DAYS,
    )
    note = forms.CharField(max_length=300, required=False, label=gettext_lazy("Note"))


class HandoutForm(forms.Form):
    household = forms.ModelChoiceField(
        Household.objects.all(), required=False, label=gettext_lazy("Household")
    )
    person = forms.ModelChoiceField(
        Person.objects.in_camp(),
        required=False,
        help_text=gettext_lazy("Who collected it."),
        label=gettext_lazy("Person"),
    )
    note = forms.CharField(max_length=300, required=False, label=gettext_lazy("Note"))


class TransferForm(forms.Form):
    from_person = forms.ModelChoiceField(Person.objects.in_camp(), label=gettext_lazy("From"))
    to_person = forms.ModelChoiceField(Person.objects.in_camp(), label=gettext_lazy("To"))
    item = forms.ModelChoiceField(
        Item.objects.all(), to_field_name="code", label=gettext_lazy("Item")
    )
    quantity = forms.DecimalField(
        min_value=0, max_digits=14, decimal_places=3, label=gettext_lazy("Quantity")
    )
    reason = forms.CharField(max_length=300, required=False, label=gettext_lazy("Reason"))


class ProductionForm(forms.Form):
    store = forms.ModelChoiceField(Store.objects.all(), label=gettext_lazy("Store"))
    horizon_days = forms.IntegerField(label=gettext_lazy("Days"), min_value=1, max_value=90)


class OrderForm(forms.Form):
    recipe = forms.ModelChoiceField(
        Recipe.objects.filter(active=True), to_field_name="code", label=gettext_lazy("Recipe")
    )
    batches = forms.IntegerField(min_value=1, label=gettext_lazy("Batches"))
    store = forms.ModelChoiceField(Store.objects.all(), label=gettext_lazy("Store"))
    fabricator = forms.ModelChoiceField(Person.objects.in_camp(), label=gettext_lazy("Fabricator"))
    note = forms.CharField(max_length=300, required=False, label=gettext_lazy("Note"))


class ScenarioForm(forms.Form):
    horizon_days = forms.IntegerField(
        label=gettext_lazy("Days"), min_value=1, max_value=365, required=False
    )
    people_leave = forms.IntegerField(
        label=gettext_lazy("People leave"), min_value=0, required=False
    )
    people_arrive = forms.IntegerField(
        label=gettext_lazy("People arrive"), min_value=0, required=False
    )
    store_lost = forms.ModelChoiceField(
        Store.objects.all(), required=False, label=gettext_lazy("Store lost")
    )
    missions_bring_nothing = forms.BooleanField(
        required=False, label=gettext_lazy("Missions bring nothing")
    )
