from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

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


class PasswordChangeMiddleware:
    """After a lockdown, someone who has not set a new password yet sees only the password
    page (and may sign out); the API answers them 403."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is None or not session.get(NEW_PASSWORD_FLAG):
            return self.get_response(request)
        allowed = (reverse("audit:password"), reverse("logout"), settings.STATIC_URL)
        if any(request.path.startswith(path) for path in allowed):
            return self.get_response(request)
        if request.path.startswith(API_PREFIX):
            return JsonResponse(
                {"detail": "set a new password first (a lockdown asked everyone to)"}, status=403
            )
        return redirect(f"{reverse('audit:password')}?next={request.path}")
