"""Registered people and tracing requests as the matcher sees them, and their blocking keys.

The matching core (`haven.planning.matching`) blocks inside one in-memory registry, on keys
numbered per registry. To match one record against a registry of a million without loading
it, the same keys are written here as strings and kept in an indexed table (`MatchKey`):
both names' consonant skeletons and sound codes in either order (so swapped names meet),
each name with the birth year, the birth date with day and month in either order, and the
last seven phone digits. The core has no public function for one record's keys, so this
module mirrors `blocking._record_keys` with the core's public normalisation.
"""

from __future__ import annotations

import hashlib
from datetime import date

from haven.people.models import Person
from haven.planning.matching import PersonRecord, normalise
from haven.tracing.models import TracingRequest

PERSON_PREFIX = "p"
REQUEST_PREFIX = "r"
# Blocking keys with more members than this are not expanded (everyone called Muhammad):
# the other keys still bring a true pair together.
MAX_BLOCK_SIZE = 400


def person_record(person: Person) -> PersonRecord:
    """A registered person as a matching record (id `p<pk>`)."""
    return PersonRecord(
        record_id=f"{PERSON_PREFIX}{person.pk}",
        given_name=person.given_name,
        family_name=person.family_name,
        full_name=person.full_name,
        alternate_names=tuple(person.alternate_name_list),
        sex="" if person.sex == "u" else person.sex,
        date_of_birth=person.date_of_birth,
        birth_date_is_estimate=person.birth_date_is_estimate,
        phone=person.phone,
    )


def request_record(request: TracingRequest, *, today: date) -> PersonRecord:
    """The person a request seeks as a matching record (id `r<pk>`); an age range counts as
    the age in its middle, which the core compares with a tolerance."""
    age = None
    if request.date_of_birth is None and (request.age_min is not None or request.age_max):
        low = request.age_min if request.age_min is not None else request.age_max
        high = request.age_max if request.age_max is not None else request.age_min
        assert low is not None and high is not None
        age = (low + high) / 2
    return PersonRecord(
        record_id=f"{REQUEST_PREFIX}{request.pk}",
        given_name=request.given_name,
        family_name=request.family_name,
        full_name=request.full_name,
        alternate_names=tuple(request.alternate_name_list),
        sex="" if request.sex == "u" else request.sex,
        date_of_birth=request.date_of_birth,
        age_years=age,
        phone=request.phone,
    )


def _name_parts(given: str, family: str, full: str) -> tuple[str, str]:
    if given.strip() or family.strip():
        return normalise.compact(given), normalise.compact(family)
    words = normalise.name_words(full)
    if not words:
        return "", ""
    return words[0], words[-1] if len(words) > 1 else ""


def _forms(record: PersonRecord) -> list[tuple[str, str]]:
    """(given, family) in group form, for the record's name and each alternate name."""
    variants = normalise.default_variants()
    forms = [_name_parts(record.given_name, record.family_name, record.full_name)]
    forms += [_name_parts("", "", other) for other in record.alternate_names]
    if record.full_name and (record.given_name or record.family_name):
        forms.append(_name_parts("", "", record.full_name))
    seen: list[tuple[str, str]] = []
    for given, family in forms:
        form = (
            variants.canonical(given) if given else "",
            variants.canonical(family) if family else "",
        )
        if any(form) and form not in seen:
            seen.append(form)
    return seen


def _pair(first: str, second: str) -> str:
    return "|".join(sorted((first, second)))


def blocking_keys(record: PersonRecord) -> set[str]:
    """The record's blocking keys as strings (each at most 80 characters)."""
    keys: set[str] = set()
    exact = record.date_of_birth is not None and not record.birth_date_is_estimate
    for given, family in _forms(record):
        g_skeleton = normalise.skeleton(given) if given else ""
        f_skeleton = normalise.skeleton(family) if family else ""
        if g_skeleton or f_skeleton:
            keys.add("n:" + _pair(g_skeleton, f_skeleton))
        g_sound = normalise.phonetic_code(given)
        f_sound = normalise.phonetic_code(family)
        if g_sound or f_sound:
            keys.add("s:" + _pair(g_sound, f_sound))
        if exact and record.date_of_birth is not None:
            year = record.date_of_birth.year
            if f_skeleton:
                keys.add(f"fy:{f_skeleton}:{year}")
            if g_skeleton:
                keys.add(f"gy:{g_skeleton}:{year}")
    if exact and record.date_of_birth is not None:
        born = record.date_of_birth
        low, high = sorted((born.month, born.day))
        keys.add(f"d:{born.year}:{low}:{high}")
    digits = normalise.phone_digits(record.phone)
    if len(digits) >= 7:
        keys.add(f"t:{digits[-7:]}")
    return {key[:80] for key in keys}


def fingerprint(record: PersonRecord, extra: str = "") -> str:
    """A short hash of what matching reads of a record (and `extra`, e.g. its status): a
    save that changed none of it needs no new matching."""
    text = repr((record, extra))
    return "#" + hashlib.sha256(text.encode()).hexdigest()[:24]
