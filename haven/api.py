"""The API under /api/v1/: bearer tokens or a web session; every error is JSON `{"detail": …}`."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, django_auth

from haven.accounts.services import authenticate_token
from haven.core.api import HavenNinjaAPI, install_error_handlers
from haven.core.registry import app_modules


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = authenticate_token(token)
        if user is not None:
            request.user = user
        return user


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
