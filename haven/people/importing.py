"""CSV import and CSV/JSON export of the people registry.

An import checks every row first; any bad row and nothing is written (unless the caller asks
to skip invalid rows), so a clerk fixes the file and runs it again.
"""

from __future__ import annotations

import io
import itertools
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import IO, Any

from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.audit.trail import audited, read_only
from haven.core.bulk import insert_rows, lock_for_append
from haven.core.errors import HavenError
from haven.core.tabular import read_table, write_csv
from haven.people import aggregates, nametokens
from haven.people.choices import Sex, Status
from haven.people.models import (
    Household,
    Person,
    Skill,
    StatusEvent,
    Team,
    fold,
    person_search_key,
)
from haven.people.services import Author, acting_user, birth_date_from_age

COLUMNS = (
    "id",
    "full_name",
    "given_name",
    "family_name",
    "alternate_names",
    "sex",
    "date_of_birth",
    "age",
    "phone",
    "household",
    "team",
    "skills",
    "special_needs",
    "extra_energy_kcal",
    "pregnant_or_lactating",
    "languages",
    "status",
    "notes",
)

# The person's field (in the access policy) behind each column.
COLUMN_FIELDS = {"id": "record_id", "alternate_names": "alternate_names", "age": "age"}


@read_only
def export_columns(groups: Iterable[str]) -> tuple[str, ...]:
    """The columns an export carries for a reader who sees these groups of the policy."""
    from haven.core import policy

    visible = policy.fields_of("people.person", [policy.FieldGroup(group) for group in groups])
    return tuple(column for column in COLUMNS if COLUMN_FIELDS.get(column, column) in visible)


SEX_WORDS = {
    "f": Sex.FEMALE,
    "female": Sex.FEMALE,
    "m": Sex.MALE,
    "male": Sex.MALE,
    "x": Sex.OTHER,
    "other": Sex.OTHER,
    "u": Sex.UNKNOWN,
    "unknown": Sex.UNKNOWN,
    "": Sex.UNKNOWN,
}
TRUE_WORDS = {"1", "true", "yes", "y"}
FALSE_WORDS = {"", "0", "false", "no", "n"}
FLAG_WORDS = frozenset(TRUE_WORDS | FALSE_WORDS)
EMPTY_ROW = dict.fromkeys(COLUMNS, "")
BATCH = 2000


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class ImportResult:
    imported: int = 0
    errors: list[RowError] = field(default_factory=list)
    skipped: int = 0


class ImportRejected(HavenError):
    """The file has bad rows; nothing was imported."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        shown = "; ".join(str(error) for error in errors[:20])
        more = f" (and {len(errors) - 20} more)" if len(errors) > 20 else ""
        rows = len({error.line for error in errors})
        super().__init__(f"{rows} bad row(s), nothing imported: {shown}{more}")


# A merge is the only way to the merged status: an import may not give it.
IMPORTED_STATUSES = [status for status in Status.values if status != Status.MERGED]
STATUS_VALUES = frozenset(IMPORTED_STATUSES)


# Folding works letter by letter (a space stays a space), so folding each name and joining
# them equals folding the joined text; names repeat, so each is folded once.
_fold = lru_cache(maxsize=65_536)(fold)


@dataclass(slots=True)
class _Row:
    line: int
    person: dict[str, Any]
    skills: list[str]
    household: str
    team: str


def _parse_row(
    line: int,
    raw: dict[str, str],
    skill_codes: set[str],
    today: date,
    seen_ids: dict[str, int],
) -> _Row | list[str]:
    value = {**EMPTY_ROW, **{key: cell.strip() for key, cell in raw.items()}}
    problems: list[str] = []
    full_name = value["full_name"] or f"{value['given_name']} {value['family_name']}".strip()
    if not full_name:
        problems.append("no name (full_name, or given_name and family_name)")
    record_id = value["id"] or None
    if record_id:
        if record_id in seen_ids:
            problems.append(f"duplicate id {record_id!r} (also on line {seen_ids[record_id]})")
        else:
            seen_ids[record_id] = line
    sex = SEX_WORDS.get(value["sex"].lower())
    if sex is None:
        problems.append(f"unknown sex {value['sex']!r} (use f, m, x or u)")
    status = value["status"].lower() or Status.PRESENT
    if status not in STATUS_VALUES:
        problems.append(f"unknown status {value['status']!r} (use {', '.join(IMPORTED_STATUSES)})")
    born: date | None = None
    estimate = False
    if value["date_of_birth"]:
        try:
            born = date.fromisoformat(value["date_of_birth"])
        except ValueError:
            problems.append(f"invalid date of birth {value['date_of_birth']!r} (use YYYY-MM-DD)")
        else:
            if born > today:
                problems.append(f"date of birth {value['date_of_birth']} is in the future")
    elif value["age"]:
        try:
            age = float(value["age"])
        except ValueError:
            problems.append(f"invalid age {value['age']!r}")
        else:
            if not 0 <= age <= 120:
                problems.append(f"age {value['age']} is not between 0 and 120")
            else:
                born, estimate = birth_date_from_age(age, on=today), True
    kcal = 0
    if value["extra_energy_kcal"]:
        try:
            kcal = int(value["extra_energy_kcal"])
            if not 0 <= kcal <= 5000:
                raise ValueError
        except ValueError:
            problems.append(f"invalid extra_energy_kcal {value['extra_energy_kcal']!r} (0 to 5000)")
    flag = value["pregnant_or_lactating"].lower()
    if flag not in FLAG_WORDS:
        problems.append(f"invalid pregnant_or_lactating {value['pregnant_or_lactating']!r}")
    skills = [code.strip().lower() for code in value["skills"].split(";") if code.strip()]
    unknown_skills = [code for code in skills if code not in skill_codes]
    if unknown_skills:
        problems.append(f"unknown skill(s) {', '.join(unknown_skills)}")
    if problems:
        return problems
    given, family = value["given_name"], value["family_name"]
    alternates = "\n".join(
        name.strip() for name in value["alternate_names"].split(";") if name.strip()
    )
    person = {
        "record_id": record_id,
        "full_name": full_name,
        "given_name": given,
        "family_name": family,
        "alternate_names": alternates,
        "sex": sex or Sex.UNKNOWN,
        "date_of_birth": born,
        "birth_date_is_estimate": estimate,
        "phone": value["phone"],
        "special_needs": value["special_needs"],
        "extra_energy_kcal": kcal,
        "pregnant_or_lactating": flag in TRUE_WORDS,
        "languages": value["languages"],
        "status": status,
        "notes": value["notes"],
        "search_text": " ".join(map(_fold, (full_name, given, family, alternates))),
        "search_key": person_search_key(full_name, given, family, alternates),
    }
    return _Row(line, person, skills, value["household"], value["team"])


@read_only
def read_rows(stream: IO[bytes] | IO[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) for each data row of a CSV with a header line; the encoding, the
    CSV and the columns are checked by `haven.core.tabular` (one line naming line and column)."""
    table = read_table(stream)
    names = [name for name in table.names if name]
    unknown = [name for name in names if name not in COLUMNS]
    if unknown:
        raise HavenError(
            _("unknown column(s) %(names)s; known columns: %(names_2)s")
            % {"names": ", ".join(unknown), "names_2": ", ".join(COLUMNS)}
        )
    if not set(names) & {"full_name", "given_name", "family_name"}:
        raise HavenError(_("the file has no name column (full_name, given_name or family_name)"))
    yield from table.mapped()


@audited("people.import_people")
def import_people(
    *,
    by: Author,
    stream: IO[bytes] | IO[str],
    skip_invalid: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import people from CSV, streaming: rows are checked and written a batch at a time in
    one transaction, in constant memory. Any bad row rolls the whole import back, so nothing
    is imported (unless `skip_invalid`: the good rows are, the bad ones are listed)."""
    result = ImportResult()
    with transaction.atomic(), _page_cache():
        writer = _Writer(by=by)
        batch: list[_Row] = []
        seen: dict[str, int] = {}  # ids within the batch; earlier batches are in the table
        line = 1
        for line, raw in read_rows(stream):
            outcome = _parse_row(line, raw, writer.skill_codes, writer.today, seen)
            if isinstance(outcome, list):
                result.errors.extend(RowError(line, message) for message in outcome)
            else:
                batch.append(outcome)
            if len(batch) >= BATCH:
                result.imported += writer.write(batch, result.errors)
                batch, seen = [], {}
                if progress is not None:
                    progress(line - 1)
        result.imported += writer.write(batch, result.errors)
        result.errors.sort(key=lambda error: error.line)
        if result.errors and not skip_invalid:
            raise ImportRejected(result.errors)  # rolls back every batch written
        writer.finish()
    if progress is not None:
        progress(line - 1)
    result.skipped = len({error.line for error in result.errors})
    return result


# SQLite's page cache while an import writes (KiB): the indexes of a large registry are
# updated in random order, and with the default 2 MB each batch evicts and rewrites the
# same pages. Memory only: durability (journal, synchronous) is the connection's own.
IMPORT_CACHE_KIB = 64 * 1024


@contextmanager
def _page_cache() -> Iterator[None]:
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (before,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = {-IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


def _named(model: type[Household] | type[Team], names: Iterable[str]) -> dict[str, int]:
    wanted = {name for name in names if name}
    known: dict[str, int] = {}
    for name, pk in model.objects.filter(name__in=wanted).values_list("name", "pk"):
        known.setdefault(name, pk)
    missing = sorted(wanted - set(known))
    if missing:
        insert_rows(model, [{"name": name} for name in missing])
        known.update(model.objects.filter(name__in=missing).values_list("name", "pk"))
    return known


class _Writer:
    """Writes checked rows a batch at a time into the open transaction; the people are
    appended after the table's last id, so their ids are read back in order and their
    first status events are written by one statement at the end."""

    def __init__(self, *, by: Author) -> None:
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.author = acting_user(by)
        skills = dict(Skill.objects.values_list("code", "pk"))
        self.skill_codes, self.skill_ids = set(skills), skills
        lock_for_append(Person)
        self.start_after = Person.objects.aggregate(last=Max("pk"))["last"] or 0
        self.last = self.start_after
        # The headcount classes of the people written, counted as they are written (a
        # recount in the database would read every new row again).
        self.classes: Counter[aggregates.ClassKey] = Counter()

    def write(self, rows: list[_Row], errors: list[RowError]) -> int:
        """Write the rows whose id is free (the others become errors); returns how many."""
        rows = self._free_ids(rows, errors)
        if not rows:
            return 0
        households = _named(Household, (row.household for row in rows))
        teams = _named(Team, (row.team for row in rows))
        for row in rows:
            row.person["household_id"] = households.get(row.household)
            row.person["team_id"] = teams.get(row.team)
            row.person["status_changed_at"] = self.now
            row.person["created_at"] = self.now
        insert_rows(Person, [row.person for row in rows])
        self.classes.update(aggregates.key_of_values(row.person) for row in rows)
        ids = list(
            Person.objects.filter(pk__gt=self.last).order_by("pk").values_list("pk", flat=True)
        )
        if len(ids) != len(rows):
            raise HavenError(
                _("import wrote %(count)s people for %(count_2)s rows; rolled back")
                % {"count": len(ids), "count_2": len(rows)}
            )
        self.last = ids[-1]
        links = [
            {"person_id": pk, "skill_id": self.skill_ids[code]}
            for pk, row in zip(ids, rows, strict=True)
            for code in dict.fromkeys(row.skills)
        ]
        insert_rows(Person.skills.through, links)
        nametokens.add((pk, row.person["search_key"]) for pk, row in zip(ids, rows, strict=True))
        return len(rows)

    def _free_ids(self, rows: list[_Row], errors: list[RowError]) -> list[_Row]:
        ids = [row.person["record_id"] for row in rows if row.person["record_id"]]
        taken: dict[str, int] = {}
        quote = connection.ops.quote_name
        select = (
            f"SELECT {quote('record_id')}, {quote('id')} FROM {quote(Person._meta.db_table)} "
            f"WHERE {quote('record_id')} "
        )
        # Plain SQL: the ORM prepares each of the parameters of an IN list one by one.
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(select + "= ANY(%s)", [ids])
                taken.update(cursor.fetchall())
            else:
                for start in range(0, len(ids), 900):
                    chunk = ids[start : start + 900]
                    cursor.execute(select + f"IN ({', '.join(['%s'] * len(chunk))})", chunk)
                    taken.update(cursor.fetchall())
        if not taken:
            return rows
        kept: list[_Row] = []
        for row in rows:
            owner = taken.get(row.person["record_id"])
            if owner is None:
                kept.append(row)
            elif owner > self.start_after:
                errors.append(
                    RowError(
                        row.line,
                        f"duplicate id {row.person['record_id']!r} (also earlier in the file)",
                    )
                )
            else:
                errors.append(
                    RowError(row.line, f"id {row.person['record_id']!r} is already in the registry")
                )
        return kept

    def finish(self) -> None:
        _first_events(start_after=self.start_after, author=self.author, when=self.now)
        aggregates.apply(self.classes)


def _first_events(*, start_after: int, author: User | None, when: datetime) -> None:
    """One "imported" status event per new person, written by the database in one statement."""
    quote = connection.ops.quote_name
    moment = connection.ops.adapt_datetimefield_value(when)
    columns = (
        "person_id",
        "previous_status",
        "status",
        "occurred_at",
        "recorded_at",
        "recorded_by_id",
        "reason",
        "place",
        "is_correction",
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(StatusEvent._meta.db_table)} "
            f"({', '.join(quote(c) for c in columns)}) "
            f"SELECT {quote('id')}, '', {quote('status')}, %s, %s, %s, 'imported', '', %s "
            f"FROM {quote(Person._meta.db_table)} WHERE {quote('id')} > %s",
            [moment, moment, author.pk if author else None, False, start_after],
        )


@read_only
def export_rows(people: Iterable[Person]) -> Iterator[dict[str, Any]]:
    """One dict per person with the import columns, so an export imports again."""
    for person in people:
        yield {
            "id": person.record_id or "",
            "full_name": person.full_name,
            "given_name": person.given_name,
            "family_name": person.family_name,
            "alternate_names": ";".join(person.alternate_name_list),
            "sex": person.sex,
            "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else "",
            "age": "",
            "phone": person.phone,
            "household": person.household.name if person.household else "",
            "team": person.team.name if person.team else "",
            "skills": ";".join(skill.code for skill in person.skills.all()),
            "special_needs": person.special_needs,
            "extra_energy_kcal": person.extra_energy_kcal,
            "pregnant_or_lactating": "yes" if person.pregnant_or_lactating else "",
            "languages": person.languages,
            "status": person.status,
            "notes": person.notes,
        }


@read_only
def export_queryset() -> Iterable[Person]:
    return (
        Person.objects.select_related("household", "team")
        .prefetch_related("skills")
        .order_by("pk")
        .iterator(chunk_size=2000)
    )


@read_only
def export_csv(people: Iterable[Person], out: IO[str], columns: tuple[str, ...] = COLUMNS) -> int:
    """The registry as CSV with these columns (the reader's, `export_columns`), every cell
    safe to open in a spreadsheet; returns people written."""
    rows = ([row[name] for name in columns] for row in export_rows(people))
    return write_csv(out, itertools.chain([columns], rows)) - 1


@read_only
def csv_text(people: Iterable[Person]) -> str:
    buffer = io.StringIO()
    export_csv(people, buffer)
    return buffer.getvalue()
