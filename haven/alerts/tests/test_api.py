"""The alerts API: the same use cases as the pages and the command line, every role."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from haven.alerts import services
from haven.alerts.models import Alert
from haven.alerts.tests.conftest import fields

pytestmark = pytest.mark.django_db

ROLES = ("commander", "quartermaster", "medic", "scout", "clerk", "member")


def _body(**changes: Any) -> dict[str, Any]:
    body = fields(**changes)
    body["expires"] = body["expires"].isoformat()
    return body


def test_draft_approve_issue_ack(
    users: dict[str, Any], deputy: Any, api_as: Callable[[str], Client]
) -> None:
    from haven.accounts.services import create_token

    commander = api_as("commander")
    second = Client(HTTP_AUTHORIZATION=f"Bearer {create_token(username='deputy')}")
    answer = commander.post("/api/v1/alerts/", _body(), content_type="application/json")
    assert answer.status_code == 201, answer.json()
    alert_id = answer.json()["id"]
    assert answer.json()["stage"] == "draft" and answer.json()["priority"] == "urgent"
    refused = commander.post(f"/api/v1/alerts/{alert_id}/approve", {}, "application/json")
    assert refused.status_code == 400 and "second person" in refused.json()["detail"]
    refused = commander.post(f"/api/v1/alerts/{alert_id}/issue", {}, "application/json")
    assert refused.status_code == 400 and "two-person rule" in refused.json()["detail"]
    approved = second.post(f"/api/v1/alerts/{alert_id}/approve", {}, "application/json")
    assert approved.status_code == 200 and approved.json()["approved_by"] == "deputy"
    issued = second.post(
        f"/api/v1/alerts/{alert_id}/issue", {"assemble_at": "north gate"}, "application/json"
    )
    assert issued.status_code == 200 and issued.json()["active"] is True
    assert issued.json()["muster_id"] is not None
    ack = api_as("member").post(f"/api/v1/alerts/{alert_id}/ack", {}, "application/json")
    assert ack.status_code == 200 and ack.json()["created"] is True
    counts = commander.get(f"/api/v1/alerts/{alert_id}/acknowledgements").json()
    assert counts["acknowledged"] == 1 and counts["expected"] == 7
    assert "member" not in counts["not_acknowledged"]
    assert api_as("clerk").get(f"/api/v1/alerts/{alert_id}/acknowledgements").status_code == 403
    listed = api_as("member").get("/api/v1/alerts/").json()
    assert [item["id"] for item in listed["items"]] == [alert_id]
    cap = api_as("member").get(f"/api/v1/alerts/{alert_id}/cap").json()
    assert cap["xml"].startswith("<?xml") and "+00:00</sent>" in cap["xml"]


def test_update_and_cancel(issued: Callable[..., Any], api_as: Callable[[str], Client]) -> None:
    alert = issued()
    update = api_as("clerk").post(
        f"/api/v1/alerts/{alert.pk}/update", {"severity": "Extreme"}, "application/json"
    )
    assert update.status_code == 201 and update.json()["msg_type"] == "Update"
    assert alert.reference in update.json()["references"]
    cancel = api_as("clerk").post(
        f"/api/v1/alerts/{alert.pk}/cancel", {"note": "false alarm"}, "application/json"
    )
    assert cancel.status_code == 201 and cancel.json()["msg_type"] == "Cancel"
    member = api_as("member")
    assert (
        member.post(f"/api/v1/alerts/{alert.pk}/cancel", {}, "application/json").status_code == 403
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"polygon": "1,1 1,2 2,2 2,1"}, "polygon"),
        ({"restriction": "staff"}, "restriction"),
        ({"msg_type": "Update"}, "references"),
        ({"expires": "2020-01-01T00:00:00+00:00"}, "expires"),
        ({"headline": "<b>Raid</b>"}, "headline"),
        ({"urgency": "Soon"}, "urgency"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(
    users: dict[str, Any], api_as: Callable[[str], Client], changes: dict[str, Any], field: str
) -> None:
    body = {**_body(), **changes}
    answer = api_as("commander").post("/api/v1/alerts/", body, content_type="application/json")
    assert answer.status_code == 400 and field in answer.json()["detail"]
    assert not Alert.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_roles(
    role: str, issued: Callable[..., Any], users: dict[str, Any], api_as: Callable[[str], Client]
) -> None:
    alert = issued(scope="Restricted", restriction="staff", circle="12.5,-3.25 2")
    draft = services.draft_alert(by=users["medic"], **fields(headline="A draft"))
    client = api_as(role)
    drafters = {"commander", "clerk", "medic"}
    one = client.get(f"/api/v1/alerts/{alert.pk}")
    assert one.status_code == 200
    assert one.json()["circle"] == ("12.5,-3.25 2" if role == "commander" else "hidden")
    assert client.get(f"/api/v1/alerts/{draft.pk}").status_code == (
        200 if role in drafters else 404
    )
    assert client.get("/api/v1/alerts/?which=drafts").status_code == (
        200 if role in drafters else 403
    )
    posted = client.post("/api/v1/alerts/", _body(), content_type="application/json")
    assert posted.status_code == (201 if role in drafters else 403)
    approve = client.post(f"/api/v1/alerts/{draft.pk}/approve", {}, "application/json")
    assert approve.status_code == (200 if role == "commander" else 403)
