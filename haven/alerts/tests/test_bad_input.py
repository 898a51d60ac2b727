"""Item 7: each bad alert is refused with the field named, and nothing is stored."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from haven.alerts import services
from haven.alerts.models import Alert
from haven.alerts.tests.conftest import fields
from haven.core.errors import HavenError

pytestmark = pytest.mark.django_db

NOW = timezone.now()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"polygon": "1,1 1,2 2,2 2,1"}, "area polygon is not closed"),
        ({"polygon": "1,1 1,2 1,1"}, "area polygon has 3 points"),
        ({"polygon": "1,1 1,x 2,2 1,1"}, "area polygon: point 2 is not two numbers"),
        ({"circle": "91,1 5"}, "area circle: its centre is out of range"),
        ({"circle": "1,1 -5"}, "area circle: the radius"),
        ({"circle": "1,1 5", "area_desc": ""}, "area_desc is empty"),
        ({"restriction": "staff only"}, "restriction 'staff only' needs scope Restricted"),
        ({"scope": "Restricted"}, "scope Restricted needs a restriction"),
        ({"addresses": "gate-team"}, "addresses 'gate-team' need scope Private, not Public"),
        ({"scope": "Private"}, "scope Private needs addresses"),
        ({"msg_type": "Update"}, "references is empty: an Update must reference"),
        ({"msg_type": "Cancel"}, "references is empty: an Cancel"),
        ({"references": "haven,abc"}, "references 'haven,abc' is not sender,identifier,sent"),
        (
            {"references": "haven,abc,2026-01-01T00:00:00"},
            "the time needs an offset",
        ),
        ({"expires": NOW - timedelta(hours=1)}, "expires .* is before sent"),
        ({"expires": NOW.replace(tzinfo=None) + timedelta(hours=1)}, "expires .* no time zone"),
        ({"headline": "Raid <script>alert(1)</script>"}, "headline 'Raid <script>"),
        ({"description": "<b>run</b>"}, "description '<b>run</b>' contains HTML"),
        ({"instruction": "go &amp; hide"}, "instruction 'go &amp; hide' contains HTML"),
        ({"area_desc": "<img src=x>"}, "area_desc '<img src=x>' contains HTML"),
        ({"headline": ""}, "headline is empty"),
        ({"headline": "x" * 161}, "headline is 161 characters long: at most 160"),
        ({"urgency": "Soon"}, "urgency 'Soon' is not one of"),
        ({"status": "Real"}, "status 'Real' is not one of"),
        ({"scope": "Everyone"}, "scope 'Everyone' is not one of"),
    ],
)
def test_refused_with_the_field_named(
    users: dict[str, Any], changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(HavenError, match=message):
        services.draft_alert(by=users["commander"], **fields(**changes))
    assert not Alert.objects.exists()


def test_plain_text_with_angle_brackets_of_arithmetic_is_fine(users: dict[str, Any]) -> None:
    alert = services.draft_alert(by=users["commander"], **fields(description="if x < 3 km & y"))
    assert alert.description == "if x < 3 km & y"


def test_a_closed_polygon_and_circle_are_kept(users: dict[str, Any]) -> None:
    alert = services.draft_alert(
        by=users["commander"], **fields(polygon="1,1  1,2 2,2 1,1", circle="1.5,1.5 2")
    )
    assert alert.polygon == "1,1 1,2 2,2 1,1" and alert.circle == "1.5,1.5 2"


def test_coordinate_errors_do_not_repeat_the_coordinates(users: dict[str, Any]) -> None:
    with pytest.raises(HavenError) as refused:
        services.draft_alert(by=users["commander"], **fields(polygon="12.345,6.789 1,2 2,2 2,1"))
    assert "12.345" not in str(refused.value)


def test_an_expired_alert_is_not_issued(users: dict[str, Any]) -> None:
    alert = services.draft_alert(by=users["commander"], **fields(status="Test"))
    Alert.objects.filter(pk=alert.pk).update(expires=timezone.now() - timedelta(minutes=1))
    with pytest.raises(HavenError, match=r"expires .* is before sent"):
        services.issue_alert(by=users["commander"], alert=alert)
    alert.refresh_from_db()
    assert alert.stage == "draft" and alert.sent is None


def test_only_the_commander_shares_coordinates_of_a_public_alert(users: dict[str, Any]) -> None:
    from django.core.exceptions import PermissionDenied

    shared = fields(circle="1,1 3", share_coordinates=True)
    with pytest.raises(PermissionDenied):
        services.draft_alert(by=users["clerk"], **shared)
    assert services.draft_alert(by=users["commander"], **shared).share_coordinates


def test_a_bad_two_person_setting_names_the_variable(tmp_path: Any) -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "HAVEN_ALERTS_TWO_PERSON": "maybe", "HAVEN_DATA_DIR": str(tmp_path)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    run = subprocess.run(
        [sys.executable, "-c", "import haven.settings"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode != 0
    assert "HAVEN_ALERTS_TWO_PERSON='maybe'" in run.stderr
