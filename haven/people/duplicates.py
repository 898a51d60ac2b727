"""Is this registration someone already registered? Warnings before a registration or an
import is saved ("possibly #123 Muhammad Yusuf, born 1990").

The database finds the namesakes — people who have every word of the name, in another
spelling or script, with a typo that keeps the sound, in either order — from the index of
name tokens (`haven.people.nametokens`), not by a search through the registry; the matching core
(`haven.planning.matching`) then scores each against the new record field by field with
the priors' weights, as if the whole registry had been compared.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import IO, Any

from django.utils import timezone
from django.utils.translation import gettext as _

from haven.audit.trail import read_only
from haven.core.errors import HavenError
from haven.core.limits import SEARCH_MAX_WORDS
from haven.people import nametokens
from haven.people.models import Person, Skill
from haven.planning.matching import MatchSettings, PersonRecord, Registry, prior_model

# How many namesakes the database hands to the matcher for one registration; when a common
# name has more, those of the record's sex born within NEAR_YEARS of it come first.
CANDIDATES = 200
NEAR_YEARS = 5
# The prior that a new registration is someone already registered (queues, second desks).
CHANCE_REGISTERED = 0.2
# A warning costs a click; a missed duplicate a double ration: warn from this probability.
WARN_FROM = 0.3
# The prior counts a registry of at least this many: in a camp of ten, two namesakes of
# different ages are still two people.
MIN_REGISTRY = 1000
# Rows of an import checked against the registry before it is saved (one query each).
IMPORT_CHECK_ROWS = 2000


@dataclass(frozen=True, slots=True)
class PossibleDuplicate:
    """A registered person who may be the one being registered, and why."""

    person: Person
    probability: float
    reasons: str

    def __str__(self) -> str:
        born = self.person.date_of_birth
        text = f"#{self.person.pk} {self.person.full_name}"
        if born is not None:
            text += ", " + _("born %(year)s") % {"year": born.year}
        return text


class PossibleDuplicates(HavenError):
    """Raised by a registration that was not confirmed while namesakes exist."""

    def __init__(self, found: list[PossibleDuplicate]) -> None:
        self.found = found
        super().__init__(
            _("possibly %(people)s: confirm to register anyway")
            % {"people": "; ".join(str(item) for item in found)}
        )


@read_only
def record_of(person: Person) -> PersonRecord:
    """A registered person as the matcher reads them."""
    return PersonRecord(
        record_id=str(person.pk),
        given_name=person.given_name,
        family_name=person.family_name,
        full_name=person.full_name,
        alternate_names=tuple(person.alternate_name_list),
        sex="" if person.sex == "u" else person.sex,
        date_of_birth=person.date_of_birth,
        birth_date_is_estimate=person.birth_date_is_estimate,
        phone=person.phone,
    )


@read_only
def record_from(details: dict[str, Any], *, record_id: str = "new") -> PersonRecord:
    """A registration's details (the service's keyword arguments) as the matcher reads them."""
    alternates = details.get("alternate_names") or ""
    sex = details.get("sex") or ""
    age = details.get("estimated_age")
    born: date | None = details.get("date_of_birth")
    return PersonRecord(
        record_id=record_id,
        given_name=details.get("given_name") or "",
        family_name=details.get("family_name") or "",
        full_name=details.get("full_name") or "",
        alternate_names=tuple(name for name in alternates.splitlines() if name.strip()),
        sex="" if sex == "u" else sex,
        date_of_birth=born,
        birth_date_is_estimate=bool(details.get("birth_date_is_estimate")) and born is not None,
        age_years=float(age) if age is not None and born is None else None,
        phone=details.get("phone") or "",
    )


def _namesakes(record: PersonRecord, exclude: Iterable[int]) -> list[Person]:
    """The people who have every word of the record's name, in any spelling or script
    (`haven.people.nametokens`): read from the token index, never the whole registry."""
    names = (
        " ".join(part for part in (record.given_name, record.family_name) if part.strip())
        or record.full_name
    )
    words = [nametokens.word_tokens(word) for word in names.split()[:SEARCH_MAX_WORDS]]
    return nametokens.people_with_every(
        [tokens for tokens in words if tokens],
        exclude=list(exclude),
        sex=record.sex,
        born_between=_born_near(record),
        limit=CANDIDATES,
    )


def _born_near(record: PersonRecord) -> tuple[date, date] | None:
    # A year of birth is often a guess: within a few years counts as near.
    if record.date_of_birth is not None:
        year = record.date_of_birth.year
    elif record.age_years is not None:
        year = timezone.localdate().year - int(record.age_years)
    else:
        return None
    low, high = max(year - NEAR_YEARS, 1), min(year + NEAR_YEARS, 9999)
    return date(low, 1, 1), date(high, 12, 31)


def _registered() -> int:
    # From the headcount classes: O(classes), not a count of a million rows.
    from haven.people import aggregates

    return sum(aggregates.status_counts().values())


@read_only
def possible_duplicates(
    record: PersonRecord, *, exclude: Iterable[int] = (), limit: int = 5
) -> list[PossibleDuplicate]:
    """Registered people who may be this record, most probable first (none below WARN_FROM)."""
    people = _namesakes(record, exclude)
    if not people:
        return []
    settings = MatchSettings(
        reference_date=timezone.localdate(), possible_threshold=WARN_FROM, likely_threshold=0.9
    )
    registry = Registry(
        [record_of(person) for person in people], settings, model=prior_model(settings)
    )
    explained = registry.match(
        record,
        limit=limit,
        chance_in_registry=CHANCE_REGISTERED,
        registry_size=max(_registered(), len(people), MIN_REGISTRY),
    )
    by_id = {str(person.pk): person for person in people}
    return [
        PossibleDuplicate(by_id[item.record_id_b], item.probability, item.summary())
        for item in explained
    ]


@dataclass(frozen=True, slots=True)
class RowWarning:
    """A row of an import file that may be someone already registered."""

    line: int
    name: str
    found: list[PossibleDuplicate]

    def __str__(self) -> str:
        return _("line %(line)s %(name)s: possibly %(people)s") % {
            "line": self.line,
            "name": self.name,
            "people": "; ".join(str(item) for item in self.found),
        }


@read_only
def import_warnings(stream: IO[bytes] | IO[str]) -> Iterator[RowWarning]:
    """Rows of a people CSV that may be people already registered (the first
    IMPORT_CHECK_ROWS rows; unreadable rows are left to the import, which names them)."""
    from haven.people import importing

    skills = set(Skill.objects.values_list("code", flat=True))
    today = timezone.localdate()
    seen: dict[str, int] = {}
    for checked, (line, raw) in enumerate(importing.read_rows(stream)):
        if checked >= IMPORT_CHECK_ROWS:
            return
        row = importing._parse_row(line, raw, skills, today, seen)
        if isinstance(row, list):
            continue
        details = dict(row.person)
        found = possible_duplicates(record_from(details, record_id=f"line {line}"))
        if found:
            yield RowWarning(line, details["full_name"], found)
