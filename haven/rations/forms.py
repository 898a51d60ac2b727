from __future__ import annotations

from django import forms
from django.conf import settings

from haven.people.models import Household, Person
from haven.rations.models import Recipe
from haven.stock.models import Item, Store


class PlanForm(forms.Form):
    store = forms.ModelChoiceField(Store.objects.all(), required=False, empty_label="All stores")
    horizon_days = forms.IntegerField(
        label="Days", min_value=1, max_value=90, initial=settings.HAVEN_RATIONS_DEFAULT_DAYS
    )
    note = forms.CharField(max_length=300, required=False)


class HandoutForm(forms.Form):
    household = forms.ModelChoiceField(Household.objects.all(), required=False)
    person = forms.ModelChoiceField(
        Person.objects.in_camp(), required=False, help_text="Who collected it."
    )
    note = forms.CharField(max_length=300, required=False)


class TransferForm(forms.Form):
    from_person = forms.ModelChoiceField(Person.objects.in_camp(), label="From")
    to_person = forms.ModelChoiceField(Person.objects.in_camp(), label="To")
    item = forms.ModelChoiceField(Item.objects.all(), to_field_name="code")
    quantity = forms.DecimalField(min_value=0, max_digits=14, decimal_places=3)
    reason = forms.CharField(max_length=300, required=False)


class ProductionForm(forms.Form):
    store = forms.ModelChoiceField(Store.objects.all())
    horizon_days = forms.IntegerField(label="Days", min_value=1, max_value=90)


class OrderForm(forms.Form):
    recipe = forms.ModelChoiceField(Recipe.objects.filter(active=True), to_field_name="code")
    batches = forms.IntegerField(min_value=1)
    store = forms.ModelChoiceField(Store.objects.all())
    fabricator = forms.ModelChoiceField(Person.objects.in_camp())
    note = forms.CharField(max_length=300, required=False)


class ScenarioForm(forms.Form):
    horizon_days = forms.IntegerField(label="Days", min_value=1, max_value=365, required=False)
    people_leave = forms.IntegerField(label="People leave", min_value=0, required=False)
    people_arrive = forms.IntegerField(label="People arrive", min_value=0, required=False)
    store_lost = forms.ModelChoiceField(Store.objects.all(), required=False, label="Store lost")
    missions_bring_nothing = forms.BooleanField(required=False, label="Missions bring nothing")
