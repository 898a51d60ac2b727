"""People as the matcher sees them: the input record, the settings, and the prepared columns."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

import numpy as np
import numpy.typing as npt

from haven.planning.errors import PlanningInputError
from haven.planning.matching import normalise

SEX_CODES = {
    "": 0,
    "u": 0,
    "unknown": 0,
    "f": 1,
    "female": 1,
    "m": 2,
    "male": 2,
    "x": 3,
    "other": 3,
}

IntArray = npt.NDArray[np.int64]
SmallArray = npt.NDArray[np.int32]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class PersonRecord:
    """One person as registered or as sought; every field but the id may be empty.

    `age_years` counts when there is no date of birth; a date of birth that is only an
    estimate (`birth_date_is_estimate`) compares like an age. `attributes` holds the other
    fields named in `MatchSettings.extra_fields` (origin, home address …).
    """

    record_id: str
    given_name: str = ""
    family_name: str = ""
    full_name: str = ""
    alternate_names: tuple[str, ...] = ()
    sex: str = ""
    date_of_birth: date | None = None
    birth_date_is_estimate: bool = False
    age_years: float | None = None
    phone: str = ""
    attributes: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ExtraField:
    """A further field compared when both records have it.

    `kind` "text" compares by Jaro–Winkler (places, addresses); "code" by edit distance
    (postcodes, house numbers), where one wrong digit is a typo and two a different code.
    `block` also brings together the records that share the value exactly.
    """

    name: str
    label: str
    kind: Literal["text", "code"] = "text"
    block: bool = False


@dataclass(frozen=True, slots=True)
class MatchSettings:
    """How matching runs: the day ages count to, thresholds, extra fields, and effort bounds.

    `likely_threshold` and `possible_threshold` are match probabilities. A blocking group
    larger than `max_block_size` is not expanded (it would be everyone called Muhammad);
    the other keys still bring its true pairs together.
    """

    reference_date: date
    likely_threshold: float = 0.9
    possible_threshold: float = 0.5
    extra_fields: tuple[ExtraField, ...] = ()
    max_block_size: int = 400
    em_iterations: int = 40
    em_sample_pairs: int = 400_000
    u_sample_pairs: int = 200_000
    seed: int = 20_240_601

    def __post_init__(self) -> None:
        for name in ("likely_threshold", "possible_threshold"):
            value = getattr(self, name)
            if not 0.0 < value < 1.0:
                raise PlanningInputError(f"{name.replace('_', ' ')} {value} is not between 0 and 1")
        if self.possible_threshold > self.likely_threshold:
            raise PlanningInputError(
                f"possible threshold {self.possible_threshold} is above the likely threshold "
                f"{self.likely_threshold}"
            )
        if self.max_block_size < 2:
            raise PlanningInputError(f"max block size {self.max_block_size} is below 2")
        names = [extra.name for extra in self.extra_fields]
        if len(set(names)) != len(names):
            raise PlanningInputError(f"extra fields named twice: {', '.join(names)}")


class Vocabulary:
    """Distinct strings of one kind, numbered in order of first sight; append-only."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.words: list[str] = []

    def id_of(self, word: str) -> int:
        """The number of a word, adding it when new; -1 for the empty string."""
        if not word:
            return -1
        known = self.ids.get(word)
        if known is None:
            known = self.ids[word] = len(self.words)
            self.words.append(word)
        return known

    def __len__(self) -> int:
        return len(self.words)


class NameTable:
    """Every spelling seen, with its group form, skeleton and phonetic code (by number)."""

    def __init__(self, variants: normalise.NameVariants) -> None:
        self.variants = variants
        self.spellings = Vocabulary()
        self.canonical: list[int] = []
        self.skeletons = Vocabulary()
        self.skeleton: list[int] = []
        self.letter_skeleton: list[int] = []
        self.loose = Vocabulary()
        self.loose_form: list[int] = []
        self.abjad: list[bool] = []

    def id_of(self, compact_name: str, *, abjad: bool) -> int:
        """The number of a spelling (-1 for none), its derived forms recorded on first sight."""
        if not compact_name:
            return -1
        known = self.spellings.ids.get(compact_name)
        if known is not None:
            if abjad:
                self.abjad[known] = True
            return known
        canonical = self.variants.canonical(compact_name)
        canonical_id = self.id_of(canonical, abjad=False) if canonical != compact_name else -1
        name_id = self.spellings.id_of(compact_name)
        self.canonical.append(name_id if canonical_id < 0 else canonical_id)
        self.skeleton.append(self.skeletons.id_of(normalise.skeleton(compact_name)))
        self.letter_skeleton.append(self.skeletons.id_of(normalise.letter_skeleton(compact_name)))
        self.loose_form.append(self.loose.id_of(normalise.loose_form(compact_name)))
        self.abjad.append(abjad)
        return name_id

    def arrays(self) -> tuple[SmallArray, SmallArray, SmallArray, SmallArray, BoolArray]:
        """Group form, skeleton, letter skeleton, loose form and vowel-less-script flag of
        each spelling (skeletons are numbered in one vocabulary)."""
        return (
            np.asarray(self.canonical, dtype=np.int32),
            np.asarray(self.skeleton, dtype=np.int32),
            np.asarray(self.letter_skeleton, dtype=np.int32),
            np.asarray(self.loose_form, dtype=np.int32),
            np.asarray(self.abjad, dtype=np.bool_),
        )


def age_tolerance_years(age: float) -> int:
    """How far a stated age may be off: a child's age is known closely, an elder's roughly."""
    if age < 18:
        return 1
    if age < 50:
        return 2
    return 3


@dataclass(slots=True)
class PreparedRecords:
    """Records as columns of numbers, ready for blocking and comparison."""

    ids: list[str]
    names: NameTable
    given: SmallArray
    family: SmallArray
    given_latin: BoolArray
    family_latin: BoolArray
    alternate_forms: dict[int, list[tuple[int, int]]]
    born_day: IntArray
    born_month: SmallArray
    born_day_of_month: SmallArray
    born_earliest_year: SmallArray
    born_latest_year: SmallArray
    born_exact: BoolArray
    sex: SmallArray
    phone_long: IntArray
    phone_short: IntArray
    extras: list[SmallArray]
    extra_vocabularies: list[Vocabulary]

    def __len__(self) -> int:
        return len(self.ids)


def _split_full_name(full_name: str) -> tuple[str, str]:
    words = normalise.name_words(full_name)
    if not words:
        return "", ""
    if len(words) == 1:
        return words[0], ""
    return words[0], words[-1]


def _birth_columns(record: PersonRecord, reference: date) -> tuple[int, int, int, bool]:
    """(day number or -1, earliest and latest plausible birth year or -1, exactly known)."""
    born = record.date_of_birth
    if born is not None and not record.birth_date_is_estimate:
        return born.toordinal(), born.year, born.year, True
    if born is not None:
        age = max(0.0, (reference - born).days / 365.25)
        slack = age_tolerance_years(age)
        return -1, born.year - slack, born.year + slack, False
    if record.age_years is not None:
        age = record.age_years
        if not (0 <= age <= 130) or math.isnan(age):
            raise PlanningInputError(
                f"age {age} of record {record.record_id} is not between 0 and 130"
            )
        slack = age_tolerance_years(age)
        latest = reference.year - math.floor(age)
        return -1, latest - 1 - slack, latest + slack, False
    return -1, -1, -1, False


def _phone_columns(phone: str) -> tuple[int, int]:
    """The last nine digits (the number without country or trunk prefix) and the last seven."""
    digits = normalise.phone_digits(phone)
    if len(digits) < 7:
        return -1, -1
    return int(digits[-9:]), int(digits[-7:])


def prepare(
    records: Sequence[PersonRecord],
    settings: MatchSettings,
    *,
    names: NameTable | None = None,
    extra_vocabularies: list[Vocabulary] | None = None,
) -> PreparedRecords:
    """Normalise records into columns; pass a registry's tables to prepare a query against it."""
    names = names or NameTable(normalise.default_variants())
    extra_vocabularies = extra_vocabularies or [Vocabulary() for _ in settings.extra_fields]
    count = len(records)
    given = np.full(count, -1, dtype=np.int32)
    family = np.full(count, -1, dtype=np.int32)
    given_latin = np.ones(count, dtype=np.bool_)
    family_latin = np.ones(count, dtype=np.bool_)
    born_day = np.full(count, -1, dtype=np.int64)
    born_month = np.full(count, -1, dtype=np.int32)
    born_day_of_month = np.full(count, -1, dtype=np.int32)
    earliest = np.full(count, -1, dtype=np.int32)
    latest = np.full(count, -1, dtype=np.int32)
    exact = np.zeros(count, dtype=np.bool_)
    sex = np.zeros(count, dtype=np.int32)
    phone_long = np.full(count, -1, dtype=np.int64)
    phone_short = np.full(count, -1, dtype=np.int64)
    extras = [np.full(count, -1, dtype=np.int32) for _ in settings.extra_fields]
    alternate_forms: dict[int, list[tuple[int, int]]] = {}
    seen: set[str] = set()
    for row, record in enumerate(records):
        if record.record_id in seen:
            raise PlanningInputError(f"record id {record.record_id!r} appears twice")
        seen.add(record.record_id)
        given_text, family_text = record.given_name, record.family_name
        if not (given_text.strip() or family_text.strip()):
            given_text, family_text = _split_full_name(record.full_name)
        given[row] = names.id_of(
            normalise.compact(given_text), abjad=normalise.is_abjad(given_text)
        )
        family[row] = names.id_of(
            normalise.compact(family_text), abjad=normalise.is_abjad(family_text)
        )
        given_latin[row] = normalise.is_latin(given_text)
        family_latin[row] = normalise.is_latin(family_text)
        others = list(record.alternate_names)
        if record.full_name and (record.given_name or record.family_name):
            others.append(record.full_name)
        forms = []
        for other in others:
            other_given, other_family = _split_full_name(other)
            form = (
                names.id_of(normalise.compact(other_given), abjad=normalise.is_abjad(other)),
                names.id_of(normalise.compact(other_family), abjad=normalise.is_abjad(other)),
            )
            if form != (given[row], family[row]) and form[0] >= 0 and form not in forms:
                forms.append(form)
        if forms:
            alternate_forms[row] = forms
        born_day[row], earliest[row], latest[row], exact[row] = _birth_columns(
            record, settings.reference_date
        )
        if exact[row] and record.date_of_birth is not None:
            born_month[row] = record.date_of_birth.month
            born_day_of_month[row] = record.date_of_birth.day
        code = SEX_CODES.get(record.sex.strip().lower())
        if code is None:
            raise PlanningInputError(
                f"sex {record.sex!r} of record {record.record_id} is not f, m, x or empty"
            )
        sex[row] = code
        phone_long[row], phone_short[row] = _phone_columns(record.phone)
        for position, extra in enumerate(settings.extra_fields):
            value = " ".join(record.attributes.get(extra.name, "").lower().split())
            extras[position][row] = extra_vocabularies[position].id_of(value)
    return PreparedRecords(
        ids=[record.record_id for record in records],
        names=names,
        given=given,
        family=family,
        given_latin=given_latin,
        family_latin=family_latin,
        alternate_forms=alternate_forms,
        born_day=born_day,
        born_month=born_month,
        born_day_of_month=born_day_of_month,
        born_earliest_year=earliest,
        born_latest_year=latest,
        born_exact=exact,
        sex=sex,
        phone_long=phone_long,
        phone_short=phone_short,
        extras=extras,
        extra_vocabularies=extra_vocabularies,
    )
