"""A compared pair in words, field by field, for the officer who confirms or rejects it."""

from __future__ import annotations

from dataclasses import dataclass

from haven.planning.matching import normalise
from haven.planning.matching.compare import (
    BIRTH,
    FAMILY,
    FIRST_EXTRA,
    GIVEN,
    NULL,
    PHONE,
    SEX,
    BirthLevel,
    ExtraLevel,
    NameLevel,
    PhoneLevel,
    SexLevel,
)
from haven.planning.matching.records import MatchSettings, PersonRecord


@dataclass(frozen=True, slots=True)
class FieldEvidence:
    """What one field says about a pair: its level, its weight (log₂ odds) and in words."""

    field: str
    level: str
    weight: float
    words: str


@dataclass(frozen=True, slots=True)
class PairExplanation:
    """A scored pair with the evidence of every field; `label` is likely, possible or None."""

    record_id_a: str
    record_id_b: str
    probability: float
    match_weight: float
    label: str | None
    evidence: tuple[FieldEvidence, ...]

    def summary(self) -> str:
        """The evidence for and against, strongest first, in one line."""
        ranked = sorted(self.evidence, key=lambda item: -abs(item.weight))
        return "; ".join(item.words for item in ranked if item.level != "missing")


def _raw_name(record: PersonRecord, word: str) -> str:
    """The name as the record writes it, for a compact spelling the comparison used."""
    written = [record.given_name, record.family_name, *record.alternate_names, record.full_name]
    for text in written:
        for candidate in (text, *text.split()):
            if candidate and normalise.compact(candidate) == word:
                return candidate.strip()
    return word.title()


def _transliterated(*names: str) -> bool:
    return any(not normalise.is_latin(name) for name in names)


def describe_name(label: str, level: int, first: str, second: str) -> str:
    """Words for a name level, with both spellings shown where they differ."""
    shown = f"({first} / {second})"
    if level == NULL:
        return f"no {label.rstrip('s')} on one side"
    if level == NameLevel.EXACT:
        if _transliterated(first, second):
            return f"{label} agree after transliteration {shown}"
        return f"{label} agree"
    if level == NameLevel.VARIANT:
        if _transliterated(first, second):
            return f"{label} agree after transliteration {shown}"
        return f"{label} are spellings of one name {shown}"
    words = {
        NameLevel.TYPO: "differ by a typo",
        NameLevel.SIMILAR: "are similar",
        NameLevel.LOOSE: "are only loosely similar",
        NameLevel.DIFFERENT: "differ",
    }[NameLevel(level)]
    return f"{label} {words} {shown}"


def _birth_text(record: PersonRecord) -> str:
    if record.date_of_birth is not None:
        prefix = "born about " if record.birth_date_is_estimate else "born "
        return prefix + (
            str(record.date_of_birth.year)
            if record.birth_date_is_estimate
            else record.date_of_birth.isoformat()
        )
    if record.age_years is not None:
        return f"aged {record.age_years:g}"
    return "no date of birth"


def describe_birth(level: int, first: PersonRecord, second: PersonRecord) -> str:
    """Words for a date-of-birth level, naming the part that differs."""
    shown = f"({_birth_text(first)} / {_birth_text(second)})"
    if level == NULL:
        return "no date of birth or age on one side"
    a, b = first.date_of_birth, second.date_of_birth
    if level == BirthLevel.EXACT:
        return f"same date of birth ({a})"
    if level == BirthLevel.SWAPPED:
        return f"day and month of birth swapped {shown}"
    if level == BirthLevel.ONE_PART and a is not None and b is not None:
        if a.year != b.year:
            return f"same day and month of birth, year differs by {abs(a.year - b.year)} {shown}"
        if a.month != b.month:
            return f"same year and day of birth, month differs {shown}"
        return f"same year and month of birth, day differs {shown}"
    if level == BirthLevel.NEAR:
        return f"born within a year of each other {shown}"
    if level == BirthLevel.AGE_RANGE:
        return f"ages agree {shown}"
    return f"dates of birth differ {shown}"


def describe_phone(level: int, first: str, second: str) -> str:
    """Words for a phone level; a shared ending is shown by its last four digits."""
    if level == NULL:
        return "no phone on one side"
    if level == PhoneLevel.SAME:
        return "same phone number"
    if level == PhoneLevel.ENDING:
        return f"same phone ending (…{normalise.phone_digits(first)[-4:]})"
    return "phone numbers differ"


def describe_sex(level: int) -> str:
    """Words for the sex level."""
    if level == NULL:
        return "sex unknown on one side"
    return "same sex" if level == SexLevel.SAME else "sex differs"


def describe_extra(label: str, level: int, first: str, second: str) -> str:
    """Words for an extra field's level."""
    if level == NULL:
        return f"no {label} on one side"
    if level == ExtraLevel.EXACT:
        return f"same {label}"
    if level == ExtraLevel.CLOSE:
        return f"{label} nearly agrees ({first} / {second})"
    if level == ExtraLevel.NEAR:
        return f"{label} is similar ({first} / {second})"
    return f"{label} differs ({first} / {second})"


def describe(
    settings: MatchSettings,
    field_index: int,
    level: int,
    first: PersonRecord,
    second: PersonRecord,
    names_used: tuple[str, str],
) -> str:
    """Words for one field of a pair; `names_used` are the spellings the names compared."""
    if field_index in (GIVEN, FAMILY):
        label = "given names" if field_index == GIVEN else "family names"
        if level == NULL:
            return describe_name(label, level, "", "")
        return describe_name(
            label, level, _raw_name(first, names_used[0]), _raw_name(second, names_used[1])
        )
    if field_index == BIRTH:
        return describe_birth(level, first, second)
    if field_index == SEX:
        return describe_sex(level)
    if field_index == PHONE:
        return describe_phone(level, first.phone, second.phone)
    extra = settings.extra_fields[field_index - FIRST_EXTRA]
    return describe_extra(
        extra.label,
        level,
        first.attributes.get(extra.name, ""),
        second.attributes.get(extra.name, ""),
    )
