from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from haven.alerts import services
from haven.alerts.choices import Priority, Stage, priority
from haven.alerts.models import AlertEvent
from haven.alerts.tests.conftest import fields
from haven.audit.models import AuditEvent
from haven.core.errors import HavenError

pytestmark = pytest.mark.django_db


def test_an_actual_alert_needs_a_second_person(users: dict[str, Any], deputy: Any) -> None:
    alert = services.draft_alert(by=users["commander"], **fields())
    with pytest.raises(HavenError, match="second person must approve"):
        services.issue_alert(by=users["commander"], alert=alert)
    with pytest.raises(HavenError, match="commander drafted alert"):
        services.approve_alert(by=users["commander"], alert=alert)
    services.approve_alert(by=deputy, alert=alert)
    issued = services.issue_alert(by=users["commander"], alert=alert)
    assert issued.stage == Stage.ISSUED and issued.sent is not None
    assert list(services.active_alerts()) == [issued]
    steps = list(AlertEvent.objects.filter(alert=alert).values_list("step", "by__username"))
    assert steps == [("drafted", "commander"), ("approved", "deputy"), ("issued", "commander")]


def test_the_rule_can_be_turned_off(users: dict[str, Any], settings: Any) -> None:
    settings.HAVEN_ALERTS_TWO_PERSON = False
    alert = services.draft_alert(by=users["commander"], **fields())
    assert services.issue_alert(by=users["commander"], alert=alert).stage == Stage.ISSUED


def test_an_exercise_needs_no_approval(users: dict[str, Any]) -> None:
    alert = services.draft_alert(by=users["commander"], **fields(status="Exercise"))
    assert services.issue_alert(by=users["commander"], alert=alert).stage == Stage.ISSUED


def test_a_draft_status_is_never_issued(users: dict[str, Any], deputy: Any) -> None:
    alert = services.draft_alert(by=users["commander"], **fields(status="Draft"))
    with pytest.raises(HavenError, match="drafts are never issued"):
        services.approve_alert(by=deputy, alert=alert)
    with pytest.raises(HavenError, match="drafts are never issued"):
        services.issue_alert(by=deputy, alert=alert)
    assert not services.active_alerts().exists()


def test_approval_needs_a_person(users: dict[str, Any]) -> None:
    alert = services.draft_alert(by=users["commander"], **fields())
    with pytest.raises(HavenError, match="needs a person"):
        services.approve_alert(by=None, alert=alert)


def test_an_update_references_and_supersedes(
    issued: Callable[..., Any], users: dict[str, Any], deputy: Any
) -> None:
    first = issued()
    update = services.update_alert(
        by=users["commander"], alert=first, headline="Armed group turned back west"
    )
    assert update.msg_type == "Update" and update.stage == Stage.DRAFT
    assert update.references == f"{first.sender},{first.identifier},{services_time(first)}"
    assert list(services.active_alerts()) == [first]  # a draft changes nothing yet
    services.approve_alert(by=deputy, alert=update)
    update = services.issue_alert(by=deputy, alert=update)
    first.refresh_from_db()
    assert first.stage == Stage.SUPERSEDED
    assert list(services.active_alerts()) == [update]
    again = services.update_alert(by=users["commander"], alert=update, severity="Moderate")
    assert again.references.split() == [first.reference, update.reference]
    with pytest.raises(HavenError, match="already superseded"):
        services.update_alert(by=users["commander"], alert=first, headline="stale")


def services_time(alert: Any) -> str:
    from haven.alerts.cap import cap_time

    return cap_time(alert.sent)


def test_a_cancel_ends_the_alert(issued: Callable[..., Any], users: dict[str, Any]) -> None:
    alert = issued(status="Exercise")
    cancel = services.cancel_alert(by=users["commander"], alert=alert, note="exercise over")
    services.issue_alert(by=users["commander"], alert=cancel)
    alert.refresh_from_db()
    assert alert.stage == Stage.SUPERSEDED and cancel.msg_type == "Cancel"
    assert not services.active_alerts().exists()
    with pytest.raises(HavenError, match="is a Cancel"):
        services.update_alert(by=users["commander"], alert=cancel, headline="x")


def test_expired_alerts_leave_the_active_list(issued: Callable[..., Any]) -> None:
    alert = issued(expires=timezone.now() + timedelta(hours=1))
    assert list(services.active_alerts()) == [alert]
    assert not services.active_alerts(at=timezone.now() + timedelta(hours=2)).exists()
    assert not services.active_alerts(at=timezone.now() - timedelta(hours=1)).exists()


def test_acknowledging_once(issued: Callable[..., Any], users: dict[str, Any]) -> None:
    alert = issued()
    assert list(services.unacknowledged(users["member"])) == [alert]
    assert services.acknowledge(by=users["member"], alert=alert).created
    assert not services.acknowledge(by=users["member"], alert=alert).created
    assert not services.unacknowledged(users["member"]).exists()
    count = services.ack_count(alert)
    assert (count.acknowledged, count.expected) == (1, 7)  # six roles and the deputy
    assert "member" not in {u.username for u in services.not_acknowledged(alert)}


def test_a_draft_cannot_be_acknowledged(users: dict[str, Any]) -> None:
    alert = services.draft_alert(by=users["commander"], **fields())
    with pytest.raises(HavenError, match="only issued alerts"):
        services.acknowledge(by=users["member"], alert=alert)


def test_issuing_opens_the_emergency_muster(users: dict[str, Any], deputy: Any) -> None:
    alert = services.draft_alert(by=users["commander"], **fields())
    services.approve_alert(by=deputy, alert=alert)
    services.issue_alert(by=deputy, alert=alert, assemble_at="the north gate")
    alert.refresh_from_db()
    assert alert.muster is not None and alert.muster.is_open
    assert alert.muster.place == "the north gate"
    assert alert.muster.label.startswith(f"Alert #{alert.pk}")
    with pytest.raises(HavenError, match="already has muster"):
        services.open_alert_muster(by=deputy, alert=alert, place="the well")


def test_a_muster_already_open_is_linked(issued: Callable[..., Any], users: dict[str, Any]) -> None:
    from haven.people import musters

    running = musters.open_muster(by=users["clerk"], label="Evening")
    alert = issued()
    assert services.open_alert_muster(by=users["commander"], alert=alert, place="gate") == running


def test_every_step_is_audited(issued: Callable[..., Any], users: dict[str, Any]) -> None:
    alert = issued()
    services.acknowledge(by=users["medic"], alert=alert)
    actions = list(
        AuditEvent.objects.filter(records__contains=f"alerts.alert:{alert.pk} ")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["alerts.draft", "alerts.approve", "alerts.issue", "alerts.acknowledge"]


@pytest.mark.parametrize(
    ("urgency", "severity", "certainty", "expected"),
    [
        ("Immediate", "Extreme", "Observed", Priority.URGENT),
        ("Immediate", "Severe", "Likely", Priority.HIGH),
        ("Expected", "Moderate", "Likely", Priority.MEDIUM),
        ("Future", "Minor", "Possible", Priority.LOW),
        ("Unknown", "Unknown", "Unknown", Priority.LOW),
    ],
)
def test_priority_table(urgency: str, severity: str, certainty: str, expected: Priority) -> None:
    assert priority(urgency, severity, certainty) == expected


def test_steps_recorded_later_keep_their_order(users: dict[str, Any], deputy: Any) -> None:
    now = timezone.now()
    alert = services.draft_alert(by=users["commander"], at=now - timedelta(hours=2), **fields())
    with pytest.raises(HavenError, match="before the alert was drafted"):
        services.approve_alert(by=deputy, alert=alert, at=now - timedelta(hours=3))
    services.approve_alert(by=deputy, alert=alert, at=now - timedelta(hours=1))
    alert = services.issue_alert(by=deputy, alert=alert, at=now - timedelta(minutes=50))
    with pytest.raises(HavenError, match="before the alert was sent"):
        services.acknowledge(by=users["member"], alert=alert, at=now - timedelta(hours=1))
    with pytest.raises(HavenError, match="is in the future"):
        services.acknowledge(by=users["member"], alert=alert, at=now + timedelta(hours=1))
    ack = services.acknowledge(by=users["member"], alert=alert, at=now - timedelta(minutes=40))
    assert ack.acknowledgement.at == now - timedelta(minutes=40)
