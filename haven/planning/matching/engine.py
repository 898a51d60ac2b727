"""The matching engine: index a registry, scan it for duplicates, match one record against it,
link two lists, and explain any pair.

    registry = Registry(records, MatchSettings(reference_date=today))
    registry.scan(exclude=rejected).pairs        # every likely or possible duplicate
    registry.match(new_registration, limit=5)    # ranked, explained candidates
    registry.explain("P-17", "P-230")            # one pair, field by field
    link(requests, registry_records, settings)   # two lists against each other
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from haven.planning.errors import PlanningInputError
from haven.planning.matching import explain as words
from haven.planning.matching.blocking import Blocking
from haven.planning.matching.compare import NULL, Comparison, FloatArray, compare
from haven.planning.matching.model import (
    Frequencies,
    MatchModel,
    estimate,
    field_specs,
    match_weights,
    probability,
)
from haven.planning.matching.records import (
    IntArray,
    MatchSettings,
    PersonRecord,
    PreparedRecords,
    prepare,
)

CHUNK_PAIRS = 500_000
# A single query may look into larger blocks than a scan: its cost grows only linearly.
QUERY_BLOCK_FACTOR = 25


class Label(StrEnum):
    LIKELY = "likely"
    POSSIBLE = "possible"


@dataclass(frozen=True, slots=True)
class ScoredPair:
    """Two records judged possibly or likely the same person."""

    record_id_a: str
    record_id_b: str
    probability: float
    match_weight: float
    label: Label


@dataclass(frozen=True, slots=True)
class ScanResult:
    """Pairs at or above the possible threshold, most probable first, and what it took."""

    pairs: tuple[ScoredPair, ...]
    candidate_pairs: int
    skipped_blocks: int
    model: MatchModel

    def likely(self) -> tuple[ScoredPair, ...]:
        """Only the pairs labelled likely."""
        return tuple(pair for pair in self.pairs if pair.label is Label.LIKELY)


def label_for(value: float, settings: MatchSettings) -> Label | None:
    """Likely, possible, or None for a match probability."""
    if value >= settings.likely_threshold:
        return Label.LIKELY
    if value >= settings.possible_threshold:
        return Label.POSSIBLE
    return None


def _pair_key(first: str, second: str) -> tuple[str, str]:
    return (first, second) if first <= second else (second, first)


def _random_pairs(
    rng: np.random.Generator, count: int, records: int, split: int | None
) -> tuple[IntArray, IntArray]:
    """Pairs of records drawn at random; every pair when there are no more than `count`."""
    if split is None and records * (records - 1) // 2 <= count:
        upper_left, upper_right = np.triu_indices(records, 1)
        return upper_left.astype(np.int64), upper_right.astype(np.int64)
    if split is not None and split * (records - split) <= count:
        grid_left, grid_right = np.meshgrid(
            np.arange(split), np.arange(split, records), indexing="ij"
        )
        return grid_left.ravel().astype(np.int64), grid_right.ravel().astype(np.int64)
    if split is None:
        left = rng.integers(0, records, count)
        right = rng.integers(0, records, count)
        keep = left != right
        return left[keep], right[keep]
    return rng.integers(0, split, count), rng.integers(split, records, count)


def _random_pairs_within_family(
    rng: np.random.Generator, prepared: PreparedRecords, count: int, split: int | None
) -> tuple[IntArray, IntArray]:
    """Random pairs of records with one family name (group form), each such pair as likely."""
    family = np.asarray(prepared.names.canonical, dtype=np.int32)[np.maximum(prepared.family, 0)]
    family[prepared.family < 0] = -1
    rows = np.nonzero(family >= 0)[0]
    order = rows[np.argsort(family[rows], kind="stable")]
    _, starts, sizes = np.unique(family[order], return_index=True, return_counts=True)
    pairs_in_group = sizes * (sizes - 1) / 2.0
    if pairs_in_group.sum() == 0 or count <= 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    group = rng.choice(len(sizes), count, p=pairs_in_group / pairs_in_group.sum())
    first = rng.integers(0, sizes[group])
    second = (first + rng.integers(1, np.maximum(sizes[group], 2))) % sizes[group]
    left, right = order[starts[group] + first], order[starts[group] + second]
    if split is not None:
        across = (np.minimum(left, right) < split) & (np.maximum(left, right) >= split)
        left, right = left[across], right[across]
    return left.astype(np.int64), right.astype(np.int64)


def _fit(
    prepared: PreparedRecords,
    blocking: Blocking,
    left: IntArray,
    right: IntArray,
    settings: MatchSettings,
    split: int | None,
) -> MatchModel:
    """Estimate the model on the candidate pairs (a sample if many) and random pairs."""
    records = len(prepared)
    rng = np.random.default_rng(settings.seed)
    sample = (
        rng.choice(len(left), settings.em_sample_pairs, replace=False)
        if len(left) > settings.em_sample_pairs
        else np.arange(len(left))
    )
    candidate_levels = compare(prepared, left[sample], prepared, right[sample], settings).levels
    sessions = []
    for index, fixed in blocking.training_sessions():
        session_left, session_right, _ = index.pairs(settings.max_block_size)
        if split is not None:
            across = (session_left < split) & (session_right >= split)
            session_left, session_right = session_left[across], session_right[across]
        if len(session_left) > settings.em_sample_pairs // 2:
            chosen = rng.choice(len(session_left), settings.em_sample_pairs // 2, replace=False)
            session_left, session_right = session_left[chosen], session_right[chosen]
        levels = compare(prepared, session_left, prepared, session_right, settings).levels
        sessions.append((levels, fixed))
    total_pairs = records * (records - 1) / 2 if split is None else float(split * (records - split))
    draws = int(min(settings.u_sample_pairs, max(total_pairs, 1)))
    random_left, random_right = _random_pairs(rng, draws, records, split)
    random_levels = compare(prepared, random_left, prepared, random_right, settings).levels
    family_left, family_right = _random_pairs_within_family(rng, prepared, draws // 10, split)
    family_levels = compare(prepared, family_left, prepared, family_right, settings).levels
    return estimate(
        field_specs(settings),
        sessions,
        candidate_levels,
        random_levels,
        family_levels,
        candidate_pairs=len(left),
        total_pairs=total_pairs,
        records=records,
        iterations=settings.em_iterations,
    )


def _scan(
    prepared: PreparedRecords,
    blocking: Blocking,
    settings: MatchSettings,
    model: MatchModel | None,
    exclude: Iterable[tuple[str, str]],
    split: int | None,
) -> ScanResult:
    left, right, skipped = blocking.candidate_pairs(len(prepared), split=split)
    excluded = {_pair_key(a, b) for a, b in exclude}
    if excluded:
        ids = prepared.ids
        keep = np.fromiter(
            (
                _pair_key(ids[i], ids[j]) not in excluded
                for i, j in zip(left.tolist(), right.tolist(), strict=True)
            ),
            dtype=np.bool_,
            count=len(left),
        )
        left, right = left[keep], right[keep]
    if model is None:
        model = _fit(prepared, blocking, left, right, settings, split)
    frequencies = Frequencies.of(prepared)
    found: list[tuple[float, float, int, int]] = []
    for start in range(0, len(left), CHUNK_PAIRS):
        chunk_left, chunk_right = (
            left[start : start + CHUNK_PAIRS],
            right[start : start + CHUNK_PAIRS],
        )
        comparison = compare(prepared, chunk_left, prepared, chunk_right, settings)
        weight, _ = match_weights(model, comparison, prepared, chunk_left, frequencies)
        chance = probability(weight)
        hits = np.nonzero(chance >= settings.possible_threshold)[0]
        found.extend(
            zip(
                chance[hits].tolist(),
                weight[hits].tolist(),
                chunk_left[hits].tolist(),
                chunk_right[hits].tolist(),
                strict=True,
            )
        )
    found.sort(key=lambda item: (-item[1], item[2], item[3]))
    ids = prepared.ids
    pairs = []
    for chance_value, weight_value, i, j in found:
        label = label_for(chance_value, settings)
        assert label is not None
        pairs.append(ScoredPair(ids[i], ids[j], chance_value, weight_value, label))
    return ScanResult(tuple(pairs), len(left), skipped, model)


class Registry:
    """An indexed registry: prepared once, then scanned, queried and explained quickly.

    Without a `model`, one is estimated from the registry itself (EM, no labels needed).
    """

    def __init__(
        self,
        records: Sequence[PersonRecord],
        settings: MatchSettings,
        *,
        model: MatchModel | None = None,
    ) -> None:
        self.records = list(records)
        self.settings = settings
        self.prepared = prepare(self.records, settings)
        self.blocking = Blocking.build(self.prepared, settings)
        self.frequencies = Frequencies.of(self.prepared)
        self.position = {record.record_id: row for row, record in enumerate(self.records)}
        self._model = model

    @property
    def model(self) -> MatchModel:
        """The model in use, estimated on first need."""
        if self._model is None:
            left, right, _ = self.blocking.candidate_pairs(len(self.prepared))
            self._model = _fit(self.prepared, self.blocking, left, right, self.settings, None)
        return self._model

    def scan(self, *, exclude: Iterable[tuple[str, str]] = ()) -> ScanResult:
        """Every pair of records that may be one person, except the excluded (rejected) pairs."""
        result = _scan(self.prepared, self.blocking, self.settings, self._model, exclude, None)
        self._model = result.model
        return result

    def match(
        self,
        record: PersonRecord,
        *,
        limit: int = 10,
        exclude: Collection[str] = (),
        chance_in_registry: float = 0.1,
        registry_size: int | None = None,
    ) -> list[words.PairExplanation]:
        """The registry records that may be this person, most probable first, explained.

        `exclude` names registry records not to propose (the record itself, rejected pairs).
        `chance_in_registry` is the prior that the person is registered at all (a new
        registration is seldom a duplicate; someone sought by a relative often is here).
        `registry_size`: these records are candidates a database found among that many
        people; every one of them is compared and the prior counts the whole registry.
        """
        if limit < 1:
            raise PlanningInputError(f"limit {limit} is below 1")
        if not 0 < chance_in_registry < 1:
            raise PlanningInputError(
                f"chance in registry {chance_in_registry} is not between 0 and 1"
            )
        if registry_size is not None and registry_size < len(self.records):
            raise PlanningInputError(
                f"registry size {registry_size} is below the {len(self.records)} records given"
            )
        model = dataclasses.replace(
            self.model,
            prior_match=chance_in_registry / max(registry_size or len(self.records), 1),
        )
        query = prepare(
            [record],
            self.settings,
            names=self.prepared.names,
            extra_vocabularies=self.prepared.extra_vocabularies,
        )
        found = (
            np.arange(len(self.records), dtype=np.int64)
            if registry_size is not None
            else self.blocking.candidates_for(
                query, 0, limit=self.settings.max_block_size * QUERY_BLOCK_FACTOR
            )
        )
        if exclude:
            skip = {self.position[i] for i in exclude if i in self.position}
            found = np.asarray([row for row in found.tolist() if row not in skip], dtype=np.int64)
        if not len(found):
            return []
        queries = np.zeros(len(found), dtype=np.int64)
        comparison = compare(query, queries, self.prepared, found, self.settings)
        weight, per_field = match_weights(model, comparison, query, queries, self.frequencies)
        chance = probability(weight)
        order = [
            k
            for k in np.argsort(-weight, kind="stable").tolist()
            if chance[k] >= self.settings.possible_threshold
        ]
        return [
            _explain(
                self.settings,
                self.prepared.names.spellings.words,
                comparison,
                k,
                record,
                self.records[found[k]],
                weight,
                per_field,
            )
            for k in order[:limit]
        ]

    def explain(self, first_id: str, second_id: str) -> words.PairExplanation:
        """Both records of the registry, compared field by field."""
        for record_id in (first_id, second_id):
            if record_id not in self.position:
                raise PlanningInputError(f"no record {record_id!r} in the registry")
        i = np.asarray([self.position[first_id]], dtype=np.int64)
        j = np.asarray([self.position[second_id]], dtype=np.int64)
        comparison = compare(self.prepared, i, self.prepared, j, self.settings)
        weight, per_field = match_weights(
            self.model, comparison, self.prepared, i, self.frequencies
        )
        return _explain(
            self.settings,
            self.prepared.names.spellings.words,
            comparison,
            0,
            self.records[int(i[0])],
            self.records[int(j[0])],
            weight,
            per_field,
        )


def _explain(
    settings: MatchSettings,
    spellings: list[str],
    comparison: Comparison,
    k: int,
    first: PersonRecord,
    second: PersonRecord,
    weight: FloatArray,
    per_field: FloatArray,
) -> words.PairExplanation:
    evidence = []
    specs = field_specs(settings)
    levels = comparison.levels[k]
    for f, spec in enumerate(specs):
        level = int(levels[f])
        names_used = ("", "")
        if f in (0, 1):
            ids = (
                (comparison.given_a[k], comparison.given_b[k])
                if f == 0
                else (comparison.family_a[k], comparison.family_b[k])
            )
            names_used = (
                spellings[int(ids[0])] if ids[0] >= 0 else "",
                spellings[int(ids[1])] if ids[1] >= 0 else "",
            )
        evidence.append(
            words.FieldEvidence(
                field=spec.key,
                level="missing" if level == NULL else spec.level_names[level],
                weight=float(per_field[k, f]),
                words=words.describe(settings, f, level, first, second, names_used),
            )
        )
    if comparison.names_swapped[k]:
        evidence.append(
            words.FieldEvidence("name_order", "swapped", 0.0, "given and family names swapped")
        )
    chance = float(probability(weight[k : k + 1])[0])
    return words.PairExplanation(
        first.record_id,
        second.record_id,
        chance,
        float(weight[k]),
        None if (label := label_for(chance, settings)) is None else label.value,
        tuple(evidence),
    )


def link(
    first: Sequence[PersonRecord],
    second: Sequence[PersonRecord],
    settings: MatchSettings,
    *,
    model: MatchModel | None = None,
    exclude: Iterable[tuple[str, str]] = (),
) -> ScanResult:
    """Pairs across two lists (tracing requests against a registry, two agencies' lists)."""
    records = [*first, *second]
    prepared = prepare(records, settings)
    blocking = Blocking.build(prepared, settings)
    return _scan(prepared, blocking, settings, model, exclude, len(first))
