"""People use cases: registry, status changes, departures and returns (musters: musters.py).

Every write is one function with keyword-only arguments run in one transaction; the web,
the API and the CLI all call these, so the rules live here once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from haven.audit.trail import audited, read_only
from haven.core.errors import HavenError, NotFoundError
from haven.core.services import Author as Author
from haven.core.services import acting_user as acting_user
from haven.core.services import event_time
from haven.core.services import get_person as get_person
from haven.core.times import readable
from haven.people import duplicates
from haven.people.choices import IN_CAMP, Sex, Status
from haven.people.models import (
    Departure,
    Household,
    Person,
    PersonRevision,
    Return,
    Skill,
    StatusEvent,
    Team,
)

# Statuses a registration or a status change may give (merged comes only from a merge).
REGISTERED = [status for status in Status.values if status != Status.MERGED]

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


@read_only
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
        raise HavenError(_("unknown field(s): %(names)s") % {"names": ", ".join(sorted(unknown))})
    cleaned = dict(fields)
    if "sex" in cleaned and cleaned["sex"] not in Sex.values:
        raise HavenError(
            _("unknown sex %(sex)r: use one of %(names)s")
            % {"sex": cleaned["sex"], "names": ", ".join(Sex.values)}
        )
    born = cleaned.get("date_of_birth")
    if born is not None and born > timezone.localdate():
        raise HavenError(_("date of birth %(born)s is in the future") % {"born": born.isoformat()})
    age = cleaned.pop("estimated_age", None)
    if age is not None:
        if not 0 <= age <= 120:
            raise HavenError(_("estimated age %(age)s is not between 0 and 120") % {"age": age})
        if born is None:
            cleaned["date_of_birth"] = birth_date_from_age(age)
            cleaned["birth_date_is_estimate"] = True
    kcal = cleaned.get("extra_energy_kcal")
    if kcal is not None and not 0 <= kcal <= 5000:
        raise HavenError(
            _("extra energy need %(kcal)s kcal/day is not between 0 and 5000") % {"kcal": kcal}
        )
    for name in ("household", "team"):
        if isinstance(cleaned.get(name), int):
            model: type[Household] | type[Team] = Household if name == "household" else Team
            try:
                cleaned[name] = model.objects.get(pk=cleaned[name])
            except model.DoesNotExist as error:
                raise NotFoundError(
                    _("no %(name)s with id %(cleaned)s") % {"name": name, "cleaned": cleaned[name]}
                ) from error
    record_id = cleaned.get("record_id")
    if record_id == "":
        cleaned["record_id"] = None
    return cleaned


def _skills(codes: Iterable[str]) -> list[Skill]:
    codes = [code.strip().lower() for code in codes if code.strip()]
    found = {skill.code: skill for skill in Skill.objects.filter(code__in=codes)}
    unknown = [code for code in codes if code not in found]
    if unknown:
        raise HavenError(_("unknown skill(s): %(names)s") % {"names": ", ".join(unknown)})
    return list(found.values())


@audited("people.register_person")
@transaction.atomic
def register_person(
    *,
    by: Author,
    full_name: str = "",
    status: str = Status.PRESENT,
    place: str = "",
    registered_at: datetime | None = None,
    confirm_duplicate: bool = True,
    **details: Any,
) -> Person:
    """Add someone to the registry with a first status event ("registered as present").

    With `confirm_duplicate` False (a desk that has not yet seen the warning), registered
    people who may be this one stop the registration: `PossibleDuplicates` lists them."""
    if status not in Status.values or status == Status.MERGED:
        raise HavenError(
            _("unknown status %(status)r: use one of %(names)s")
            % {"status": status, "names": ", ".join(REGISTERED)}
        )
    skills = details.pop("skills", None)
    if not confirm_duplicate:
        found = duplicates.possible_duplicates(
            duplicates.record_from({"full_name": full_name, **details})
        )
        if found:
            raise duplicates.PossibleDuplicates(found)
    cleaned = _clean_details(details)
    person = Person(full_name=full_name, status=status, **cleaned)
    person.refresh_search_text()
    if not person.full_name:
        raise HavenError(_("a person needs a name (full name, or given and family name)"))
    if person.record_id and Person.objects.filter(record_id=person.record_id).exists():
        raise HavenError(
            _("record id %(record_id)r is already used") % {"record_id": person.record_id}
        )
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


@audited("people.update_person")
@transaction.atomic
def update_person(*, by: Author, person: Person, **changes: Any) -> Person:
    """Change a person's details; the old values are kept as a revision."""
    if "status" in changes:
        raise HavenError(_("status changes are events: use the status change instead"))
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
        raise HavenError(_("a person needs a name (full name, or given and family name)"))
    if (
        "record_id" in diff
        and Person.objects.filter(record_id=person.record_id).exclude(pk=person.pk).exists()
    ):
        raise HavenError(
            _("record id %(record_id)r is already used") % {"record_id": person.record_id}
        )
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
    if Status.MERGED in (person.status, new_status):
        return (
            f"{person.full_name} ({person.display_id}): a merge and its undo are the only "
            "changes to or from merged"
        )
    if person.status == new_status:
        return f"{person.full_name} is already {Status(new_status).label.lower()}"
    if person.status == Status.DECEASED and not (correction and reason.strip()):
        return (
            f"{person.full_name} is recorded deceased; a change to "
            f"{Status(new_status).label.lower()} must be a correction with a reason"
        )
    return ""


@audited("people.change_status")
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
    [event] = change_statuses(
        by=by,
        changes=[(person.pk, status)],
        reason=reason,
        place=place,
        occurred_at=occurred_at,
        correction=correction,
    )
    return event


# Keeps each statement's list of ids well inside SQLite's limit on query parameters.
CHUNK = 500


@audited("people.change_statuses")
@transaction.atomic
def change_statuses(
    *,
    by: Author,
    changes: Sequence[tuple[int, str]],
    reason: str = "",
    place: str = "",
    occurred_at: datetime | None = None,
    correction: bool = False,
) -> list[StatusEvent]:
    """Record status changes of many people at once, (person id, new status) each, with one
    reason (a muster's "mark missing", its undo): one event each, all or none, under the
    same rules as `change_status`."""
    for _person, status in changes:
        if status not in Status.values:
            raise HavenError(
                _("unknown status %(status)r: use one of %(names)s")
                % {"status": status, "names": ", ".join(REGISTERED)}
            )
    if correction and not reason.strip():
        raise HavenError(_("a correction needs a reason"))
    wanted = dict(changes)
    if len(wanted) != len(changes):
        raise HavenError(_("each person may change status only once at a time"))
    ids = list(wanted)
    locked: dict[int, Person] = {}
    for start in range(0, len(ids), CHUNK):
        locked.update(Person.objects.select_for_update().in_bulk(ids[start : start + CHUNK]))
    unknown = [pk for pk in ids if pk not in locked]
    if unknown:
        raise NotFoundError(_("no person with id %(unknown)s") % {"unknown": unknown[0]})
    for pk, status in wanted.items():
        problem = _transition_error(locked[pk], status, correction, reason)
        if problem:
            raise HavenError(problem)
    when = event_time(occurred_at, "time of the change")
    for pk in ids:
        person = locked[pk]
        if when < person.status_changed_at:
            raise HavenError(
                _(
                    "the change at %(when)s is before %(full_name)s's "
                    "last status change at %(status_changed_at)s"
                )
                % {
                    "when": readable(when),
                    "full_name": person.full_name,
                    "status_changed_at": readable(person.status_changed_at),
                }
            )
    events = StatusEvent.objects.bulk_create(
        StatusEvent(
            person=locked[pk],
            previous_status=locked[pk].status,
            status=status,
            occurred_at=when,
            recorded_by=acting_user(by),
            reason=reason.strip(),
            place=place.strip(),
            is_correction=correction,
        )
        for pk, status in wanted.items()
    )
    for status in set(wanted.values()):
        same = [pk for pk, new in wanted.items() if new == status]
        for start in range(0, len(same), CHUNK):
            Person.objects.filter(pk__in=same[start : start + CHUNK]).update(
                status=status, status_changed_at=when
            )
    return events


@read_only
def status_before_missing(person: Person) -> str:
    """The status someone had before they were last recorded missing: where someone found
    goes back to (an injured person stays injured). Present if it is not known."""
    event = (
        person.status_events.filter(status=Status.MISSING).order_by("-occurred_at", "-id").first()
    )
    if event is not None and event.previous_status in IN_CAMP:
        return event.previous_status
    return Status.PRESENT


@audited("people.record_departure")
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
        raise HavenError(_("a departure needs a reason"))
    if person.status not in IN_CAMP:
        raise HavenError(
            _(
                "%(full_name)s is %(get_status_display)s, not in "
                "camp: only someone present or injured can depart"
            )
            % {
                "full_name": person.full_name,
                "get_status_display": person.get_status_display().lower(),
            }
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


@audited("people.record_return")
@transaction.atomic
def record_return(
    *,
    by: Author,
    person: Person,
    note: str = "",
    returned_at: datetime | None = None,
    injured: bool = False,
) -> Return:
    """Someone comes back (after a departure or being missing); linked to their departure.

    Someone found after being missing goes back to the status they had before (an injured
    person stays injured); `injured` records that they came back hurt.
    """
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.status not in (Status.DEPARTED, Status.MISSING):
        raise HavenError(
            _(
                "%(full_name)s is %(get_status_display)s: "
                "only someone departed or missing can return"
            )
            % {
                "full_name": person.full_name,
                "get_status_display": person.get_status_display().lower(),
            }
        )
    departure = person.departures.first() if person.status == Status.DEPARTED else None
    back: str = Status.PRESENT
    if injured:
        back = Status.INJURED
    elif person.status == Status.MISSING:
        back = status_before_missing(person)
    event = change_status(
        by=by,
        person=person,
        status=back,
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


@audited("people.create_household")
@transaction.atomic
def create_household(*, name: str, notes: str = "", allow_same_name: bool = True) -> Household:
    """A household: people who live and eat together. With `allow_same_name` False, a name
    another household already has is refused, naming it (the registration form asks)."""
    if not name.strip():
        raise HavenError(_("a household needs a name"))
    if not allow_same_name:
        taken = Household.objects.filter(name__iexact=name.strip()).order_by("pk").first()
        if taken is not None:
            raise HavenError(
                gettext("there is already a household named %(name)r (#%(id)s)")
                % {"name": taken.name, "id": taken.pk}
            )
    return Household.objects.create(name=name.strip(), notes=notes.strip())


@audited("people.register_in_new_household")
@transaction.atomic
def register_in_new_household(
    *, by: Author, household_name: str, allow_same_name: bool = False, **details: Any
) -> Person:
    """Register someone with a household made for them at the same time (both or neither)."""
    household = create_household(name=household_name, allow_same_name=allow_same_name)
    return register_person(by=by, household=household, **details)


@audited("people.create_team")
@transaction.atomic
def create_team(*, name: str, purpose: str = "") -> Team:
    """A working unit; team names are unique."""
    if not name.strip():
        raise HavenError(_("a team needs a name"))
    if Team.objects.filter(name__iexact=name.strip()).exists():
        raise HavenError(_("team %(name)r already exists") % {"name": name.strip()})
    return Team.objects.create(name=name.strip(), purpose=purpose.strip())
