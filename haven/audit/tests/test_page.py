"""The commander's audit page: the head hash, and the events by record, user and kind."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from haven.audit import log
from haven.audit.models import AuditEvent
from haven.core.signals import sensitive_read

pytestmark = pytest.mark.django_db

ROLES = ("quartermaster", "medic", "scout", "clerk", "member")


@pytest.mark.parametrize("role", ROLES)
def test_only_the_commander_sees_the_audit(client_as: Callable[[str], Any], role: str) -> None:
    assert client_as(role).get("/audit/").status_code == 403


def test_the_page_shows_the_head_hash_and_filters(
    client_as: Callable[[str], Any], users: dict[str, Any]
) -> None:
    sensitive_read.send(
        sender=None, user=users["scout"], group="location", model="stock.store", pks=[33]
    )
    sensitive_read.send(
        sender=None, user=users["medic"], group="medical", model="people.person", pks=[12, 120]
    )
    client = client_as("commander")
    page = client.get("/audit/").content.decode()
    assert log.head().hash in page
    by_record = client.get("/audit/?record=12").content.decode()
    assert "people.person:12" in by_record and "stock.store:33" not in by_record
    by_user = client.get("/audit/?user=scout&kind=read").content.decode()
    assert "read.location" in by_user and "read.medical" not in by_user
    by_group = client.get("/audit/?group=medical").content.decode()
    assert "read.medical" in by_group and "read.location" not in by_group
    refused = client.get("/audit/?record=drop%20table")
    assert refused.status_code == 200 and "is not a person" in refused.content.decode()


def test_a_read_names_the_reader_records_and_channel(users: dict[str, Any]) -> None:
    sensitive_read.send(
        sender=None,
        user=users["scout"],
        group="location",
        model="stock.Store",
        pks=[1, 2],
        channel="api",
    )
    read = AuditEvent.objects.get(seq=log.head().seq)
    assert (read.kind, read.action, read.group, read.channel, read.username) == (
        "read",
        "read.location",
        "location",
        "api",
        "scout",
    )
    assert read.record_list() == ["stock.store:1", "stock.store:2"]


def test_medical_pages_append_read_events(
    client_as: Callable[[str], Any], users: dict[str, Any]
) -> None:
    from haven.people.services import register_person

    person = register_person(by=users["clerk"], full_name="Amal Haddad")
    client_as("medic").get(f"/health/person/{person.pk}/")
    read = AuditEvent.objects.filter(kind="read").get()
    assert (read.group, read.username, read.channel) == ("medical", "medic", "web")
    assert read.record_list() == [f"people.person:{person.pk}"]


def test_the_medical_record_shows_the_commander_who_read_it(
    client_as: Callable[[str], Any], users: dict[str, Any]
) -> None:
    from haven.people.services import register_person

    person = register_person(by=users["clerk"], full_name="Amal Haddad")
    client_as("medic").get(f"/health/person/{person.pk}/")
    page = client_as("commander").get(f"/health/person/{person.pk}/").content.decode()
    reads = page.split('id="record-reads"')[1]
    assert "medic · medical · web" in reads and "commander · medical · web" in reads
    medic_page = client_as("medic").get(f"/health/person/{person.pk}/").content.decode()
    assert 'id="record-reads"' not in medic_page


def test_exports_are_recorded_as_sensitive_reads(
    client_as: Callable[[str], Any], users: dict[str, Any], tmp_path: Any
) -> None:
    from django.core.management import call_command

    from haven.people.services import register_person

    register_person(by=users["clerk"], full_name="Amal Haddad")
    assert client_as("clerk").get("/people/export.csv").status_code == 200
    assert client_as("quartermaster").get("/stock/export.csv").status_code == 200
    call_command("people", "export", "-o", str(tmp_path / "people.csv"))
    exports = list(
        AuditEvent.objects.filter(group="export")
        .order_by("seq")
        .values_list("username", "channel", "summary")
    )
    assert exports == [
        ("clerk", "web", {"model": "people.person", "rows": 1, "format": "csv"}),
        ("quartermaster", "web", {"model": "stock.balance", "rows": 0, "format": "hxl"}),
        ("", "cli", {"model": "people.person", "rows": 1, "format": "csv"}),
    ]
