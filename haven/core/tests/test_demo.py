"""`haven demo --no-serve` builds a believable camp on this run's database (SQLite, and
PostgreSQL when HAVEN_TEST_DATABASE_URL is set), and every capability shows in it.

The demo takes a while to build, so it is built once for this module inside a
transaction that is rolled back at the end; each test reads it in a savepoint.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import redirect_stdout
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client

from haven.health.models import DeathRecord, Treatment, TriageRecord
from haven.missions.models import Mission
from haven.people.choices import Status
from haven.people.models import Person
from haven.rations.models import DistributionPlan, ProductionOrder
from haven.shelter.models import Shelter, Stay
from haven.stock.models import Balance, LedgerEntry, Store


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    """The demo camp, built by the command a camp would run; its log as printed."""
    with django_db_blocker.unblock(), transaction.atomic():
        output = StringIO()
        with redirect_stdout(output):  # the command prints with Rich, to sys.stdout
            call_command("demo", no_serve=True)
        yield output.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def commander(demo: str, db: None) -> Client:
    client = Client()
    client.force_login(User.objects.get(username="commander"))
    return client


def test_the_demo_builds_on_this_database(demo: str, db: None) -> None:
    assert connection.vendor in ("sqlite", "postgresql")
    assert Person.objects.count() > 800


def test_the_demo_has_people_in_every_state(demo: str, db: None) -> None:
    counts = {status: Person.objects.filter(status=status).count() for status in Status}
    assert counts[Status.PRESENT] > 50
    assert counts[Status.INJURED] > 50
    assert counts[Status.DECEASED] > 100
    assert counts[Status.MISSING] > 0
    assert counts[Status.DEPARTED] > 0
    # One duplicate registration, merged into the record kept.
    assert counts[Status.MERGED] == 1
    merged = Person.objects.get(status=Status.MERGED)
    assert merged.merged_into is not None


def test_the_demo_has_a_clinic_and_a_casualty_register(demo: str, db: None) -> None:
    assert TriageRecord.objects.filter(is_current=True).count() > 50
    assert Treatment.objects.exists()
    register = DeathRecord.objects.current()
    assert register.count() == Person.objects.filter(status=Status.DECEASED).count()
    assert register.filter(confirmed_at__isnull=True).exists()


def test_the_demo_has_stock_in_several_stores(demo: str, db: None) -> None:
    assert Store.objects.count() >= 3
    assert Balance.objects.filter(quantity__gt=0).values("store").distinct().count() >= 3
    assert LedgerEntry.objects.filter(kind="issue").count() > 20
    assert LedgerEntry.objects.filter(accepted_expired=True).exists()  # from the rubble


def test_the_demo_has_missions_out_and_back(demo: str, db: None) -> None:
    statuses = set(Mission.objects.values_list("status", flat=True))
    assert {"out", "returned"} <= statuses


def test_the_demo_has_shelters_and_people_without_one(demo: str, db: None) -> None:
    assert Shelter.objects.count() > 10
    sleeping = Stay.objects.filter(ended_at__isnull=True, person__status__in=["present", "injured"])
    assert 0 < sleeping.count() < Person.objects.in_camp().count()


def test_the_demo_has_an_applied_ration_plan_and_production(demo: str, db: None) -> None:
    assert DistributionPlan.objects.filter(status="applied").exists()
    assert ProductionOrder.objects.exists()


def test_the_demo_has_tracing_requests_matches_and_a_reunification(demo: str, db: None) -> None:
    from haven.tracing.models import Candidate, TracingRequest

    assert TracingRequest.objects.filter(state__in=["open", "possible_match"]).count() >= 3
    proposed = Candidate.objects.filter(state="proposed")
    assert proposed.filter(label="likely").exists() and proposed.filter(label="possible").exists()
    assert TracingRequest.objects.filter(outcome="reunified").count() == 1
    assert "tracing: " in demo


def test_the_demo_prints_what_it_built_and_the_logins(demo: str) -> None:
    assert "rations: plan #" in demo
    assert "commander" in demo


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/people/",
        "/health/",
        "/health/casualties/",
        "/stock/",
        "/stock/items/drinking-water/",
        "/missions/",
        "/shelter/",
        "/rations/",
        "/tracing/",
        "/tracing/candidates/",
    ],
)
def test_the_commander_sees_every_page_of_the_demo(commander: Client, url: str) -> None:
    response = commander.get(url)
    assert response.status_code == 200
    assert b"could not be drawn" not in response.content
    assert b"could not be shown" not in response.content


def test_the_demo_has_alerts(demo: str, db: None, commander: Client) -> None:
    """An Actual alert most have acknowledged, its update, a cancelled exercise; the deputy
    (a second commander) approved the Actual ones."""
    from haven.alerts import services
    from haven.alerts.models import Alert

    raid = Alert.objects.get(msg_type="Alert", status="Actual")
    assert raid.stage == "superseded" and raid.approved_by.username == "deputy"  # type: ignore[union-attr]
    count = services.ack_count(raid)
    assert count.acknowledged > count.expected / 2
    [update] = services.active_alerts()
    assert update.replaces == raid and raid.reference in update.references
    assert Alert.objects.filter(status="Exercise", msg_type="Cancel", stage="issued").exists()
    assert "Armed group turned west" in commander.get("/alerts/").content.decode()
    member = Client()
    member.force_login(User.objects.get(username="member"))
    assert 'id="alert-banner"' in member.get("/").content.decode()
