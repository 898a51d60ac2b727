"""The dashboard counts the deceased without a death record from the headcount classes and
the death records, never reading the deceased: the same figure as the list of them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from haven.health import queries, services
from haven.people import services as people
from haven.people.choices import Status
from haven.people.models import Person

pytestmark = pytest.mark.django_db


def _death(by: Any, person: Person, confirm: bool = False) -> Any:
    return services.record_death(
        by=by,
        person=person,
        died_at=timezone.now() - timedelta(hours=2),
        cause="exposure",
        confidence="probable",
        confirm=confirm,
    )


def test_the_count_equals_the_list_of_the_unrecorded(
    users: dict[str, Any], make_person: Callable[..., Person]
) -> None:
    medic = users["medic"]
    assert queries.deceased_without_record_count() == 0
    recorded = make_person("Omar Haddad")
    _death(medic, recorded)
    corrected = make_person("Lina Haddad")  # two records, one person
    record = _death(medic, corrected, confirm=True)
    services.correct_death_record(by=medic, record=record, reason="time", cause="illness")
    for name in ("Reported Dead", "Found Still"):
        people.change_status(by=medic, person=make_person(name), status=Status.DECEASED)
    make_person("Amina Yusuf")  # alive
    expected = queries.deceased_without_record().count()
    assert expected == 2
    with CaptureQueriesContext(connection) as read:
        assert queries.deceased_without_record_count() == expected
    assert not any(
        'FROM "people_person"' in query["sql"] and "health_deathrecord" not in query["sql"]
        for query in read.captured_queries
    )
