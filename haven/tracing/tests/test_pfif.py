"""PFIF: export 1.4 as a role sees the records, import 1.1–1.4 safely, idempotently, all or
nothing, and round-trip."""

from __future__ import annotations

import io
import re
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from haven.core.errors import HavenError
from haven.people import services as people
from haven.tracing import pfif, services
from haven.tracing.models import TracingNote, TracingRequest

PFIF_TIME = re.compile(r"<pfif:(?:source_date|entry_date|expiry_date)>([^<]*)<")


@pytest.fixture
def camp(users: dict[str, Any], settings: Any) -> dict[str, Any]:
    settings.HAVEN_PFIF_DOMAIN = "camp.example.org"
    clerk = users["clerk"]
    people.register_person(
        by=clerk, given_name="Ahmad", family_name="Haddad", sex="m", place="gate"
    )
    sought = services.open_request(
        by=clerk,
        asker_name="Rania Haddad",
        asker_contact="+963 944 000 111",
        given_name="Layla",
        family_name="Haddad",
        alternate_names=["ليلى حداد"],
        sex="f",
        age_min=8,
        age_max=10,
        origin="Homs",
        distinguishing_features="scar on the left hand",
        last_seen_place="north checkpoint",
        consent_to_share=True,
    )
    services.add_note(
        by=clerk,
        request=sought,
        text="seen at the well",
        status="believed_alive",
        last_known_location="the old well",
        author_made_contact=False,
    )
    expired = services.open_request(
        by=clerk,
        asker_name="Omar",
        full_name="Old Request",
        expires_at=timezone.now() - timedelta(days=1),
    )
    return {"sought": sought, "expired": expired}


def _export(role: str = "commander", since: str | None = None, tmp: Path | None = None) -> str:
    buffer = io.StringIO()
    stamp = None
    if since:
        stamp = timezone.make_aware(datetime.combine(date.fromisoformat(since), time.min))
    services.export_pfif(buffer, by=None, role=role, since=stamp)
    return buffer.getvalue()


def test_the_export_is_pfif_14_with_domain_ids_and_utc_times(camp: dict[str, Any]) -> None:
    text = _export()
    assert 'xmlns:pfif="http://zesty.ca/pfif/1.4"' in text
    assert f"<pfif:person_record_id>camp.example.org/request.{camp['sought'].pk}<" in text
    assert "camp.example.org/person." in text
    times = PFIF_TIME.findall(text)
    assert times and all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", t) for t in times)
    assert "<pfif:status>believed_alive</pfif:status>" in text
    assert "<pfif:age>8-10</pfif:age>" in text
    assert "Old Request" not in text  # expired


@pytest.mark.parametrize(
    ("role", "contact", "location", "identity"),
    [
        ("commander", True, True, True),
        ("clerk", True, False, True),
        ("medic", False, False, True),
        ("quartermaster", False, False, False),
    ],
)
def test_the_export_carries_only_what_the_role_sees(
    camp: dict[str, Any], role: str, contact: bool, location: bool, identity: bool
) -> None:
    text = _export(role)
    assert ("+963 944 000 111" in text) == contact
    assert ("the old well" in text) == location
    assert ("gate" in text) == location
    assert ("scar on the left hand" in text) == identity
    assert "Layla Haddad" in text


def test_export_then_import_round_trips(camp: dict[str, Any]) -> None:
    text = _export()
    TracingRequest.objects.all().delete()
    report = services.import_pfif(by=None, data=text.encode())
    assert report.version == "1.4"
    assert report.requests == 1  # the registry's own people are left alone
    back = TracingRequest.objects.get()
    original = camp["sought"]
    for name in (
        "full_name",
        "given_name",
        "family_name",
        "alternate_names",
        "sex",
        "age_min",
        "age_max",
        "origin",
        "distinguishing_features",
        "asker_name",
        "asker_contact",
    ):
        assert getattr(back, name) == getattr(original, name), name
    assert back.pfif_record_id == f"camp.example.org/request.{original.pk}"
    statuses = list(back.notes.values_list("status", "text", "last_known_location"))
    assert ("believed_alive", "seen at the well", "the old well") in statuses
    # The same file again: nothing new.
    again = services.import_pfif(by=None, data=text.encode())
    assert (again.requests, again.notes) == (0, 0)
    assert TracingRequest.objects.count() == 1
    # Exported again, the request keeps its first id.
    assert f"camp.example.org/request.{original.pk}<" in _export()


def test_importing_ones_own_export_changes_nothing(camp: dict[str, Any]) -> None:
    before = (TracingRequest.objects.count(), TracingNote.objects.count())
    report = services.import_pfif(by=None, data=_export().encode())
    assert (report.requests, report.notes) == (0, 0)
    assert (TracingRequest.objects.count(), TracingNote.objects.count()) == before


OLD = """<?xml version="1.0" encoding="UTF-8"?>
<pfif:pfif xmlns:pfif="http://zesty.ca/pfif/1.1">
  <pfif:person>
    <pfif:person_record_id>finder.example.org/p.1</pfif:person_record_id>
    <pfif:source_date>2026-11-20T08:00:00Z</pfif:source_date>
    <pfif:first_name>Olena</pfif:first_name>
    <pfif:last_name>Boyko</pfif:last_name>
    <pfif:home_zip>61000</pfif:home_zip>
    <pfif:note>
      <pfif:note_record_id>finder.example.org/n.1</pfif:note_record_id>
      <pfif:found>true</pfif:found>
      <pfif:text>I spoke with her</pfif:text>
    </pfif:note>
  </pfif:person>
</pfif:pfif>
"""


def test_pfif_11_names_are_read(db: None, settings: Any) -> None:
    report = services.import_pfif(by=None, data=OLD.encode())
    assert report.version == "1.1"
    request = TracingRequest.objects.get()
    assert (request.given_name, request.family_name, request.full_name) == (
        "Olena",
        "Boyko",
        "Olena Boyko",
    )
    note = request.notes.get()
    assert note.author_made_contact is True and note.pfif_note_id == "finder.example.org/n.1"


def _person(record_id: str, extra: str = "") -> str:
    return (
        f"<pfif:person><pfif:person_record_id>{record_id}</pfif:person_record_id>"
        f"<pfif:full_name>Some One</pfif:full_name>{extra}</pfif:person>"
    )


def _doc(*people_xml: str) -> bytes:
    body = "\n".join(people_xml)
    return (
        '<?xml version="1.0"?>\n<pfif:pfif xmlns:pfif="http://zesty.ca/pfif/1.4">\n'
        f"{body}\n</pfif:pfif>\n"
    ).encode()


def test_every_bad_record_is_named_by_line_and_nothing_is_written(db: None) -> None:
    data = _doc(
        _person("a.org/1"),
        _person("no-domain"),
        _person("a.org/3", "<pfif:sex>woman</pfif:sex>"),
        _person("a.org/4", "<pfif:source_date>2026-11-30 10:00</pfif:source_date>"),
        _person(
            "a.org/5",
            "<pfif:note><pfif:note_record_id>a.org/n5</pfif:note_record_id>"
            "<pfif:status>lost</pfif:status><pfif:text>x</pfif:text></pfif:note>",
        ),
    )
    with pytest.raises(HavenError) as error:
        services.import_pfif(by=None, data=data)
    message = str(error.value)
    assert message.startswith("4 problem(s), nothing imported")
    for expected in (
        "line 4: person_record_id 'no-domain'",
        "line 5: sex 'woman'",
        "line 6: source_date '2026-11-30 10:00'",
        "line 7: status 'lost'",
    ):
        assert expected in message
    assert not TracingRequest.objects.exists()


def test_a_note_for_an_unknown_person_is_refused(db: None) -> None:
    data = _doc(
        "<pfif:note><pfif:note_record_id>a.org/n1</pfif:note_record_id>"
        "<pfif:person_record_id>a.org/nobody</pfif:person_record_id>"
        "<pfif:text>hello</pfif:text></pfif:note>"
    )
    with pytest.raises(HavenError, match=r"line 3: note for unknown person a\.org/nobody"):
        services.import_pfif(by=None, data=data)


def test_expired_records_are_not_imported(db: None) -> None:
    data = _doc(_person("a.org/1", "<pfif:expiry_date>2020-01-01T00:00:00Z</pfif:expiry_date>"))
    report = services.import_pfif(by=None, data=data)
    assert (report.requests, report.expired) == (0, 1)


EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE pfif [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<pfif:pfif xmlns:pfif="http://zesty.ca/pfif/1.4"><pfif:person>
<pfif:person_record_id>a.org/1</pfif:person_record_id><pfif:full_name>&secret;</pfif:full_name>
</pfif:person></pfif:pfif>
"""
BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE pfif [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
]>
<pfif:pfif xmlns:pfif="http://zesty.ca/pfif/1.4"><pfif:person>
<pfif:person_record_id>a.org/1</pfif:person_record_id><pfif:full_name>&c;</pfif:full_name>
</pfif:person></pfif:pfif>
"""


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (EXTERNAL, "line 2: external entity 'secret' \\(file:///etc/passwd\\) refused"),
        (BOMB, "line 3: entity declaration 'a' refused"),
    ],
)
def test_entities_are_refused(db: None, data: bytes, words: str) -> None:
    with pytest.raises(HavenError, match=words) as error:
        services.import_pfif(by=None, data=data)
    assert "root:" not in str(error.value)
    assert not TracingRequest.objects.exists()


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"<people/>", "not a PFIF document"),
        (b"<pfif:pfif xmlns:pfif='http://zesty.ca/pfif/1.4'><pfif:person>", "not well-formed"),
        (b"\xff\xfe garbage", "not well-formed"),
    ],
)
def test_not_pfif_is_refused(db: None, data: bytes, words: str) -> None:
    with pytest.raises(HavenError, match=words):
        pfif.parse(data)


def test_the_command_line_exports_and_imports(camp: dict[str, Any], tmp_path: Path) -> None:
    target = tmp_path / "out.xml"
    out = io.StringIO()
    call_command("tracing", "export", "--format", "pfif", "-o", str(target), stdout=out)
    assert "as the clerk sees them" in out.getvalue()
    assert "north checkpoint" not in target.read_text()
    call_command(
        "tracing", "export", "--since", "2999-01-01", "-o", str(target), "--role", "commander"
    )
    assert "<pfif:person>" not in target.read_text()
    bad = tmp_path / "bad.xml"
    bad.write_bytes(_doc(_person("x")))
    with pytest.raises(CommandError, match="line 3: person_record_id 'x'") as error:
        call_command("tracing", "import", str(bad))
    assert error.value.returncode == 2
    with pytest.raises(CommandError, match="'yesterday' is not a date"):
        call_command("tracing", "export", "--since", "yesterday", "-o", str(target))
