"""The discovered `<app>/muster.py` modules: what they must export, checked at start-up."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import pytest
from django.core.management import call_command

from haven.people.accounting import ElsewhereGroup, elsewhere_groups
from haven.people.checks import check_muster_modules
from haven.people.models import Household, Person


def module(name: str, **exports: Any) -> ModuleType:
    found = ModuleType(name)
    found.__dict__.update(exports)
    return found


def errors_with(monkeypatch: pytest.MonkeyPatch, *modules: ModuleType) -> list[str]:
    monkeypatch.setattr(
        "haven.core.registry.app_modules",
        lambda submodule: [(m.__name__.split(".")[1], m) for m in modules],
    )
    return [f"{problem.id}: {problem.msg}" for problem in check_muster_modules()]


def group(key: str = "clinic", label: str = "in the clinic", people: Any = None) -> ElsewhereGroup:
    return ElsewhereGroup(
        key=key, label=label, people=Person.objects.all() if people is None else people
    )


def test_the_clinic_and_the_missions_are_discovered() -> None:
    assert [(g.key, g.label) for g in elsewhere_groups()] == [
        ("mission", "on mission"),
        ("clinic", "in the clinic"),
    ]
    assert check_muster_modules() == []
    call_command("check", "--fail-level", "ERROR")


@pytest.mark.parametrize(
    ("exports", "problem"),
    [
        ({}, "people.E001: haven.bad.muster does not export accounted_elsewhere()"),
        ({"accounted_elsewhere": "clinic"}, "people.E001"),
        ({"accounted_elsewhere": lambda: group()}, "people.E002"),
        ({"accounted_elsewhere": lambda: ["clinic"]}, "people.E003"),
        (
            {"accounted_elsewhere": lambda: [group(people=Household.objects.all())]},
            "people.E004: haven.bad.muster.accounted_elsewhere(): group 'clinic' has no queryset",
        ),
        ({"accounted_elsewhere": lambda: [group(label=" ")]}, "people.E005"),
        ({"accounted_elsewhere": lambda: [group(key="unaccounted")]}, "people.E006"),
        ({"accounted_elsewhere": lambda: [group(), group()]}, "is used by bad"),
    ],
)
def test_a_module_that_lacks_what_it_must_export_fails_the_check(
    monkeypatch: pytest.MonkeyPatch, exports: dict[str, Any], problem: str
) -> None:
    found = errors_with(monkeypatch, module("haven.bad.muster", **exports))
    assert any(problem in error for error in found), found
