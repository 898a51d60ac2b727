"""One dashboard render reads the headcount classes once, for every panel and key figure."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


def test_a_dashboard_render_reads_the_headcount_classes_once(
    camp: dict[str, Any], client_as: Callable[[str], Client]
) -> None:
    from haven.people.models import HeadcountClass, Person

    table = f'"{HeadcountClass._meta.db_table}"'
    client = client_as("commander")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    reads = [
        q["sql"]
        for q in queries.captured_queries
        if table in q["sql"] and q["sql"].lstrip().upper().startswith("SELECT")
    ]
    assert len(reads) == 1, reads
    assert f"<strong>{Person.objects.in_camp().count()}</strong> <span>in camp</span>" in html
