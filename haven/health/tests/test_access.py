"""Every role on every page and endpoint; medical reads are written to the audit log."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from haven.audit.models import AuditEvent
from haven.health import services
from haven.health.models import DeathRecord, TriageRecord
from haven.health.tests.conftest import START_RED
from haven.people.choices import Status
from haven.people.models import Person

pytestmark = pytest.mark.django_db

ROLES = ("commander", "quartermaster", "medic", "scout", "clerk", "member")
MEDICAL_ROLES = {"commander", "medic"}


@pytest.fixture
def casualty(users: dict[str, Any], person: Person) -> dict[str, Any]:
    record = services.record_triage(by=users["medic"], person=person, answers=START_RED)
    injury = services.record_injury(
        by=users["medic"], person=person, body_region="chest", kind="laceration"
    )
    return {"person": person, "triage": record, "injury": injury}


@pytest.fixture
def death(users: dict[str, Any], make_person: Callable[..., Person]) -> DeathRecord:
    return services.record_death(
        by=users["medic"],
        person=make_person("Omar Haddad"),
        died_at=timezone.now() - timedelta(hours=1),
        cause="explosion",
        confidence="probable",
        place="Mill",
    )


def _allowed(role: str) -> bool:
    return role in MEDICAL_ROLES


# --- web pages -------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "url",
    [
        "/health/",
        "/health/tags/",
        "/health/triage/?q=Amina",
        "/health/triage/{person}/",
        "/health/triage/record/{triage}/",
        "/health/triage/record/{triage}/tag/",
        "/health/casualties/{death}/",
        "/health/casualties/{death}/edit/",
        "/health/casualties/{death}/correct/",
        "/health/person/{person}/death/",
    ],
)
def test_medical_pages_are_for_medic_and_commander(
    client_as: Callable[[str], Any],
    casualty: dict[str, Any],
    death: DeathRecord,
    role: str,
    url: str,
) -> None:
    path = url.format(person=casualty["person"].pk, triage=casualty["triage"].pk, death=death.pk)
    response = client_as(role).get(path)
    assert response.status_code == (200 if _allowed(role) else 403), path


@pytest.mark.parametrize("role", ROLES)
def test_everyone_sees_names_in_the_register_but_only_medical_roles_the_details(
    client_as: Callable[[str], Any], death: DeathRecord, role: str
) -> None:
    response = client_as(role).get("/health/casualties/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Omar Haddad" in page
    assert ("<th>Disposition</th>" in page) == _allowed(role)
    # The place of a death is a location: the commander's (or a grant's), not the medic's.
    assert ("Mill</td>" in page) == (role == "commander")
    assert ("<td>hidden</td>" in page) == (role == "medic")


@pytest.mark.parametrize("role", ROLES)
def test_other_roles_see_only_injured_on_a_health_record(
    client_as: Callable[[str], Any], casualty: dict[str, Any], role: str
) -> None:
    response = client_as(role).get(f"/health/person/{casualty['person'].pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Injured" in page
    assert ("Immediate (red)" in page) == _allowed(role)
    assert ("Laceration" in page) == _allowed(role)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/health/person/{person}/injury/", {"body_region": "head", "kind": "contusion"}),
        ("/health/person/{person}/treatment/", {"what": "Dressing"}),
        ("/health/person/{person}/outcome/", {"outcome": "recovering"}),
        ("/health/triage/{person}/save/", {"a.walking": "yes"}),
        ("/health/casualties/{death}/confirm/", {}),
    ],
)
def test_medical_writes_are_for_medic_and_commander(
    client_as: Callable[[str], Any],
    casualty: dict[str, Any],
    death: DeathRecord,
    role: str,
    url: str,
    data: dict[str, str],
) -> None:
    path = url.format(person=casualty["person"].pk, death=death.pk)
    response = client_as(role).post(path, data)
    assert response.status_code == (302 if _allowed(role) else 403), path


@pytest.mark.parametrize("role", ROLES)
def test_only_the_commander_sets_the_starting_population(
    client_as: Callable[[str], Any], role: str
) -> None:
    response = client_as(role).post("/health/casualties/population/", {"count": 900})
    assert response.status_code == (302 if role == "commander" else 403)


@pytest.mark.parametrize("role", ROLES)
def test_dashboard_panel_shows_queue_counts_only_to_medical_roles(
    client_as: Callable[[str], Any], casualty: dict[str, Any], death: DeathRecord, role: str
) -> None:
    page = client_as(role).get("/").content.decode()
    assert "deaths in the casualty register" in page
    assert ("in the triage queue" in page) == _allowed(role)


# --- API -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/health/queue",
        "/api/v1/health/triage/{triage}",
        "/api/v1/health/deaths/{death}",
    ],
)
def test_medical_api_reads(
    api_as: Callable[[str], Any],
    casualty: dict[str, Any],
    death: DeathRecord,
    role: str,
    url: str,
) -> None:
    path = url.format(triage=casualty["triage"].pk, death=death.pk)
    response = api_as(role).get(path)
    assert response.status_code == (200 if _allowed(role) else 403), path
    if not _allowed(role):
        assert "your role may not do this" in response.json()["detail"]


@pytest.mark.parametrize("role", ROLES)
def test_api_health_record_gives_other_roles_only_the_status(
    api_as: Callable[[str], Any], casualty: dict[str, Any], role: str
) -> None:
    body = api_as(role).get(f"/api/v1/health/people/{casualty['person'].pk}").json()
    # Status is identity (haven/core/policy.py): clerks, medics and the commander see it.
    assert body.get("status") == (
        Status.INJURED if role in {"commander", "medic", "clerk"} else None
    )
    assert (body.get("triages") is not None) == _allowed(role)


@pytest.mark.parametrize("role", ROLES)
def test_api_register_names_for_all_details_for_medical(
    api_as: Callable[[str], Any], death: DeathRecord, role: str
) -> None:
    body = api_as(role).get("/api/v1/health/deaths").json()
    item = body["items"][0]
    assert item["full_name"] == "Omar Haddad"
    assert (item.get("cause") == "explosion") == _allowed(role)
    assert ("personal_effects" in item) == _allowed(role)
    assert api_as(role).get("/api/v1/health/figures").json()["killed"] == 1


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("url", "payload"),
    [
        ("/api/v1/health/triage", {"person_id": "{person}", "answers": {"walking": "yes"}}),
        ("/api/v1/health/triage/step", {"algorithm": "start", "answers": {}}),
        ("/api/v1/health/people/{person}/injuries", {"body_region": "head", "kind": "contusion"}),
        ("/api/v1/health/people/{person}/treatments", {"what": "Dressing"}),
        ("/api/v1/health/people/{person}/outcome", {"outcome": "recovering"}),
        ("/api/v1/health/deaths/{death}/confirm", {}),
    ],
)
def test_medical_api_writes(
    api_as: Callable[[str], Any],
    casualty: dict[str, Any],
    death: DeathRecord,
    role: str,
    url: str,
    payload: dict[str, Any],
) -> None:
    person_id, death_id = casualty["person"].pk, death.pk
    body = json.loads(
        json.dumps(payload)
        .replace('"{person}"', str(person_id))
        .replace("{person}", str(person_id))
    )
    response = api_as(role).post(
        url.format(person=person_id, death=death_id), body, content_type="application/json"
    )
    assert response.status_code in ((200, 201) if _allowed(role) else (403,)), response.content


@pytest.mark.parametrize("role", ROLES)
def test_api_only_the_commander_sets_the_starting_population(
    api_as: Callable[[str], Any], role: str
) -> None:
    response = api_as(role).put(
        "/api/v1/health/starting-population", {"count": 900}, content_type="application/json"
    )
    assert response.status_code == (200 if role == "commander" else 403)


# --- the audit log ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "view"),
    [
        ("/health/triage/record/{triage}/", "web:triage_detail"),
        ("/health/triage/record/{triage}/tag/", "web:triage_tag"),
        ("/health/person/{person}/", "web:person_health"),
        ("/health/", "web:queue"),
        ("/api/v1/health/triage/{triage}", "api:triage"),
        ("/api/v1/health/people/{person}", "api:person"),
        ("/api/v1/health/queue", "api:queue"),
    ],
)
def test_every_medical_read_is_logged(
    client_as: Callable[[str], Any],
    users: dict[str, Any],
    casualty: dict[str, Any],
    url: str,
    view: str,
) -> None:
    person = casualty["person"]
    client_as("medic").get(url.format(triage=casualty["triage"].pk, person=person.pk))
    (entry,) = _medical_reads()
    channel, page = view.split(":")
    assert (entry.username, entry.channel, entry.summary["view"]) == ("medic", channel, page)
    assert entry.record_list() == [f"people.person:{person.pk}"]
    assert entry.at <= timezone.now()


def _medical_reads() -> list[AuditEvent]:
    """The reads the medical pages reported themselves (each names its page)."""
    events = AuditEvent.objects.filter(kind="read", group="medical").order_by("seq")
    return [event for event in events if "view" in event.summary]


def test_death_record_reads_are_logged_and_refused_reads_are_not(
    client_as: Callable[[str], Any], api_as: Callable[[str], Any], death: DeathRecord
) -> None:
    client_as("clerk").get(f"/health/casualties/{death.pk}/")
    api_as("clerk").get(f"/api/v1/health/deaths/{death.pk}")
    client_as("clerk").get(f"/health/person/{death.person_id}/")
    assert not AuditEvent.objects.filter(kind="read").exists()
    client_as("commander").get(f"/health/casualties/{death.pk}/")
    api_as("medic").get(f"/api/v1/health/deaths/{death.pk}")
    views = sorted((e.username, f"{e.channel}:{e.summary['view']}") for e in _medical_reads())
    assert views == [("commander", "web:death_detail"), ("medic", "api:death")]


def test_the_queue_logs_one_row_per_person_shown(
    client_as: Callable[[str], Any], users: dict[str, Any], make_person: Callable[..., Person]
) -> None:
    for name in ("One", "Two", "Three"):
        services.record_triage(by=users["medic"], person=make_person(name), answers=START_RED)
    client_as("commander").get("/health/")
    (queue,) = [event for event in _medical_reads() if event.summary["view"] == "queue"]
    assert queue.record_count == 3 and len(queue.record_list()) == 3
    assert TriageRecord.objects.count() == 3
