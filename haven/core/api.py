"""What every API operation shares: errors as JSON `{"detail": …}` (500 and a too-large
body included), each operation's error answers in its OpenAPI entry, and the checks at the
edge that no schema can express (NUL characters anywhere in a request)."""

from __future__ import annotations

import contextlib
import json
import logging
import uuid
from collections.abc import Callable, Iterator
from http import HTTPStatus
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI, Router, Schema
from ninja.constants import NOT_SET
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.schema import OpenAPISchema

from haven.core.errors import HavenError, NotFoundError

logger = logging.getLogger("haven.api")

API_PREFIX = "/api/"
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


class FieldErrorOut(Schema):
    loc: list[str | int]
    msg: str
    type: str


class ErrorOut(Schema):
    """Every error the API answers, whatever its status."""

    detail: str
    errors: list[FieldErrorOut] | None = None


def _error_model(schema: type[Schema]) -> type[Schema]:
    # The wrapper Ninja puts around each documented response.
    return type("NinjaResponseSchema", (Schema,), {"__annotations__": {"response": schema}})


class ApiRouter(Router):
    """A router whose operations document the errors they can answer, from their signature:
    401, 403 and 429 always (every operation needs a token and a right; an address that sent
    too many bad tokens waits — haven.accounts.lockout), 400, 404 and 422 when it takes input
    or writes (a write may reuse an Idempotency-Key: 422), 413 when it takes a body. A code an
    operation declares itself is left as declared."""

    def add_api_operation(self, path: str, methods: list[str], *args: Any, **kwargs: Any) -> None:
        super().add_api_operation(path, methods, *args, **kwargs)
        operation = self.path_operations[path].operations[-1]
        sources = {getattr(model, "__ninja_param_source__", "") for model in operation.models}
        codes = {401, 403, 429}
        if sources or WRITES & set(methods):
            codes |= {400, 404}
        if sources or WRITES & set(methods):
            codes.add(422)  # a write may also reuse an Idempotency-Key (haven.core.idempotency)
        if "body" in sources:
            codes.add(413)
        models = operation.response_models
        if set(models) == {200} and models[200] is NOT_SET:
            return
        for code in sorted(codes):
            models.setdefault(code, _error_model(ErrorOut))


class HavenNinjaAPI(NinjaAPI):
    """Ninja with what its signatures cannot say added to the OpenAPI schema: the
    `Idempotency-Key` header every write accepts (handled by a middleware)."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> OpenAPISchema:
        from haven.core import idempotency

        schema = super().get_openapi_schema(*args, **kwargs)
        idempotency.document(schema)
        return schema


def _respond(request: HttpRequest, detail: str, status: int, **extra: Any) -> HttpResponse:
    return JsonResponse({"detail": detail, **extra}, status=status)


def _field_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Pydantic's errors without their context objects, with locations as the client sent them."""
    cleaned = []
    for item in errors:
        loc = [part for part in item.get("loc", ()) if part not in {"payload"}]
        cleaned.append(
            {
                "loc": [part if isinstance(part, int) else str(part) for part in loc],
                "msg": str(item.get("msg", "invalid")),
                "type": str(item.get("type", "value_error")),
            }
        )
    return cleaned


def _summary(errors: list[dict[str, Any]]) -> str:
    problems = []
    for item in errors:
        where = ".".join(str(part) for part in item["loc"] if part not in {"body", "query", "path"})
        problems.append(f"{where}: {item['msg']}" if where else item["msg"])
    return "; ".join(problems) or "invalid input"


def install_error_handlers(api: NinjaAPI) -> None:
    """Every exception an operation raises becomes a JSON answer; nothing internal leaks."""

    def handle(
        kind: type[Exception],
    ) -> Callable[[Callable[[HttpRequest, Any], HttpResponse]], Any]:
        return api.exception_handler(kind)

    @handle(NotFoundError)
    def not_found(request: HttpRequest, error: NotFoundError) -> HttpResponse:
        return _respond(request, str(error), 404)

    @handle(HavenError)
    def bad_input(request: HttpRequest, error: HavenError) -> HttpResponse:
        return _respond(request, str(error), 400)

    @handle(PermissionDenied)
    def forbidden(request: HttpRequest, error: PermissionDenied) -> HttpResponse:
        return _respond(request, str(error) or "your role may not do this", 403)

    @handle(AuthenticationError)
    def unauthenticated(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
        return _respond(
            request, "authentication required: send 'Authorization: Bearer <token>'", 401
        )

    @handle(NinjaValidationError)
    def invalid(request: HttpRequest, error: NinjaValidationError) -> HttpResponse:
        errors = _field_errors(list(error.errors))
        return _respond(request, _summary(errors), 422, errors=errors)

    @handle(HttpError)
    def http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
        return _respond(request, str(error), error.status_code)

    @handle(RequestDataTooBig)
    def too_big(request: HttpRequest, error: RequestDataTooBig) -> HttpResponse:
        return _too_big()

    @handle(Exception)
    def server_error(request: HttpRequest, error: Exception) -> HttpResponse:
        return _server_error(request)


def _too_big() -> HttpResponse:
    from django.conf import settings

    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return JsonResponse(
        {"detail": f"request body too large: at most {limit:,} bytes"},
        status=HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
    )


def _server_error(request: HttpRequest) -> HttpResponse:
    """Log the traceback under a reference the answer gives, and say nothing else."""
    reference = uuid.uuid4().hex[:12]
    logger.exception("API error %s on %s %s", reference, request.method, request.path)
    return JsonResponse(
        {"detail": f"internal error (reference {reference}): it was logged; nothing was saved"},
        status=500,
    )


def _nul_locations(value: Any, where: tuple[str | int, ...]) -> Iterator[tuple[str | int, ...]]:
    if isinstance(value, str):
        if "\x00" in value:
            yield where
    elif isinstance(value, dict):
        for key, item in value.items():
            if "\x00" in str(key):
                yield (*where, str(key))
            yield from _nul_locations(item, (*where, str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _nul_locations(item, (*where, index))


def _nul_errors(request: HttpRequest) -> list[dict[str, Any]]:
    found: list[tuple[str | int, ...]] = []
    if "\x00" in request.path:
        found.append(("path",))
    for key, values in request.GET.lists():
        if any("\x00" in text for text in (key, *values)):
            found.append(("query", key))
    body = request.body
    if b"\\u0000" in body:
        with contextlib.suppress(ValueError):  # not JSON: the operation says so
            found.extend(_nul_locations(json.loads(body), ("body",)))
    message = "text may not contain the NUL character (\\u0000)"
    return [{"loc": list(loc), "msg": message, "type": "string_nul"} for loc in found]


def _not_an_object(request: HttpRequest) -> list[dict[str, Any]]:
    """Every operation's body is a JSON object: an array, a string or a number is refused
    here, where Ninja would read it as an empty object and use every default."""
    body = request.body.lstrip()
    if not body or body.startswith(b"{") or "json" not in (request.content_type or ""):
        return []  # an object (or nothing): Ninja parses it once, no need to here
    try:
        value = json.loads(body)
    except ValueError:
        return []  # not JSON at all: the operation says so
    kind = type(value).__name__.replace("NoneType", "null")
    return [
        {"loc": ["body"], "msg": f"the body must be a JSON object, not {kind}", "type": "dict_type"}
    ]


class ApiEdgeMiddleware:
    """Under /api/: a body over DATA_UPLOAD_MAX_MEMORY_SIZE is a 413, a NUL character in the
    path, the query or any text of the body a 422 (PostgreSQL can store no NUL), and an
    error answered outside the API's own handlers (an unknown path, a wrong method, a
    crash in a middleware) is JSON like every other."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        try:
            errors = _nul_errors(request) or _not_an_object(request)
        except RequestDataTooBig:
            return _too_big()
        if errors:
            return _respond(request, _summary(errors), 422, errors=errors)
        response = self.get_response(request)
        if response.status_code >= 400 and "json" not in response.get("Content-Type", ""):
            detail = HTTPStatus(response.status_code).phrase.lower()
            return _respond(request, detail, response.status_code)
        return response
