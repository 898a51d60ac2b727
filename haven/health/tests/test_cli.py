"""`haven casualties export` as CSV and as HXL (parsed with libhxl), and bad input."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import hxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from haven.health import services
from haven.health.models import StartingPopulation
from haven.health.tests.conftest import START_RED
from haven.people.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def casualties(users: dict[str, Any], make_person: Callable[..., Person]) -> None:
    for name, cause in (("A", "explosion"), ("B", "explosion"), ("C", "gunshot")):
        services.record_death(
            by=users["medic"],
            person=make_person(name),
            died_at=timezone.now() - timedelta(hours=3),
            cause=cause,
            confidence="confirmed",
            place="Market square",
        )
    services.record_triage(by=users["medic"], person=make_person("D"), answers=START_RED)


def test_hxl_export_parses_with_libhxl(casualties: None, tmp_path: Path) -> None:
    target = tmp_path / "casualties.csv"
    call_command("casualties", "export", "--format", "hxl", "--output", str(target))
    dataset = hxl.data(str(target), hxl.InputOptions(allow_local=True))
    tags = [column.display_tag for column in dataset.columns]
    assert "#affected+killed" in tags and "#date+occurred" in tags and "#loc+name" in tags
    rows = list(dataset)
    killed = {}
    for row in rows:
        if int(row.get("#affected+killed") or 0):
            killed[row.get("#cause+code")] = int(row.get("#affected+killed"))
    assert killed == {"explosion": 2, "gunshot": 1}
    assert sum(int(row.get("#affected+injured")) for row in rows) == 1


def test_csv_export_has_a_plain_header(casualties: None) -> None:
    out = io.StringIO()
    call_command("casualties", "export", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "date,place,cause,cause_label,killed,injured,missing"
    assert not lines[1].startswith("#")


def test_bad_format_and_bad_population_exit_2() -> None:
    with pytest.raises(CommandError) as error:
        call_command("casualties", "export", "--format", "pdf")
    assert error.value.returncode == 2
    with pytest.raises(CommandError, match="starting population -4 is not a positive") as error:
        call_command("casualties", "set-population", "-4")
    assert error.value.returncode == 2
    assert not StartingPopulation.objects.exists()


def test_figures_print_shares(casualties: None) -> None:
    call_command("casualties", "set-population", "300")
    out = io.StringIO()
    call_command("casualties", "figures", stdout=out)
    assert "dead: 3 (1.0% of 300)" in out.getvalue()
