"""Login protection (django-axes): a username is locked at one address after the failure
limit, even for the right password, until the cool-off ends or a commander resets it; bad
bearer tokens are counted per address."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from axes.models import AccessAttempt
from django.core.management import call_command
from django.db.models import F
from django.test import Client

from conftest import PASSWORD
from haven.accounts.services import create_token

LIMIT = 5  # HAVEN_LOGIN_FAILURE_LIMIT's default


def sign_in(client: Client, password: str, username: str = "commander") -> Any:
    return client.post("/login/", {"username": username, "password": password})


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_fifty_wrong_passwords_lock_the_account_at_that_address(users: Any) -> None:
    client = Client()
    answers = [sign_in(client, f"wrong guess {n}").status_code for n in range(50)]
    assert answers[: LIMIT - 1] == [200] * (LIMIT - 1)
    assert answers[LIMIT - 1 :] == [429] * (50 - LIMIT + 1)
    locked = sign_in(client, PASSWORD)
    assert locked.status_code == 429 and not signed_in(client)
    page = locked.content.decode()
    assert "Signing in is paused" in page and "15 minutes" in page and "<!doctype html>" in page
    # Another device is not locked out by a guesser elsewhere.
    elsewhere = Client(REMOTE_ADDR="10.0.0.7")
    assert sign_in(elsewhere, PASSWORD).status_code == 302 and signed_in(elsewhere)


def test_the_lock_lifts_after_the_cool_off(users: Any) -> None:
    client = Client()
    for n in range(LIMIT):
        sign_in(client, f"wrong guess {n}")
    assert sign_in(client, PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=16))
    answer = sign_in(client, PASSWORD)
    assert answer.status_code == 302 and signed_in(client)


def test_a_commander_can_lift_the_lock_at_once(users: Any) -> None:
    client = Client()
    for n in range(LIMIT):
        sign_in(client, f"wrong guess {n}")
    assert sign_in(client, PASSWORD).status_code == 429
    call_command("axes_reset_username", "commander", verbosity=0)
    assert sign_in(client, PASSWORD).status_code == 302 and signed_in(client)


def test_the_limit_is_a_setting(users: Any, settings: Any) -> None:
    settings.AXES_FAILURE_LIMIT = 2
    client = Client()
    assert [sign_in(client, "wrong guess").status_code for _ in range(3)] == [200, 429, 429]


def test_bad_bearer_tokens_are_throttled_per_address(users: Any) -> None:
    good = create_token(username="clerk")
    guesser = Client(REMOTE_ADDR="10.0.0.9")
    answers = [
        guesser.get("/api/v1/people/", HTTP_AUTHORIZATION=f"Bearer hvn_guess{n}")
        for n in range(LIMIT + 3)
    ]
    assert [a.status_code for a in answers[: LIMIT - 1]] == [401] * (LIMIT - 1)
    assert {a.status_code for a in answers[LIMIT - 1 :]} == {429}
    assert "too many failed sign-ins from this address" in answers[-1].json()["detail"]
    # Even a good token waits out the cool-off from that address; other addresses go on.
    assert guesser.get("/api/v1/people/", HTTP_AUTHORIZATION=f"Bearer {good}").status_code == 429
    other = Client(REMOTE_ADDR="10.0.0.10", HTTP_AUTHORIZATION=f"Bearer {good}")
    assert other.get("/api/v1/people/").status_code == 200


def test_behind_the_tls_proxy_the_address_is_the_one_the_proxy_saw(
    users: Any, settings: Any
) -> None:
    settings.HAVEN_HTTPS = True
    # A client behind the proxy cannot dodge the count by forging X-Forwarded-For.
    for n in range(LIMIT):
        forged = Client(
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 10.0.0.5",
            HTTP_X_FORWARDED_PROTO="https",
        )
        sign_in(forged, f"wrong guess {n}")
    assert AccessAttempt.objects.get().ip_address == "10.0.0.5"
