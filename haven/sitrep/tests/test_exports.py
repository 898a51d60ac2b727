"""The SITREP out: HXL validated against the schema Haven ships, the PDF on one A4 page,
the command line and the API, as every role."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import hxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from haven.core.camp import set_camp_location
from haven.core.policy import HIDDEN
from haven.sitrep import exporting, services
from haven.sitrep.exporting import SCHEMA, write_hxl
from haven.sitrep.indicators import SECTIONS
from haven.sitrep.models import SitrepNote
from haven.sitrep.tests.conftest import END
from haven.sitrep.views import report_context

QUERY = urlencode({"period": "24h", "end": END.isoformat()})
PLACE = "Quarry above the bend"
LOCAL = hxl.InputOptions(allow_local=True)


def validate(text: str) -> list[str]:
    """The schema's complaints about an HXL text (none: valid)."""
    errors: list[str] = []
    schema = hxl.schema(hxl.data(str(SCHEMA), LOCAL), callback=lambda e: errors.append(str(e)))
    valid = schema.validate(hxl.data(io.BytesIO(text.encode()), LOCAL))
    assert valid == (not errors)
    return errors


def pages(user: Any) -> int:
    """Pages of the SITREP's PDF as `user` gets it (None: the command line)."""
    report = services.sitrep(period="24h", end=END)
    return len(exporting.render_document(report_context(user, report)).pages)


@pytest.fixture
def located(camp: dict[str, Any], users: dict[str, Any]) -> dict[str, Any]:
    set_camp_location(by=users["commander"], name=PLACE)
    return camp


def test_the_hxl_export_validates_against_the_shipped_schema(located: dict[str, Any]) -> None:
    out = io.StringIO()
    report = services.sitrep(period="24h", end=END)
    count = write_hxl(out, report, sections=frozenset(SECTIONS), user=None)
    text = out.getvalue()
    assert validate(text) == []
    lines = text.splitlines()
    assert lines[1].startswith("#date,#loc+name,#indicator+code,#indicator+name")
    assert len(lines) == count + 2
    by_code = {
        row.get("#indicator+code"): row for row in hxl.data(io.BytesIO(text.encode()), LOCAL)
    }
    population = by_code["population"]
    assert population.get("#population+total") == "9"
    assert population.get("#population+children") == "1"
    assert by_code["deaths"].get("#affected+killed") == "2"
    assert by_code["cmr"].get("#indicator+flagged") == "yes"
    assert by_code["water"].get("#indicator+value+num") == "15.0"
    assert population.get("#loc+name") == PLACE


def test_the_schema_is_not_a_rubber_stamp() -> None:
    bad = "\n".join(
        [
            "Date,Code,Name,Value,People",
            "#date,#indicator+code,#indicator+name,#indicator+value+num,#population+total",
            "yesterday,Deaths!,Deaths,many,-3",
            "2026-11-30,cmr,,1.5,",
            "2026-11-30,cmr,CMR,1.5,",
        ]
    )
    errors = " ".join(validate(bad))
    for complaint in ("a date", "regular expression", "a number", "duplicate", "at least 1"):
        assert complaint in errors.lower(), complaint


@pytest.mark.parametrize(("role", "place"), [("commander", PLACE), ("clerk", HIDDEN)])
def test_the_location_only_where_the_policy_shows_it(
    located: dict[str, Any], client_as: Callable[[str], Client], role: str, place: str
) -> None:
    response = client_as(role).get(f"/sitrep/hxl/?{QUERY}")
    assert response.status_code == 200
    text = response.content.decode()
    assert validate(text) == []
    assert f",{place}," in text
    if role != "commander":
        assert PLACE not in text
        assert PLACE not in client_as(role).get(f"/sitrep/?{QUERY}").content.decode()


def test_a_role_exports_only_its_parts(
    located: dict[str, Any], client_as: Callable[[str], Client]
) -> None:
    text = client_as("clerk").get(f"/sitrep/hxl/?{QUERY}").content.decode()
    assert ",triage," not in text and ",missions_out," not in text
    assert ",deaths," in text and ",covered_area," in text
    assert client_as("scout").get(f"/sitrep/hxl/?{QUERY}").status_code == 403


def test_the_pdf_is_one_a4_page(
    camp: dict[str, Any], users: dict[str, Any], client_as: Callable[[str], Client]
) -> None:
    response = client_as("commander").get(f"/sitrep/pdf/?{QUERY}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    # One A4 page (210 × 297 mm, in CSS pixels), however much the role sees.
    assert pages(users["commander"]) == 1 and pages(users["clerk"]) == 1 and pages(None) == 1
    report = services.sitrep(period="24h", end=END)
    [page] = exporting.render_document(report_context(None, report)).pages
    assert (round(page.width / 96 * 25.4), round(page.height / 96 * 25.4)) == (210, 297)


def test_without_pango_the_pdf_says_what_is_missing(
    camp: dict[str, Any], client_as: Callable[[str], Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    def missing() -> Any:
        raise exporting.PdfUnavailable(
            "cannot make a PDF: the Pango library is missing (no libpango-1.0-0)"
        )

    monkeypatch.setattr(exporting, "_weasyprint", missing)
    response = client_as("commander").get(f"/sitrep/pdf/?{QUERY}")
    assert response.status_code == 503
    assert b"Pango" in response.content and b"\n" not in response.content.strip()
    with pytest.raises(CommandError, match="Pango") as error:
        call_command("sitrep", "--format", "pdf", "-o", "/tmp/never.pdf")
    assert error.value.returncode == 2


def test_a_missing_system_library_is_reported_not_raised(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    real = builtins.__import__

    def fake(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake)
    with pytest.raises(exporting.PdfUnavailable, match="Pango library is missing"):
        exporting._weasyprint()


def test_the_command_writes_each_format(camp: dict[str, Any], tmp_path: Path) -> None:
    end = END.isoformat()
    call_command("sitrep", "--end", end, "--format", "hxl", "-o", str(tmp_path / "s.csv"))
    assert validate((tmp_path / "s.csv").read_text(encoding="utf-8")) == []
    call_command("sitrep", "--end", end, "--format", "pdf", "-o", str(tmp_path / "s.pdf"))
    assert (tmp_path / "s.pdf").read_bytes().startswith(b"%PDF")
    call_command("sitrep", "--end", end, "--period", "24h", "-o", str(tmp_path / "s.html"))
    html = (tmp_path / "s.html").read_text(encoding="utf-8")
    assert "Crude mortality" in html or "CMR" in html
    assert "<style>" in html and "/static/" not in html


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--period", "soon"], "period 'soon'"),
        (["--period", "400d"], "longer than"),
        (["--end", "tomorrow"], "end 'tomorrow'"),
        (["--end", "2026-13-45T25:00+00:00"], "is not a date and time"),
        (["--end", "2026-11-01T10:00"], "has no time zone"),
        (["--end", "2999-01-01T00:00+00:00"], "in the future"),
        (["--format", "pdf"], "-o FILE"),
    ],
)
def test_bad_input_on_the_command_line_exits_2(
    camp: dict[str, Any], arguments: list[str], message: str
) -> None:
    with pytest.raises(CommandError, match=re.escape(message)) as error:
        call_command("sitrep", *arguments)
    assert error.value.returncode == 2


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("commander", 200),
        ("clerk", 200),
        ("medic", 200),
        ("quartermaster", 200),
        ("scout", 403),
        ("member", 403),
    ],
)
def test_the_api_answers_the_roles_that_see_the_sitrep(
    located: dict[str, Any], api_as: Callable[[str], Client], role: str, status: int
) -> None:
    response = api_as(role).get(f"/api/v1/sitrep/?{QUERY}")
    assert response.status_code == status, response.content
    if status != 200:
        return
    body = response.json()
    keys = {indicator["key"]: indicator for indicator in body["indicators"]}
    assert keys["deaths"]["value"] == 2
    assert keys["cmr"]["flagged"] is True
    assert ("triage" in keys) == (role in ("commander", "medic"))
    assert ("missions_out" in keys) == (role in ("commander", "quartermaster"))
    assert body["location"] == (PLACE if role == "commander" else HIDDEN)


def test_the_api_refuses_a_bad_period_with_json(
    camp: dict[str, Any], api_as: Callable[[str], Client]
) -> None:
    response = api_as("commander").get("/api/v1/sitrep/?period=forever")
    assert response.status_code == 400
    assert "period 'forever'" in response.json()["detail"]


def test_the_commanders_note_through_the_api(
    camp: dict[str, Any], api_as: Callable[[str], Client]
) -> None:
    response = api_as("commander").post(
        "/api/v1/sitrep/note", {"text": "Hold the north gate."}, content_type="application/json"
    )
    assert response.status_code == 201 and response.json()["text"] == "Hold the north gate."
    assert (
        api_as("clerk")
        .post("/api/v1/sitrep/note", {"text": "x"}, content_type="application/json")
        .status_code
        == 403
    )
    empty = api_as("commander").post(
        "/api/v1/sitrep/note", {"text": " "}, content_type="application/json"
    )
    assert empty.status_code == 400
    assert SitrepNote.objects.count() == 1
    assert api_as("clerk").get("/api/v1/sitrep/").json()["note"]["text"] == "Hold the north gate."
