"""Paper fallback: the muster sheet to print, keying a ticked sheet back in, and the blank
registration form; who may have each, and what each role sees on it."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.db import IntegrityError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from haven.audit.models import AuditEvent
from haven.people import musters, services
from haven.people.choices import Sex, Status
from haven.people.models import Muster, MusterCheckIn, Person
from haven.shelter import services as shelter

pytestmark = pytest.mark.django_db

ROLES = ["commander", "quartermaster", "medic", "scout", "clerk", "member"]
CHECKS_IN = {"commander", "quartermaster", "medic", "scout", "clerk"}
REGISTERS = {"commander", "clerk"}


@pytest.fixture
def camp(users: dict[str, Any]) -> dict[str, Person]:
    clerk = users["clerk"]
    yusuf = services.create_household(name="Yusuf household")
    haddad = services.create_household(name="Haddad household")
    people = {
        "Amina": services.register_person(
            by=clerk,
            full_name="Amina Yusuf",
            household=yusuf,
            sex=Sex.FEMALE,
            date_of_birth=date(1990, 4, 1),
            record_id="REG-0001",
        ),
        "Zaid": services.register_person(by=clerk, full_name="Zaid Yusuf", household=yusuf),
        "Omar": services.register_person(by=clerk, full_name="Omar Haddad", household=haddad),
        "Bilal": services.register_person(by=clerk, full_name="Bilal Alone"),
        "Gone": services.register_person(by=clerk, full_name="Gone Away", status=Status.DEPARTED),
    }
    tent = shelter.add_shelter(by=users["commander"], name="Tent B", covered_area_m2=20)
    shelter.assign(by=clerk, person=people["Omar"], shelter=tent)
    return people


def names_in_order(html: str) -> list[str]:
    return re.findall(r"(Amina Yusuf|Zaid Yusuf|Omar Haddad|Bilal Alone|Gone Away)", html)


@pytest.mark.parametrize("role", ROLES)
def test_who_may_print_and_key_in(
    client_as: Callable[[str], Client], users: dict[str, Any], camp: dict[str, Person], role: str
) -> None:
    client = client_as(role)
    muster = musters.open_muster(by=users["clerk"], label="Noon")
    reads = 200 if role in CHECKS_IN else 403
    assert client.get("/people/muster/sheet/").status_code == reads
    assert client.get(f"/people/muster/{muster.pk}/key-in/").status_code == reads
    posted = client.post(f"/people/muster/{muster.pk}/key-in/", {"person": [camp["Omar"].pk]})
    assert posted.status_code == (302 if role in CHECKS_IN else 403)
    assert MusterCheckIn.objects.filter(muster=muster).exists() == (role in CHECKS_IN)
    blank = client.get("/people/register-form/")
    assert blank.status_code == (200 if role in REGISTERS else 403)


def test_the_clerks_sheet_groups_by_shelter_then_household_with_tick_boxes(
    client_as: Callable[[str], Client], camp: dict[str, Person]
) -> None:
    html = client_as("clerk").get("/people/muster/sheet/").content.decode()
    # Shelter first (Tent B), then those without one, by household, lone people last.
    assert names_in_order(html) == ["Omar Haddad", "Amina Yusuf", "Zaid Yusuf", "Bilal Alone"]
    assert "Tent B · Haddad household" in html
    assert "No shelter · Yusuf household" in html
    assert "No shelter · No household" in html
    assert html.count('class="tick-box"') == 4
    assert "REG-0001" in html and "Female" in html
    assert "core/haven.css" in html and "data-print" in html
    assert 'class="topbar"' not in html  # a sheet, not a page with the menu


@pytest.mark.parametrize(
    ("role", "shows_ids", "groups"),
    [("scout", False, False), ("quartermaster", False, True), ("medic", True, False)],
)
def test_a_role_sees_on_the_sheet_only_what_it_may(
    client_as: Callable[[str], Client],
    camp: dict[str, Person],
    role: str,
    shows_ids: bool,
    groups: bool,
) -> None:
    html = client_as(role).get("/people/muster/sheet/").content.decode()
    assert ("REG-0001" in html) == shows_ids
    assert ("Female" in html) == shows_ids
    assert ("Yusuf household" in html) == groups
    assert "Tent B" not in html  # who sleeps where: the clerk's and the commander's
    if not groups:  # by name alone: an order by household would tell the households
        assert names_in_order(html) == ["Amina Yusuf", "Bilal Alone", "Omar Haddad", "Zaid Yusuf"]


def test_the_key_in_screen_lists_the_sheets_people_in_the_sheets_order(
    client_as: Callable[[str], Client], users: dict[str, Any], camp: dict[str, Person]
) -> None:
    client = client_as("clerk")
    muster = musters.open_muster(by=users["clerk"], label="Noon")
    musters.check_in(by=users["clerk"], muster=muster, person=camp["Zaid"])
    sheet = client.get("/people/muster/sheet/").content.decode()
    screen = client.get(f"/people/muster/{muster.pk}/key-in/").content.decode()
    assert names_in_order(screen) == names_in_order(sheet)
    assert screen.count('type="checkbox" name="person"') == 4
    assert f'value="{camp["Zaid"].pk}" id="p{camp["Zaid"].pk}" checked disabled' in screen


def test_keying_in_checks_in_everyone_ticked_in_one_audited_step(
    client_as: Callable[[str], Client], users: dict[str, Any], camp: dict[str, Person]
) -> None:
    muster = musters.open_muster(by=users["clerk"], label="Noon")
    musters.check_in(by=users["clerk"], muster=muster, person=camp["Zaid"])
    ticked = [camp["Amina"].pk, camp["Zaid"].pk, camp["Omar"].pk]
    response = client_as("clerk").post(
        f"/people/muster/{muster.pk}/key-in/", {"person": ticked}, follow=True
    )
    assert "2 people checked in from the paper sheet (1 already were)." in response.content.decode()
    assert set(muster.check_ins.values_list("person_id", flat=True)) == set(ticked)
    event = AuditEvent.objects.filter(action="people.check_in_many").get()
    assert event.user == users["clerk"]


def test_one_bad_name_on_the_sheet_checks_in_nobody(
    client_as: Callable[[str], Client], users: dict[str, Any], camp: dict[str, Person]
) -> None:
    muster = musters.open_muster(by=users["clerk"], label="Noon")
    client = client_as("clerk")
    url = f"/people/muster/{muster.pk}/key-in/"
    gone = client.post(url, {"person": [camp["Amina"].pk, camp["Gone"].pk]}, follow=True)
    assert "Gone Away is recorded departed" in gone.content.decode()
    unknown = client.post(url, {"person": [camp["Amina"].pk, 99999]}, follow=True)
    assert "no person with id 99999" in unknown.content.decode()
    word = client.post(url, {"person": ["amina"]}, follow=True)
    assert "not a person id: &#x27;amina&#x27;" in word.content.decode()
    empty = client.post(url, {}, follow=True)
    assert "tick at least one person" in empty.content.decode()
    assert not muster.check_ins.exists()


def test_a_closed_muster_takes_no_sheet(
    client_as: Callable[[str], Client], users: dict[str, Any], camp: dict[str, Person]
) -> None:
    muster = musters.open_muster(by=users["clerk"], label="Noon")
    musters.close_muster(by=users["clerk"], muster=muster)
    response = client_as("clerk").post(
        f"/people/muster/{muster.pk}/key-in/", {"person": [camp["Amina"].pk]}, follow=True
    )
    assert "is closed" in response.content.decode()
    assert not Muster.objects.get(pk=muster.pk).check_ins.exists()


def test_the_blank_registration_form_has_a_box_for_each_field(
    client_as: Callable[[str], Client],
) -> None:
    html = client_as("clerk").get("/people/register-form/").content.decode()
    for label in ("Full name", "Sex", "Date of birth", "Estimated age", "Household", "Phone"):
        assert f'<span class="box-label">{label}</span>' in html, label
    assert "Signature" in html or "signature" in html
    assert "<input" not in html  # boxes to write in, not a form to fill on screen


def test_the_muster_screens_link_to_the_sheet_and_the_key_in(
    client_as: Callable[[str], Client], users: dict[str, Any], camp: dict[str, Person]
) -> None:
    client = client_as("clerk")
    assert "/people/muster/sheet/" in client.get("/people/muster/").content.decode()
    muster = musters.open_muster(by=users["clerk"], label="Noon")
    page = client.get("/people/muster/").content.decode()
    assert f"/people/muster/{muster.pk}/key-in/" in page
    assert "/people/register-form/" in client.get("/people/").content.decode()


def test_the_sheet_costs_the_same_queries_for_a_larger_camp(
    client_as: Callable[[str], Client], users: dict[str, Any], camp: dict[str, Person]
) -> None:
    client = client_as("clerk")
    muster = musters.open_muster(by=users["clerk"], label="Noon")
    pages = ["/people/muster/sheet/", f"/people/muster/{muster.pk}/key-in/"]

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    before = [queries(url) for url in pages]
    household = services.create_household(name="Big household")
    for n in range(20):
        services.register_person(by=users["clerk"], full_name=f"Extra {n}", household=household)
    assert [queries(url) for url in pages] == before


def test_a_person_checked_in_by_another_clerk_at_the_same_moment_counts_as_already(
    users: dict[str, Any], camp: dict[str, Person], monkeypatch: pytest.MonkeyPatch
) -> None:
    muster = musters.open_muster(by=users["clerk"], label="Noon")
    real = musters._check_in

    def racing(**kwargs: Any) -> musters.CheckInResult:
        if kwargs["person"].pk == camp["Omar"].pk:
            # The other clerk's row landed between our look and our write.
            MusterCheckIn.objects.create(
                muster=muster, person=camp["Omar"], checked_by=users["medic"]
            )
            raise IntegrityError("duplicate key value violates unique constraint")
        return real(**kwargs)

    monkeypatch.setattr(musters, "_check_in", racing)
    result = musters.check_in_many(
        by=users["clerk"], muster=muster, person_ids=[camp["Amina"].pk, camp["Omar"].pk]
    )
    assert [p.full_name for p in result.checked_in] == ["Amina Yusuf"]
    assert [p.full_name for p in result.already] == ["Omar Haddad"]
    assert muster.check_ins.filter(person=camp["Amina"]).exists()
