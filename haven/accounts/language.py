"""The interface language: a signed-in user's own choice (kept on their Preferences and, from
sign-in, in their session so that pages need no query), else the language cookie, else the
browser's Accept-Language (Django's LocaleMiddleware decides the last two)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from haven.accounts.models import Preferences

SESSION_KEY = "haven_language"


def is_offered(language: str) -> bool:
    return language in dict(settings.LANGUAGES)


def chosen_language(user: AbstractBaseUser) -> str:
    """The language the user chose, or "" when they leave it to the browser."""
    language = Preferences.objects.filter(user_id=user.pk).values_list("language", flat=True)
    return next(iter(language), "")


def remember_chosen_language(
    sender: Any, request: HttpRequest, user: AbstractBaseUser, **_: Any
) -> None:
    """On sign-in (user_logged_in): the user's language follows them to every device."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = chosen_language(user)


class UserLanguageMiddleware:
    """After authentication: activate the signed-in user's chosen language for the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        language = session.get(SESSION_KEY, "") if session is not None else ""
        if language and is_offered(language) and request.user.is_authenticated:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
