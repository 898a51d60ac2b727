"""Login protection with django-axes: who is asking (the address), what a locked-out caller is
answered (a page, or JSON under /api/), and the per-address throttle on bad bearer tokens."""

from __future__ import annotations

import math
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

# Bad bearer tokens are counted as failed logins of this pseudo-user, so with the lockout
# keyed on (username, address) they are counted per address.
BEARER_TOKEN_USERNAME = "(bearer token)"
TOO_MANY_REQUESTS = 429


def client_address(request: HttpRequest) -> str | None:
    """The caller's address. Behind the TLS proxy (HAVEN_HTTPS) it is the last entry of
    X-Forwarded-For, the one the proxy added; entries left of it are the client's to forge."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if settings.HAVEN_HTTPS and forwarded.strip():
        return str(forwarded.split(",")[-1].strip())
    address: str | None = request.META.get("REMOTE_ADDR")
    return address


def cooloff_minutes() -> int:
    return math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60)


def lockout_message() -> str:
    return f"too many failed sign-ins from this address: try again in {cooloff_minutes()} minutes"


def locked_out_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any = None
) -> HttpResponse:
    """Haven's answer to a locked-out caller: 429, as JSON under /api/, else a page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": lockout_message()}, status=TOO_MANY_REQUESTS)
    context = {"cooloff_minutes": cooloff_minutes(), "limit": settings.AXES_FAILURE_LIMIT}
    return render(request, "accounts/locked_out.html", context, status=TOO_MANY_REQUESTS)


def bearer_credentials() -> dict[str, str]:
    return {"username": BEARER_TOKEN_USERNAME}


def bearer_tokens_locked(request: HttpRequest) -> bool:
    """Whether this address sent too many bad bearer tokens lately."""
    return bool(AxesProxyHandler.is_locked(request, bearer_credentials()))


def record_bad_bearer_token(request: HttpRequest) -> None:
    AxesProxyHandler.user_login_failed(
        sender=record_bad_bearer_token, credentials=bearer_credentials(), request=request
    )
