"""API writes with an `Idempotency-Key`: a retry whose first reply was lost gets the same
answer and posts nothing; the key is stored with the write, so only a committed write is
remembered; concurrent duplicates post once."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from haven.core.models import IdempotencyKey
from haven.people.models import Person
from haven.stock import services
from haven.stock.models import LedgerEntry

RECEIVE = "/api/v1/stock/receive"
BODY = {"item": "soap", "store": "Store A", "quantity": 5, "source": "donation"}


def post(client: Client, url: str, body: dict[str, Any], key: str | None = "k-1") -> Any:
    headers = {"Idempotency-Key": key} if key is not None else {}
    return client.post(url, json.dumps(body), content_type="application/json", headers=headers)


@pytest.fixture
def store(db: None) -> None:
    services.create_store(by=None, name="Store A")


@pytest.mark.django_db
def test_a_repeat_answers_the_first_answer_and_posts_nothing(
    store: None, api_as: Callable[[str], Any]
) -> None:
    client = api_as("quartermaster")
    first = post(client, RECEIVE, BODY)
    assert first.status_code == 201, first.content
    assert LedgerEntry.objects.count() == 1
    # The reply was lost; the client sends the same request again, keys reordered.
    again = post(client, RECEIVE, dict(reversed(list(BODY.items()))))
    assert again.status_code == 201
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert LedgerEntry.objects.count() == 1
    assert services.on_hand("soap") == 5


@pytest.mark.django_db
def test_the_same_key_with_another_body_is_a_422(store: None, api_as: Callable[[str], Any]) -> None:
    client = api_as("quartermaster")
    assert post(client, RECEIVE, BODY).status_code == 201
    other = post(client, RECEIVE, {**BODY, "quantity": 6})
    assert other.status_code == 422
    assert (
        "'k-1' was used for a different request (POST /api/v1/stock/receive"
        in other.json()["detail"]
    )
    elsewhere = post(client, "/api/v1/stock/stores", {"name": "Cache 2", "kind": "cache"})
    assert elsewhere.status_code == 422
    assert LedgerEntry.objects.count() == 1


@pytest.mark.django_db
def test_keys_are_per_user(store: None, api_as: Callable[[str], Any]) -> None:
    assert post(api_as("quartermaster"), RECEIVE, BODY).status_code == 201
    second = post(api_as("commander"), RECEIVE, BODY)
    assert second.status_code == 201 and "Idempotent-Replayed" not in second
    assert LedgerEntry.objects.count() == 2


@pytest.mark.django_db
def test_a_failed_write_is_not_remembered(store: None, api_as: Callable[[str], Any]) -> None:
    client = api_as("quartermaster")
    refused = post(client, RECEIVE, {**BODY, "store": "Nowhere"})
    assert refused.status_code in (400, 404)
    assert not IdempotencyKey.objects.exists()
    assert post(client, RECEIVE, BODY).status_code == 201
    assert LedgerEntry.objects.count() == 1


@pytest.mark.django_db
def test_a_crash_after_the_write_rolls_back_the_write_and_the_key(
    store: None, api_as: Callable[[str], Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(response: Any) -> Any:
        raise RuntimeError("the server died before replying")

    real = services.receive

    def receive_then_crash(**kwargs: Any) -> Any:
        crash(real(**kwargs))

    monkeypatch.setattr(services, "receive", receive_then_crash)
    client = api_as("quartermaster")
    assert post(client, RECEIVE, BODY).status_code == 500
    assert not LedgerEntry.objects.exists() and not IdempotencyKey.objects.exists()
    monkeypatch.setattr(services, "receive", real)
    assert post(client, RECEIVE, BODY).status_code == 201
    assert LedgerEntry.objects.count() == 1


@pytest.mark.django_db
def test_old_keys_expire(store: None, api_as: Callable[[str], Any], settings: Any) -> None:
    settings.HAVEN_IDEMPOTENCY_HOURS = 24
    client = api_as("quartermaster")
    assert post(client, RECEIVE, BODY).status_code == 201
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(hours=25))
    again = post(client, RECEIVE, BODY)
    assert again.status_code == 201 and "Idempotent-Replayed" not in again
    assert LedgerEntry.objects.count() == 2
    assert IdempotencyKey.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["", "x" * 256, "é", "a b"])
def test_a_malformed_key_is_a_400(store: None, api_as: Callable[[str], Any], key: str) -> None:
    response = post(api_as("quartermaster"), RECEIVE, BODY, key=key)
    assert response.status_code == 400
    assert "Idempotency-Key must be 1 to 255 visible ASCII characters" in response.json()["detail"]
    assert not LedgerEntry.objects.exists()


@pytest.mark.django_db
def test_a_session_user_and_a_read_are_handled(
    store: None, client_as: Callable[[str], Any]
) -> None:
    client = client_as("quartermaster")
    client.handler.enforce_csrf_checks = False
    assert post(client, RECEIVE, BODY).status_code == 201
    assert post(client, RECEIVE, BODY)["Idempotent-Replayed"] == "true"
    assert client.get("/api/v1/stock/stores", HTTP_IDEMPOTENCY_KEY="k-1").status_code == 200
    assert LedgerEntry.objects.count() == 1


def test_the_header_is_documented_on_every_write() -> None:
    from haven.api import api

    schema = api.get_openapi_schema()
    writes = reads = 0
    for methods in schema["paths"].values():
        for method, operation in methods.items():
            names = [p["name"] for p in operation.get("parameters", [])]
            if method in {"post", "put", "patch", "delete"}:
                assert "Idempotency-Key" in names, operation["operationId"]
                writes += 1
            else:
                assert "Idempotency-Key" not in names
                reads += 1
    assert writes and reads


@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicates_post_once(users: dict[str, Any]) -> None:
    from haven.accounts.services import create_token

    token = create_token(username="clerk")
    answers: list[tuple[int, bytes]] = []
    unexpected: list[BaseException] = []
    barrier = threading.Barrier(4)
    guard = threading.Lock()

    def client_retrying() -> None:
        try:
            client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
            barrier.wait()
            response = post(client, "/api/v1/people/", {"full_name": "Amina Yusuf"}, key="dup")
            with guard:
                answers.append((response.status_code, response.content))
        except BaseException as error:  # surfaced below
            with guard:
                unexpected.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=client_retrying) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert unexpected == []
    assert Person.objects.count() == 1
    assert {status for status, _ in answers} == {201}
    assert len({body for _, body in answers}) == 1
