"""People use cases: registry, status changes, departures, returns and musters.

Every write is one function with keyword-only arguments run in one transaction; the web,
the API and the CLI all call these, so the rules live here once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from haven.core.errors import HavenError, NotFoundError
from haven.core.services import Author as Author
from haven.core.services import acting_user as acting_user
from haven.core.services import event_time
from haven.core.services import get_person as get_person
from haven.people.choices import IN_CAMP, Sex, Status
from haven.people.models import (
    Departure,
    Household,
    Muster,
    MusterCheckIn,
    MusterUnaccounted,
    Person,
    PersonRevision,
    Return,
    Skill,
    StatusEvent,
    Team,
)

EDITABLE_FIELDS = (
    "record_id",
    "full_name",
    "given_name",
    "family_name",
    "alternate_names",
    "sex",
    "date_of_birth",
    "birth_date_is_estimate",
    "phone",
    "household",
    "team",
    "special_needs",
    "extra_energy_kcal",
    "pregnant_or_lactating",
    "languages",
    "notes",
)


def birth_date_from_age(age_years: float, *, on: date | None = None) -> date:
    """An estimated date of birth for someone who gives only an age (mid-year)."""
    on = on or timezone.localdate()
    whole = int(age_years)
    return (
        date(on.year - whole - 1, 7, 1)
        if (on.month, on.day) < (7, 1)
        else date(on.year - whole, 7, 1)
    )


def _clean_details(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(EDITABLE_FIELDS) - {"skills", "estimated_age"}
    if unknown:
        raise HavenError(f"unknown field(s): {', '.join(sorted(unknown))}")
    cleaned = dict(fields)
    if "sex" in cleaned and cleaned["sex"] not in Sex.values:
        raise HavenError(f"unknown sex {cleaned['sex']!r}: use one of {', '.join(Sex.values)}")
    born = cleaned.get("date_of_birth")
    if born is not None and born > timezone.localdate():
        raise HavenError(f"date of birth {born.isoformat()} is in the future")
    age = cleaned.pop("estimated_age", None)
    if age is not None:
        if not 0 <= age <= 120:
            raise HavenError(f"estimated age {age} is not between 0 and 120")
        if born is None:
            cleaned["date_of_birth"] = birth_date_from_age(age)
            cleaned["birth_date_is_estimate"] = True
    kcal = cleaned.get("extra_energy_kcal")
    if kcal is not None and not 0 <= kcal <= 5000:
        raise HavenError(f"extra energy need {kcal} kcal/day is not between 0 and 5000")
    for name in ("household", "team"):
        if isinstance(cleaned.get(name), int):
            model: type[Household] | type[Team] = Household if name == "household" else Team
            try:
                cleaned[name] = model.objects.get(pk=cleaned[name])
            except model.DoesNotExist as error:
                raise NotFoundError(f"no {name} with id {cleaned[name]}") from error
    record_id = cleaned.get("record_id")
    if record_id == "":
        cleaned["record_id"] = None
    return cleaned


def _skills(codes: Iterable[str]) -> list[Skill]:
    codes = [code.strip().lower() for code in codes if code.strip()]
    found = {skill.code: skill for skill in Skill.objects.filter(code__in=codes)}
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise HavenError(f"unknown skill(s): {', '.join(unknown)}")
    return list(found.values())


@transaction.atomic
def register_person(
    *,
    by: Author,
    full_name: str = "",
    status: str = Status.PRESENT,
    place: str = "",
    registered_at: datetime | None = None,
    **details: Any,
) -> Person:
    """Add someone to the registry with a first status event ("registered as present")."""
    if status not in Status.values:
        raise HavenError(f"unknown status {status!r}: use one of {', '.join(Status.values)}")
    skills = details.pop("skills", None)
    cleaned = _clean_details(details)
    person = Person(full_name=full_name, status=status, **cleaned)
    person.refresh_search_text()
    if not person.full_name:
        raise HavenError("a person needs a name (full name, or given and family name)")
    if person.record_id and Person.objects.filter(record_id=person.record_id).exists():
        raise HavenError(f"record id {person.record_id!r} is already used")
    now = event_time(registered_at, "registration time")
    person.status_changed_at = now
    person.created_at = now
    person.save()
    if skills:
        person.skills.set(_skills(skills))
    StatusEvent.objects.create(
        person=person,
        status=status,
        occurred_at=now,
        recorded_by=acting_user(by),
        reason="registered",
        place=place,
    )
    return person


@transaction.atomic
def update_person(*, by: Author, person: Person, **changes: Any) -> Person:
    """Change a person's details; the old values are kept as a revision."""
    if "status" in changes:
        raise HavenError("status changes are events: use the status change instead")
    skills = changes.pop("skills", None)
    cleaned = _clean_details(changes)
    person = Person.objects.select_for_update().get(pk=person.pk)
    diff: dict[str, list[Any]] = {}
    for name, value in cleaned.items():
        old = getattr(person, name)
        if old != value:
            diff[name] = [_plain(old), _plain(value)]
            setattr(person, name, value)
    if skills is not None:
        new_skills = _skills(skills)
        old_codes = sorted(person.skills.values_list("code", flat=True))
        new_codes = sorted(skill.code for skill in new_skills)
        if old_codes != new_codes:
            diff["skills"] = [old_codes, new_codes]
            person.skills.set(new_skills)
    if not (person.full_name.strip() or person.given_name or person.family_name):
        raise HavenError("a person needs a name (full name, or given and family name)")
    if (
        "record_id" in diff
        and Person.objects.filter(record_id=person.record_id).exclude(pk=person.pk).exists()
    ):
        raise HavenError(f"record id {person.record_id!r} is already used")
    if diff:
        person.save()
        PersonRevision.objects.create(person=person, changed_by=acting_user(by), changes=diff)
    return person


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Household | Team):
        return value.name
    return value


def _transition_error(person: Person, new_status: str, correction: bool, reason: str) -> str:
    if person.status == new_status:
        return f"{person.full_name} is already {Status(new_status).label.lower()}"
    if person.status == Status.DECEASED and not (correction and reason.strip()):
        return (
            f"{person.full_name} is recorded deceased; a change to "
            f"{Status(new_status).label.lower()} must be a correction with a reason"
        )
    return ""


@transaction.atomic
def change_status(
    *,
    by: Author,
    person: Person,
    status: str,
    reason: str = "",
    place: str = "",
    occurred_at: datetime | None = None,
    correction: bool = False,
) -> StatusEvent:
    """Record a status change as a new event; impossible changes are refused."""
    if status not in Status.values:
        raise HavenError(f"unknown status {status!r}: use one of {', '.join(Status.values)}")
    if correction and not reason.strip():
        raise HavenError("a correction needs a reason")
    person = Person.objects.select_for_update().get(pk=person.pk)
    problem = _transition_error(person, status, correction, reason)
    if problem:
        raise HavenError(problem)
    when = event_time(occurred_at, "time of the change")
    if when < person.status_changed_at:
        raise HavenError(
            f"the change at {when.isoformat()} is before {person.full_name}'s last status "
            f"change at {person.status_changed_at.isoformat()}"
        )
    event = StatusEvent.objects.create(
        person=person,
        previous_status=person.status,
        status=status,
        occurred_at=when,
        recorded_by=acting_user(by),
        reason=reason.strip(),
        place=place.strip(),
        is_correction=correction,
    )
    person.status = status
    person.status_changed_at = when
    person.save(update_fields=["status", "status_changed_at"])
    return event


@transaction.atomic
def record_departure(
    *,
    by: Author,
    person: Person,
    reason: str,
    destination: str = "",
    equipment_returned: str = "",
    left_at: datetime | None = None,
    expected_back: date | None = None,
) -> Departure:
    """Someone leaves the camp: their status becomes departed, with the details kept."""
    if not reason.strip():
        raise HavenError("a departure needs a reason")
    if person.status not in IN_CAMP:
        raise HavenError(
            f"{person.full_name} is {person.get_status_display().lower()}, not in camp: "
            "only someone present or injured can depart"
        )
    event = change_status(
        by=by,
        person=person,
        status=Status.DEPARTED,
        reason=reason,
        place=destination,
        occurred_at=left_at,
    )
    return Departure.objects.create(
        person=person,
        left_at=event.occurred_at,
        reason=reason.strip(),
        destination=destination.strip(),
        equipment_returned=equipment_returned.strip(),
        expected_back=expected_back,
        recorded_by=acting_user(by),
        status_event=event,
    )


@transaction.atomic
def record_return(
    *,
    by: Author,
    person: Person,
    note: str = "",
    returned_at: datetime | None = None,
    injured: bool = False,
) -> Return:
    """Someone comes back (after a departure or being missing); linked to their departure."""
    if person.status not in (Status.DEPARTED, Status.MISSING):
        raise HavenError(
            f"{person.full_name} is {person.get_status_display().lower()}: only someone "
            "departed or missing can return"
        )
    departure = person.departures.first() if person.status == Status.DEPARTED else None
    event = change_status(
        by=by,
        person=person,
        status=Status.INJURED if injured else Status.PRESENT,
        reason=note or "returned",
        occurred_at=returned_at,
    )
    return Return.objects.create(
        person=person,
        departure=departure,
        returned_at=event.occurred_at,
        note=note.strip(),
        recorded_by=acting_user(by),
        status_event=event,
    )


@transaction.atomic
def create_household(*, name: str, notes: str = "") -> Household:
    """A household: people who live and eat together."""
    if not name.strip():
        raise HavenError("a household needs a name")
    return Household.objects.create(name=name.strip(), notes=notes.strip())


@transaction.atomic
def create_team(*, name: str, purpose: str = "") -> Team:
    """A working unit; team names are unique."""
    if not name.strip():
        raise HavenError("a team needs a name")
    if Team.objects.filter(name__iexact=name.strip()).exists():
        raise HavenError(f"team {name.strip()!r} already exists")
    return Team.objects.create(name=name.strip(), purpose=purpose.strip())


# --- muster -------------------------------------------------------------------------


def expected_at_muster() -> QuerySet[Person]:
    """Who should answer a roll call: everyone present or injured, except those out on a run."""
    from haven.missions.models import MissionMember

    out = MissionMember.objects.out().values("person_id")
    return Person.objects.in_camp().exclude(pk__in=out)


def open_muster_or_none() -> Muster | None:
    return Muster.objects.filter(closed_at__isnull=True).order_by("-opened_at").first()


@transaction.atomic
def open_muster(
    *, by: Author, label: str = "", place: str = "", at: datetime | None = None
) -> Muster:
    """Start a roll call; only one may be open at a time."""
    current = Muster.objects.select_for_update().filter(closed_at__isnull=True).first()
    if current is not None:
        raise HavenError(f"muster {current.pk} ({current.label}) is still open: close it first")
    now = event_time(at, "opening time")
    return Muster.objects.create(
        label=label.strip() or f"Roll call {timezone.localtime(now):%a %d %b %H:%M}",
        place=place.strip(),
        opened_at=now,
        opened_by=acting_user(by),
        expected_count=expected_at_muster().count(),
    )


def get_muster(muster_id: int) -> Muster:
    try:
        return Muster.objects.get(pk=muster_id)
    except Muster.DoesNotExist as error:
        raise NotFoundError(f"no muster with id {muster_id}") from error


@dataclass(frozen=True, slots=True)
class CheckInResult:
    check_in: MusterCheckIn
    created: bool
    status_event: StatusEvent | None = None


def check_in(
    *, by: Author, muster: Muster, person: Person, at: datetime | None = None
) -> CheckInResult:
    """Mark a person as here; checking in twice is harmless. A missing person found is present."""
    try:
        with transaction.atomic():
            return _check_in(by=by, muster=muster, person=person, at=at)
    except IntegrityError:
        # Another clerk checked the same person in at the same moment: theirs stands.
        existing = MusterCheckIn.objects.get(muster=muster, person=person)
        return CheckInResult(check_in=existing, created=False)


def _check_in(*, by: Author, muster: Muster, person: Person, at: datetime | None) -> CheckInResult:
    muster = Muster.objects.get(pk=muster.pk)
    person = Person.objects.get(pk=person.pk)
    if not muster.is_open:
        raise HavenError(f"muster {muster.pk} ({muster.label}) is closed")
    existing = MusterCheckIn.objects.filter(muster=muster, person=person).first()
    if existing is not None:
        return CheckInResult(check_in=existing, created=False)
    if person.status in (Status.DECEASED, Status.DEPARTED):
        raise HavenError(
            f"{person.full_name} is recorded {person.get_status_display().lower()}: "
            "record a return or a correction first"
        )
    event = None
    if person.status == Status.MISSING:
        event = change_status(
            by=by,
            person=person,
            status=Status.PRESENT,
            reason=f"answered muster {muster.pk}",
            place=muster.place,
            occurred_at=at,
        )
    record = MusterCheckIn.objects.create(
        muster=muster,
        person=person,
        checked_by=acting_user(by),
        checked_at=event_time(at, "check-in time"),
    )
    return CheckInResult(check_in=record, created=True, status_event=event)


def unaccounted(muster: Muster) -> QuerySet[Person]:
    """Who has not answered: live while the muster is open, as recorded once it is closed."""
    if muster.is_open:
        return expected_at_muster().exclude(muster_check_ins__muster=muster)
    return Person.objects.filter(pk__in=muster.unaccounted.values("person_id"))


@transaction.atomic
def close_muster(*, by: Author, muster: Muster, at: datetime | None = None) -> Muster:
    """End the roll call and keep the list of who had not answered."""
    muster = Muster.objects.select_for_update().get(pk=muster.pk)
    if not muster.is_open:
        raise HavenError(f"muster {muster.pk} ({muster.label}) is already closed")
    missing = list(unaccounted(muster).values_list("pk", "status"))
    MusterUnaccounted.objects.bulk_create(
        MusterUnaccounted(muster=muster, person_id=pk, status_at_close=status)
        for pk, status in missing
    )
    muster.closed_at = event_time(at, "closing time")
    muster.closed_by = acting_user(by)
    muster.checked_in_count = muster.check_ins.count()
    muster.save(update_fields=["closed_at", "closed_by", "checked_in_count"])
    return muster


@transaction.atomic
def mark_unaccounted_missing(
    *, by: Author, muster: Muster, reason: str = "", at: datetime | None = None
) -> list[StatusEvent]:
    """Mark everyone a closed muster left unaccounted for, and still in camp, as missing."""
    muster = Muster.objects.select_for_update().get(pk=muster.pk)
    if muster.is_open:
        raise HavenError(f"muster {muster.pk} is still open: close it first")
    events: list[StatusEvent] = []
    rows = muster.unaccounted.filter(marked_missing__isnull=True).select_related("person")
    for row in rows:
        if row.person.status not in IN_CAMP:
            continue
        event = change_status(
            by=by,
            person=row.person,
            status=Status.MISSING,
            reason=reason.strip() or f"unaccounted for at muster {muster.pk} ({muster.label})",
            place=muster.place,
            occurred_at=at,
        )
        row.marked_missing = event
        row.save(update_fields=["marked_missing"])
        events.append(event)
    muster.missing_marked_at = event_time(at, "time marked missing")
    muster.save(update_fields=["missing_marked_at"])
    return events


def last_muster() -> Muster | None:
    return Muster.objects.order_by("-opened_at", "-id").first()


def people_by_ids(ids: Sequence[int]) -> dict[int, Person]:
    return Person.objects.in_bulk(list(ids))
