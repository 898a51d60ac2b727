"""File mode of matching: a people CSV in, the pairs judged to be one person out.

No database is involved, so an agency can clean a list before importing it. The columns
are the people import's (any subset); those that say who a person is are compared.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import IO

from haven.core.errors import HavenError
from haven.core.tabular import read_table, write_csv
from haven.people.importing import COLUMNS, SEX_WORDS
from haven.planning.errors import PlanningInputError
from haven.planning.matching import MatchSettings, PersonRecord, Registry, ScoredPair

MATCHED_COLUMNS = (
    "id",
    "given_name",
    "family_name",
    "full_name",
    "alternate_names",
    "sex",
    "date_of_birth",
    "age",
    "phone",
)
NAME_COLUMNS = ("given_name", "family_name", "full_name", "alternate_names")
SHOWN_ERRORS = 10


@dataclass(frozen=True, slots=True)
class FileMatch:
    """The records read and the pairs judged to be one person, most probable first."""

    records: int
    pairs: tuple[ScoredPair, ...]


def _parse_row(
    line: int, row: dict[str, str], today: date, seen: dict[str, int]
) -> PersonRecord | list[str]:
    value = {key: (row.get(key) or "").strip() for key in MATCHED_COLUMNS}
    problems = []
    record_id = value["id"] or str(line)
    if record_id in seen:
        problems.append(f"duplicate id {record_id!r} (also on line {seen[record_id]})")
    seen.setdefault(record_id, line)
    if not any(value[column] for column in NAME_COLUMNS):
        problems.append("no name (given_name, family_name, full_name or alternate_names)")
    sex = SEX_WORDS.get(value["sex"].lower())
    if sex is None:
        problems.append(f"unknown sex {value['sex']!r} (use f, m, x or u)")
    born = None
    if value["date_of_birth"]:
        try:
            born = date.fromisoformat(value["date_of_birth"])
        except ValueError:
            problems.append(f"invalid date of birth {value['date_of_birth']!r} (use YYYY-MM-DD)")
        else:
            if born > today:
                problems.append(f"date of birth {value['date_of_birth']} is in the future")
    age = None
    if value["age"]:
        try:
            age = float(value["age"])
        except ValueError:
            problems.append(f"invalid age {value['age']!r}")
        else:
            if math.isnan(age) or not 0 <= age <= 120:
                problems.append(f"age {value['age']} is not between 0 and 120")
                age = None
    if problems:
        return problems
    return PersonRecord(
        record_id=record_id,
        given_name=value["given_name"],
        family_name=value["family_name"],
        full_name=value["full_name"],
        alternate_names=tuple(
            name.strip() for name in value["alternate_names"].split(";") if name.strip()
        ),
        sex="" if sex is None or sex == "unknown" else str(sex)[0],
        date_of_birth=born,
        age_years=age,
        phone=value["phone"],
    )


def read_records(stream: IO[bytes] | IO[str], *, today: date) -> list[PersonRecord]:
    """Every row as a record; any bad row and nothing is returned (every problem by line).

    The file itself (encoding, CSV, columns) is checked by `haven.core.tabular`."""
    table = read_table(stream)
    names = [name for name in table.names if name]
    unknown = [name for name in names if name not in COLUMNS]
    if unknown:
        raise HavenError(
            f"unknown column(s) {', '.join(unknown)}; matching reads {', '.join(MATCHED_COLUMNS)}"
        )
    if not set(names) & set(NAME_COLUMNS):
        raise HavenError(
            "no usable columns: the file needs a name column "
            "(given_name, family_name, full_name or alternate_names)"
        )
    records: list[PersonRecord] = []
    errors: list[str] = []
    seen: dict[str, int] = {}
    for line, clean in table.mapped():
        outcome = _parse_row(line, clean, today, seen)
        if isinstance(outcome, list):
            errors.extend(f"line {line}: {problem}" for problem in outcome)
        else:
            records.append(outcome)
    if errors:
        more = f" (and {len(errors) - SHOWN_ERRORS} more)" if len(errors) > SHOWN_ERRORS else ""
        raise HavenError(
            f"{len(errors)} problem(s), nothing matched: {'; '.join(errors[:SHOWN_ERRORS])}{more}"
        )
    return records


def match_records(records: list[PersonRecord], *, threshold: float, today: date) -> FileMatch:
    """The pairs at or above the threshold (a match probability between 0 and 1)."""
    if math.isnan(threshold) or not 0 < threshold < 1:
        raise HavenError(f"threshold {threshold:g} is not between 0 and 1 (a match probability)")
    try:
        settings = MatchSettings(
            reference_date=today,
            likely_threshold=threshold,
            possible_threshold=min(threshold, 0.5),
        )
        result = Registry(records, settings).scan()
    except PlanningInputError as error:
        raise HavenError(str(error)) from error
    return FileMatch(len(records), result.likely())


def write_pairs(pairs: Iterable[ScoredPair], stream: IO[str]) -> int:
    """`id_a,id_b,score` lines, most probable first; returns how many."""
    rows = ([pair.record_id_a, pair.record_id_b, f"{pair.probability:.4f}"] for pair in pairs)
    return (
        write_csv(stream, itertools.chain([["id_a", "id_b", "score"]], rows), lineterminator="\n")
        - 1
    )
