"""Households told apart: a name is not enough ("Afonja household" twice), so a household
reads with its head (the first member registered) and where the head sleeps."""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps

from haven.people.models import Household, Person


def household_labels(households: Iterable[Household]) -> dict[int, str]:
    """Household pk → "Afonja household — Bola Afonja, Tent B-12" (two queries in all)."""
    names = {household.pk: household.name for household in households}
    heads: dict[int, tuple[int, str]] = {}
    members = (
        Person.objects.filter(household_id__in=list(names))
        .order_by("household_id", "pk")
        .values_list("household_id", "pk", "full_name")
    )
    for household_id, person_id, full_name in members:
        heads.setdefault(household_id, (person_id, full_name))
    shelters: dict[int, str] = {}
    if apps.is_installed("haven.shelter"):
        stays = apps.get_model("shelter", "Stay").objects.filter(
            person_id__in=[person_id for person_id, _ in heads.values()], ended_at__isnull=True
        )
        shelters = dict(stays.values_list("person_id", "shelter__name"))
    labels = {}
    for pk, name in names.items():
        head = heads.get(pk)
        if head is None:
            labels[pk] = name
            continue
        where = shelters.get(head[0])
        labels[pk] = f"{name} — {head[1]}{f', {where}' if where else ''}"
    return labels


def household_choices() -> list[tuple[int, str]]:
    """Every household as (pk, label), by name, for a form's choices."""
    households = list(Household.objects.order_by("name", "pk"))
    labels = household_labels(households)
    return [(household.pk, labels[household.pk]) for household in households]


def same_name(name: str) -> list[Household]:
    """Households already called `name` (case and spaces aside)."""
    return list(Household.objects.filter(name__iexact=name.strip()).order_by("pk"))
