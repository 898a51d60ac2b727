"""Tracing through the API, the pages and the command line, as every role; bad input is
refused naming the value, and nothing is written."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from haven.core.errors import HavenError
from haven.people import services as people
from haven.tracing import hooks, services
from haven.tracing.choices import CandidateState, RequestState
from haven.tracing.models import Candidate, TracingRequest

ROLES = ("commander", "quartermaster", "medic", "scout", "clerk", "member")
READERS = {"commander", "clerk", "medic"}
DECIDERS = {"commander", "clerk"}


@pytest.fixture
def traced(users: dict[str, Any]) -> dict[str, Any]:
    clerk = users["clerk"]
    person = people.register_person(
        by=clerk,
        given_name="Ahmad",
        family_name="Haddad",
        sex="m",
        date_of_birth=date(1979, 6, 1),
        phone="0944 123 456",
    )
    hooks.person_saved(person.pk)
    request = services.open_request(
        by=clerk,
        asker_name="Rania Haddad",
        asker_contact="tent C4, +963 944 000 111",
        asker_relationship="wife",
        given_name="Ahmed",
        family_name="Hadad",
        sex="m",
        age_min=44,
        age_max=48,
        phone="+963 944 123 456",
        last_seen_place="north checkpoint",
        consent_to_share=True,
    )
    return {"person": person, "request": request, "candidate": request.candidates.get()}


@pytest.mark.parametrize("role", ROLES)
def test_who_may_read_requests_and_what_they_see(
    role: str, traced: dict[str, Any], api_as: Callable[[str], Client]
) -> None:
    client = api_as(role)
    answer = client.get(f"/api/v1/tracing/requests/{traced['request'].pk}")
    if role not in READERS:
        assert answer.status_code == 403
        return
    body = answer.json()
    assert body["full_name"] == "Ahmed Hadad"
    # The asker's contact is contact (not the medic's); the last-seen place is a location.
    assert ("asker_contact" in body) == (role != "medic")
    assert body["last_seen_place"] == ("north checkpoint" if role == "commander" else "hidden")
    candidate = client.get(f"/api/v1/tracing/candidates/{traced['candidate'].pk}").json()
    assert candidate["person_id"] == traced["person"].pk
    assert any("family names" in item["words"] for item in candidate["evidence"])
    assert ("phone_evidence" in candidate) == (role != "medic")


@pytest.mark.parametrize("role", ROLES)
def test_who_may_confirm(
    role: str, traced: dict[str, Any], api_as: Callable[[str], Client]
) -> None:
    answer = api_as(role).post(
        f"/api/v1/tracing/candidates/{traced['candidate'].pk}/confirm",
        {"note": "his wife knew him"},
        content_type="application/json",
    )
    assert answer.status_code == (200 if role in DECIDERS else 403)
    request = TracingRequest.objects.get(pk=traced["request"].pk)
    assert (request.state == RequestState.CONFIRMED) == (role in DECIDERS)


def test_api_opens_a_request_and_refuses_bad_input(api_as: Callable[[str], Client]) -> None:
    client = api_as("clerk")
    made = client.post(
        "/api/v1/tracing/requests/",
        {"asker_name": "Olha", "full_name": "Олена Бойко", "sex": "f", "consent_to_share": True},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    bad = client.post(
        "/api/v1/tracing/requests/",
        {"asker_name": "Olha", "full_name": "X", "age_min": 60, "age_max": 20},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert "age range 60–20" in bad.json()["detail"]
    wrong = client.post(
        f"/api/v1/tracing/requests/{made.json()['id']}/notes",
        {"status": "believed_lost"},
        content_type="application/json",
    )
    assert wrong.status_code == 422
    assert TracingRequest.objects.count() == 1
    assert client.get("/api/v1/tracing/requests/999999").status_code == 404


def test_a_decided_candidate_cannot_be_decided_again(
    traced: dict[str, Any], api_as: Callable[[str], Client]
) -> None:
    url = f"/api/v1/tracing/candidates/{traced['candidate'].pk}"
    assert (
        api_as("clerk").post(url + "/reject", {}, content_type="application/json").status_code
        == 200
    )
    again = api_as("clerk").post(url + "/confirm", {}, content_type="application/json")
    assert again.status_code == 400
    assert "already rejected" in again.json()["detail"]


@pytest.mark.parametrize("role", ROLES)
def test_pages_as_every_role(
    role: str, traced: dict[str, Any], client_as: Callable[[str], Client]
) -> None:
    client = client_as(role)
    pages = [
        "/tracing/",
        f"/tracing/requests/{traced['request'].pk}/",
        "/tracing/candidates/",
        f"/tracing/candidates/{traced['candidate'].pk}/",
    ]
    for url in pages:
        answer = client.get(url)
        assert answer.status_code == (200 if role in READERS else 403), (role, url)
    if role not in READERS:
        return
    page = client.get(f"/tracing/requests/{traced['request'].pk}/").content.decode()
    assert ("tent C4" in page) == (role != "medic")
    assert ("north checkpoint" in page) == (role == "commander")
    assert ("Confirm: same person" in page) == (role in DECIDERS)
    new = client.get("/tracing/new/")
    assert new.status_code == (200 if role in DECIDERS else 403)


def test_confirming_on_the_page(traced: dict[str, Any], client_as: Callable[[str], Client]) -> None:
    candidate = traced["candidate"]
    answer = client_as("clerk").post(
        f"/tracing/candidates/{candidate.pk}/decide/", {"decision": "confirm", "note": "yes"}
    )
    assert answer.status_code == 302
    candidate.refresh_from_db()
    assert candidate.state == CandidateState.CONFIRMED
    index = client_as("clerk").get("/tracing/").content.decode()
    assert "Reunified" in index


def test_a_request_with_a_photo_on_the_page(
    users: dict[str, Any], client_as: Callable[[str], Client]
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 32
    answer = client_as("clerk").post(
        "/tracing/new/",
        {
            "asker_name": "Amani",
            "given_name": "Baraka",
            "family_name": "Otieno",
            "sex": "m",
            "photo": SimpleUploadedFile("b.png", png, content_type="image/png"),
            "consent_to_share": "on",
        },
    )
    assert answer.status_code == 302, answer.content[:500]
    request = TracingRequest.objects.get()
    assert request.photo.endswith(".png")
    assert client_as("medic").get(f"/tracing/requests/{request.pk}/photo/").content == png
    assert client_as("scout").get(f"/tracing/requests/{request.pk}/photo/").status_code == 403
    with pytest.raises(HavenError, match="neither a JPEG nor a PNG"):
        services.set_photo(by=None, request=request, content=b"GIF89a")


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("tracing", *args, stdout=out)
    return out.getvalue()


def test_the_command_line(traced: dict[str, Any]) -> None:
    assert "1 request(s)" in _run("requests", "list")
    shown = _run("requests", "show", str(traced["request"].pk))
    assert "Ahmad Haddad" in shown and "candidate #" in shown
    opened = _run(
        "requests",
        "open",
        "--asker",
        "Nadia",
        "--given",
        "Ahmad",
        "--family",
        "Haddad",
        "--born",
        "1979-06-01",
        "--consent",
    )
    assert "1 candidate(s)" in opened
    listed = _run("candidates", "list")
    assert "2 candidate(s) to review" in listed
    assert "rejected" in _run("candidates", "reject", str(traced["candidate"].pk))
    assert "closed" in _run("requests", "close", str(traced["request"].pk), "--reason", "done")
    scanned = _run("scan")
    assert "1 people and 1 open requests scanned" in scanned
    # The rejected pair stays rejected after a scan.
    assert Candidate.objects.get(pk=traced["candidate"].pk).state == CandidateState.REJECTED


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("requests", "open", "--asker", "A", "--name", "B", "--born", "1.2.1990"), "'1.2.1990'"),
        (("requests", "open", "--asker", "A", "--name", "B", "--age-min", "ten"), "'ten'"),
        (("requests", "show", "4711"), "no tracing request with id 4711"),
        (("candidates", "confirm", "4711"), "no candidate with id 4711"),
        (("requests", "close", "4711", "--reason", "x"), "no tracing request with id 4711"),
    ],
)
def test_bad_command_lines_exit_2(db: None, args: tuple[str, ...], message: str) -> None:
    with pytest.raises(CommandError, match=message) as error:
        _run(*args)
    assert error.value.returncode == 2
    assert not TracingRequest.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_the_dashboard_panel(
    role: str, traced: dict[str, Any], client_as: Callable[[str], Client]
) -> None:
    page = client_as(role).get("/").content.decode()
    assert ("open tracing requests" in page) == (role in READERS)
    if role in READERS:
        assert "1 likely and 0 possible matches to review" in page


def test_changing_a_request_on_the_page(
    traced: dict[str, Any], client_as: Callable[[str], Client]
) -> None:
    request = traced["request"]
    form = client_as("clerk").get(f"/tracing/requests/{request.pk}/edit/")
    assert form.status_code == 200 and b"Ahmed" in form.content
    assert client_as("medic").get(f"/tracing/requests/{request.pk}/edit/").status_code == 403
    answer = client_as("clerk").post(
        f"/tracing/requests/{request.pk}/edit/",
        {
            "asker_name": "Rania Haddad",
            "given_name": "Ahmed",
            "family_name": "Hadad",
            "sex": "m",
            "age_min": "44",
            "age_max": "48",
            "origin": "Idlib",
            "consent_to_share": "on",
        },
    )
    assert answer.status_code == 302
    request.refresh_from_db()
    assert request.origin == "Idlib"
    assert "origin" in (request.notes.last().text if request.notes.last() else "")
    bad = client_as("clerk").post(
        f"/tracing/requests/{request.pk}/edit/",
        {"asker_name": "R", "given_name": "A", "sex": "m", "age_min": "50", "age_max": "40"},
    )
    assert bad.status_code == 200 and "age range 50–40" in bad.content.decode()


def test_the_change_form_neither_shows_nor_wipes_a_place_the_clerk_may_not_see(
    traced: dict[str, Any], client_as: Callable[[str], Client]
) -> None:
    request = traced["request"]
    form = client_as("clerk").get(f"/tracing/requests/{request.pk}/edit/").content.decode()
    assert "north checkpoint" not in form and 'name="last_seen_place"' not in form
    commander = client_as("commander").get(f"/tracing/requests/{request.pk}/edit/")
    assert "north checkpoint" in commander.content.decode()
    client_as("clerk").post(
        f"/tracing/requests/{request.pk}/edit/",
        {"asker_name": "Rania Haddad", "given_name": "Ahmed", "family_name": "Hadad", "sex": "m"},
    )
    request.refresh_from_db()
    assert request.last_seen_place == "north checkpoint"
