"""Hot queries use indexes on PostgreSQL: no sequential scan of the people or the ledger.

The planner reads a small table whole whatever its indexes, so sequential scans are
switched off for the EXPLAIN: a plan that still scans a table sequentially has no index
it could use instead. The querysets below are the hot queries as written; the pages'
test EXPLAINs every query the pages themselves send, so a page that drifts from them
(another filter, another order, one more query) is caught too.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from haven.health.models import TriageRecord
from haven.people.models import Person
from haven.stock.models import DailyIssue

pytestmark = pytest.mark.django_db
TABLES = ("people_person", "stock_ledgerentry", "stock_dailyissue")


def plan_of(queryset: Any) -> str:
    sql, params = queryset.query.sql_with_params()
    return plan_of_sql(sql, params)


def plan_of_sql(sql: str, params: Any = None) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def sequential_scans(plan: str) -> list[str]:
    return [
        line for line in plan.splitlines() if "Seq Scan" in line and any(t in line for t in TABLES)
    ]


def hot_queries() -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "people list": Person.objects.search("").select_related("household")[:50],
        "people list by status": Person.objects.filter(status="injured")[:50],
        "search by name": Person.objects.search("amina haddad")[:50],
        "search by name, names only": Person.objects.search("Amina", names_only=True)[:50],
        "search by id": Person.objects.search("P000123")[:50],
        "forgiving search": Person.objects.search("Akobirow")[:50],
        "forgiving search, other scripts": Person.objects.search("Олена محمد")[:50],
        "forgiving search, names only": Person.objects.search("Mohamed", names_only=True)[:50],
        "person page": Person.objects.select_related("household", "team").filter(pk=12),
        "triage queue": TriageRecord.objects.queue().select_related("person")[:500],
        "runway issues": DailyIssue.objects.filter(
            day__gte=today - timedelta(days=7), day__lte=today, entries__gt=0
        )
        .values_list("item_id", "day", "quantity")
        .order_by(),
    }


@pytest.mark.parametrize("name", list(hot_queries()))
def test_no_hot_query_scans_the_people_or_the_ledger(postgres_only: None, name: str) -> None:
    plan = plan_of(hot_queries()[name])
    assert not sequential_scans(plan), f"{name}:\n{plan}"


PAGES = {
    "people list": "/people/",
    "people list, page 2": "/people/?page=2",
    "people list by status": "/people/?status=injured",
    "search": "/people/?q=amina+haddad",
    "search by id": "/people/?q=P000123",
    "person page": "/people/{pk}/",
    "triage queue": "/health/",
    "runway (stock)": "/stock/",
}


@pytest.mark.parametrize("name", list(PAGES))
def test_no_page_query_scans_the_people_or_the_ledger(
    postgres_only: None, client_as: Callable[[str], Any], name: str
) -> None:
    """Every SELECT a hot page sends, as the commander (who sees every column), EXPLAINed."""
    from haven.people import services

    person = services.register_person(by=None, full_name="Amina Haddad", sex="f", status="injured")
    path = PAGES[name].format(pk=person.pk)
    client = client_as("commander")
    with CaptureQueriesContext(connection) as sent:
        response = client.get(path)
    assert response.status_code == 200, path
    selects = [q["sql"] for q in sent.captured_queries if q["sql"].lstrip().startswith("SELECT")]
    touching = [sql for sql in selects if any(f'"{table}"' in sql for table in TABLES)]
    if path.startswith("/people/"):
        assert touching, f"{path} sent no query of the people: {selects}"
    for sql in touching:
        plan = plan_of_sql(sql)
        assert not sequential_scans(plan), f"{name} ({path}):\n{sql}\n{plan}"
