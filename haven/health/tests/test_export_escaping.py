"""The casualty CSV and HXL exports neutralise text a spreadsheet would run as a formula;
the counts stay numbers."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from haven.health import services
from haven.people.models import Person

pytestmark = pytest.mark.django_db

PLACE = '=HYPERLINK("http://x","y")'


@pytest.mark.parametrize("fmt", ["csv", "hxl"])
def test_a_formula_place_is_quoted_and_counts_stay_numbers(
    fmt: str, users: dict[str, Any], make_person: Callable[..., Person]
) -> None:
    services.record_death(
        by=users["medic"],
        person=make_person("A"),
        died_at=timezone.now() - timedelta(hours=3),
        cause="explosion",
        confidence="confirmed",
        place=PLACE,
    )
    out = io.StringIO()
    call_command("casualties", "export", "--format", fmt, stdout=out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    data = rows[2:] if fmt == "hxl" else rows[1:]
    assert [row[1] for row in data] == ["'" + PLACE]
    assert data[0][4] == "1"
