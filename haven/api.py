"""The API under /api/v1/: bearer tokens or a web session; every error is JSON `{"detail": …}`."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer, django_auth

from haven.accounts import lockout
from haven.accounts.services import TokenRefused, authenticate_token
from haven.core.api import HavenNinjaAPI, install_error_handlers
from haven.core.registry import app_modules

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class BearerToken(HttpBearer):
    """A token from `haven token create`: unknown ones count against the caller's address
    (django-axes), expired or revoked ones answer 401, read-only ones may not write (403)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        if lockout.bearer_tokens_locked(request):
            raise HttpError(lockout.TOO_MANY_REQUESTS, lockout.lockout_message())
        try:
            api_token = authenticate_token(token)
        except TokenRefused as refused:
            raise HttpError(401, refused.detail) from refused
        if api_token is None:
            lockout.record_bad_bearer_token(request)
            return None
        if api_token.read_only and request.method not in SAFE_METHODS:
            raise PermissionDenied("this API token is read-only: it may not change anything")
        request.user = api_token.user
        return api_token.user


api = HavenNinjaAPI(
    title="Haven API",
    version="1",
    description=(
        "The operations ledger of a settlement in crisis. Lists take `limit` and `offset` and "
        'answer `{"count", "limit", "offset", "items"}`; every error answers `{"detail": …}`.'
    ),
    auth=[BearerToken(), django_auth],
    urls_namespace="api",
)
install_error_handlers(api)

for label, module in app_modules("api"):
    api.add_router(f"/{label}/", module.router)
