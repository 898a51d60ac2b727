"""The interface language: the browser's Accept-Language, else the user's own choice made in
the menu (kept on their preferences, so it follows them to another device); Arabic is drawn
right to left."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from haven.accounts.models import Preferences
from haven.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_the_browser_language_is_used_before_sign_in() -> None:
    page = Client(HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9,en;q=0.5").get("/login/")
    assert page.status_code == 200
    assert b'<html lang="fr" dir="ltr">' in page.content
    assert b"Se connecter" in page.content


def test_english_without_a_preference() -> None:
    page = Client().get("/login/")
    assert b'<html lang="en" dir="ltr">' in page.content


def test_arabic_is_drawn_right_to_left(client_as: Callable[[str], Client]) -> None:
    client = client_as("clerk")
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="ar")
    assert b'<html lang="ar" dir="rtl">' in page.content
    assert "لوحة المتابعة".encode() in page.content


def test_a_user_chooses_a_language_that_beats_the_browser(
    users: dict[str, Any], client_as: Callable[[str], Client]
) -> None:
    client = client_as("clerk")
    answer = client.post("/accounts/language/", {"language": "ar", "next": "/people/"})
    assert answer.status_code == 302 and answer["Location"] == "/people/"
    assert answer.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ar"
    assert Preferences.objects.get(user=users["clerk"]).language == "ar"
    assert AuditEvent.objects.filter(action="accounts.set_language").count() == 1
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="fr")
    assert b'<html lang="ar" dir="rtl">' in page.content


def test_the_choice_follows_the_user_to_another_device(
    users: dict[str, Any], client_as: Callable[[str], Client]
) -> None:
    client_as("medic").post("/accounts/language/", {"language": "fr"})
    elsewhere = Client(HTTP_ACCEPT_LANGUAGE="en")
    elsewhere.force_login(users["medic"])
    assert b'<html lang="fr" dir="ltr">' in elsewhere.get("/").content


def test_anyone_may_switch_on_the_sign_in_page() -> None:
    client = Client()
    answer = client.post("/accounts/language/", {"language": "fr", "next": "/login/"})
    assert answer.status_code == 302 and answer["Location"] == "/login/"
    assert b'<html lang="fr"' in client.get("/login/").content
    assert not Preferences.objects.exists()


def test_an_unknown_language_is_refused_and_nothing_kept(
    client_as: Callable[[str], Client],
) -> None:
    answer = client_as("clerk").post("/accounts/language/", {"language": "xx"})
    assert answer.status_code == 400 and b"xx" in answer.content
    assert not Preferences.objects.exists()


def test_a_foreign_next_page_is_not_followed(client_as: Callable[[str], Client]) -> None:
    answer = client_as("clerk").post(
        "/accounts/language/", {"language": "fr", "next": "https://evil.example/"}
    )
    assert answer["Location"] == "/"


def test_the_menu_offers_the_other_languages(client_as: Callable[[str], Client]) -> None:
    content = client_as("member").get("/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert 'value="en" lang="en">English<' in content
    assert 'value="ar" lang="ar">العربية<' in content
    assert 'value="fr"' not in content
