"""Fellegi–Sunter weights: m and u per level, estimated without labels, and the scores.

u (how often two different people agree at a level) comes from random pairs; m (how often
one person's two records do) and the share of true pairs come from expectation maximisation
over the candidate pairs, starting from — and pulled towards — priors that say what a
registration desk gets wrong. A pair's match weight is the log₂ prior odds plus, per field,
log₂(m/u) of its level (nothing for a missing field); agreeing on a common name or birth
date counts for less than on a rare one (term frequencies, as in splink).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from haven.planning.errors import PlanningInputError
from haven.planning.matching.compare import (
    BIRTH,
    FAMILY,
    FIRST_EXTRA,
    GIVEN,
    NULL,
    PHONE,
    BirthLevel,
    Comparison,
    ExtraLevel,
    FloatArray,
    LevelArray,
    NameLevel,
    PhoneLevel,
    SexLevel,
)
from haven.planning.matching.records import MatchSettings, PreparedRecords, SmallArray

# Probabilities are kept away from 0 and 1 so that no single level decides alone.
FLOOR = 1e-6
# Pseudo-counts of the priors: they decide on a short list and fade on a long one.
M_PRIOR_STRENGTH = 30.0
U_PRIOR_STRENGTH = 300.0
FREQUENCY_PRIOR_RECORDS = 500.0


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One compared field: its key, words, level names, and the m and u priors per level.

    The m prior says how often one person's two records agree at each level (what a
    registration desk gets wrong); the u prior how often two people's records do.
    """

    key: str
    label: str
    level_names: tuple[str, ...]
    m_prior: tuple[float, ...]
    u_prior: tuple[float, ...]
    frequency_levels: tuple[int, ...] = ()


def field_specs(settings: MatchSettings) -> tuple[FieldSpec, ...]:
    """The fields compared under these settings, in the column order of the levels."""
    name_levels = tuple(level.name.lower() for level in NameLevel)
    name_m = (0.03, 0.02, 0.04, 0.11, 0.06, 0.74)
    name_u = (0.88, 0.08, 0.02, 0.006, 0.004, 0.01)
    by_value = (NameLevel.VARIANT, NameLevel.EXACT)
    fields = [
        FieldSpec("given_name", "given names", name_levels, name_m, name_u, by_value),
        FieldSpec("family_name", "family names", name_levels, name_m, name_u, by_value),
        FieldSpec(
            "birth",
            "date of birth or age",
            tuple(level.name.lower() for level in BirthLevel),
            (0.04, 0.08, 0.03, 0.08, 0.03, 0.74),
            (0.9, 0.08, 0.01, 0.008, 0.0002, 0.0003),
            (BirthLevel.EXACT,),
        ),
        FieldSpec(
            "sex", "sex", tuple(level.name.lower() for level in SexLevel), (0.03, 0.97), (0.5, 0.5)
        ),
        FieldSpec(
            "phone",
            "phone",
            tuple(level.name.lower() for level in PhoneLevel),
            (0.2, 0.1, 0.7),
            (0.9999, 0.00005, 0.00005),
        ),
    ]
    for extra in settings.extra_fields:
        fields.append(
            FieldSpec(
                extra.name,
                extra.label,
                tuple(level.name.lower() for level in ExtraLevel),
                (0.08, 0.04, 0.08, 0.80),
                (0.9, 0.04, 0.03, 0.03),
                (ExtraLevel.EXACT,),
            )
        )
    return tuple(fields)


@dataclass(frozen=True, slots=True)
class MatchModel:
    """Estimated parameters: m and u per field and level, and the prior match probability.

    `prior_match` is the probability that two records drawn at random are one person; it
    falls as the registry grows, so a model estimated on one registry is rescaled by
    `for_registry` before scoring pairs of a larger or smaller one.
    `u_phone_within_family` is u of the phone levels between different people of one
    family name: a household shares a phone, so there a shared phone says less.
    """

    fields: tuple[FieldSpec, ...]
    m: tuple[tuple[float, ...], ...]
    u: tuple[tuple[float, ...], ...]
    prior_match: float
    matches_per_record: float
    u_phone_within_family: tuple[float, ...] = ()

    def weights(self) -> list[FloatArray]:
        """log₂(m/u) of each level of each field."""
        return [np.log2(np.asarray(m) / np.asarray(u)) for m, u in zip(self.m, self.u, strict=True)]

    def for_registry(self, *, records: int, pairs: float) -> MatchModel:
        """The same model with the prior for a registry of `records` forming `pairs` pairs."""
        prior = float(np.clip(self.matches_per_record * records / max(pairs, 1.0), 1e-12, 0.5))
        return MatchModel(
            self.fields, self.m, self.u, prior, self.matches_per_record, self.u_phone_within_family
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain data, to be stored and read back with `from_dict`."""
        return {
            "prior_match": self.prior_match,
            "matches_per_record": self.matches_per_record,
            "u_phone_within_family": list(self.u_phone_within_family),
            "fields": [
                {"key": spec.key, "levels": list(spec.level_names), "m": list(m), "u": list(u)}
                for spec, m, u in zip(self.fields, self.m, self.u, strict=True)
            ],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], settings: MatchSettings) -> MatchModel:
        """A model stored by `to_dict`, checked against the fields these settings compare."""
        specs = field_specs(settings)
        stored = data.get("fields", [])
        keys = [entry.get("key") for entry in stored]
        if keys != [spec.key for spec in specs]:
            raise PlanningInputError(
                f"stored model compares {', '.join(map(str, keys))}; "
                f"these settings compare {', '.join(spec.key for spec in specs)}"
            )
        m = tuple(tuple(float(v) for v in entry["m"]) for entry in stored)
        u = tuple(tuple(float(v) for v in entry["u"]) for entry in stored)
        for spec, m_values, u_values in zip(specs, m, u, strict=True):
            if len(m_values) != len(spec.level_names) or len(u_values) != len(spec.level_names):
                raise PlanningInputError(f"stored model has the wrong levels for {spec.key}")
        return cls(
            specs,
            m,
            u,
            float(data["prior_match"]),
            float(data["matches_per_record"]),
            tuple(float(v) for v in data.get("u_phone_within_family", [])),
        )


def prior_model(settings: MatchSettings, *, prior_match: float = 1e-4) -> MatchModel:
    """The model the priors alone give: for a handful of records, too few to estimate from
    (one registration checked against the namesakes the database found)."""
    specs = field_specs(settings)

    def shares(values: tuple[float, ...]) -> tuple[float, ...]:
        return tuple(value / sum(values) for value in values)

    return MatchModel(
        specs,
        tuple(shares(spec.m_prior) for spec in specs),
        tuple(shares(spec.u_prior) for spec in specs),
        prior_match,
        matches_per_record=0.1,
    )


def _level_shares(
    levels: LevelArray, size: int, weight: FloatArray | None, prior: FloatArray
) -> FloatArray:
    """Share of each level among the non-missing values, with prior pseudo-counts."""
    present = levels != NULL
    counts = np.bincount(
        levels[present].astype(np.int64),
        weights=None if weight is None else weight[present],
        minlength=size,
    )[:size]
    shares = (counts + prior) / (counts.sum() + prior.sum())
    return np.asarray(np.clip(shares, FLOOR, 1.0), dtype=np.float64)


def estimate_u(fields: Sequence[FieldSpec], random_levels: LevelArray) -> list[FloatArray]:
    """u per level from random pairs (almost all different people), drawn to the prior."""
    return [
        _level_shares(
            random_levels[:, f],
            len(spec.level_names),
            None,
            U_PRIOR_STRENGTH * np.asarray(spec.u_prior) / sum(spec.u_prior),
        )
        for f, spec in enumerate(fields)
    ]


def _posterior(
    levels: LevelArray, share: float, m: list[FloatArray], u: list[FloatArray], used: list[int]
) -> FloatArray:
    """Probability that each pair is a match, from the fields in `used`."""
    log_ratio = np.full(len(levels), math.log(share / (1.0 - share)))
    for f in used:
        column = levels[:, f]
        present = column != NULL
        log_ratio[present] += (np.log(m[f]) - np.log(u[f]))[column[present]]
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(log_ratio, -60, 60))), dtype=np.float64)


def estimate(
    fields: Sequence[FieldSpec],
    sessions: Sequence[tuple[LevelArray, tuple[int, ...]]],
    candidate_levels: LevelArray,
    random_levels: LevelArray,
    family_levels: LevelArray,
    *,
    candidate_pairs: int,
    total_pairs: float,
    records: int,
    iterations: int,
) -> MatchModel:
    """m by EM in training sessions, u from random pairs, the prior from all candidates.

    Each session holds the pairs of one blocking key and leaves out the fields that key
    makes agree: among people with the same names, the other fields tell the true pairs
    from the namesakes, and there random-pair u describes the namesakes well. (One EM over
    every candidate would take "same common name" for "same person".) A field's m is the
    average over the sessions that learnt it, weighted by their expected true pairs.
    """
    u = estimate_u(fields, random_levels)
    m_priors = [M_PRIOR_STRENGTH * np.asarray(spec.m_prior) for spec in fields]
    prior_m = [prior / prior.sum() for prior in m_priors]
    learnt: list[list[tuple[float, FloatArray]]] = [[] for _ in fields]
    for levels, fixed in sessions:
        if len(levels) == 0:
            continue
        used = [f for f in range(len(fields)) if f not in fixed]
        m = [values.copy() for values in prior_m]
        share = 0.1
        for _ in range(iterations):
            matched = _posterior(levels, share, m, u, used)
            new_share = float(np.clip(matched.mean(), 1e-9, 1 - 1e-9))
            for f in used:
                m[f] = _level_shares(levels[:, f], len(fields[f].level_names), matched, m_priors[f])
            converged = abs(new_share - share) < 1e-6
            share = new_share
            if converged:
                break
        weight = share * len(levels)
        for f in used:
            learnt[f].append((weight, m[f]))
    m_final = []
    for f, estimates in enumerate(learnt):
        total = sum(weight for weight, _ in estimates)
        if total <= 0:
            m_final.append(prior_m[f])
        else:
            m_final.append(sum(weight * values for weight, values in estimates) / total)
    # How many true pairs there are, the way splink estimates it from deterministic rules:
    # pairs agreeing on both names and the date of birth are nearly all true, and the
    # model says which share of true pairs agree so (its recall).
    names_agree = (candidate_levels[:, GIVEN] >= NameLevel.VARIANT) & (
        candidate_levels[:, FAMILY] >= NameLevel.VARIANT
    )
    birth_agrees = np.isin(candidate_levels[:, BIRTH], (BirthLevel.EXACT, BirthLevel.SWAPPED))
    present = (candidate_levels[:, [GIVEN, FAMILY, BIRTH]] != NULL).all(axis=1)
    recall = (
        float(present.mean() if len(present) else 0.0)
        * float(m_final[GIVEN][NameLevel.VARIANT :].sum())
        * float(m_final[FAMILY][NameLevel.VARIANT :].sum())
        * float(m_final[BIRTH][BirthLevel.SWAPPED :].sum())
    )
    sure = float(np.count_nonzero(names_agree & birth_agrees))
    share = min(0.5, sure / max(recall, 1e-3) / max(len(candidate_levels), 1))
    expected_matches = max(share * candidate_pairs, 1.0)
    prior_match = float(np.clip(expected_matches / max(total_pairs, 1.0), 1e-12, 0.5))
    return MatchModel(
        tuple(fields),
        tuple(tuple(float(v) for v in values) for values in m_final),
        tuple(tuple(float(v) for v in values) for values in u),
        prior_match,
        matches_per_record=expected_matches / max(records, 1),
        u_phone_within_family=tuple(
            float(v)
            for v in _level_shares(
                family_levels[:, PHONE],
                len(fields[PHONE].level_names),
                None,
                U_PRIOR_STRENGTH * u[PHONE],
            )
        ),
    )


@dataclass(slots=True)
class Frequencies:
    """How common each group-form name, birth date and extra value is in a registry."""

    name_share: dict[int, float]
    birth_share: dict[int, float]
    extra_share: list[dict[int, float]]
    floor: float

    @classmethod
    def of(cls, prepared: PreparedRecords) -> Frequencies:
        """Count the values of a prepared registry."""
        canonical = np.asarray(prepared.names.canonical, dtype=np.int32)

        def shares(values: SmallArray | npt.NDArray[np.int64]) -> dict[int, float]:
            present = values[values >= 0]
            if not len(present):
                return {}
            keys, counts = np.unique(present, return_counts=True)
            return dict(zip(keys.tolist(), (counts / len(present)).tolist(), strict=True))

        names = np.concatenate([prepared.given, prepared.family])
        names = names[names >= 0]
        # A name's share of the people, in either name field (names get swapped).
        name_groups, name_counts = np.unique(canonical[names], return_counts=True)
        records = max(len(prepared), 1)
        return cls(
            name_share=dict(
                zip(name_groups.tolist(), (name_counts / records).tolist(), strict=True)
            ),
            birth_share=shares(prepared.born_day),
            extra_share=[shares(values) for values in prepared.extras],
            floor=1.0 / max(len(prepared), 1),
        )


def _frequency_adjustment(
    levels: LevelArray,
    frequency_levels: tuple[int, ...],
    u_values: FloatArray,
    shares: FloatArray,
    records: int,
) -> FloatArray:
    """log₂(u of the level / share of the value) where the level counts the value.

    A short list says little about how common a name is, so its shares are drawn towards
    the level's average (as if `FREQUENCY_PRIOR_RECORDS` more records were typical).
    """
    adjustment = np.zeros(len(levels))
    for level in frequency_levels:
        hit = levels == level
        if hit.any():
            share = (shares[hit] * records + FREQUENCY_PRIOR_RECORDS * u_values[level]) / (
                records + FREQUENCY_PRIOR_RECORDS
            )
            adjustment[hit] = np.log2(u_values[level] / share)
    return adjustment


def match_weights(
    model: MatchModel,
    comparison: Comparison,
    a: PreparedRecords,
    ia: npt.NDArray[np.int64],
    frequencies: Frequencies,
) -> tuple[FloatArray, FloatArray]:
    """(total match weight, per-field weights pairs × fields) of each compared pair."""
    levels = comparison.levels
    per_field = np.zeros(levels.shape, dtype=np.float64)
    canonical = np.asarray(a.names.canonical, dtype=np.int32)
    for f, weights in enumerate(model.weights()):
        column = levels[:, f]
        present = column != NULL
        per_field[present, f] = weights[column[present]]
        if f == PHONE and model.u_phone_within_family:
            within = present & (levels[:, FAMILY] >= NameLevel.VARIANT)
            family_weights = np.log2(
                np.asarray(model.m[f]) / np.asarray(model.u_phone_within_family)
            )
            per_field[within, f] = family_weights[column[within]]
        spec = model.fields[f]
        if not spec.frequency_levels:
            continue
        shares = _value_shares(f, comparison, a, ia, canonical, frequencies)
        per_field[:, f] += _frequency_adjustment(
            column,
            spec.frequency_levels,
            np.asarray(model.u[f]),
            shares,
            round(1.0 / frequencies.floor),
        )
    prior = math.log2(model.prior_match / (1.0 - model.prior_match))
    return prior + per_field.sum(axis=1), per_field


def _value_shares(
    f: int,
    comparison: Comparison,
    a: PreparedRecords,
    ia: npt.NDArray[np.int64],
    canonical: SmallArray,
    frequencies: Frequencies,
) -> FloatArray:
    """Share of the agreed value in the registry (the commoner side, for spelling variants)."""
    floor = frequencies.floor
    if f in (GIVEN, FAMILY):
        first, second = (
            (comparison.given_a, comparison.given_b)
            if f == GIVEN
            else (comparison.family_a, comparison.family_b)
        )
        table = frequencies.name_share

        def share(ids: SmallArray) -> FloatArray:
            groups = np.where(ids >= 0, canonical[np.maximum(ids, 0)], -1)
            return np.asarray([table.get(g, floor) for g in groups.tolist()])

        return np.maximum(np.maximum(share(first), share(second)), floor)
    if f == BIRTH:
        return np.asarray(
            [frequencies.birth_share.get(day, floor) for day in a.born_day[ia].tolist()]
        )
    position = f - FIRST_EXTRA
    table = frequencies.extra_share[position]
    return np.asarray([table.get(value, floor) for value in a.extras[position][ia].tolist()])


def probability(weight: FloatArray) -> FloatArray:
    """Match probability from a match weight (log₂ odds)."""
    return 1.0 / (1.0 + np.exp2(-np.clip(weight, -200.0, 200.0)))
