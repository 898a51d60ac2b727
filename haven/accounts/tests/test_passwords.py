"""Django's password validators guard every way a password is set."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from haven.accounts.services import create_user
from haven.core.demo import DEMO_PASSWORD
from haven.core.errors import HavenError


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short one", "too short"),
        ("password123", "too common"),
        ("8641975320", "entirely numeric"),
        ("storekeeper1", "too similar to the username"),
    ],
)
def test_weak_passwords_are_refused(db: None, password: str, reason: str) -> None:
    with pytest.raises(HavenError, match=f"the password is refused: .*{reason}"):
        create_user(username="storekeeper", password=password, role="clerk")
    assert not User.objects.exists()


def test_the_demo_password_passes_for_every_role(db: None) -> None:
    for role in ("commander", "quartermaster", "medic", "scout", "clerk", "member"):
        create_user(username=role, password=DEMO_PASSWORD, role=role)


def test_the_password_change_page_applies_the_validators(client_as: Any) -> None:
    client = client_as("clerk")
    answer = client.post(
        "/accounts/password/",
        {
            "old_password": "correct horse battery",
            "new_password1": "short",
            "new_password2": "short",
        },
    )
    assert answer.status_code == 200
    assert "This password is too short" in answer.content.decode()
    answer = client.post(
        "/accounts/password/",
        {
            "old_password": "correct horse battery",
            "new_password1": "a much longer passphrase",
            "new_password2": "a much longer passphrase",
        },
    )
    assert answer.status_code == 302
    assert User.objects.get(username="clerk").check_password("a much longer passphrase")
