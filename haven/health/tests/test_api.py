"""The health API: the walker step by step, triage, bad input as 4xx JSON, nothing written."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from haven.health.models import DeathRecord, Treatment, TriageRecord
from haven.people.choices import Status
from haven.people.models import Person

pytestmark = pytest.mark.django_db


def _post(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, body, content_type="application/json")


def test_the_walker_asks_one_question_at_a_time(api_as: Callable[[str], Any]) -> None:
    api = api_as("medic")
    first = _post(api, "/api/v1/health/triage/step", {"algorithm": "start", "answers": {}}).json()
    assert first["done"] is False and first["question"]["key"] == "walking"
    result = _post(
        api,
        "/api/v1/health/triage/step",
        {
            "algorithm": "start",
            "answers": {"walking": "no", "breathing": "yes", "respiratory_rate": 40},
        },
    ).json()
    assert (result["done"], result["category"], result["colour"]) == (True, "red", "#c62828")


def test_triage_through_the_api(api_as: Callable[[str], Any], person: Person) -> None:
    response = _post(
        api_as("medic"),
        "/api/v1/health/triage",
        {"person_id": person.pk, "answers": {"walking": True}, "place": "Gate"},
    )
    assert response.status_code == 201
    assert response.json()["category"] == "green"
    person.refresh_from_db()
    assert person.status == Status.INJURED


@pytest.mark.parametrize(
    ("answers", "vitals", "message"),
    [
        (
            {"walking": "no", "breathing": "yes", "respiratory_rate": 400},
            {},
            "respiratory rate 400/min is implausible",
        ),
        ({"walking": "yes"}, {"systolic_bp": -5}, "systolic blood pressure -5 mmHg is implausible"),
    ],
)
def test_impossible_observations_are_400_with_the_message(
    api_as: Callable[[str], Any],
    person: Person,
    answers: dict[str, Any],
    vitals: dict[str, Any],
    message: str,
) -> None:
    response = _post(
        api_as("medic"),
        "/api/v1/health/triage",
        {"person_id": person.pk, "answers": answers, **vitals},
    )
    assert response.status_code == 400
    assert message in response.json()["detail"]
    assert not TriageRecord.objects.exists()
    person.refresh_from_db()
    assert person.status == Status.PRESENT


def test_a_second_death_record_is_400(api_as: Callable[[str], Any], person: Person) -> None:
    body = {
        "person_id": person.pk,
        "died_at": "2020-01-01T10:00:00Z",
        "cause": "explosion",
        "confidence": "confirmed",
        "confirm": True,
    }
    assert _post(api_as("medic"), "/api/v1/health/deaths", body).status_code == 201
    response = _post(api_as("medic"), "/api/v1/health/deaths", body)
    assert response.status_code == 400
    assert "Amina Yusuf is already recorded dead" in response.json()["detail"]
    assert DeathRecord.objects.count() == 1
    record = DeathRecord.objects.get()
    locked = api_as("medic").patch(
        f"/api/v1/health/deaths/{record.pk}", {"place": "Mill"}, content_type="application/json"
    )
    assert locked.status_code == 400 and "confirmed and locked" in locked.json()["detail"]
    corrected = _post(
        api_as("medic"),
        f"/api/v1/health/deaths/{record.pk}/correction",
        {"reason": "witness", "place": "Mill"},
    )
    assert corrected.status_code == 201 and corrected.json()["corrects_id"] == record.pk


def test_a_treatment_on_a_deceased_person_is_400(
    api_as: Callable[[str], Any], make_person: Callable[..., Person]
) -> None:
    dead = make_person("Omar Haddad", status=Status.DECEASED)
    response = _post(
        api_as("medic"), f"/api/v1/health/people/{dead.pk}/treatments", {"what": "Dressing"}
    )
    assert response.status_code == 400
    assert "Omar Haddad is recorded deceased" in response.json()["detail"]
    assert not Treatment.objects.exists()


def test_unknown_person_is_404(api_as: Callable[[str], Any]) -> None:
    response = _post(api_as("medic"), "/api/v1/health/triage", {"person_id": 999999, "answers": {}})
    assert response.status_code == 404
    assert response.json()["detail"] == "no person with id 999999"
