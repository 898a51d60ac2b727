"""Tracing requests and the matcher on the database: a sought person is found, explained,
confirmed or rejected, and a rejected pair never comes back."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from haven.audit.models import AuditEvent
from haven.core.errors import HavenError
from haven.people import services as people
from haven.tracing import hooks, matcher, services
from haven.tracing.choices import CandidateState, NoteStatus, Outcome, RequestState
from haven.tracing.models import Candidate, MatchKey, StoredModel, TracingRequest


def _register(clerk: Any, **details: Any) -> Any:
    person = people.register_person(by=clerk, **details)
    hooks.person_saved(person.pk)  # what the on-commit hook does after the transaction
    return person


@pytest.fixture
def registry(users: dict[str, Any]) -> dict[str, Any]:
    clerk = users["clerk"]
    return {
        "akobirov": _register(
            clerk,
            given_name="Rustam",
            family_name="Akobirov",
            sex="m",
            date_of_birth=date(1984, 3, 12),
            phone="+992 93 555 1234",
        ),
        "haddad": _register(
            clerk, given_name="Layla", family_name="Haddad", sex="f", date_of_birth=date(1990, 7, 4)
        ),
        "other": _register(
            clerk, given_name="Olena", family_name="Boyko", sex="f", date_of_birth=date(1975, 1, 2)
        ),
    }


def _ask(clerk: Any, **details: Any) -> Any:
    values = {"asker_name": "Dilnoza Akobirova", "consent_to_share": True, **details}
    return services.open_request(by=clerk, **values)


def test_a_sought_person_spelled_otherwise_is_proposed_with_reasons(
    users: dict[str, Any], registry: dict[str, Any]
) -> None:
    request = _ask(
        users["clerk"],
        given_name="Rustam",
        family_name="Akobirow",
        sex="m",
        age_min=40,
        age_max=44,
        asker_relationship="sister",
    )
    candidates = list(request.candidates.all())
    assert [c.person for c in candidates] == [registry["akobirov"]]
    assert request.state == RequestState.POSSIBLE_MATCH
    words = " ".join(item["words"] for item in candidates[0].evidence)
    assert "family names" in words and "Akobirow" in words
    assert candidates[0].label in {"likely", "possible"}
    assert [n.state for n in request.notes.all()] == ["open", "possible_match"]


def test_without_consent_nothing_is_matched(
    users: dict[str, Any], registry: dict[str, Any]
) -> None:
    request = _ask(
        users["clerk"], given_name="Rustam", family_name="Akobirov", consent_to_share=False
    )
    assert not request.candidates.exists()
    assert not MatchKey.objects.filter(request=request).exists()
    assert request.state == RequestState.OPEN


def test_confirming_reunifies_and_is_audited(
    users: dict[str, Any], registry: dict[str, Any]
) -> None:
    request = _ask(
        users["clerk"], given_name="Layla", family_name="Hadad", sex="f", age_min=34, age_max=37
    )
    candidate = request.candidates.get()
    services.confirm_candidate(by=users["clerk"], candidate=candidate, note="sister recognised her")
    request.refresh_from_db()
    assert request.state == RequestState.CONFIRMED
    assert request.outcome == Outcome.REUNIFIED
    assert request.found_person == registry["haddad"]
    last = request.notes.last()
    assert last is not None and last.status == NoteStatus.BELIEVED_ALIVE
    assert AuditEvent.objects.filter(action="tracing.confirm_candidate").count() == 1
    with pytest.raises(HavenError, match="already confirmed"):
        services.reject_candidate(by=users["clerk"], candidate=candidate)


def test_a_dead_person_confirmed_is_found_deceased(
    users: dict[str, Any], registry: dict[str, Any]
) -> None:
    people.change_status(by=users["clerk"], person=registry["other"], status="deceased")
    hooks.person_saved(registry["other"].pk)
    request = _ask(users["clerk"], full_name="Олена Бойко", sex="f", date_of_birth=date(1975, 1, 2))
    candidate = request.candidates.get()
    services.confirm_candidate(by=users["clerk"], candidate=candidate)
    request.refresh_from_db()
    assert request.outcome == Outcome.FOUND_DECEASED
    last = request.notes.last()
    assert last is not None and last.status == NoteStatus.BELIEVED_DEAD


def test_a_rejected_pair_is_never_proposed_again(
    users: dict[str, Any], registry: dict[str, Any]
) -> None:
    request = _ask(users["clerk"], given_name="Layla", family_name="Haddad", sex="f")
    candidate = request.candidates.get()
    services.reject_candidate(by=users["clerk"], candidate=candidate, note="other Layla")
    request.refresh_from_db()
    assert request.state == RequestState.OPEN
    services.update_request(by=users["clerk"], request=request, origin="Aleppo")
    matcher.match_request(request=request)
    assert list(request.candidates.values_list("state", flat=True)) == [CandidateState.REJECTED]
    assert AuditEvent.objects.filter(action="tracing.reject_candidate").count() == 1


def test_a_new_registration_is_matched_against_open_requests(users: dict[str, Any]) -> None:
    request = _ask(
        users["clerk"], given_name="Muhammad", family_name="Yusuf", sex="m", age_min=30, age_max=36
    )
    assert not request.candidates.exists()
    arrived = _register(
        users["clerk"],
        given_name="Mohamed",
        family_name="Yousef",
        sex="m",
        date_of_birth=date(1992, 5, 1),
    )
    candidate = Candidate.objects.get(request=request)
    assert candidate.person == arrived
    request.refresh_from_db()
    assert request.state == RequestState.POSSIBLE_MATCH


def test_a_registration_twice_is_a_duplicate_pair_not_a_merge(users: dict[str, Any]) -> None:
    first = _register(
        users["clerk"],
        given_name="Amina",
        family_name="Abdi",
        sex="f",
        date_of_birth=date(1988, 2, 11),
    )
    second = _register(
        users["clerk"],
        given_name="Aminah",
        family_name="Abdi",
        sex="f",
        date_of_birth=date(1988, 11, 2),
    )
    pair = Candidate.objects.get(first_person=first, person=second)
    assert any("swapped" in item["words"] for item in pair.evidence)
    services.confirm_candidate(by=users["clerk"], candidate=pair)
    assert people.get_person(first.pk) and people.get_person(second.pk)  # both still there


def test_a_save_that_changes_nothing_matched_is_not_matched_again(users: dict[str, Any]) -> None:
    person = _register(users["clerk"], given_name="Amina", family_name="Abdi")
    before = AuditEvent.objects.filter(action="tracing.match_person").count()
    hooks.person_saved(person.pk)
    assert AuditEvent.objects.filter(action="tracing.match_person").count() == before


@pytest.mark.parametrize(
    ("details", "message"),
    [
        ({"given_name": "", "family_name": ""}, "needs a name"),
        ({"asker_name": " "}, "who asks"),
        ({"sex": "q"}, "unknown sex 'q'"),
        ({"age_min": 50, "age_max": 40}, "age range 50–40"),
        ({"age_min": 200}, "age min 200"),
        ({"date_of_birth": date(2999, 1, 1)}, "2999-01-01 is in the future"),
    ],
)
def test_bad_requests_are_refused_naming_the_value(
    users: dict[str, Any], details: dict[str, Any], message: str
) -> None:
    values = {"given_name": "Ana", "family_name": "Lopez", **details}
    with pytest.raises(HavenError, match=message):
        _ask(users["clerk"], **values)
    assert not TracingRequest.objects.exists()


def test_a_scan_finds_pairs_and_stores_the_model(
    users: dict[str, Any], registry: dict[str, Any]
) -> None:
    _register(
        users["clerk"],
        given_name="Rustam",
        family_name="Akobirow",
        sex="m",
        date_of_birth=date(1984, 12, 3),
    )
    MatchKey.objects.all().delete()  # as after a bulk import: nobody indexed
    Candidate.objects.all().delete()
    report = matcher.scan_registry(by=None)
    assert report.people == 4 and report.indexed == 4
    assert report.duplicate_pairs == 1
    assert Candidate.objects.filter(first_person=registry["akobirov"]).exists()
    assert StoredModel.objects.count() == 1


def test_a_death_record_is_matched_once_committed(
    users: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from haven.health import services as health

    request = _ask(
        users["clerk"], given_name="Yusuf", family_name="Karimi", sex="m", age_min=50, age_max=60
    )
    with django_capture_on_commit_callbacks(execute=True):
        person = people.register_person(by=users["clerk"], full_name="Unknown man")
    with django_capture_on_commit_callbacks(execute=True):
        people.update_person(
            by=users["clerk"], person=person, given_name="Yousef", family_name="Karimi"
        )
    with django_capture_on_commit_callbacks(execute=True):
        health.record_death(
            by=users["medic"],
            person=person,
            died_at=timezone.now() - timedelta(hours=2),
            cause="violence",
            confidence="probable",
        )
    candidate = Candidate.objects.get(request=request)
    assert candidate.person == person
    services.confirm_candidate(by=users["clerk"], candidate=candidate)
    request.refresh_from_db()
    assert request.outcome == Outcome.FOUND_DECEASED


def test_a_scans_pairs_are_explained_as_the_core_explains_one_pair() -> None:
    from haven.planning.matching import PersonRecord, Registry

    records = [
        PersonRecord("p1", "Rustam", "Akobirov", sex="m", date_of_birth=date(1984, 3, 12)),
        PersonRecord("p2", "Rustam", "Akobirow", sex="m", date_of_birth=date(1984, 12, 3)),
        PersonRecord("p3", "Akobirov", "Rustam", sex="m", phone="+992 93 555 1234"),
        PersonRecord("p4", "Layla", "Haddad", sex="f", date_of_birth=date(1990, 7, 4)),
        PersonRecord("p5", "Leila", "Hadad", sex="f", date_of_birth=date(1990, 7, 4)),
        PersonRecord("p6", "Olena", "Boyko", sex="f", date_of_birth=date(1975, 1, 2)),
    ]
    registry = Registry(records, matcher.match_settings(date(2026, 11, 30)))
    pairs = list(registry.scan().pairs)
    assert pairs
    for pair, batch in zip(pairs, matcher.explain_pairs(registry, pairs), strict=True):
        one = registry.explain(pair.record_id_a, pair.record_id_b)
        assert [e.words for e in batch.evidence] == [e.words for e in one.evidence]
        assert [round(e.weight, 6) for e in batch.evidence] == [
            round(e.weight, 6) for e in one.evidence
        ]
        assert batch.probability == pytest.approx(one.probability)
