"""Tracing use cases: open a request, add notes, confirm or reject a proposed match, close.

Every write is one function with keyword-only arguments in one transaction; the web, the
API and the CLI call these. A request's state changes only here, each change with a note
(its history, like PFIF notes); a confirmed match never merges records.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from haven.audit.trail import audited, read_only
from haven.core.errors import HavenError
from haven.core.private import make_private_dir, private_umask
from haven.core.services import Author, acting_user, event_time, get_record
from haven.core.signals import report_export
from haven.people.choices import Sex, Status
from haven.people.models import Person, StatusEvent
from haven.tracing import matcher, pfif
from haven.tracing.choices import CandidateState, NoteStatus, Outcome, RequestState, Source
from haven.tracing.models import Candidate, TracingNote, TracingRequest

OLDEST_AGE = 130
PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_KINDS = {b"\xff\xd8\xff": ".jpg", b"\x89PNG\r\n\x1a\n": ".png"}
EDITABLE = (
    "asker_name",
    "asker_contact",
    "asker_relationship",
    "full_name",
    "given_name",
    "family_name",
    "alternate_names",
    "sex",
    "date_of_birth",
    "age_min",
    "age_max",
    "phone",
    "origin",
    "last_seen_place",
    "last_seen_at",
    "distinguishing_features",
    "consent_to_share",
    "expires_at",
)


@read_only
def get_request(request_id: Any) -> TracingRequest:
    """A tracing request by id, or NotFoundError naming it."""
    request: TracingRequest = get_record(TracingRequest, request_id, "tracing request")
    return request


@read_only
def get_candidate(candidate_id: Any) -> Candidate:
    """A candidate pair by id, or NotFoundError naming it."""
    candidate: Candidate = get_record(Candidate, candidate_id, "candidate")
    return candidate


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise HavenError(f"unknown field(s): {', '.join(sorted(unknown))}")
    cleaned = dict(values)
    for name, value in cleaned.items():
        if isinstance(value, str):
            cleaned[name] = value.strip()
    names = cleaned.get("alternate_names")
    if isinstance(names, list | tuple):
        cleaned["alternate_names"] = "\n".join(str(n).strip() for n in names if str(n).strip())
    if "sex" in cleaned and cleaned["sex"] not in Sex.values:
        raise HavenError(f"unknown sex {cleaned['sex']!r}: use one of {', '.join(Sex.values)}")
    born = cleaned.get("date_of_birth")
    if born is not None:
        if not isinstance(born, date):
            raise HavenError(f"date of birth {born!r} is not a date (use YYYY-MM-DD)")
        if born > timezone.localdate():
            raise HavenError(f"date of birth {born.isoformat()} is in the future")
    for name in ("age_min", "age_max"):
        age = cleaned.get(name)
        if age is not None and not (isinstance(age, int) and 0 <= age <= OLDEST_AGE):
            raise HavenError(f"{name.replace('_', ' ')} {age!r} is not between 0 and {OLDEST_AGE}")
    if "last_seen_at" in cleaned and cleaned["last_seen_at"] is not None:
        cleaned["last_seen_at"] = event_time(cleaned["last_seen_at"], "last seen time")
    expires = cleaned.get("expires_at")
    if expires is not None and (not isinstance(expires, datetime) or timezone.is_naive(expires)):
        raise HavenError(f"expiry {expires!r} is not a date and time with a zone")
    return cleaned


def _check(request: TracingRequest) -> None:
    request.full_name = request.full_name or f"{request.given_name} {request.family_name}".strip()
    if not request.full_name:
        raise HavenError("the sought person needs a name (full name, or given and family name)")
    if not request.asker_name:
        raise HavenError("a request needs the name of who asks (asker_name)")
    low, high = request.age_min, request.age_max
    if low is not None and high is not None and low > high:
        raise HavenError(f"age range {low}–{high}: the lower bound is above the upper")


def _note(
    request: TracingRequest,
    *,
    by: Author,
    text: str,
    status: str = NoteStatus.NONE,
    state: str = "",
    linked_person: Person | None = None,
    author_name: str = "",
) -> TracingNote:
    user = acting_user(by)
    return TracingNote.objects.create(
        request=request,
        status=status,
        text=text,
        author_name=author_name or (user.get_username() if user else "Haven"),
        state=state,
        linked_person=linked_person,
        recorded_by=user,
    )


@audited("tracing.open_request")
@transaction.atomic
def open_request(*, by: Author, asker_name: str, note: str = "", **details: Any) -> TracingRequest:
    """Record someone asking for a person; with consent to share, match it at once."""
    request = TracingRequest(asker_name=asker_name.strip(), **_clean(details))
    _check(request)
    request.created_by = acting_user(by)
    request.save()
    _note(
        request,
        by=by,
        text=note or "Tracing request opened.",
        status=NoteStatus.INFORMATION_SOUGHT,
        state=RequestState.OPEN,
        author_name=request.asker_name,
    )
    matcher.match_request(request=request)
    request.refresh_from_db()
    return request


@audited("tracing.update_request")
@transaction.atomic
def update_request(*, by: Author, request: TracingRequest, **changes: Any) -> TracingRequest:
    """Change what a request says (an open one only); the change is noted and matched again."""
    if not request.is_open:
        raise HavenError(f"tracing request #{request.pk} is {request.state}: it cannot change")
    cleaned = _clean(changes)
    changed = sorted(n for n, v in cleaned.items() if getattr(request, n) != v)
    for name, value in cleaned.items():
        setattr(request, name, value)
    _check(request)
    request.updated_at = timezone.now()
    request.save()
    if changed:
        _note(request, by=by, text="Changed: " + ", ".join(n.replace("_", " ") for n in changed))
    matcher.match_request(request=request)
    request.refresh_from_db()
    return request


@audited("tracing.add_note")
@transaction.atomic
def add_note(
    *,
    by: Author,
    request: TracingRequest,
    text: str,
    status: str = NoteStatus.NONE,
    author_name: str = "",
    author_made_contact: bool | None = None,
    last_known_location: str = "",
) -> TracingNote:
    """Append a note (a PFIF-like status and words) to a request's history."""
    if status not in NoteStatus.values:
        known = ", ".join(value for value in NoteStatus.values if value)
        raise HavenError(f"unknown note status {status!r}: use one of {known}")
    if not text.strip() and not status:
        raise HavenError("a note needs words or a status")
    note = _note(request, by=by, text=text.strip(), status=status, author_name=author_name)
    note.author_made_contact = author_made_contact
    note.last_known_location = last_known_location.strip()
    note.save(update_fields=["author_made_contact", "last_known_location"])
    return note


def _proposed(candidate: Candidate) -> None:
    if not candidate.is_proposed:
        raise HavenError(f"candidate #{candidate.pk} was already {candidate.state}")


@audited("tracing.confirm_candidate")
@transaction.atomic
def confirm_candidate(*, by: Author, candidate: Candidate, note: str = "") -> Candidate:
    """A tracing officer confirms a pair is one person. For a request this is its outcome:
    reunified, or found deceased when the person is dead. Two registrations confirmed one
    person stay two records (merging is a separate, undoable step)."""
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    _proposed(candidate)
    candidate.state = CandidateState.CONFIRMED
    candidate.decided_at = timezone.now()
    candidate.decided_by = acting_user(by)
    candidate.decision_note = note.strip()[:500]
    candidate.save()
    request = candidate.request
    if request is not None:
        if not request.is_open:
            raise HavenError(f"tracing request #{request.pk} is already {request.state}")
        person = candidate.person
        dead = person.status == Status.DECEASED
        request.state = RequestState.CONFIRMED
        request.outcome = Outcome.FOUND_DECEASED if dead else Outcome.REUNIFIED
        request.found_person = person
        request.updated_at = timezone.now()
        request.save()
        words = "Found deceased" if dead else "Found alive and reunified"
        _note(
            request,
            by=by,
            text=f"{words}: {person.full_name} ({person.display_id}). {note}".strip(),
            status=NoteStatus.BELIEVED_DEAD if dead else NoteStatus.BELIEVED_ALIVE,
            state=RequestState.CONFIRMED,
            linked_person=person,
        )
    return candidate


@audited("tracing.reject_candidate")
@transaction.atomic
def reject_candidate(*, by: Author, candidate: Candidate, note: str = "") -> Candidate:
    """A tracing officer rejects a pair; it is never proposed again. A request left with no
    proposed candidate goes back to open."""
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    _proposed(candidate)
    candidate.state = CandidateState.REJECTED
    candidate.decided_at = timezone.now()
    candidate.decided_by = acting_user(by)
    candidate.decision_note = note.strip()[:500]
    candidate.save()
    request = candidate.request
    if (
        request is not None
        and request.state == RequestState.POSSIBLE_MATCH
        and not request.candidates.filter(state=CandidateState.PROPOSED).exists()
    ):
        request.state = RequestState.OPEN
        request.updated_at = timezone.now()
        request.save(update_fields=["state", "updated_at"])
        _note(request, by=by, text="No proposed match left: open again.", state=RequestState.OPEN)
    return candidate


@audited("tracing.close_request")
@transaction.atomic
def close_request(*, by: Author, request: TracingRequest, reason: str) -> TracingRequest:
    """Close a request (the asker withdrew, the family was told); noted with the reason."""
    if request.state == RequestState.CLOSED:
        raise HavenError(f"tracing request #{request.pk} is already closed")
    if not reason.strip():
        raise HavenError("closing a request needs a reason")
    request.state = RequestState.CLOSED
    request.updated_at = timezone.now()
    request.save(update_fields=["state", "updated_at"])
    _note(request, by=by, text=reason.strip(), state=RequestState.CLOSED)
    return request


@read_only
def photo_folder() -> Path:
    """Where request photos are kept: the private uploads folder (0700)."""
    return Path(settings.MEDIA_ROOT) / "tracing"


@audited("tracing.set_photo")
@transaction.atomic
def set_photo(*, by: Author, request: TracingRequest, content: bytes) -> TracingRequest:
    """Keep a photo of the sought person (JPEG or PNG, at most 5 MB) in the private folder."""
    if len(content) > PHOTO_MAX_BYTES:
        raise HavenError(f"photo of {len(content)} bytes is over {PHOTO_MAX_BYTES} bytes")
    suffix = next((end for magic, end in PHOTO_KINDS.items() if content.startswith(magic)), None)
    if suffix is None:
        raise HavenError("photo is neither a JPEG nor a PNG image")
    folder = photo_folder()
    make_private_dir(folder)
    name = f"{uuid.uuid4().hex}{suffix}"
    with private_umask():
        (folder / name).write_bytes(content)
    request.photo = name
    request.save(update_fields=["photo"])
    _note(request, by=by, text="Photo added.")
    return request


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What a PFIF import wrote and what it left alone."""

    version: str
    requests: int
    notes: int
    already_known: int
    expired: int


def _own(record_id: str, kind: str) -> int | None:
    """The local id of one of this camp's own PFIF ids (`DOMAIN/kind.N`), else None."""
    prefix = f"{pfif.domain()}/{kind}."
    rest = record_id.removeprefix(prefix)
    return int(rest) if rest != record_id and rest.isdigit() else None


def _known_request(record_id: str) -> TracingRequest | None:
    own = _own(record_id, "request")
    # One of this camp's own, or one imported before (perhaps this camp's, once deleted).
    found = Q(pfif_record_id=record_id) | (Q(pk=own) if own is not None else Q(pk__in=[]))
    return TracingRequest.objects.filter(found).first()


def _known_note(note_id: str) -> bool:
    if TracingNote.objects.filter(pfif_note_id=note_id).exists():
        return True
    for kind, model in (("note", TracingNote), ("status", StatusEvent)):
        own = _own(note_id, kind)
        if own is not None:
            return bool(model.objects.filter(pk=own).exists())
    return False


def _add_notes(request: TracingRequest, notes: list[dict[str, Any]]) -> int:
    added = 0
    for note in notes:
        if _known_note(note["pfif_note_id"]):
            continue
        values = {key: value for key, value in note.items() if not key.startswith("@")}
        TracingNote.objects.create(request=request, **values)
        added += 1
    return added


@audited("tracing.import_pfif")
@transaction.atomic
def import_pfif(*, by: Author, data: bytes) -> ImportReport:
    """Read a PFIF 1.1–1.4 document into tracing requests and notes. Idempotent by record id
    (a record or note already here, or one of this camp's own, is left alone); any bad record
    and nothing is written, every problem named with its line."""
    document = pfif.parse(data)
    checked = pfif.check(document, today=timezone.localdate(), now=timezone.now())
    errors = list(checked.errors)
    targets: dict[str, TracingRequest | None] = {}
    for person_id, notes in checked.notes_for_known.items():
        target = _known_request(person_id)
        if target is None and _own(person_id, "person") is None:
            errors += [
                f"line {note['@line']}: note for unknown person {person_id}" for note in notes
            ]
        targets[person_id] = target
    if errors:
        errors.sort(key=lambda text: int(text.split(":", 1)[0].removeprefix("line ") or 0))
        raise HavenError(pfif.messages(errors))
    created: list[TracingRequest] = []
    notes_added = known = 0
    for record in checked.records:
        existing = _known_request(record.record_id)
        if existing is None and _own(record.record_id, "person") is not None:
            known += 1  # one of this camp's registered people: the registry holds them
            continue
        if existing is not None:
            known += 1
            notes_added += _add_notes(existing, record.notes)
            continue
        values = dict(record.values)
        values["alternate_names"] = values["alternate_names"].replace("\r", "")
        request = TracingRequest(
            **values,
            source=Source.PFIF,
            pfif_record_id=record.record_id,
            consent_to_share=True,  # published to a people finder to be found
            created_by=acting_user(by),
        )
        _check(request)
        request.updated_at = timezone.now()
        request.save()
        notes_added += _add_notes(request, record.notes)
        created.append(request)
    for person_id, notes in checked.notes_for_known.items():
        target = targets[person_id]
        if target is not None:
            notes_added += _add_notes(target, notes)
    for request in created:
        matcher.match_request(request=request)
    return ImportReport(document.version, len(created), notes_added, known, checked.expired)


@read_only
def export_pfif(
    stream: IO[str], *, by: Author, role: str, since: datetime | None = None
) -> pfif.ExportReport:
    """Write the PFIF 1.4 export of what `role` may see; reported as an export read."""
    report = pfif.export(stream, role=role, since=since)
    report_export(
        user=acting_user(by),
        model="tracing.tracingrequest",
        rows=report.people + report.requests,
        channel="cli" if by is None else "web",
        kind="pfif",
    )
    return report
