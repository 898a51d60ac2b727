"""Matching where it matters: each new or changed registration, death record and tracing
request is matched, and the whole registry can be scanned.

One record is matched cheaply: its blocking keys (`haven.tracing.keys`) are looked up in the
indexed `MatchKey` table, only the records sharing a key are read, and the matching core
scores and explains them with the model the last scan estimated (or the core's priors).
Pairs at or above the possible threshold are stored as `Candidate`s; a pair a tracing
officer rejected (or confirmed) is never proposed again. Nothing is merged.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from haven.audit.trail import audited, read_only
from haven.core.services import Author
from haven.people.models import HeadcountClass, Person
from haven.planning.matching import (
    FieldEvidence,
    MatchModel,
    MatchSettings,
    PairExplanation,
    PersonRecord,
    Registry,
    ScoredPair,
    link,
)
from haven.planning.matching.compare import FAMILY, GIVEN, NULL, compare
from haven.planning.matching.explain import describe
from haven.planning.matching.model import field_specs, match_weights
from haven.tracing import keys as keying
from haven.tracing.choices import CandidateState, NoteStatus, RequestState
from haven.tracing.models import (
    OPEN_STATES,
    Candidate,
    MatchKey,
    StoredModel,
    TracingNote,
    TracingRequest,
)

log = logging.getLogger(__name__)

LIKELY_THRESHOLD = 0.9
POSSIBLE_THRESHOLD = 0.5
# The prior that a new registration is someone registered already, and that a person a
# relative seeks is registered here (Primero's experience: often).
REGISTRATION_IS_DUPLICATE = 0.05
SOUGHT_IS_REGISTERED = 0.5
CANDIDATES_PER_RECORD = 10
KEY_BATCH = 2000
PERSON_FIELDS = (
    "id",
    "given_name",
    "family_name",
    "full_name",
    "alternate_names",
    "sex",
    "date_of_birth",
    "birth_date_is_estimate",
    "phone",
    "status",
)


@read_only
def match_settings(today: date | None = None) -> MatchSettings:
    """The thresholds and the day ages count to."""
    return MatchSettings(
        reference_date=today or timezone.localdate(),
        likely_threshold=LIKELY_THRESHOLD,
        possible_threshold=POSSIBLE_THRESHOLD,
        max_block_size=keying.MAX_BLOCK_SIZE,
    )


@read_only
def current_model(settings: MatchSettings) -> MatchModel:
    """The model the last scan estimated; before any scan, the core's priors."""
    stored = StoredModel.objects.first()
    if stored is not None:
        try:
            return MatchModel.from_dict(stored.parameters, settings)
        except Exception:  # a model of other fields (an older Haven): priors serve
            log.warning("stored match model %s unreadable; using the priors", stored.pk)
    specs = field_specs(settings)
    return MatchModel(
        specs,
        tuple(spec.m_prior for spec in specs),
        tuple(spec.u_prior for spec in specs),
        prior_match=1e-4,
        matches_per_record=REGISTRATION_IS_DUPLICATE,
    )


def _registry_size() -> int:
    total = HeadcountClass.objects.aggregate(total=Sum("people"))["total"]
    return max(int(total or 0), 1)


def _write_keys(
    *, person: Person | None = None, request: TracingRequest | None = None, keys: set[str]
) -> None:
    owner: dict[str, Any] = {"person": person} if person is not None else {"request": request}
    MatchKey.objects.filter(**owner).delete()
    MatchKey.objects.bulk_create(MatchKey(key=key, **owner) for key in sorted(keys))


def _sharing(keys: set[str]) -> tuple[set[int], set[int]]:
    """(person ids, request ids) sharing a usable key (one not shared by too many)."""
    blocking = [key for key in keys if not key.startswith("#")]
    if not blocking:
        return set(), set()
    sizes = dict(
        MatchKey.objects.filter(key__in=blocking)
        .values_list("key")
        .annotate(members=Count("id"))
        .values_list("key", "members")
    )
    usable = [key for key, members in sizes.items() if members <= keying.MAX_BLOCK_SIZE]
    people: set[int] = set()
    requests: set[int] = set()
    for person_id, request_id in MatchKey.objects.filter(key__in=usable).values_list(
        "person_id", "request_id"
    ):
        if person_id is not None:
            people.add(person_id)
        else:
            requests.add(request_id)
    return people, requests


def _decided_people(
    *, request: TracingRequest | None = None, person: Person | None = None
) -> set[int]:
    """People already decided on (rejected or confirmed) with this request or person."""
    decided = Candidate.objects.exclude(state=CandidateState.PROPOSED)
    if request is not None:
        return set(decided.filter(request=request).values_list("person_id", flat=True))
    assert person is not None
    pairs = decided.filter(Q(first_person=person) | Q(person=person)).values_list(
        "first_person_id", "person_id"
    )
    return {other for pair in pairs for other in pair if other != person.pk and other}


def _decided_requests(person: Person) -> set[int]:
    return set(
        Candidate.objects.filter(person=person)
        .exclude(state=CandidateState.PROPOSED)
        .exclude(request=None)
        .values_list("request_id", flat=True)
    )


def _evidence(explanation: PairExplanation) -> list[dict[str, Any]]:
    return [
        {
            "field": item.field,
            "level": item.level,
            "weight": round(item.weight, 2),
            "words": item.words,
        }
        for item in explanation.evidence
    ]


def _propose(
    explanation: PairExplanation,
    *,
    request: TracingRequest | None,
    first: int | None,
    person_id: int,
) -> Candidate | None:
    """Store a pair as proposed (or refresh a proposed one); a decided pair is left alone."""
    label = explanation.label
    if label is None:
        return None
    if first is not None:
        first, person_id = min(first, person_id), max(first, person_id)
        lookup: dict[str, Any] = {"first_person_id": first, "person_id": person_id}
    else:
        lookup = {"request": request, "person_id": person_id}
    values = {
        "probability": explanation.probability,
        "match_weight": explanation.match_weight,
        "label": label,
        "evidence": _evidence(explanation),
    }
    existing = Candidate.objects.filter(**lookup).first()
    if existing is None:
        return Candidate.objects.create(**lookup, **values)
    if not existing.is_proposed:
        return None
    for name, value in values.items():
        setattr(existing, name, value)
    existing.save(update_fields=list(values))
    return existing


def _mark_possible(request: TracingRequest) -> None:
    """An open request with a proposed candidate moves to "possible match", with a note."""
    if request.state != RequestState.OPEN:
        return
    request.state = RequestState.POSSIBLE_MATCH
    request.updated_at = timezone.now()
    request.save(update_fields=["state", "updated_at"])
    TracingNote.objects.create(
        request=request,
        status=NoteStatus.NONE,
        author_name="Haven",
        text="A possible match was found in the registry.",
        state=RequestState.POSSIBLE_MATCH,
    )


def _score(
    query: PersonRecord,
    candidates: list[PersonRecord],
    settings: MatchSettings,
    *,
    base_chance: float,
) -> list[PairExplanation]:
    if not candidates:
        return []
    registry = Registry(candidates, settings, model=current_model(settings))
    chance = min(0.99, base_chance * len(candidates) / _registry_size())
    return registry.match(query, limit=CANDIDATES_PER_RECORD, chance_in_registry=max(chance, 1e-9))


def _open_requests(ids: Iterable[int]) -> list[TracingRequest]:
    return list(
        TracingRequest.objects.filter(pk__in=ids, consent_to_share=True, state__in=OPEN_STATES)
    )


@audited("tracing.match_person")
@transaction.atomic
def match_person(*, person: Person) -> list[Candidate]:
    """Match a registered person against the registry (a duplicate, a missing or dead
    person registered again) and against the open requests (someone sought)."""
    settings = match_settings()
    record = keying.person_record(person)
    keys = keying.blocking_keys(record)
    _write_keys(person=person, keys=keys | {keying.fingerprint(record, person.status)})
    people_ids, request_ids = _sharing(keys)
    people_ids -= {person.pk} | _decided_people(person=person)
    request_ids -= _decided_requests(person)
    others = [
        keying.person_record(p)
        for p in Person.objects.filter(pk__in=people_ids).only(*PERSON_FIELDS)
    ]
    requests = {r.pk: r for r in _open_requests(request_ids)}
    today = settings.reference_date
    found: list[Candidate] = []
    for explanation in _score(record, others, settings, base_chance=REGISTRATION_IS_DUPLICATE):
        other = int(explanation.record_id_b[1:])
        stored = _propose(explanation, request=None, first=person.pk, person_id=other)
        if stored is not None:
            found.append(stored)
    sought = [keying.request_record(r, today=today) for r in requests.values()]
    for explanation in _score(record, sought, settings, base_chance=SOUGHT_IS_REGISTERED):
        request = requests[int(explanation.record_id_b[1:])]
        stored = _propose(explanation, request=request, first=None, person_id=person.pk)
        if stored is not None:
            found.append(stored)
            _mark_possible(request)
    return found


@audited("tracing.match_request")
@transaction.atomic
def match_request(*, request: TracingRequest) -> list[Candidate]:
    """Match the person a request seeks against the registry: the living, the missing and
    the casualty register. Without consent to share nothing is matched (and no keys kept)."""
    if not request.consent_to_share or not request.is_open:
        MatchKey.objects.filter(request=request).delete()
        return []
    settings = match_settings()
    record = keying.request_record(request, today=settings.reference_date)
    keys = keying.blocking_keys(record)
    _write_keys(request=request, keys=keys)
    people_ids, _ = _sharing(keys)
    people_ids -= _decided_people(request=request)
    others = [
        keying.person_record(p)
        for p in Person.objects.filter(pk__in=people_ids).only(*PERSON_FIELDS)
    ]
    found: list[Candidate] = []
    for explanation in _score(record, others, settings, base_chance=SOUGHT_IS_REGISTERED):
        stored = _propose(
            explanation, request=request, first=None, person_id=int(explanation.record_id_b[1:])
        )
        if stored is not None:
            found.append(stored)
    if found:
        _mark_possible(request)
    return found


@read_only
def needs_matching(person: Person) -> bool:
    """Whether what matching reads of the person changed since it was last matched."""
    mark = keying.fingerprint(keying.person_record(person), person.status)
    return not MatchKey.objects.filter(person=person, key=mark).exists()


@audited("tracing.index_people")
@transaction.atomic
def index_people() -> int:
    """Write the blocking keys of every registered person who has none (people imported in
    bulk, written around the services); returns how many were indexed."""
    indexed = 0
    keyed = MatchKey.objects.filter(person__isnull=False, key__startswith="#")
    missing = Person.objects.exclude(pk__in=keyed.values("person_id")).only(*PERSON_FIELDS)
    # Rows written straight through the cursor: a model instance per key costs ten times more.
    quote = connection.ops.quote_name
    insert = (
        f"INSERT INTO {quote(MatchKey._meta.db_table)} ({quote('key')}, {quote('person_id')}) "
        "VALUES (%s, %s)"
    )
    batch: list[tuple[str, int]] = []
    with connection.cursor() as cursor:
        for person in missing.order_by("pk").iterator(chunk_size=KEY_BATCH):
            record = keying.person_record(person)
            keys = keying.blocking_keys(record) | {keying.fingerprint(record, person.status)}
            batch.extend((key, person.pk) for key in keys)
            indexed += 1
            if len(batch) >= KEY_BATCH * 5:
                cursor.executemany(insert, batch)
                batch = []
        if batch:
            cursor.executemany(insert, batch)
    return indexed


@read_only
def explain_pairs(registry: Registry, pairs: list[ScoredPair]) -> list[PairExplanation]:
    """Pairs of a scan explained field by field, all compared at once (the core explains
    one pair a call, which a scan of thousands of pairs cannot afford); scored as the scan
    scored them. Mirrors `engine._explain` with the core's public pieces."""
    if not pairs:
        return []
    prepared, settings = registry.prepared, registry.settings
    i = np.asarray([registry.position[pair.record_id_a] for pair in pairs], dtype=np.int64)
    j = np.asarray([registry.position[pair.record_id_b] for pair in pairs], dtype=np.int64)
    comparison = compare(prepared, i, prepared, j, settings)
    _, per_field = match_weights(registry.model, comparison, prepared, i, registry.frequencies)
    specs = field_specs(settings)
    spellings = prepared.names.spellings.words
    explained = []
    for k, pair in enumerate(pairs):
        first, second = registry.records[int(i[k])], registry.records[int(j[k])]
        evidence = []
        for f, spec in enumerate(specs):
            level = int(comparison.levels[k, f])
            used = ("", "")
            if f in (GIVEN, FAMILY):
                ids = (
                    (comparison.given_a[k], comparison.given_b[k])
                    if f == GIVEN
                    else (comparison.family_a[k], comparison.family_b[k])
                )
                used = (
                    spellings[int(ids[0])] if ids[0] >= 0 else "",
                    spellings[int(ids[1])] if ids[1] >= 0 else "",
                )
            evidence.append(
                FieldEvidence(
                    field=spec.key,
                    level="missing" if level == NULL else spec.level_names[level],
                    weight=float(per_field[k, f]),
                    words=describe(settings, f, level, first, second, used),
                )
            )
        if comparison.names_swapped[k]:
            evidence.append(
                FieldEvidence("name_order", "swapped", 0.0, "given and family names swapped")
            )
        explained.append(
            PairExplanation(
                pair.record_id_a,
                pair.record_id_b,
                pair.probability,
                pair.match_weight,
                pair.label.value,
                tuple(evidence),
            )
        )
    return explained


def _store_duplicates(explanations: list[PairExplanation]) -> int:
    """Store a scan's pairs of registered people in bulk: new ones created, proposed ones
    refreshed, decided ones left alone. Returns how many are proposed."""
    known = {
        (first, second): (pk, state)
        for pk, first, second, state in Candidate.objects.exclude(first_person=None).values_list(
            "pk", "first_person_id", "person_id", "state"
        )
    }
    new: list[Candidate] = []
    changed: list[Candidate] = []
    for explanation in explanations:
        a, b = int(explanation.record_id_a[1:]), int(explanation.record_id_b[1:])
        first, second = min(a, b), max(a, b)
        values = {
            "probability": explanation.probability,
            "match_weight": explanation.match_weight,
            "label": explanation.label,
            "evidence": _evidence(explanation),
        }
        existing = known.get((first, second))
        if existing is None:
            new.append(Candidate(first_person_id=first, person_id=second, **values))
            known[(first, second)] = (0, CandidateState.PROPOSED)
        elif existing[1] == CandidateState.PROPOSED and existing[0]:
            changed.append(Candidate(pk=existing[0], **values))
    Candidate.objects.bulk_create(new, batch_size=KEY_BATCH)
    Candidate.objects.bulk_update(
        changed, ["probability", "match_weight", "label", "evidence"], batch_size=KEY_BATCH
    )
    return len(new) + len(changed)


@dataclass(frozen=True, slots=True)
class ScanReport:
    """What a whole-registry scan compared and found, and how long it took."""

    people: int
    requests: int
    compared_pairs: int
    duplicate_pairs: int
    request_pairs: int
    new_candidates: int
    indexed: int
    seconds: float


@audited("tracing.scan_registry")
@transaction.atomic
def scan_registry(*, by: Author) -> ScanReport:
    """Scan the whole registry for people registered twice and for people open requests
    seek; store the pairs (rejected ones are never proposed again) and the estimated model."""
    started = time.perf_counter()
    indexed = index_people()
    settings = match_settings()
    people = [
        keying.person_record(p)
        for p in Person.objects.only(*PERSON_FIELDS).iterator(chunk_size=KEY_BATCH)
    ]
    rejected = [
        (f"p{a}", f"p{b}")
        for a, b in Candidate.objects.exclude(state=CandidateState.PROPOSED)
        .exclude(first_person=None)
        .values_list("first_person_id", "person_id")
    ]
    before = Candidate.objects.count()
    duplicate_pairs = request_pairs = compared = 0
    model: MatchModel | None = None
    if len(people) >= 2:
        registry = Registry(people, settings)
        result = registry.scan(exclude=rejected)
        model = result.model
        compared += result.candidate_pairs
        duplicate_pairs = _store_duplicates(explain_pairs(registry, list(result.pairs)))
        StoredModel.objects.create(records=len(people), parameters=model.to_dict())
    requests = {
        r.pk: r for r in TracingRequest.objects.filter(consent_to_share=True, state__in=OPEN_STATES)
    }
    for request in requests.values():
        _write_keys(
            request=request,
            keys=keying.blocking_keys(
                keying.request_record(request, today=settings.reference_date)
            ),
        )
    if requests and people:
        sought = [
            keying.request_record(r, today=settings.reference_date) for r in requests.values()
        ]
        decided = [
            (f"r{r}", f"p{p}")
            for r, p in Candidate.objects.exclude(state=CandidateState.PROPOSED)
            .exclude(request=None)
            .values_list("request_id", "person_id")
        ]
        linked = link(sought, people, settings, model=model, exclude=decided)
        compared += linked.candidate_pairs
        by_id = {record.record_id: record for record in [*sought, *people]}
        for pair in linked.pairs:
            request = requests[int(pair.record_id_a[1:])]
            explained = Registry(
                [by_id[pair.record_id_b]], settings, model=model or current_model(settings)
            ).match(by_id[pair.record_id_a], limit=1, chance_in_registry=SOUGHT_IS_REGISTERED)
            if not explained:
                continue
            # Scored as the scan scored it; the words are the explanation's.
            explanation = dataclasses.replace(
                explained[0],
                probability=pair.probability,
                match_weight=pair.match_weight,
                label=pair.label.value,
            )
            person_id = int(pair.record_id_b[1:])
            if _propose(explanation, request=request, first=None, person_id=person_id):
                request_pairs += 1
                _mark_possible(request)
    return ScanReport(
        people=len(people),
        requests=len(requests),
        compared_pairs=compared,
        duplicate_pairs=duplicate_pairs,
        request_pairs=request_pairs,
        new_candidates=Candidate.objects.count() - before,
        indexed=indexed,
        seconds=time.perf_counter() - started,
    )
