"""`haven shelter …`: list, add, assign, destroy, plan [--apply]; bad input exits 2."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from haven.shelter.models import Shelter, Stay

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("shelter", *args, stdout=out)
    return out.getvalue()


def test_add_list_assign_destroy(camp: Any) -> None:
    assert "added shelter" in run("add", "Bus 1", "--area", "14", "--kind", "vehicle")
    person = camp.people[4]
    assert run("assign", str(person.pk), "Bus 1") == f"{person.full_name} now sleeps in Bus 1\n"
    listing = run("list")
    assert "Bus 1" in listing and "1 of 11 in camp sheltered" in listing
    assert "Bus 1 destroyed: 1 people lost their place" in run("destroy", "Bus 1")


def test_plan_then_apply(camp: Any) -> None:
    preview = run("plan")
    assert "sheltered 0 → 10 of 11" in preview and "nothing moved" in preview
    assert not Stay.objects.exists()
    assert "applied 10 changes" in run("plan", "--apply")
    assert Stay.objects.filter(ended_at__isnull=True).count() == 10


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("add", "T", "--area", "-3"), "covered area of T must be more than 0 m², not -3"),
        (("add", "T", "--area", "0"), "covered area of T must be more than 0 m², not 0"),
        (("assign", "999999", "Tent A"), "no person with id 999999"),
        (("destroy", "Tent Q"), "no shelter named 'Tent Q'"),
    ],
)
def test_bad_input_exits_2(camp: Any, args: tuple[str, ...], message: str) -> None:
    before = Shelter.objects.count()
    with pytest.raises(CommandError, match=message) as error:
        run(*args)
    assert error.value.returncode == 2
    assert Shelter.objects.count() == before


def test_assigning_the_dead_exits_2(camp: Any) -> None:
    with pytest.raises(CommandError, match=r"Gone deceased .* is recorded deceased") as error:
        run("assign", str(camp.gone["deceased"].pk), "Tent A")
    assert error.value.returncode == 2
    assert not Stay.objects.exists()


def test_over_capacity_exits_2(camp: Any) -> None:
    run("assign", str(camp.people[3].pk), "Ward")
    run("assign", str(camp.people[4].pk), "Ward")
    with pytest.raises(CommandError, match="Ward is full: 2 of 2 places taken") as error:
        run("assign", str(camp.people[5].pk), "Ward")
    assert error.value.returncode == 2
