"""Duplicate registrations: warned before saving, merged keeping both histories, undone."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from haven.core.errors import HavenError
from haven.health import services as health
from haven.health.models import Injury
from haven.people import aggregates, merging, services
from haven.people.choices import Status
from haven.people.duplicates import PossibleDuplicates, possible_duplicates, record_from
from haven.people.models import Person, PersonMerge, StatusEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def muhammad(users: dict[str, Any]) -> Person:
    return services.register_person(
        by=users["clerk"],
        given_name="Muhammad",
        family_name="Yusuf",
        sex="m",
        date_of_birth=date(1990, 4, 12),
        phone="+963 93 555 1234",
    )


def test_a_registration_of_someone_registered_is_stopped_with_a_warning(
    users: dict[str, Any], muhammad: Person
) -> None:
    with pytest.raises(PossibleDuplicates) as caught:
        services.register_person(
            by=users["clerk"],
            given_name="Mohamed",
            family_name="Yousef",
            sex="m",
            date_of_birth=date(1990, 12, 4),
            confirm_duplicate=False,
        )
    assert f"possibly #{muhammad.pk} Muhammad Yusuf, born 1990" in str(caught.value)
    assert "day and month of birth swapped" in caught.value.found[0].reasons
    assert Person.objects.count() == 1
    again = services.register_person(
        by=users["clerk"],
        given_name="Mohamed",
        family_name="Yousef",
        date_of_birth=date(1990, 12, 4),
        confirm_duplicate=True,
    )
    assert again.pk != muhammad.pk


def test_someone_else_is_registered_without_a_warning(
    users: dict[str, Any], muhammad: Person
) -> None:
    for details in (
        {
            "given_name": "Muhammad",
            "family_name": "Yusuf",
            "sex": "m",
            "date_of_birth": date(2015, 1, 3),
        },
        {"given_name": "Olena", "family_name": "Boiko", "sex": "f"},
    ):
        services.register_person(by=users["clerk"], confirm_duplicate=False, **details)
    assert not possible_duplicates(record_from({"full_name": "Amina Haddad"}))


def test_a_merge_moves_the_history_and_an_undo_moves_it_back(
    users: dict[str, Any], muhammad: Person
) -> None:
    twin = services.register_person(
        by=users["clerk"], full_name="محمد يوسف", sex="m", estimated_age=34
    )
    injury = health.record_injury(
        by=users["medic"], person=twin, body_region="head", kind="laceration"
    )
    twin_events = set(twin.status_events.values_list("pk", flat=True))
    before = aggregates.status_counts()
    merge = merging.merge_people(by=users["clerk"], kept=muhammad, merged=twin, reason="same man")
    twin.refresh_from_db()
    assert (twin.status, twin.merged_into) == (Status.MERGED, muhammad)
    assert Injury.objects.get(pk=injury.pk).person_id == muhammad.pk
    assert twin_events <= set(muhammad.status_events.values_list("pk", flat=True))
    assert "merged into" in twin.status_events.get().reason
    after = aggregates.status_counts()
    assert after[Status.PRESENT] == before[Status.PRESENT] - 1
    assert after.get(Status.MERGED) == 1
    with pytest.raises(HavenError, match="already merged"):
        merging.merge_people(by=users["clerk"], kept=muhammad, merged=twin)
    with pytest.raises(HavenError, match="merge and its undo"):
        services.change_status(by=users["clerk"], person=twin, status=Status.PRESENT)

    merging.unmerge_people(by=users["clerk"], merged=twin)
    twin.refresh_from_db()
    assert (twin.status, twin.merged_into) == (Status.PRESENT, None)
    assert Injury.objects.get(pk=injury.pk).person_id == twin.pk
    assert twin_events < set(twin.status_events.values_list("pk", flat=True))
    assert not muhammad.status_events.filter(pk__in=twin_events).exists()
    assert aggregates.status_counts() == before
    merge.refresh_from_db()
    assert merge.undone_at is not None
    with pytest.raises(HavenError, match="not merged"):
        merging.unmerge_people(by=users["clerk"], merged=twin)


def test_a_record_is_not_merged_into_itself(users: dict[str, Any], muhammad: Person) -> None:
    with pytest.raises(HavenError, match="into itself"):
        merging.merge_people(by=users["clerk"], kept=muhammad, merged=muhammad)
    assert not PersonMerge.objects.exists()
    assert StatusEvent.objects.filter(status=Status.MERGED).count() == 0


def test_the_form_warns_and_registers_once_confirmed(client_as: Any, muhammad: Person) -> None:
    client = client_as("clerk")
    form = {
        "given_name": "Mohammed",
        "family_name": "Yusuf",
        "sex": "m",
        "date_of_birth": "1990-04-12",
        "extra_energy_kcal": "0",
    }
    page = client.post("/people/add/", form)
    assert page.status_code == 200
    assert f"#{muhammad.pk} Muhammad Yusuf, born 1990" in page.content.decode()
    assert Person.objects.count() == 1
    done = client.post("/people/add/", {**form, "confirm_duplicate": "1"})
    assert done.status_code == 302
    assert Person.objects.count() == 2


def test_the_api_warns_merges_and_undoes(api_as: Any, muhammad: Person) -> None:
    api = api_as("clerk")
    body = {"given_name": "Muhamad", "family_name": "Yusuf", "date_of_birth": "1990-04-12"}
    warned = api.post("/api/v1/people/", body, content_type="application/json")
    assert warned.status_code == 400
    assert f"#{muhammad.pk} Muhammad Yusuf, born 1990" in warned.json()["detail"]
    created = api.post(
        "/api/v1/people/", {**body, "confirm_duplicate": True}, content_type="application/json"
    )
    assert created.status_code == 201
    twin = created.json()["id"]
    merged = api.post(
        f"/api/v1/people/{muhammad.pk}/merge",
        {"merged_id": twin, "reason": "one man"},
        content_type="application/json",
    )
    assert merged.status_code == 200
    assert Person.objects.get(pk=twin).status == Status.MERGED
    again = api.post(
        f"/api/v1/people/{muhammad.pk}/merge", {"merged_id": twin}, content_type="application/json"
    )
    assert again.status_code == 400 and "already merged" in again.json()["detail"]
    undone = api.post(f"/api/v1/people/{twin}/unmerge")
    assert undone.status_code == 200 and undone.json()["status"] == Status.PRESENT
    refused = api_as("medic").post(f"/api/v1/people/{twin}/unmerge")
    assert refused.status_code == 403


def test_the_person_page_merges_and_undoes(
    client_as: Any, users: dict[str, Any], muhammad: Person
) -> None:
    twin = services.register_person(by=users["clerk"], full_name="Mohamed Yusuf")
    client = client_as("clerk")
    assert (
        "Merge a duplicate registration" in client.get(f"/people/{muhammad.pk}/").content.decode()
    )
    client.post(f"/people/{muhammad.pk}/merge/", {"merged": f"#{twin.pk}", "reason": "same"})
    twin.refresh_from_db()
    assert twin.merged_into == muhammad
    assert "This record was merged into" in client.get(f"/people/{twin.pk}/").content.decode()
    client.post(f"/people/{twin.pk}/unmerge/")
    twin.refresh_from_db()
    assert twin.merged_into is None
    assert (
        client_as("medic").post(f"/people/{muhammad.pk}/merge/", {"merged": twin.pk}).status_code
        == 403
    )


def test_the_cli_merges_unmerges_and_checks_an_import(
    users: dict[str, Any], muhammad: Person, tmp_path: Any, capsys: Any
) -> None:
    from django.core.management import call_command

    twin = services.register_person(by=users["clerk"], full_name="Mohamed Yusuf")
    call_command("people", "merge", str(muhammad.pk), f"#{twin.pk}", "--reason", "same man")
    assert Person.objects.get(pk=twin.pk).status == Status.MERGED
    call_command("people", "unmerge", str(twin.pk))
    assert Person.objects.get(pk=twin.pk).status == Status.PRESENT
    source = tmp_path / "people.csv"
    source.write_text(
        "full_name,date_of_birth\nМухаммад Юсуф,1990-04-12\nOlena Boiko,1985-01-02\n",
        encoding="utf-8",
    )
    capsys.readouterr()
    call_command("people", "import", str(source), "--check-duplicates")
    out = capsys.readouterr().out
    assert f"line 2 Мухаммад Юсуф: possibly #{muhammad.pk} Muhammad Yusuf, born 1990" in out
    assert "Olena" not in out
    assert Person.objects.count() == 2


def test_the_import_page_warns_before_saving(client_as: Any, muhammad: Person) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    def upload() -> SimpleUploadedFile:
        text = "given_name,family_name,date_of_birth\nMohammed,Yusuf,1990-04-12\n"
        return SimpleUploadedFile("people.csv", text.encode(), content_type="text/csv")

    client = client_as("clerk")
    page = client.post("/people/import/", {"file": upload(), "check_duplicates": "1"})
    text = page.content.decode()
    assert f"line 2 Mohammed Yusuf: possibly #{muhammad.pk} Muhammad Yusuf, born 1990" in text
    assert Person.objects.count() == 1
    done = client.post("/people/import/", {"file": upload()})
    assert done.status_code == 302
    assert Person.objects.count() == 2
