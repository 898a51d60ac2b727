"""The TOTP second factor: optional for anyone, required at sign-in for the roles in
HAVEN_REQUIRE_2FA_FOR (enrolment page, then the verification page at each sign-in)."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest
from django.core import checks
from django.db.models import F
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from haven.accounts.second_factor import check_required_roles


def code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():06d}"


def wait_out_the_throttle() -> None:
    """As if the few seconds django-otp makes a guesser wait after a wrong code had passed."""
    TOTPDevice.objects.update(
        throttling_failure_timestamp=F("throttling_failure_timestamp") - timedelta(minutes=1)
    )


def sign_in(username: str) -> Client:
    client = Client()
    answer = client.post("/login/", {"username": username, "password": PASSWORD})
    assert answer.status_code == 302
    return client


@pytest.fixture
def commanders_need_it(settings: Any) -> None:
    settings.HAVEN_REQUIRE_2FA_FOR = ["commander"]


def test_a_required_role_enrols_then_gives_a_code_at_every_sign_in(
    users: Any, commanders_need_it: None
) -> None:
    client = sign_in("commander")
    answer = client.get("/stock/")
    assert answer.status_code == 302
    assert answer["Location"] == "/accounts/2fa/enrol/?next=%2Fstock%2F"
    page = client.get(answer["Location"])
    assert page.status_code == 200
    body = page.content.decode()
    assert "<svg" in body and "Your role signs in with a code" in body
    device = TOTPDevice.objects.get(user=users["commander"])
    assert not device.confirmed
    assert (
        client.get(answer["Location"]).content.decode().count("<svg") == 1
    )  # same device, same QR
    assert TOTPDevice.objects.count() == 1

    wrong = client.post(answer["Location"], {"code": "000000", "next": "/stock/"})
    assert "Wrong code" in wrong.content.decode()
    throttled = client.post(answer["Location"], {"code": code(device), "next": "/stock/"})
    assert "Too many wrong codes" in throttled.content.decode()
    wait_out_the_throttle()
    right = client.post(answer["Location"], {"code": code(device), "next": "/stock/"})
    assert right.status_code == 302 and right["Location"] == "/stock/"
    assert client.get("/stock/").status_code == 200

    again = sign_in("commander")
    answer = again.get("/")
    assert answer["Location"] == "/accounts/2fa/verify/?next=%2F"
    assert again.post(answer["Location"], {"code": "123456"}).status_code == 400
    wait_out_the_throttle()
    assert again.get("/").status_code == 302
    done = again.post(answer["Location"], {"code": code(device, steps_ahead=1), "next": "/"})
    assert done.status_code == 302 and done["Location"] == "/"
    assert again.get("/").status_code == 200


def test_other_roles_sign_in_with_the_password_alone(users: Any, commanders_need_it: None) -> None:
    assert sign_in("clerk").get("/").status_code == 200


def test_anyone_may_enrol_and_is_then_asked_for_a_code(users: Any) -> None:
    client = sign_in("clerk")
    assert client.get("/").status_code == 200
    client.get("/accounts/2fa/enrol/")
    device = TOTPDevice.objects.get(user=users["clerk"])
    client.post("/accounts/2fa/enrol/", {"code": code(device)})
    assert TOTPDevice.objects.get().confirmed
    assert client.get("/accounts/2fa/enrol/").status_code == 302  # one authenticator a person
    assert TOTPDevice.objects.count() == 1
    later = sign_in("clerk")
    assert later.get("/people/")["Location"] == "/accounts/2fa/verify/?next=%2Fpeople%2F"


def test_a_session_owing_its_code_cannot_use_the_api(users: Any, commanders_need_it: None) -> None:
    client = sign_in("commander")
    answer = client.get("/api/v1/people/")
    assert answer.status_code == 401
    assert "detail" in answer.json()


def test_an_unknown_role_in_the_setting_is_an_error(settings: Any) -> None:
    settings.HAVEN_REQUIRE_2FA_FOR = ["commander", "general"]
    [error] = check_required_roles()
    assert isinstance(error, checks.Error)
    assert "HAVEN_REQUIRE_2FA_FOR names unknown roles 'general'" in error.msg
