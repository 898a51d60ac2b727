"""Record pairs compared field by field into agreement levels (-1 where a side has nothing).

Names agree exactly, as spellings of one name (Mohamed / Muhammad, or an Arabic-script form
and its Latin spelling), or by Jaro–Winkler band; given and family names are also tried
crossed, and alternate names stand in for the main one. Dates of birth agree exactly, with
day and month swapped, in all but one part, within a year, or — where one side is only an
age — by overlapping age ranges. Phones agree in full or in their last seven digits.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np
import numpy.typing as npt
from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler

from haven.planning.matching.records import (
    BoolArray,
    IntArray,
    MatchSettings,
    NameTable,
    PreparedRecords,
    SmallArray,
)

NULL = -1
GIVEN, FAMILY, BIRTH, SEX, PHONE = range(5)
FIRST_EXTRA = 5

LevelArray = npt.NDArray[np.int8]
FloatArray = npt.NDArray[np.float64]
ObjectArray = npt.NDArray[np.object_]


class NameLevel(IntEnum):
    DIFFERENT = 0
    LOOSE = 1
    SIMILAR = 2
    TYPO = 3
    VARIANT = 4
    EXACT = 5


class BirthLevel(IntEnum):
    DIFFERENT = 0
    AGE_RANGE = 1
    NEAR = 2
    ONE_PART = 3
    SWAPPED = 4
    EXACT = 5


class SexLevel(IntEnum):
    DIFFERENT = 0
    SAME = 1


class PhoneLevel(IntEnum):
    DIFFERENT = 0
    ENDING = 1
    SAME = 2


class ExtraLevel(IntEnum):
    DIFFERENT = 0
    NEAR = 1
    CLOSE = 2
    EXACT = 3


# Jaro–Winkler bands of the name levels (the bands splink's name comparison uses).
NAME_BANDS = ((0.92, NameLevel.TYPO), (0.85, NameLevel.SIMILAR), (0.70, NameLevel.LOOSE))
TEXT_BANDS = ((0.92, ExtraLevel.CLOSE), (0.80, ExtraLevel.NEAR))


@dataclass(slots=True)
class Comparison:
    """Levels of each compared pair (pairs × fields) and how the names were aligned."""

    levels: LevelArray
    names_swapped: BoolArray
    given_a: SmallArray
    given_b: SmallArray
    family_a: SmallArray
    family_b: SmallArray

    def __len__(self) -> int:
        return int(self.levels.shape[0])


def _unique_similarity(
    words: ObjectArray, first: SmallArray, second: SmallArray, scorer: str
) -> FloatArray:
    """Similarity of each pair of words (by number), each distinct pair computed once."""
    if len(first) == 0:
        return np.zeros(0)
    codes = first.astype(np.int64) * (len(words) + 1) + second
    _, positions, inverse = np.unique(codes, return_index=True, return_inverse=True)
    left = words[first[positions]].tolist()
    right = words[second[positions]].tolist()
    if scorer == "jaro_winkler":
        values = process.cpdist(left, right, scorer=JaroWinkler.normalized_similarity, workers=-1)
    else:
        values = process.cpdist(left, right, scorer=DamerauLevenshtein.distance, workers=-1)
    return np.asarray(values, dtype=np.float64)[inverse]


class NameComparer:
    """Levels and similarities of name pairs, given by spelling numbers in one NameTable."""

    def __init__(self, table: NameTable) -> None:
        self.table = table
        self.canonical, self.skeleton, self.letters, self.loose, self.abjad = table.arrays()
        self.words = np.asarray(table.spellings.words, dtype=object)
        self.skeleton_words = np.asarray(table.skeletons.words, dtype=object)

    def compare(self, first: SmallArray, second: SmallArray) -> tuple[LevelArray, FloatArray]:
        """(level, similarity in 0..1) of each pair; level -1 where either name is missing."""
        count = len(first)
        levels = np.full(count, NameLevel.DIFFERENT, dtype=np.int8)
        similarity = np.zeros(count)
        present = (first >= 0) & (second >= 0)
        levels[~present] = NULL
        x, y = np.where(present, first, 0), np.where(present, second, 0)
        exact = present & (x == y)
        skeleton_x, skeleton_y = self.skeleton[x], self.skeleton[y]
        letters_x, letters_y = self.letters[x], self.letters[y]
        # Only a vowel-less script excuses different vowels: Ali and Leila stay apart.
        consonants_only = self.abjad[x] | self.abjad[y]
        variant = (
            present
            & ~exact
            & (
                (self.canonical[x] == self.canonical[y])
                | (self.loose[x] == self.loose[y])
                | (consonants_only & (skeleton_x == skeleton_y) & (skeleton_x >= 0))
                | (consonants_only & (letters_x == letters_y) & (letters_x >= 0))
            )
        )
        levels[exact] = NameLevel.EXACT
        levels[variant] = NameLevel.VARIANT
        similarity[exact | variant] = 1.0
        rest = np.nonzero(present & ~exact & ~variant)[0]
        if len(rest):
            plain = rest[~consonants_only[rest]]
            if len(plain):
                similarity[plain] = self._jaro_winkler(x[plain], y[plain])
            vowel_less = rest[consonants_only[rest]]
            if len(vowel_less):
                similarity[vowel_less] = np.maximum(
                    self._skeleton_jaro_winkler(skeleton_x[vowel_less], skeleton_y[vowel_less]),
                    self._skeleton_jaro_winkler(letters_x[vowel_less], letters_y[vowel_less]),
                )
            for bound, level in NAME_BANDS:
                hit = rest[(similarity[rest] >= bound) & (levels[rest] == NameLevel.DIFFERENT)]
                levels[hit] = level
        return levels, similarity

    def _jaro_winkler(self, x: SmallArray, y: SmallArray) -> FloatArray:
        # The better of the spellings as written and their group forms (a typo of a variant).
        as_written = _unique_similarity(self.words, x, y, "jaro_winkler")
        cx, cy = self.canonical[x], self.canonical[y]
        differs = np.nonzero((cx != x) | (cy != y))[0]
        if len(differs):
            grouped = _unique_similarity(self.words, cx[differs], cy[differs], "jaro_winkler")
            as_written[differs] = np.maximum(as_written[differs], grouped)
        return as_written

    def _skeleton_jaro_winkler(self, x: SmallArray, y: SmallArray) -> FloatArray:
        present = (x >= 0) & (y >= 0)
        result = np.zeros(len(x))
        if present.any():
            result[present] = _unique_similarity(
                self.skeleton_words, x[present], y[present], "jaro_winkler"
            )
        return result


Aligned = tuple[LevelArray, LevelArray, FloatArray, BoolArray, list[SmallArray]]


def _align_names(
    names: NameComparer,
    given_a: SmallArray,
    family_a: SmallArray,
    given_b: SmallArray,
    family_b: SmallArray,
) -> Aligned:
    """Given and family levels of each pair, crossed where that fits much better.

    Returns the levels, the similarity, whether crossed, and the spellings each level came
    from (given a, given b, family a, family b). Crossed levels go to the fields in an order
    that does not depend on which record came first, so that scores stay symmetric.
    """
    given_level, given_similarity = names.compare(given_a, given_b)
    family_level, family_similarity = names.compare(family_a, family_b)
    straight = given_similarity + family_similarity
    swapped = np.zeros(len(given_a), dtype=np.bool_)
    used = [given_a.copy(), given_b.copy(), family_a.copy(), family_b.copy()]
    # Crossing can only help where the names do not already agree in full.
    open_pairs = np.nonzero(straight < 2.0 - 1e-9)[0]
    crossed = straight.copy()
    if len(open_pairs):
        ga, fa, gb, fb = (
            given_a[open_pairs],
            family_a[open_pairs],
            given_b[open_pairs],
            family_b[open_pairs],
        )
        first_level, first_similarity = names.compare(ga, fb)
        second_level, second_similarity = names.compare(fa, gb)
        crossed[open_pairs] = first_similarity + second_similarity
        better = crossed[open_pairs] > straight[open_pairs] + 0.15
        swapped[open_pairs] = better
        size = len(names.words) + 1
        first_key = np.minimum(ga, fb).astype(np.int64) * size + np.maximum(ga, fb)
        second_key = np.minimum(fa, gb).astype(np.int64) * size + np.maximum(fa, gb)
        # The better-agreeing crossed pair counts as the family name.
        flip = (first_level > second_level) | (
            (first_level == second_level) & (first_key > second_key)
        )
        keep, flipped = better & ~flip, better & flip
        given_level[open_pairs[keep]] = first_level[keep]
        family_level[open_pairs[keep]] = second_level[keep]
        given_level[open_pairs[flipped]] = second_level[flipped]
        family_level[open_pairs[flipped]] = first_level[flipped]
        for pairs, (g_a, g_b, f_a, f_b) in (
            (keep, (ga, fb, fa, gb)),
            (flipped, (fa, gb, ga, fb)),
        ):
            for column, values in enumerate((g_a, g_b, f_a, f_b)):
                used[column][open_pairs[pairs]] = values[pairs]
    return given_level, family_level, np.maximum(straight, crossed), swapped, used


def _birth_levels(a: PreparedRecords, ia: IntArray, b: PreparedRecords, ib: IntArray) -> LevelArray:
    levels = np.full(len(ia), BirthLevel.DIFFERENT, dtype=np.int8)
    earliest_a, latest_a = a.born_earliest_year[ia], a.born_latest_year[ia]
    earliest_b, latest_b = b.born_earliest_year[ib], b.born_latest_year[ib]
    levels[(earliest_a < 0) | (earliest_b < 0)] = NULL
    both_exact = a.born_exact[ia] & b.born_exact[ib]
    overlap = (
        (earliest_a <= latest_b) & (earliest_b <= latest_a) & (earliest_a >= 0) & (earliest_b >= 0)
    )
    levels[~both_exact & overlap] = BirthLevel.AGE_RANGE
    day_a, day_b = a.born_day[ia], b.born_day[ib]
    year_a, year_b = earliest_a, earliest_b
    month_a, month_b = a.born_month[ia], b.born_month[ib]
    dom_a, dom_b = a.born_day_of_month[ia], b.born_day_of_month[ib]
    near = both_exact & (np.abs(day_a - day_b) <= 366)
    parts_equal = (
        (year_a == year_b).astype(np.int8)
        + (month_a == month_b).astype(np.int8)
        + (dom_a == dom_b).astype(np.int8)
    )
    # A year off by a slip of the pen: one or two years, or one digit (1985 / 1965).
    year_digits_differ = sum(
        ((year_a // 10**k) % 10 != (year_b // 10**k) % 10).astype(np.int8) for k in range(4)
    )
    year_slip = (np.abs(year_a - year_b) <= 2) | (year_digits_differ == 1)
    one_part = both_exact & (parts_equal == 2) & ((year_a == year_b) | year_slip)
    exact = both_exact & (day_a == day_b)
    swapped = both_exact & ~exact & (year_a == year_b) & (month_a == dom_b) & (dom_a == month_b)
    levels[near] = BirthLevel.NEAR
    levels[one_part] = BirthLevel.ONE_PART
    levels[swapped] = BirthLevel.SWAPPED
    levels[exact] = BirthLevel.EXACT
    return levels


def _sex_levels(a: PreparedRecords, ia: IntArray, b: PreparedRecords, ib: IntArray) -> LevelArray:
    sex_a, sex_b = a.sex[ia], b.sex[ib]
    levels = np.where(sex_a == sex_b, SexLevel.SAME, SexLevel.DIFFERENT).astype(np.int8)
    levels[(sex_a == 0) | (sex_b == 0)] = NULL
    return levels


def _phone_levels(a: PreparedRecords, ia: IntArray, b: PreparedRecords, ib: IntArray) -> LevelArray:
    levels = np.full(len(ia), PhoneLevel.DIFFERENT, dtype=np.int8)
    levels[a.phone_short[ia] == b.phone_short[ib]] = PhoneLevel.ENDING
    levels[a.phone_long[ia] == b.phone_long[ib]] = PhoneLevel.SAME
    levels[(a.phone_short[ia] < 0) | (b.phone_short[ib] < 0)] = NULL
    return levels


def _extra_levels(
    kind: str, vocabulary: list[str], first: SmallArray, second: SmallArray
) -> LevelArray:
    levels = np.full(len(first), ExtraLevel.DIFFERENT, dtype=np.int8)
    present = (first >= 0) & (second >= 0)
    levels[~present] = NULL
    levels[present & (first == second)] = ExtraLevel.EXACT
    rest = np.nonzero(present & (first != second))[0]
    if len(rest):
        x, y = first[rest], second[rest]
        words = np.asarray(vocabulary, dtype=object)
        if kind == "code":
            distance = _unique_similarity(words, x, y, "damerau_levenshtein")
            levels[rest[distance <= 2]] = ExtraLevel.NEAR
            levels[rest[distance <= 1]] = ExtraLevel.CLOSE
        else:
            similarity = _unique_similarity(words, x, y, "jaro_winkler")
            for bound, level in TEXT_BANDS:
                hit = rest[(similarity >= bound) & (levels[rest] == ExtraLevel.DIFFERENT)]
                levels[hit] = level
    return levels


def compare(
    a: PreparedRecords,
    ia: IntArray,
    b: PreparedRecords,
    ib: IntArray,
    settings: MatchSettings,
) -> Comparison:
    """Compare record a[ia[k]] with b[ib[k]] for every k; both share one NameTable."""
    if a.names is not b.names:
        raise ValueError("records to compare must be prepared with one name table")
    ia = np.asarray(ia, dtype=np.int64)
    ib = np.asarray(ib, dtype=np.int64)
    names = NameComparer(a.names)
    count = len(ia)
    given_a, family_a = a.given[ia], a.family[ia]
    given_b, family_b = b.given[ib], b.family[ib]
    aligned = _align_names(names, given_a, family_a, given_b, family_b)
    if a.alternate_forms or b.alternate_forms:
        aligned = _with_alternate_names(names, a, ia, b, ib, aligned)
    given_level, family_level, _, swapped, used = aligned
    levels = np.empty((count, FIRST_EXTRA + len(settings.extra_fields)), dtype=np.int8)
    levels[:, GIVEN] = given_level
    levels[:, FAMILY] = family_level
    levels[:, BIRTH] = _birth_levels(a, ia, b, ib)
    levels[:, SEX] = _sex_levels(a, ia, b, ib)
    levels[:, PHONE] = _phone_levels(a, ia, b, ib)
    for position, extra in enumerate(settings.extra_fields):
        levels[:, FIRST_EXTRA + position] = _extra_levels(
            extra.kind,
            a.extra_vocabularies[position].words,
            a.extras[position][ia],
            b.extras[position][ib],
        )
    return Comparison(levels, swapped, used[0], used[1], used[2], used[3])


def _with_alternate_names(
    names: NameComparer,
    a: PreparedRecords,
    ia: IntArray,
    b: PreparedRecords,
    ib: IntArray,
    primary: Aligned,
) -> Aligned:
    """Levels from the best-agreeing pair of names when either record has other names."""
    given_level, family_level = primary[0].copy(), primary[1].copy()
    similarity, swapped = primary[2].copy(), primary[3].copy()
    used = [column.copy() for column in primary[4]]
    owners, rows = [], []
    for k, (i, j) in enumerate(zip(ia.tolist(), ib.tolist(), strict=True)):
        forms_a = a.alternate_forms.get(i)
        forms_b = b.alternate_forms.get(j)
        if forms_a is None and forms_b is None:
            continue
        all_a = [(int(a.given[i]), int(a.family[i])), *(forms_a or [])]
        all_b = [(int(b.given[j]), int(b.family[j])), *(forms_b or [])]
        for form_a in all_a:
            for form_b in all_b:
                owners.append(k)
                rows.append((*form_a, *form_b))
    if not rows:
        return given_level, family_level, similarity, swapped, used
    table = np.asarray(rows, dtype=np.int32)
    owner = np.asarray(owners, dtype=np.int64)
    g_level, f_level, form_similarity, crossed, form_used = _align_names(
        names, table[:, 0], table[:, 1], table[:, 2], table[:, 3]
    )
    strength = form_similarity + 0.01 * (g_level.astype(np.float64) + f_level)
    order = np.lexsort((-strength, owner))
    first = order[np.r_[True, owner[order][1:] != owner[order][:-1]]]
    pairs = owner[first]
    given_level[pairs] = g_level[first]
    family_level[pairs] = f_level[first]
    similarity[pairs] = form_similarity[first]
    swapped[pairs] = crossed[first]
    for column in range(4):
        used[column][pairs] = form_used[column][first]
    return given_level, family_level, similarity, swapped, used
