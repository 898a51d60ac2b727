"""Blocking: only records sharing at least one cheap key are compared.

The keys are chosen so that a true pair meets through at least one of them even when the
other fields went wrong: the consonant skeletons and the metaphone codes of both names in
either order (so swapped given and family names meet), family or given name with the birth
year, the birth date with day and month in either order, the last seven phone digits, and
any extra field marked for blocking. A key shared by more than `max_block_size` records is
not expanded; the other keys still bring its true pairs together.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

import numpy as np

from haven.planning.matching import normalise
from haven.planning.matching.records import IntArray, MatchSettings, PreparedRecords

KEY_NAMES = (
    "names",
    "name sounds",
    "family name and birth year",
    "given name and birth year",
    "birth date",
    "phone",
)
# Fields (compare.GIVEN … PHONE) that agree, or nearly, by construction within a key's
# groups: EM over one key's pairs learns m only for the other fields, as splink's
# training sessions do. A given name tells the sex, and namesakes who share a phone are
# often one household (a father and his son), so namesakes learn only the date of birth.
# Keys mixing two fields only partly are not used for training, nor is the phone.
TRAINING_KEYS: dict[int, tuple[int, ...]] = {0: (0, 1, 3, 4), 4: (2,)}


def _record_keys(
    prepared: PreparedRecords, settings: MatchSettings, rows: range | list[int]
) -> list[list[Hashable | None]]:
    """For each key kind, the key of each of the rows (None where a row has no such key)."""
    table = prepared.names
    canonical, skeleton, words = table.canonical, table.skeleton, table.spellings.words
    extra_blocks = [p for p, extra in enumerate(settings.extra_fields) if extra.block]
    kinds: list[list[Hashable | None]] = [[] for _ in range(len(KEY_NAMES) + len(extra_blocks))]
    for row in rows:
        g, f = int(prepared.given[row]), int(prepared.family[row])
        g_skeleton = skeleton[canonical[g]] if g >= 0 else -1
        f_skeleton = skeleton[canonical[f]] if f >= 0 else -1
        g_sound = normalise.phonetic_code(words[canonical[g]]) if g >= 0 else ""
        f_sound = normalise.phonetic_code(words[canonical[f]]) if f >= 0 else ""
        keys: list[Hashable | None] = [None] * len(kinds)
        if g_skeleton >= 0 or f_skeleton >= 0:
            keys[0] = (min(g_skeleton, f_skeleton), max(g_skeleton, f_skeleton))
        if g_sound or f_sound:
            keys[1] = (min(g_sound, f_sound), max(g_sound, f_sound))
        if prepared.born_exact[row]:
            year = int(prepared.born_earliest_year[row])
            month, day = int(prepared.born_month[row]), int(prepared.born_day_of_month[row])
            if f_skeleton >= 0:
                keys[2] = (f_skeleton, year)
            if g_skeleton >= 0:
                keys[3] = (g_skeleton, year)
            keys[4] = (year, min(month, day), max(month, day))
        if prepared.phone_short[row] >= 0:
            keys[5] = int(prepared.phone_short[row])
        for position, extra in enumerate(extra_blocks):
            value = int(prepared.extras[extra][row])
            if value >= 0:
                keys[len(KEY_NAMES) + position] = value
        for kind, key in zip(kinds, keys, strict=True):
            kind.append(key)
    return kinds


@dataclass(slots=True)
class KeyIndex:
    """One key kind: key → code, each record's code, and the records of each code."""

    codes_of: dict[Hashable, int]
    codes: IntArray
    order: IntArray
    starts: IntArray
    sizes: IntArray

    @classmethod
    def build(cls, keys: list[Hashable | None]) -> KeyIndex:
        """Number the keys and group the records by them."""
        codes_of: dict[Hashable, int] = {}
        codes = np.fromiter(
            (-1 if key is None else codes_of.setdefault(key, len(codes_of)) for key in keys),
            dtype=np.int64,
            count=len(keys),
        )
        valid = np.nonzero(codes >= 0)[0]
        order = valid[np.argsort(codes[valid], kind="stable")]
        sizes = np.bincount(codes[valid], minlength=len(codes_of)).astype(np.int64)
        starts = np.cumsum(sizes) - sizes
        return cls(codes_of, codes, order, starts, sizes)

    def members(self, key: Hashable, limit: int) -> IntArray:
        """The records sharing the key (none if the key is unknown or shared by over `limit`)."""
        code = self.codes_of.get(key)
        if code is None or self.sizes[code] > limit:
            return np.zeros(0, dtype=np.int64)
        start = self.starts[code]
        return self.order[start : start + self.sizes[code]]

    def pairs(self, max_block_size: int) -> tuple[IntArray, IntArray, int]:
        """Every pair of records within one group (left < right), and the groups skipped."""
        sizes = self.sizes
        kept = (sizes >= 2) & (sizes <= max_block_size)
        skipped = int(np.count_nonzero(sizes > max_block_size))
        if not kept.any():
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, skipped
        group_sizes = sizes[kept]
        group_starts = self.starts[kept]
        # Positions (in `order`) of the members of the kept groups, group by group.
        offsets = np.arange(int(group_sizes.sum())) - np.repeat(
            np.cumsum(group_sizes) - group_sizes, group_sizes
        )
        positions = np.repeat(group_starts, group_sizes) + offsets
        partners = np.repeat(group_sizes, group_sizes) - offsets - 1
        left_positions = np.repeat(positions, partners)
        within = np.arange(int(partners.sum())) - np.repeat(
            np.cumsum(partners) - partners, partners
        )
        right_positions = left_positions + 1 + within
        left, right = self.order[left_positions], self.order[right_positions]
        return np.minimum(left, right), np.maximum(left, right), skipped


@dataclass(slots=True)
class Blocking:
    """All key kinds of a prepared registry."""

    indexes: list[KeyIndex]
    settings: MatchSettings

    def training_sessions(self) -> list[tuple[KeyIndex, tuple[int, ...]]]:
        """Each key that can train m, with the fields its groups agree on by construction."""
        sessions = [(self.indexes[kind], fields) for kind, fields in TRAINING_KEYS.items()]
        blocked = [p for p, extra in enumerate(self.settings.extra_fields) if extra.block]
        for position, extra in enumerate(blocked):
            sessions.append((self.indexes[len(KEY_NAMES) + position], (5 + extra,)))
        return sessions

    @classmethod
    def build(cls, prepared: PreparedRecords, settings: MatchSettings) -> Blocking:
        """Compute every record's keys and group the registry by them."""
        keys = _record_keys(prepared, settings, range(len(prepared)))
        return cls([KeyIndex.build(kind) for kind in keys], settings)

    def candidate_pairs(
        self, records: int, *, split: int | None = None
    ) -> tuple[IntArray, IntArray, int]:
        """Distinct pairs sharing any key; with `split`, only pairs with left < split <= right."""
        codes = []
        skipped = 0
        for index in self.indexes:
            left, right, skipped_here = index.pairs(self.settings.max_block_size)
            skipped += skipped_here
            if split is not None:
                across = (left < split) & (right >= split)
                left, right = left[across], right[across]
            codes.append(left * records + right)
        unique = np.unique(np.concatenate(codes)) if codes else np.zeros(0, dtype=np.int64)
        return unique // records, unique % records, skipped

    def candidates_for(self, query: PreparedRecords, row: int, *, limit: int) -> IntArray:
        """Registry records sharing any key with the query's record `row`."""
        keys = [kind[0] for kind in _record_keys(query, self.settings, [row])]
        found = [
            index.members(key, limit)
            for index, key in zip(self.indexes, keys, strict=True)
            if key is not None
        ]
        if not found:
            return np.zeros(0, dtype=np.int64)
        return np.unique(np.concatenate(found))
