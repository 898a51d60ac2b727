"""Active alerts on the SITREP: those in force at the period's end, from the alerts' history."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.utils import timezone

from haven.alerts import services as alerts
from haven.sitrep import services


@pytest.fixture
def issued(users: dict[str, Any], settings: Any) -> Any:
    settings.HAVEN_ALERTS_TWO_PERSON = False
    commander = users["commander"]
    alert = alerts.draft_alert(
        by=commander,
        headline="Armed group seen on the mill road",
        event="Armed group",
        urgency="Immediate",
        severity="Severe",
        certainty="Likely",
    )
    return alerts.issue_alert(by=commander, alert=alert)


def test_an_issued_alert_is_on_the_sitrep_and_a_later_update_leaves_the_past_one_alone(
    issued: Any, users: dict[str, Any]
) -> None:
    before_update = timezone.now()
    assert [a.pk for a in services.sitrep(end=before_update).alerts] == [issued.pk]
    update = alerts.update_alert(
        by=users["commander"], alert=issued, headline="Armed group moved north"
    )
    alerts.issue_alert(by=users["commander"], alert=update)
    assert [a.pk for a in services.sitrep(end=before_update).alerts] == [issued.pk]
    assert [a.pk for a in services.sitrep().alerts] == [update.pk]
    alerts.cancel_alert(by=users["commander"], alert=update)
    cancel = update.replaced_by.get()
    alerts.issue_alert(by=users["commander"], alert=cancel)
    assert services.sitrep().alerts == []
    assert [a.pk for a in services.sitrep(end=before_update).alerts] == [issued.pk]


def test_the_page_lists_the_alert_and_links_to_it(
    issued: Any, client_as: Callable[[str], Client]
) -> None:
    client = client_as("clerk")
    text = client.get("/sitrep/").content.decode()
    assert "Armed group seen on the mill road" in text
    query = urlencode({"figure": "alerts", "period": "24h"})
    behind = client.get(f"/sitrep/events/?{query}")
    assert behind.status_code == 200
    assert "Armed group seen on the mill road" in behind.content.decode()
