"""Every API operation, fuzzed from its own OpenAPI schema as the commander and as a clerk:
no answer is a 5xx, and every answer is one the schema documents, shaped as documented.

HAVEN_FUZZ_EXAMPLES sets the examples per operation and role (a bounded few by default).
HAVEN_FUZZ_CAMPAIGN=N runs the campaign instead: N examples each, every failure counted
rather than the first one stopping the run, summed up at the end (run it with -s).
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings
from hypothesis import HealthCheck, given, seed, settings

from haven.core.tests.fuzzing import (
    FUZZ_ROLES,
    OPERATIONS,
    FuzzCamp,
    build_camp,
    call,
    case_strategy,
    in_test_transaction,
)

SEED = 20261130
EXAMPLES = int(os.environ.get("HAVEN_FUZZ_EXAMPLES", "3"))
CAMPAIGN = int(os.environ.get("HAVEN_FUZZ_CAMPAIGN", "0"))
FOUND: list[dict[str, Any]] = []


@pytest.fixture(scope="module")
def camp(django_db_setup: None, django_db_blocker: Any) -> Iterator[FuzzCamp]:
    """Built once for the module in an outer transaction that each test nests in and that
    is rolled back at the end: building it per test would cost more than the fuzzing."""
    fast = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        HAVEN_SHELTER_PLAN_SECONDS=0.5,
    )
    with django_db_blocker.unblock(), fast, transaction.atomic():
        yield build_camp()
        transaction.set_rollback(True)


def _settings(examples: int) -> settings:
    return settings(
        max_examples=examples,
        database=None,
        deadline=None,
        print_blob=True,
        suppress_health_check=list(HealthCheck),
    )


@pytest.mark.skipif(bool(CAMPAIGN), reason="the campaign runs instead")
@pytest.mark.parametrize("role", FUZZ_ROLES)
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.label)
def test_no_5xx_and_every_answer_as_documented(
    operation: Any, role: str, camp: FuzzCamp, db: None
) -> None:
    token = camp.tokens[role]

    @seed(SEED)
    @_settings(EXAMPLES)
    @given(case=case_strategy(operation, camp))
    def fuzz(case: Any) -> None:
        outcome = call(case, token)
        assert not outcome.failures, "\n".join(
            [*outcome.failures, f"raised: {outcome.exception}", case.as_curl_command()]
        )

    with in_test_transaction():
        fuzz()


@pytest.mark.skipif(not CAMPAIGN, reason="set HAVEN_FUZZ_CAMPAIGN=N to run the campaign")
@pytest.mark.parametrize("role", FUZZ_ROLES)
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.label)
def test_campaign(operation: Any, role: str, camp: FuzzCamp, db: None) -> None:
    token = camp.tokens[role]

    @seed(SEED)
    @_settings(CAMPAIGN)
    @given(case=case_strategy(operation, camp))
    def fuzz(case: Any) -> None:
        outcome = call(case, token)
        FOUND.append(
            {
                "operation": operation.label,
                "role": role,
                "status": outcome.status,
                "server_error": outcome.status >= 500,
                "exception": outcome.exception,
                "nonconforming": bool(outcome.failures) and outcome.status < 500,
                "failure": outcome.failures[0][:300] if outcome.failures else None,
            }
        )

    with in_test_transaction():
        fuzz()


def teardown_module() -> None:
    if not CAMPAIGN or not FOUND:
        return
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    path = os.environ.get("HAVEN_FUZZ_REPORT", f"/tmp/haven-fuzz-{worker}.json")
    with open(path, "w") as out:
        json.dump(FOUND, out)
    errors = [row for row in FOUND if row["server_error"]]
    print(f"\n{len(FOUND)} examples, {len(errors)} answered 5xx")
    for (label, exception), n in Counter(
        (row["operation"], (row["exception"] or "")[:100]) for row in errors
    ).most_common():
        print(f"{n:5d}  {label}  {exception}")
