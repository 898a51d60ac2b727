"""A second commander (the second person of the two-person rule) and a ready alert."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from conftest import PASSWORD


@pytest.fixture
def deputy(users: dict[str, Any]) -> Any:
    from haven.accounts.services import create_user

    return create_user(username="deputy", password=PASSWORD, role="commander", superuser=False)


def fields(**changes: Any) -> dict[str, Any]:
    """A valid Actual alert: the raid the demo camp fears."""
    values: dict[str, Any] = {
        "headline": "Armed group seen on the north road",
        "event": "Armed attack",
        "urgency": "Immediate",
        "severity": "Severe",
        "certainty": "Observed",
        "category": "Security",
        "response_type": "Shelter",
        "description": "Two trucks, about twenty armed men, heading south.",
        "instruction": "Stay inside. Children to the school building.",
        "expires": timezone.now() + timedelta(hours=6),
        "area_desc": "North gate and the road to the market",
    }
    values.update(changes)
    return values


@pytest.fixture
def issued(users: dict[str, Any], deputy: Any) -> Callable[..., Any]:
    """Draft (commander), approve (deputy) and issue an Actual alert."""
    from haven.alerts import services

    def make(**changes: Any) -> Any:
        alert = services.draft_alert(by=users["commander"], **fields(**changes))
        services.approve_alert(by=deputy, alert=alert)
        return services.issue_alert(by=deputy, alert=alert)

    return make
