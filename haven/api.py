"""The API under /api/v1/: bearer tokens or a web session; errors are JSON with a message."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, django_auth

from haven.accounts.services import authenticate_token
from haven.core.errors import HavenError, NotFoundError
from haven.core.registry import app_modules


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = authenticate_token(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="Haven API",
    version="1",
    description="The operations ledger of a settlement in crisis.",
    auth=[BearerToken(), django_auth],
    urls_namespace="api",
)


def _message(request: HttpRequest, detail: str, status: int) -> HttpResponse:
    return api.create_response(request, {"detail": detail}, status=status)


@api.exception_handler(NotFoundError)
def not_found(request: HttpRequest, error: NotFoundError) -> HttpResponse:
    return _message(request, str(error), 404)


@api.exception_handler(HavenError)
def bad_input(request: HttpRequest, error: HavenError) -> HttpResponse:
    return _message(request, str(error), 400)


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, error: PermissionDenied) -> HttpResponse:
    return _message(request, str(error) or "your role may not do this", 403)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    return _message(request, "authentication required: send 'Authorization: Bearer <token>'", 401)


@api.exception_handler(NinjaValidationError)
def invalid(request: HttpRequest, error: NinjaValidationError) -> HttpResponse:
    problems = []
    for item in error.errors:
        where = ".".join(
            str(part) for part in item.get("loc", ()) if part not in {"body", "payload"}
        )
        problems.append(f"{where}: {item.get('msg', 'invalid')}")
    return api.create_response(
        request,
        {"detail": "; ".join(problems) or "invalid input", "errors": error.errors},
        status=422,
    )


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    return _message(request, str(error), error.status_code)


for label, module in app_modules("api"):
    api.add_router(f"/{label}/", module.router)
