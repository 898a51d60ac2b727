from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from haven.core.errors import HavenError
from haven.people import importing, services
from haven.people.models import Household, Person, StatusEvent

pytestmark = pytest.mark.django_db

GOOD = """id,full_name,given_name,family_name,alternate_names,sex,date_of_birth,age,household,team,skills,status,extra_energy_kcal
camp/1,Amina Yusuf,Amina,Yusuf,Mina;Aminah,f,1990-04-02,,Yusuf household,Clinic,medic;nursing,present,
camp/2,,Omar,Yusuf,,m,,41,Yusuf household,,,injured,300
camp/3,Jonas Berg,,,,male,,,,,excavation,,
"""

BAD = """id,full_name,sex,date_of_birth,status,skills
camp/1,Amina Yusuf,f,1990-13-02,present,
camp/2,,m,,present,
camp/1,Omar Haddad,m,,asleep,
camp/4,Lina Haddad,q,,present,juggling
camp/5,Good Row,f,,present,
"""


def test_import_creates_people_households_skills_and_events() -> None:
    result = importing.import_people(by=None, stream=io.StringIO(GOOD))
    assert result.imported == 3
    amina = Person.objects.get(record_id="camp/1")
    assert amina.alternate_name_list == ["Mina", "Aminah"]
    assert sorted(amina.skills.values_list("code", flat=True)) == ["medic", "nursing"]
    omar = Person.objects.get(record_id="camp/2")
    assert omar.full_name == "Omar Yusuf"
    assert omar.birth_date_is_estimate and omar.age_years() in (40, 41)
    assert omar.status == "injured" and omar.extra_energy_kcal == 300
    assert omar.household == amina.household
    assert Household.objects.count() == 1
    assert StatusEvent.objects.filter(reason="imported").count() == 3
    assert Person.objects.search("aminah").get() == amina


def test_bad_rows_are_all_reported_with_line_numbers_and_nothing_is_imported() -> None:
    with pytest.raises(importing.ImportRejected) as caught:
        importing.import_people(by=None, stream=io.StringIO(BAD))
    messages = [str(error) for error in caught.value.errors]
    assert messages == [
        "line 2: invalid date of birth '1990-13-02' (use YYYY-MM-DD)",
        "line 3: no name (full_name, or given_name and family_name)",
        "line 4: duplicate id 'camp/1' (also on line 2)",
        "line 4: unknown status 'asleep' (use present, injured, missing, deceased, departed)",
        "line 5: unknown sex 'q' (use f, m, x or u)",
        "line 5: unknown skill(s) juggling",
    ]
    assert not Person.objects.exists()


def test_skip_invalid_imports_the_good_rows() -> None:
    result = importing.import_people(by=None, stream=io.StringIO(BAD), skip_invalid=True)
    assert result.imported == 1
    assert result.skipped == 4
    assert list(Person.objects.values_list("full_name", flat=True)) == ["Good Row"]


def test_an_id_already_in_the_registry_is_a_bad_row(users: dict[str, Any]) -> None:
    services.register_person(by=users["clerk"], full_name="Old", record_id="camp/3")
    with pytest.raises(importing.ImportRejected, match="line 4: id 'camp/3' is already in"):
        importing.import_people(by=None, stream=io.StringIO(GOOD))
    assert Person.objects.count() == 1


def test_unknown_columns_are_refused() -> None:
    with pytest.raises(HavenError, match="unknown column\\(s\\) shoe_size"):
        importing.import_people(by=None, stream=io.StringIO("full_name,shoe_size\nA,42\n"))


def test_export_imports_again(tmp_path: Path) -> None:
    importing.import_people(by=None, stream=io.StringIO(GOOD))
    text = importing.csv_text(importing.export_queryset())
    Person.objects.all().delete()
    importing.import_people(by=None, stream=io.StringIO(text))
    assert sorted(Person.objects.values_list("record_id", "full_name", "status")) == [
        ("camp/1", "Amina Yusuf", "present"),
        ("camp/2", "Omar Yusuf", "injured"),
        ("camp/3", "Jonas Berg", "present"),
    ]


def test_cli_import_and_json_export(tmp_path: Path) -> None:
    source = tmp_path / "people.csv"
    source.write_text(GOOD)
    out = io.StringIO()
    call_command("people", "import", str(source), stdout=out)
    assert "imported 3 people" in out.getvalue()
    target = tmp_path / "people.json"
    call_command(
        "people", "export", "--format", "json", "--output", str(target), stdout=io.StringIO()
    )
    rows = json.loads(target.read_text())
    assert [row["full_name"] for row in rows] == ["Amina Yusuf", "Omar Yusuf", "Jonas Berg"]


def test_cli_import_of_a_bad_file_exits_2_and_imports_nothing(tmp_path: Path) -> None:
    source = tmp_path / "bad.csv"
    source.write_text(BAD)
    with pytest.raises(CommandError) as caught:
        call_command("people", "import", str(source))
    assert caught.value.returncode == 2
    assert "4 bad row(s), nothing imported: line 2: invalid date of birth" in str(caught.value)
    assert not Person.objects.exists()
