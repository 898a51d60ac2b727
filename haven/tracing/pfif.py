"""PFIF (People Finder Interchange Format, Google Person Finder): export 1.4, read 1.1–1.4.

Export: the tracing requests (the sought person) and the registry's people as person records,
their notes from the tracing history and the status history, ids `DOMAIN/local-id` with
`HAVEN_PFIF_DOMAIN`, times `YYYY-MM-DDThh:mm:ssZ`, only the fields the exporting role may
see (the access policy's groups), expired records left out. Written with the standard
library's XML generator, streamed.

Import: parsed with defusedxml's SAX parser (no external entities, no entity declarations,
so no expansion bombs), every problem reported with its line; fields renamed in 1.4 are read
under their old names too. Nothing is written here: `services.import_pfif` writes what this
module read, all or nothing.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import IO, Any, cast
from xml.sax import SAXParseException
from xml.sax.handler import ContentHandler, feature_namespaces
from xml.sax.saxutils import XMLGenerator
from xml.sax.xmlreader import AttributesNSImpl, Locator

import defusedxml.sax
from defusedxml import (
    DefusedXmlException,
    DTDForbidden,
    EntitiesForbidden,
    ExternalReferenceForbidden,
)
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from haven.core import policy
from haven.core.errors import HavenError
from haven.core.policy import G
from haven.people.choices import Status
from haven.people.models import Person, StatusEvent
from haven.tracing.choices import NoteStatus
from haven.tracing.models import TracingRequest

NAMESPACE = "http://zesty.ca/pfif/1.4"
NAMESPACES = {f"http://zesty.ca/pfif/1.{minor}": f"1.{minor}" for minor in range(1, 5)}
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
SHOWN_ERRORS = 20
# Names older PFIF versions used for a field 1.4 calls otherwise.
RENAMED = {
    "first_name": "given_name",
    "last_name": "family_name",
    "home_zip": "home_postal_code",
    "found": "author_made_contact",
}
SEX = {"f": "female", "m": "male", "x": "other"}
SEX_BACK = {"female": "f", "male": "m", "other": "x"}
STATUS_NOTES = {
    Status.MISSING: NoteStatus.BELIEVED_MISSING,
    Status.DECEASED: NoteStatus.BELIEVED_DEAD,
    Status.PRESENT: NoteStatus.BELIEVED_ALIVE,
    Status.INJURED: NoteStatus.BELIEVED_ALIVE,
}
RECORD_ID = re.compile(r"^[^/\s]+/\S+$")
AGE = re.compile(r"^(\d{1,3})(?:-(\d{1,3}))?$")
BIRTH = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
NOTE_FIELDS = (
    "note_record_id",
    "person_record_id",
    "linked_person_record_id",
    "entry_date",
    "author_name",
    "author_email",
    "author_phone",
    "source_date",
    "author_made_contact",
    "status",
    "email_of_found_person",
    "phone_of_found_person",
    "last_known_location",
    "text",
    "photo_url",
)


def domain() -> str:
    """The domain of this camp's record ids (`HAVEN_PFIF_DOMAIN`)."""
    value = str(settings.HAVEN_PFIF_DOMAIN).strip()
    if not value or "/" in value:
        raise HavenError(
            f"HAVEN_PFIF_DOMAIN {value!r} is not a domain name (like camp.example.org)"
        )
    return value


def pfif_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(TIME_FORMAT)


# -- export ------------------------------------------------------------------------------


class _Writer:
    def __init__(self, stream: IO[str]) -> None:
        self.xml = XMLGenerator(cast(Any, stream), encoding="utf-8", short_empty_elements=True)

    def start(self, name: str) -> None:
        self.xml.startElementNS((NAMESPACE, name), f"pfif:{name}", AttributesNSImpl({}, {}))

    def end(self, name: str) -> None:
        self.xml.endElementNS((NAMESPACE, name), f"pfif:{name}")

    def field(self, name: str, value: Any) -> None:
        if value in (None, ""):
            return
        self.start(name)
        self.xml.characters(str(value))
        self.end(name)

    def fields(self, values: list[tuple[str, Any]]) -> None:
        for name, value in values:
            self.field(name, value)


@dataclass(frozen=True, slots=True)
class ExportReport:
    people: int
    requests: int
    notes: int


def _age(request: TracingRequest) -> str:
    low, high = request.age_min, request.age_max
    if low is None and high is None:
        return ""
    if low is None or high is None or low == high:
        return str(low if low is not None else high)
    return f"{low}-{high}"


def export(
    stream: IO[str], *, role: str, since: datetime | None = None, now: datetime | None = None
) -> ExportReport:
    """Write a PFIF 1.4 document of what `role` may see, changed since `since`."""
    if role not in policy.ROLE_GROUPS:
        raise HavenError(f"unknown role {role!r}: use one of {', '.join(policy.ROLE_GROUPS)}")
    groups = policy.ROLE_GROUPS[role]
    if G.NAME not in groups:
        raise HavenError(f"the role {role} may not see names: nothing to export")
    identity, contact, location = G.IDENTITY in groups, G.CONTACT in groups, G.LOCATION in groups
    here = domain()
    now = now or timezone.now()
    out = _Writer(stream)
    out.xml.startDocument()
    out.xml.startPrefixMapping("pfif", NAMESPACE)
    out.start("pfif")
    counts = {"people": 0, "requests": 0, "notes": 0}

    requests = TracingRequest.objects.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
    if since is not None:
        requests = requests.filter(updated_at__gte=since)
    for request in requests.order_by("pk").iterator(chunk_size=500):
        record_id = request.pfif_record_id or f"{here}/request.{request.pk}"
        out.start("person")
        out.fields(
            [
                ("person_record_id", record_id),
                ("entry_date", pfif_time(now)),
                ("expiry_date", pfif_time(request.expires_at) if request.expires_at else ""),
                ("author_name", request.asker_name if identity else ""),
                ("author_phone", request.asker_contact if contact else ""),
                ("source_name", settings.HAVEN_CAMP_NAME),
                ("source_date", pfif_time(request.created_at)),
                ("full_name", request.full_name),
            ]
        )
        if identity:
            out.fields(
                [
                    ("given_name", request.given_name),
                    ("family_name", request.family_name),
                    ("alternate_names", "\n".join(request.alternate_name_list)),
                    ("description", request.distinguishing_features),
                    ("sex", SEX.get(request.sex, "")),
                    (
                        "date_of_birth",
                        request.date_of_birth.isoformat() if request.date_of_birth else "",
                    ),
                    ("age", _age(request)),
                    ("home_city", request.origin),
                ]
            )
            notes = request.notes.select_related("linked_person")
            for note in notes:
                linked = f"{here}/person.{note.linked_person_id}" if note.linked_person_id else ""
                out.start("note")
                out.fields(
                    [
                        ("note_record_id", note.pfif_note_id or f"{here}/note.{note.pk}"),
                        ("person_record_id", record_id),
                        ("linked_person_record_id", linked),
                        ("entry_date", pfif_time(now)),
                        ("author_name", note.author_name or settings.HAVEN_CAMP_NAME),
                        ("source_date", pfif_time(note.created_at)),
                        (
                            "author_made_contact",
                            ""
                            if note.author_made_contact is None
                            else str(note.author_made_contact).lower(),
                        ),
                        ("status", note.status),
                        ("last_known_location", note.last_known_location if location else ""),
                        ("text", note.text or note.get_status_display() or "-"),
                    ]
                )
                out.end("note")
                counts["notes"] += 1
        out.end("person")
        counts["requests"] += 1

    people = Person.objects.all()
    if since is not None:
        people = people.filter(Q(created_at__gte=since) | Q(status_changed_at__gte=since))
    for person in people.order_by("pk").iterator(chunk_size=2000):
        record_id = f"{here}/person.{person.pk}"
        out.start("person")
        out.fields(
            [
                ("person_record_id", record_id),
                ("entry_date", pfif_time(now)),
                ("source_name", settings.HAVEN_CAMP_NAME),
                ("source_date", pfif_time(person.created_at)),
                ("full_name", person.full_name),
            ]
        )
        if identity:
            born = person.date_of_birth
            out.fields(
                [
                    ("given_name", person.given_name),
                    ("family_name", person.family_name),
                    ("alternate_names", "\n".join(person.alternate_name_list)),
                    ("sex", SEX.get(person.sex, "")),
                    (
                        "date_of_birth",
                        (str(born.year) if person.birth_date_is_estimate else born.isoformat())
                        if born
                        else "",
                    ),
                ]
            )
            events: Any = StatusEvent.objects.filter(person=person).order_by("occurred_at", "pk")
            for event in events:
                out.start("note")
                out.fields(
                    [
                        ("note_record_id", f"{here}/status.{event.pk}"),
                        ("person_record_id", record_id),
                        ("entry_date", pfif_time(now)),
                        ("author_name", settings.HAVEN_CAMP_NAME),
                        ("source_date", pfif_time(event.occurred_at)),
                        ("status", STATUS_NOTES.get(event.status, "")),
                        ("last_known_location", event.place if location else ""),
                        ("text", event.reason or event.get_status_display()),
                    ]
                )
                out.end("note")
                counts["notes"] += 1
        out.end("person")
        counts["people"] += 1
    out.end("pfif")
    out.xml.endPrefixMapping("pfif")
    out.xml.endDocument()
    return ExportReport(**counts)


# -- import ------------------------------------------------------------------------------


@dataclass(slots=True)
class ParsedNote:
    line: int
    values: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class ParsedPerson:
    line: int
    values: dict[str, str] = field(default_factory=dict)
    notes: list[ParsedNote] = field(default_factory=list)


@dataclass(slots=True)
class Document:
    """What a PFIF file holds, before any check beyond well-formedness."""

    version: str = ""
    people: list[ParsedPerson] = field(default_factory=list)
    notes: list[ParsedNote] = field(default_factory=list)


class _Handler(ContentHandler):
    def __init__(self, document: Document) -> None:
        super().__init__()
        self.document = document
        self.locator: Locator | None = None
        self.stack: list[str] = []
        self.person: ParsedPerson | None = None
        self.note: ParsedNote | None = None
        self.text: list[str] = []

    def setDocumentLocator(self, locator: Locator) -> None:
        self.locator = locator

    def _line(self) -> int:
        return (self.locator.getLineNumber() or 0) if self.locator is not None else 0

    def startElementNS(self, name: tuple[str | None, str], qname: str | None, attrs: Any) -> None:
        uri, local = name
        depth = len(self.stack)
        self.stack.append(local)
        self.text = []
        if depth == 0:
            if local != "pfif" or uri not in NAMESPACES:
                raise HavenError(
                    f"line {self._line()}: not a PFIF document (root <{local}> in namespace "
                    f"{uri or 'none'}; expected <pfif> in http://zesty.ca/pfif/1.1 to 1.4)"
                )
            self.document.version = NAMESPACES[uri]
            return
        if uri not in NAMESPACES:
            return  # an extension of another namespace: ignored
        if local == "person" and depth == 1:
            self.person = ParsedPerson(self._line())
        elif local == "note" and (depth == 1 or (depth == 2 and self.person is not None)):
            self.note = ParsedNote(self._line())

    def characters(self, content: str) -> None:
        self.text.append(content)

    def endElementNS(self, name: tuple[str | None, str], qname: str | None) -> None:
        uri, local = name
        self.stack.pop()
        depth = len(self.stack)
        if uri not in NAMESPACES:
            return
        if local == "note" and self.note is not None and depth in (1, 2):
            if depth == 2 and self.person is not None:
                self.person.notes.append(self.note)
            else:
                self.document.notes.append(self.note)
            self.note = None
        elif local == "person" and depth == 1 and self.person is not None:
            self.document.people.append(self.person)
            self.person = None
        else:
            target = self.note or self.person
            if target is not None and local not in ("person", "note"):
                key = RENAMED.get(local, local)
                target.values[key] = "".join(self.text).strip()
                target.values.setdefault(f"@{key}", str(self._line()))
        self.text = []


def parse(data: bytes) -> Document:
    """Read a PFIF 1.1–1.4 document; HavenError naming the line when it is not well-formed,
    declares entities, or reaches for an external one."""
    document = Document()
    handler = _Handler(document)
    parser = defusedxml.sax.make_parser()
    parser.forbid_dtd = False
    parser.forbid_entities = True
    parser.forbid_external = True
    parser.setFeature(feature_namespaces, True)
    parser.setContentHandler(handler)
    try:
        parser.parse(io.BytesIO(data))
    except EntitiesForbidden as error:
        if error.sysid or error.pubid:
            raise HavenError(
                f"line {handler._line()}: external entity {error.name!r} "
                f"({error.sysid or error.pubid}) refused"
            ) from None
        raise HavenError(
            f"line {handler._line()}: entity declaration {error.name!r} refused "
            "(entities can expand without bound)"
        ) from None
    except ExternalReferenceForbidden as error:
        raise HavenError(
            f"line {handler._line()}: external reference {error.sysid or error.pubid!r} refused"
        ) from None
    except (DTDForbidden, DefusedXmlException) as error:
        raise HavenError(f"line {handler._line()}: {error}") from None
    except SAXParseException as error:
        raise HavenError(
            f"line {error.getLineNumber()}: not well-formed XML ({error.getMessage()})"
        ) from None
    if not document.version:
        raise HavenError("not a PFIF document: no <pfif> root")
    return document


@dataclass(slots=True)
class RequestData:
    """One person record checked, ready to write as a tracing request."""

    record_id: str
    values: dict[str, Any]
    notes: list[dict[str, Any]]


@dataclass(slots=True)
class Checked:
    records: list[RequestData]
    notes_for_known: dict[str, list[dict[str, Any]]]
    expired: int
    errors: list[str]


def _time(value: str, what: str, line: str, errors: list[str]) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.strptime(value, TIME_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        errors.append(f"line {line}: {what} {value!r} is not a time like 2026-11-30T18:00:00Z")
        return None


def _birth(value: str, line: str, errors: list[str], today: date) -> dict[str, Any]:
    if not value:
        return {}
    found = BIRTH.match(value)
    if not found:
        errors.append(f"line {line}: date_of_birth {value!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
        return {}
    year, month, day = found.groups()
    if day:
        try:
            born = date(int(year), int(month), int(day))
        except ValueError:
            errors.append(f"line {line}: date_of_birth {value!r} is no date")
            return {}
        if born > today:
            errors.append(f"line {line}: date_of_birth {value} is in the future")
            return {}
        return {"date_of_birth": born}
    age = today.year - int(year)
    if not 0 <= age <= 130:
        errors.append(f"line {line}: date_of_birth {value!r} is not a plausible year")
        return {}
    return {"age_min": max(age - 1, 0), "age_max": age}


def _age_range(value: str, line: str, errors: list[str]) -> dict[str, Any]:
    if not value:
        return {}
    found = AGE.match(value)
    if not found:
        errors.append(f"line {line}: age {value!r} is not a number or a range like 30-35")
        return {}
    low = int(found.group(1))
    high = int(found.group(2) or low)
    if not 0 <= low <= high <= 130:
        errors.append(f"line {line}: age {value!r} is not a range between 0 and 130")
        return {}
    return {"age_min": low, "age_max": high}


def _note(note: ParsedNote, person_id: str, errors: list[str]) -> dict[str, Any] | None:
    values = note.values
    line = str(note.line)
    before = len(errors)
    note_id = values.get("note_record_id", "")
    if not RECORD_ID.match(note_id):
        errors.append(f"line {line}: note_record_id {note_id!r} is not DOMAIN/local-id")
    named = values.get("person_record_id", "")
    if named and named != person_id:
        errors.append(f"line {line}: note {note_id} names person {named}, inside {person_id}")
    status = values.get("status", "")
    if status not in NoteStatus.values:
        known = ", ".join(value for value in NoteStatus.values if value)
        errors.append(
            f"line {values.get('@status', line)}: status {status!r} is not one of {known}"
        )
    contact = values.get("author_made_contact", "")
    if contact not in ("", "true", "false"):
        errors.append(f"line {line}: author_made_contact {contact!r} is not true or false")
    when = _time(
        values.get("source_date", ""), "source_date", values.get("@source_date", line), errors
    )
    text = values.get("text", "")
    if not text and not status:
        errors.append(f"line {line}: note {note_id} has neither text nor status")
    if len(errors) > before:
        return None
    return {
        "pfif_note_id": note_id,
        "status": status,
        "text": text[:10_000],
        "author_name": values.get("author_name", "")[:200],
        "author_made_contact": None if not contact else contact == "true",
        "last_known_location": values.get("last_known_location", "")[:200],
        "created_at": when or timezone.now(),
    }


def check(document: Document, *, today: date, now: datetime) -> Checked:
    """Every record checked; every problem named with its line."""
    errors: list[str] = []
    records: list[RequestData] = []
    expired = 0
    seen: dict[str, int] = {}
    for person in document.people:
        values = person.values
        line = str(person.line)
        before = len(errors)
        record_id = values.get("person_record_id", "")
        if not RECORD_ID.match(record_id):
            errors.append(f"line {line}: person_record_id {record_id!r} is not DOMAIN/local-id")
        elif record_id in seen:
            errors.append(f"line {line}: person {record_id} also on line {seen[record_id]}")
        seen.setdefault(record_id, person.line)
        given, family = values.get("given_name", ""), values.get("family_name", "")
        full = values.get("full_name", "") or f"{given} {family}".strip()
        if not full:
            errors.append(f"line {line}: person {record_id} has no name")
        sex_word = values.get("sex", "")
        if sex_word and sex_word not in SEX_BACK:
            errors.append(
                f"line {values.get('@sex', line)}: sex {sex_word!r} is not female, male or other"
            )
        born = _birth(
            values.get("date_of_birth", ""), values.get("@date_of_birth", line), errors, today
        )
        ages = _age_range(values.get("age", ""), values.get("@age", line), errors)
        created = _time(
            values.get("source_date", ""), "source_date", values.get("@source_date", line), errors
        )
        expires = _time(
            values.get("expiry_date", ""), "expiry_date", values.get("@expiry_date", line), errors
        )
        notes = [_note(note, record_id, errors) for note in person.notes]
        if len(errors) > before:
            continue
        if expires is not None and expires <= now:
            expired += 1
            continue
        origin = ", ".join(
            part for part in (values.get("home_city", ""), values.get("home_country", "")) if part
        )
        contact = values.get("author_phone", "") or values.get("author_email", "")
        records.append(
            RequestData(
                record_id=record_id,
                values={
                    "asker_name": (
                        values.get("author_name", "") or values.get("source_name", "") or "PFIF"
                    )[:200],
                    "asker_contact": contact[:200],
                    "full_name": full[:200],
                    "given_name": given[:100],
                    "family_name": family[:100],
                    "alternate_names": values.get("alternate_names", ""),
                    "sex": SEX_BACK.get(sex_word, "u"),
                    "distinguishing_features": values.get("description", ""),
                    "origin": origin[:200],
                    "expires_at": expires,
                    "created_at": created or now,
                    **ages,
                    **born,
                },
                notes=[note for note in notes if note is not None],
            )
        )
    in_file = {record.record_id: record for record in records}
    loose: dict[str, list[dict[str, Any]]] = {}
    for note in document.notes:
        person_id = note.values.get("person_record_id", "")
        if not RECORD_ID.match(person_id):
            errors.append(
                f"line {note.line}: person_record_id {person_id!r} is not DOMAIN/local-id"
            )
            continue
        checked = _note(note, person_id, errors)
        if checked is None:
            continue
        if person_id in in_file:
            in_file[person_id].notes.append(checked)
        else:
            loose.setdefault(person_id, []).append({**checked, "@line": note.line})
    return Checked(records, loose, expired, errors)


def messages(errors: list[str]) -> str:
    more = f" (and {len(errors) - SHOWN_ERRORS} more)" if len(errors) > SHOWN_ERRORS else ""
    return f"{len(errors)} problem(s), nothing imported: {'; '.join(errors[:SHOWN_ERRORS])}{more}"
