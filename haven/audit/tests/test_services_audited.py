"""Every public function of every write-service module is either `@audited` or marked
`@read_only`; each audited call appends one event naming who, what, which records and how."""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command

from haven.audit import log
from haven.audit.models import AuditEvent
from haven.audit.trail import is_marked, plain
from haven.core.registry import app_modules

HAVEN = Path(__file__).resolve().parents[2]
# Write modules beside services.py; a module that opens a transaction and is not listed
# here (nor exempt) fails the test below, so a new one cannot be forgotten.
OTHER_WRITE_MODULES = [
    "haven.core.services",
    "haven.core.camp",
    "haven.people.musters",
    "haven.people.importing",
    "haven.people.merging",
    "haven.people.duplicates",
    "haven.stock.exchange",
    "haven.health.unknown",
    "haven.tracing.matcher",
]
# Modules with transactions that are not use cases: the audit log itself, the demo camp's
# builder (it calls the services), reading rows of a page, the headcount classes kept inside
# the services' own transactions (people.models' bulk paths, people.aggregates), the stored
# answers of Idempotency-Key retries, and the worker's cached computations.
NOT_SERVICES = {
    "haven.audit.log",
    "haven.audit.trail",
    "haven.core.demo",
    "haven.core.rows",
    "haven.people.models",
    "haven.people.aggregates",
    # The name tokens, kept inside the services' own transactions (as the classes are).
    "haven.people.nametokens",
    "haven.core.idempotency",
    "haven.core.computed",
    # The shelter's places taken, kept with every stay write (as people.aggregates is).
    "haven.shelter.models",
    "haven.shelter.occupancy",
    # The proof and repair those aggregates share (their rebuilds call it).
    "haven.core.aggregates",
}


def write_modules() -> list[ModuleType]:
    modules = [module for _, module in app_modules("services")]
    return modules + [importlib.import_module(name) for name in OTHER_WRITE_MODULES]


def test_every_public_service_function_is_audited_or_marked_read_only() -> None:
    unmarked = [
        f"{module.__name__}.{name}"
        for module in write_modules()
        for name, func in inspect.getmembers(module, inspect.isfunction)
        if not name.startswith("_") and func.__module__ == module.__name__ and not is_marked(func)
    ]
    assert not unmarked, (
        "decorate these with @audited('app.action') if they write, @read_only if not: "
        + ", ".join(unmarked)
    )


def test_every_module_that_opens_a_transaction_is_checked() -> None:
    checked = {module.__name__ for module in write_modules()} | NOT_SERVICES
    opening = set()
    for path in HAVEN.rglob("*.py"):
        relative = path.relative_to(HAVEN.parent)
        if "tests" in relative.parts or "migrations" in relative.parts:
            continue
        if "transaction.atomic" in path.read_text():
            name = ".".join(relative.with_suffix("").parts)
            if not name.endswith("management.commands") and ".management." not in name:
                opening.add(name)
    assert opening <= checked, f"write modules not checked for @audited: {opening - checked}"


def test_the_apps_list_includes_the_audit_log() -> None:
    assert "haven.audit" in settings.HAVEN_APPS


@pytest.mark.django_db
def test_a_service_call_appends_one_event_with_its_records(users: dict[str, Any]) -> None:
    from haven.stock import services as stock

    store = stock.create_store(by=users["quartermaster"], name="Mill cache", location="mill")
    event = AuditEvent.objects.get(action="stock.create_store")
    assert (event.action, event.kind, event.group) == ("stock.create_store", "write", "stock")
    assert (event.user_id, event.username, event.channel) == (
        users["quartermaster"].pk,
        "quartermaster",
        "system",
    )
    assert event.record_list() == [f"stock.store:{store.pk}"]
    assert event.summary == {"name": "Mill cache", "location": "mill"}
    assert log.verify().intact


@pytest.mark.django_db
def test_a_failed_write_appends_nothing_and_nested_services_are_one_event(
    users: dict[str, Any],
) -> None:
    from haven.core.errors import HavenError
    from haven.stock import services as stock
    from haven.stock.models import Item

    store = stock.create_store(by=users["quartermaster"], name="Store A")
    item = Item.objects.create(code="water", name="Water", unit="l")
    with pytest.raises(HavenError):
        stock.issue(by=users["quartermaster"], item=item, store=store, quantity=5, purpose="x")
    assert not AuditEvent.objects.filter(action="stock.issue").exists()
    stock.receive_many(
        by=users["quartermaster"], store=store, lines=[(item, 10), (item, 5)], source="donation"
    )
    actions = list(
        AuditEvent.objects.filter(group="stock").order_by("seq").values_list("action", flat=True)
    )
    assert actions == ["stock.create_store", "stock.receive_many"]


def test_secrets_never_reach_the_summary() -> None:
    summary = plain({"username": "ana", "password": "hunter2", "api_token": "hvn_x", "token_id": 4})
    assert summary == {
        "username": "ana",
        "password": "(secret)",
        "api_token": "(secret)",
        "token_id": 4,
    }


@pytest.mark.django_db
def test_the_channel_is_the_web_the_api_or_the_command_line(
    client_as: Callable[[str], Any], api_as: Callable[[str], Any], users: dict[str, Any]
) -> None:
    answer = client_as("clerk").post(
        "/people/add/", {"full_name": "Web Person", "sex": "u", "extra_energy_kcal": 0}
    )
    assert answer.status_code == 302
    answer = api_as("quartermaster").post(
        "/api/v1/stock/stores", {"name": "Api store"}, content_type="application/json"
    )
    assert answer.status_code == 201
    call_command("stock", "rebuild")
    seen = list(AuditEvent.objects.order_by("seq").values_list("action", "channel", "username"))
    assert ("people.register_person", "web", "clerk") in seen
    assert ("stock.create_store", "api", "quartermaster") in seen
    assert ("stock.rebuild", "cli", "") in seen
    assert log.verify().intact
