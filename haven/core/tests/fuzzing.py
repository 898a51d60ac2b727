"""The API fuzzer's harness: the schema, a small camp to aim at, and one call of a case.

Shared by the fuzz test (bounded, in the suite) and the fuzz campaign (many examples,
counting what it finds). Requests go straight into the WSGI application: no server.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import schemathesis
from django.core import signals
from django.db import close_old_connections, transaction
from django.utils import timezone
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from haven.accounts.services import create_token
from haven.api import api
from haven.wsgi import application

FUZZ_ROLES = ("commander", "clerk")


def load_schema() -> Any:
    schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
    schema.app = application
    return schema


SCHEMA = load_schema()
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]


@dataclass
class FuzzCamp:
    """Ids of real records, so that fuzzed paths reach past "not found"; a token per role."""

    ids: dict[str, list[Any]] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    def known(self, path: str, name: str) -> list[Any]:
        """The real values of path parameter `name` in `path` (record ids differ per table)."""
        if name == "record_id":
            return self.ids["death" if "/deaths/" in path else "triage"]
        if name == "plan_id":
            return self.ids["shelter_plan" if "/shelter/" in path else "ration_plan"]
        return self.ids.get(name, [])


def build_camp() -> FuzzCamp:
    """A small camp with one of everything the API can name, and a user per fuzzed role."""
    from haven.accounts.services import create_user
    from haven.health import services as health
    from haven.missions import services as missions
    from haven.people import musters
    from haven.people import services as people
    from haven.rations import services as rations
    from haven.shelter import services as shelter
    from haven.stock import services as stock

    users = {
        role: create_user(username=f"fuzz-{role}", password=None, role=role, superuser=False)
        for role in FUZZ_ROLES
    }
    clerk, commander = users["clerk"], users["commander"]
    now = timezone.now()
    household = people.create_household(name="Aydin household")
    team = people.create_team(name="Kitchen")
    persons = [
        people.register_person(
            by=clerk,
            full_name=f"Person {n}",
            household=household if n < 3 else None,
            team=team if n < 2 else None,
            estimated_age=30,
            registered_at=now - timedelta(days=2),
        )
        for n in range(6)
    ]
    injured = people.register_person(
        by=clerk, full_name="Injured One", estimated_age=40, registered_at=now - timedelta(days=2)
    )
    store = stock.create_store(by=clerk, name="Main store")
    entries = [
        stock.receive(by=clerk, item=code, store=store, quantity=quantity, source="opening")[0]
        for code, quantity in (
            ("cereal", 200),
            ("drinking-water", 2000),
            ("dressing-kit", 5),
            ("trauma-kit", 5),
            ("scrap-metal", 50),
        )
    ]
    mission = missions.plan_mission(
        by=commander,
        name="Market run",
        destination="Market ruins",
        team=persons[3:5],
        leader=persons[3],
        objectives=[("cereal", 10)],
        planned_departure_at=now + timedelta(hours=1),
        expected_return_at=now + timedelta(hours=9),
    )
    tent = shelter.add_shelter(by=clerk, name="Tent A", covered_area_m2=16)
    shelter.assign(by=clerk, person=persons[0], shelter=tent)
    # A closed muster with a batch marked missing (and undone, so nobody stays missing),
    # then the open muster of the morning.
    roll_call = musters.open_muster(by=clerk, label="Evening")
    musters.close_muster(by=clerk, muster=roll_call)
    batch = musters.mark_missing(by=clerk, muster=roll_call, person_ids=[persons[2].pk]).batch
    musters.undo_missing_batch(by=clerk, batch=batch, reason="seen at the well")
    muster = musters.open_muster(by=clerk, label="Morning")
    triage = health.record_triage(
        by=commander,
        person=injured,
        answers={"walking": "no", "breathing": "yes", "respiratory_rate": 34},
    )
    death = health.record_death(
        by=commander,
        person=persons[5],
        died_at=now - timedelta(hours=1),
        cause="unknown",
        confidence="confirmed",
    )
    rations.create_recipe(
        by=commander,
        code="tools-from-scrap",
        name="Tools from scrap metal",
        skill="fabrication",
        batches_per_day_per_worker=2,
        inputs={"scrap-metal": 5},
        outputs={"tools": 1},
    )
    ration_plan = rations.preview_plan(by=commander, horizon_days=7)
    shelter_plan = shelter.make_plan(by=commander)
    return FuzzCamp(
        ids={
            "person_id": [p.pk for p in persons] + [injured.pk],
            "muster_id": [muster.pk, roll_call.pk],
            "batch_id": [batch.pk],
            "mission_id": [mission.pk],
            "shelter_id": [tent.pk],
            "entry_id": [e.pk for e in entries],
            "ref": ["cereal", "drinking-water", str(entries[0].item_id)],
            "triage": [triage.pk],
            "death": [death.pk],
            "shelter_plan": [shelter_plan.pk],
            "ration_plan": [ration_plan.pk],
        },
        tokens={role: create_token(username=f"fuzz-{role}") for role in FUZZ_ROLES},
    )


# Query values held small where a valid value makes an operation slow by design (a forecast
# of 100,000 scenarios is a commander's right, but not a fuzzer's business).
FIXED_QUERY = {"/api/v1/rations/forecast": {"scenarios": 20, "horizon_days": 10}}


def case_strategy(operation: Any, camp: FuzzCamp) -> st.SearchStrategy[Any]:
    """Valid and invalid cases; a path parameter is a real id half of the time."""
    modes = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]
    names = [p.name for p in operation.path_parameters]
    query = FIXED_QUERY.get(operation.path)
    strategies = [operation.as_strategy(mode, query=query) for mode in modes]
    if names:
        real = {name: camp.known(operation.path, name) for name in names}
        if all(real.values()):
            strategies.append(
                st.fixed_dictionaries({n: st.sampled_from(v) for n, v in real.items()}).flatmap(
                    lambda params: operation.as_strategy(
                        GenerationMode.POSITIVE, path_parameters=params
                    )
                )
            )
    return st.one_of(strategies)


@contextmanager
def in_test_transaction() -> Iterator[None]:
    """Keep the test's database connection across WSGI requests, as Django's test client does."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@dataclass
class Outcome:
    status: int
    failures: list[str]
    exception: str | None


def call(case: Any, token: str, *, conformance: bool = True) -> Outcome:
    """Send one case; a failed request is rolled back alone so the next one starts clean."""
    raised: list[str] = []

    def record(sender: Any, request: Any = None, **kwargs: Any) -> None:
        import sys

        error = sys.exc_info()[1]
        raised.append(f"{type(error).__name__}: {str(error)[:160]}")

    signals.got_request_exception.connect(record)
    savepoint = transaction.savepoint()
    try:
        # identity: schemathesis's WSGI client checks the body without undoing gzip (which the
        # API applies to any large answer for a client that accepts it, as browsers do).
        response = case.call(
            headers={"Authorization": f"Bearer {token}", "Accept-Encoding": "identity"}
        )
    finally:
        signals.got_request_exception.disconnect(record)
    if response.status_code >= 500:
        transaction.savepoint_rollback(savepoint)
    else:
        transaction.savepoint_commit(savepoint)
    failures: list[str] = []
    if response.status_code >= 500:
        failures.append(f"{response.status_code} {response.text[:300]}")
    elif conformance:
        checks = [status_code_conformance, content_type_conformance, response_schema_conformance]
        if case.meta is not None and case.meta.generation.mode == GenerationMode.NEGATIVE:
            checks.append(negative_data_rejection)
        try:
            case.validate_response(response, checks=checks)
        except (AssertionError, BaseExceptionGroup) as error:
            failures.append(_describe(error))
    return Outcome(response.status_code, failures, raised[0] if raised else None)


def _describe(error: BaseException) -> str:
    if isinstance(error, BaseExceptionGroup):
        return "; ".join(_describe(inner) for inner in error.exceptions)
    title = getattr(error, "title", type(error).__name__)
    return f"{title}: {str(error)[:600]}"
