from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from haven.audit.context import acting_through
from haven.core.api import API_PREFIX


class AuditContextMiddleware:
    """Marks everything a request records as arriving through the web or the API, by the
    request's user (read when recorded, so a bearer token's user counts too)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        channel = "api" if request.path.startswith(API_PREFIX) else "web"
        with acting_through(channel, request):
            return self.get_response(request)


NEW_PASSWORD_FLAG = "haven_new_password_required"


def password_mark(user: Any) -> str:
    """A short digest of the user's password hash: it changes when the password does (the
    session keeps this, never the hash itself)."""
    return hashlib.sha256(str(user.password).encode()).hexdigest()[:16]


class PasswordChangeMiddleware:
    """After a lockdown, someone who has not set a new password yet sees only the password
    page (and may sign out); the API answers them 403. Once the password differs from the
    one they signed in with, their lock lifts."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        mark = session.get(NEW_PASSWORD_FLAG) if session is not None else None
        if not mark or session is None:
            return self.get_response(request)
        user = request.user
        if user.is_authenticated and password_mark(user) != mark:
            from haven.audit.services import password_renewed

            password_renewed(by=user)
            session.pop(NEW_PASSWORD_FLAG, None)
            return self.get_response(request)
        page = reverse("accounts:password_change")
        allowed = (page, reverse("logout"), settings.STATIC_URL)
        if any(request.path.startswith(path) for path in allowed):
            return self.get_response(request)
        if request.path.startswith(API_PREFIX):
            return JsonResponse(
                {"detail": "set a new password first (a lockdown asked everyone to)"}, status=403
            )
        messages.warning(
            request, _("The commander locked Haven down: set a new password before anything else.")
        )
        return redirect(page)
