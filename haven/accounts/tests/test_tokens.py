"""API tokens: created with a lifetime and a read-only flag, listed without the secret,
revoked from the command line; expiry and read-only enforced by the API."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from haven.accounts.models import ApiToken
from haven.accounts.services import authenticate_token, create_token
from haven.people.models import Person


def token_command(*args: str) -> str:
    out = StringIO()
    call_command("token", *args, stdout=out)
    return out.getvalue()


def bearer(raw: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_created_token_is_printed_once_and_only_its_hash_is_kept(users: Any) -> None:
    raw = token_command("create", "clerk", "--name", "tablet", "--expires", "30d").strip()
    token = ApiToken.objects.get()
    assert raw.startswith("hvn_") and token.key_hash != raw and raw not in token.key_hash
    assert token.name == "tablet" and not token.read_only
    assert token.expires_at is not None
    assert abs(token.expires_at - (timezone.now() + timedelta(days=30))) < timedelta(minutes=1)
    assert bearer(raw).get("/api/v1/people/").status_code == 200


def test_list_shows_each_token_but_never_the_token(users: Any) -> None:
    raw = create_token(username="medic", name="triage phone", read_only=True)
    listing = token_command("list")
    token = ApiToken.objects.get()
    for shown in (str(token.pk), "medic", "triage phone", "yes"):
        assert shown in listing
    assert raw not in listing and token.key_hash not in listing


def test_an_expired_token_answers_401_with_a_message(users: Any) -> None:
    raw = create_token(username="clerk", expires_in=timedelta(hours=1))
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    answer = bearer(raw).get("/api/v1/people/")
    assert answer.status_code == 401
    assert "this API token expired at" in answer.json()["detail"]


def test_a_read_only_token_reads_but_may_not_write(users: Any) -> None:
    raw = create_token(username="clerk", read_only=True)
    client = bearer(raw)
    assert client.get("/api/v1/people/").status_code == 200
    answer = client.post("/api/v1/people/", {"full_name": "Ada"}, content_type="application/json")
    assert answer.status_code == 403
    assert answer.json() == {"detail": "this API token is read-only: it may not change anything"}
    assert not Person.objects.exists()
    writer = bearer(create_token(username="clerk"))
    answer = writer.post("/api/v1/people/", {"full_name": "Ada"}, content_type="application/json")
    assert answer.status_code == 201


def test_a_revoked_token_answers_401(users: Any) -> None:
    raw = create_token(username="clerk")
    token = ApiToken.objects.get()
    assert token_command("revoke", str(token.pk)).strip() == f"token {token.pk} of clerk revoked"
    answer = bearer(raw).get("/api/v1/people/")
    assert answer.status_code == 401
    assert answer.json() == {"detail": "this API token was revoked"}
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_last_use_is_recorded_at_most_once_a_minute(users: Any) -> None:
    raw = create_token(username="clerk")
    start = timezone.now()
    authenticate_token(raw, now=start)
    assert ApiToken.objects.get().last_used_at == start
    authenticate_token(raw, now=start + timedelta(seconds=59))
    assert ApiToken.objects.get().last_used_at == start
    authenticate_token(raw, now=start + timedelta(seconds=61))
    assert ApiToken.objects.get().last_used_at == start + timedelta(seconds=61)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["create", "clerk", "--expires", "30x"], "bad duration '30x'"),
        (["create", "clerk", "--expires", "0d"], "bad duration '0d'"),
        (["create", "ghost"], "no user named 'ghost'"),
        (["revoke", "abc"], "bad token id 'abc'"),
        (["revoke", "999"], "no API token with id 999"),
    ],
)
def test_bad_arguments_exit_2_and_change_nothing(users: Any, args: list[str], message: str) -> None:
    with pytest.raises(CommandError) as error:
        token_command(*args)
    assert error.value.returncode == 2
    assert message in str(error.value)
    assert not ApiToken.objects.exists()
