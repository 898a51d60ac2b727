"""The people import refuses a file it cannot read — another encoding, binary data, a huge
field, a duplicated column, a ragged row, broken quoting — with one line naming the line and
column (exit 2), and imports nothing; UTF-8 with or without BOM and UTF-16 with BOM are read."""

from __future__ import annotations

import html
import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from haven.core.tests.badfiles import Case, bad_files, good_encodings
from haven.people import importing
from haven.people.models import Person

pytestmark = pytest.mark.django_db

HEADER = ["full_name", "sex", "notes"]
ROW = ["Amina Yusuf", "f", "arrived on foot"]
TEXT = 'full_name,sex,notes\nJosé Ñúñez,m,"two\nlines"\nZoë 李,f,\n'


@pytest.mark.parametrize("case", bad_files(HEADER, ROW), ids=lambda case: case.id)
def test_cli_refuses_a_bad_file_with_one_line_and_exit_2(case: Case, tmp_path: Path) -> None:
    source = tmp_path / "people.csv"
    source.write_bytes(case.data)
    with pytest.raises(CommandError) as caught:
        call_command("people", "import", str(source))
    assert caught.value.returncode == 2
    message = str(caught.value)
    assert "\n" not in message
    assert re.search(case.message, message), message
    assert not Person.objects.exists()


@pytest.mark.parametrize("encoding,data", good_encodings(TEXT), ids=lambda v: str(v)[:20])
def test_cli_reads_utf8_and_utf16_with_bom(encoding: str, data: bytes, tmp_path: Path) -> None:
    source = tmp_path / "people.csv"
    source.write_bytes(data)
    call_command("people", "import", str(source), stdout=io.StringIO())
    names = sorted(Person.objects.values_list("full_name", "notes"))
    notes = "two\r\nlines" if encoding == "crlf" else "two\nlines"
    assert names == [("José Ñúñez", notes), ("Zoë 李", "")]


def test_a_formula_name_round_trips_escaped(tmp_path: Path) -> None:
    formula = '=HYPERLINK("http://x","y")'
    text = (
        "id,full_name,phone,notes\n"
        f'camp/1,"{formula.replace(chr(34), chr(34) * 2)}",+44 20 7946 0000,-3 kg\n'
        "camp/2,@SUM(A1),-12,'plain\n"
    )
    importing.import_people(by=None, stream=io.StringIO(text))
    exported = importing.csv_text(importing.export_queryset())
    assert "'=HYPERLINK" in exported and ",'@SUM(A1)," in exported
    assert ",'+44 20 7946 0000," in exported and ",'-3 kg" in exported
    assert ",-12," in exported  # a number stays a number
    before = sorted(Person.objects.values_list("record_id", "full_name", "phone", "notes"))
    assert before[0][1] == formula
    Person.objects.all().delete()
    target = tmp_path / "again.csv"
    target.write_text(exported, encoding="utf-8")
    call_command("people", "import", str(target), stdout=io.StringIO())
    after = sorted(Person.objects.values_list("record_id", "full_name", "phone", "notes"))
    assert after == before


def _upload(client: Any, data: bytes) -> Any:
    return client.post("/people/import/", {"file": SimpleUploadedFile("people.csv", data)})


@pytest.mark.parametrize("case", bad_files(HEADER, ROW), ids=lambda case: case.id)
def test_web_refuses_a_bad_file_with_a_400_page(
    case: Case, client_as: Callable[[str], Any]
) -> None:
    response = _upload(client_as("clerk"), case.data)
    assert response.status_code == 400
    page = response.content.decode()
    shown = re.sub(r"\s+", " ", html.unescape(page))
    assert re.search(case.message.lstrip("^").rstrip("$"), shown), shown[-2000:]
    assert "Import people" in page
    assert not Person.objects.exists()


@pytest.mark.parametrize("encoding,data", good_encodings(TEXT), ids=lambda v: str(v)[:20])
def test_web_imports_every_readable_encoding(
    encoding: str, data: bytes, client_as: Callable[[str], Any]
) -> None:
    response = _upload(client_as("clerk"), data)
    assert response.status_code == 302, response.content.decode()[-500:]
    assert sorted(Person.objects.values_list("full_name", flat=True)) == ["José Ñúñez", "Zoë 李"]


def test_web_import_needs_the_right(client_as: Callable[[str], Any]) -> None:
    assert _upload(client_as("member"), TEXT.encode()).status_code == 403
    assert client_as("clerk").get("/people/import/").status_code == 200
    assert not Person.objects.exists()
