"""CAP out: every export validates against the official OASIS CAP 1.2 schema (xmlschema);
times carry +00:00, never Z; coordinates leave only as the location policy allows."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
import xmlschema
from django.core.management import CommandError, call_command

from haven.alerts import cap, services
from haven.alerts.tests.conftest import fields

pytestmark = pytest.mark.django_db

SCHEMAS = Path(__file__).resolve().parents[1] / "schemas"
NS = {"cap": cap.CAP_NS}


@cache
def cap_schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(SCHEMAS / "CAP-v1.2.xsd")


@cache
def collection_schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(SCHEMAS / "haven-cap-collection.xsd")


def test_the_schema_is_the_official_one() -> None:
    schema = cap_schema()
    assert schema.target_namespace == "urn:oasis:names:tc:emergency:cap:1.2"
    assert "Copyright OASIS Open 2010" in (SCHEMAS / "CAP-v1.2.xsd").read_text()
    # The schema itself refuses Z: Haven must write +00:00.
    assert not cap_schema().is_valid(_minimal("2026-11-30T18:00:00Z"))
    assert cap_schema().is_valid(_minimal("2026-11-30T18:00:00+00:00"))


def _minimal(sent: str) -> str:
    return (
        f'<alert xmlns="{cap.CAP_NS}"><identifier>a</identifier><sender>s</sender>'
        f"<sent>{sent}</sent><status>Actual</status><msgType>Alert</msgType>"
        "<scope>Public</scope></alert>"
    )


def test_an_issued_alert_validates(issued: Callable[..., Any]) -> None:
    alert = issued(scope="Restricted", restriction="camp staff", polygon="1,1 1,2 2,2 1,1")
    document = cap.alert_xml(alert, reader=None)
    cap_schema().validate(document.decode())
    root = ET.fromstring(document)
    assert root.findtext("cap:identifier", namespaces=NS) == alert.identifier
    assert root.findtext("cap:info/cap:headline", namespaces=NS) == alert.headline
    assert root.findtext("cap:info/cap:area/cap:polygon", namespaces=NS) == "1,1 1,2 2,2 1,1"
    times = re.findall(rb"<(?:sent|expires)>([^<]+)<", document)
    assert len(times) == 2
    assert all(t.endswith(b"+00:00") and b"Z" not in t for t in times)


def test_update_and_cancel_carry_references(
    issued: Callable[..., Any], users: dict[str, Any], deputy: Any
) -> None:
    first = issued()
    update = services.update_alert(by=users["commander"], alert=first, severity="Extreme")
    services.approve_alert(by=deputy, alert=update)
    update = services.issue_alert(by=deputy, alert=update)
    cancel = services.cancel_alert(by=users["commander"], alert=update, note="all clear")
    services.approve_alert(by=deputy, alert=cancel)
    cancel = services.issue_alert(by=deputy, alert=cancel)
    for alert in (update, cancel):
        document = cap.alert_xml(alert, reader=None)
        cap_schema().validate(document.decode())
        references = ET.fromstring(document).findtext("cap:references", namespaces=NS)
        assert references is not None and first.reference in references.split()
    assert (
        ET.fromstring(cap.alert_xml(cancel, reader=None)).findtext("cap:msgType", namespaces=NS)
        == "Cancel"
    )


def test_a_public_alert_carries_no_coordinates_unless_the_commander_chose(
    issued: Callable[..., Any], users: dict[str, Any]
) -> None:
    kept = issued(circle="12.5,-3.25 2")
    shared = issued(circle="12.5,-3.25 2", share_coordinates=True)
    for reader in (None, users["commander"], users["member"]):
        assert b"<circle>" not in cap.alert_xml(kept, reader=reader)
        assert b"<circle>12.5,-3.25 2</circle>" in cap.alert_xml(shared, reader=reader)


def test_a_restricted_alerts_coordinates_reach_only_location_readers(
    issued: Callable[..., Any], users: dict[str, Any]
) -> None:
    alert = issued(scope="Restricted", restriction="staff", circle="12.5,-3.25 2")
    assert b"<circle>" in cap.alert_xml(alert, reader=users["commander"])
    assert b"<circle>" not in cap.alert_xml(alert, reader=users["clerk"])


def test_export_all_is_one_valid_document(
    issued: Callable[..., Any], users: dict[str, Any], tmp_path: Path
) -> None:
    issued()
    issued(status="Exercise", headline="Evacuation drill")
    services.draft_alert(by=users["commander"], **fields(headline="Not sent"))
    target = tmp_path / "alerts.xml"
    out = io.StringIO()
    call_command("alerts", "export", "--all", "-o", str(target), stdout=out)
    assert "exported 2 alerts" in out.getvalue()
    collection_schema().validate(str(target))
    root = ET.parse(target).getroot()
    assert root.tag == f"{{{cap.COLLECTION_NS}}}alerts"
    alerts = root.findall("cap:alert", NS)
    assert [a.findtext("cap:info/cap:headline", namespaces=NS) for a in alerts] == [
        "Armed group seen on the north road",
        "Evacuation drill",
    ]
    for element in alerts:  # each one a valid CAP message on its own
        cap_schema().validate(ET.tostring(element).decode())


def test_export_one_to_a_file(issued: Callable[..., Any], tmp_path: Path) -> None:
    alert = issued()
    target = tmp_path / "one.xml"
    call_command("alerts", "export", str(alert.pk), "-o", str(target), stdout=io.StringIO())
    cap_schema().validate(str(target))


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["export"], "an alert id or --all"),
        (["export", "999"], "no alert with id 999"),
        (["export", "abc"], "no alert with id 'abc'"),
        (["approve", "1", "--as", "nobody"], "no active user 'nobody'"),
    ],
)
def test_cli_bad_input_exits_2(users: dict[str, Any], argv: list[str], message: str) -> None:
    with pytest.raises(CommandError) as error:
        call_command("alerts", *argv)
    assert error.value.returncode == 2 and message in str(error.value)


def test_a_draft_does_not_export(users: dict[str, Any]) -> None:
    alert = services.draft_alert(by=users["commander"], **fields())
    with pytest.raises(CommandError, match="only issued alerts export"):
        call_command("alerts", "export", str(alert.pk))


def test_the_whole_lifecycle_on_the_command_line(users: dict[str, Any], deputy: Any) -> None:
    out = io.StringIO()
    base = ["--headline", "Fire in the east store", "--event", "Fire", "--category", "Fire"]
    levels = ["--urgency", "Immediate", "--severity", "Severe", "--certainty", "Observed"]
    call_command("alerts", "draft", "--as", "commander", *base, *levels, stdout=out)
    alert_id = re.search(r"drafted alert (\d+)", out.getvalue()).group(1)  # type: ignore[union-attr]
    with pytest.raises(CommandError, match="a second person must approve"):
        call_command("alerts", "approve", alert_id, "--as", "commander")
    call_command("alerts", "approve", alert_id, "--as", "deputy", stdout=out)
    call_command(
        "alerts", "issue", alert_id, "--as", "deputy", "--assemble-at", "the square", stdout=out
    )
    assert "muster" in out.getvalue()
    call_command("alerts", "ack", alert_id, "--as", "member", stdout=out)
    call_command("alerts", "update", alert_id, "--as", "commander", "--severity", "Extreme")
    call_command("alerts", "cancel", alert_id, "--as", "commander", "--note", "out")
    listing = io.StringIO()
    call_command("alerts", "list", "--all", stdout=listing)
    assert "Fire in the east store" in listing.getvalue() and "Update" in listing.getvalue()
    with pytest.raises(CommandError) as error:
        call_command(
            "alerts", "draft", "--as", "commander", *base, *levels, "--polygon", "1,1 1,2 2,2"
        )
    assert error.value.returncode == 2 and "area polygon has 3 points" in str(error.value)
