"""`Idempotency-Key` on API writes: a retry whose first reply was lost posts nothing again.

A client sends any key it chooses (a UUID) with a POST, PUT, PATCH or DELETE under
/api/v1/. The first request with that key runs, and its answer (status and body) is stored
under the key in the same transaction as the write: if the write committed, the key did
too, even when the server died before replying. A repeat by the same user gets the stored
answer (with `Idempotent-Replayed: true`) and posts nothing; the same key with another
method, path or body is a 422. Concurrent duplicates meet at a unique constraint, so only
one posts. A failed write (any answer but 2xx) stores nothing and may be retried. Keys are
forgotten after HAVEN_IDEMPOTENCY_HOURS. (As in IETF draft-ietf-httpapi-idempotency-key-header
and Stripe's API.)
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

from haven.core.models import IdempotencyKey

HEADER = "Idempotency-Key"
API_PREFIX = "/api/v1/"
WRITES = {"POST", "PUT", "PATCH", "DELETE"}
KEY_PATTERN = "^[!-~]{1,255}$"  # 1 to 255 visible ASCII characters
VALID_KEY = re.compile(KEY_PATTERN)
REPLAYED = "Idempotent-Replayed"

OPENAPI_PARAMETER = {
    "in": "header",
    "name": HEADER,
    "required": False,
    "description": (
        "Any unique value (a UUID) to make this write safe to retry: a repeat with the same "
        "key answers the first answer again and posts nothing; the same key with a "
        "different request answers 422. Keys are kept HAVEN_IDEMPOTENCY_HOURS (24 by default)."
    ),
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": KEY_PATTERN},
}


def _user(request: HttpRequest) -> AbstractBaseUser | AnonymousUser | None:
    """Who the API will take the request to be: a bearer token first, then the session."""
    from haven.accounts.services import TokenRefused, authenticate_token

    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        try:
            token = authenticate_token(header[7:].strip())
        except TokenRefused:
            return None  # the API answers 401 and records nothing
        return token.user if token is not None else None
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def _fingerprint(request: HttpRequest) -> str:
    body = request.body
    if "json" in (request.content_type or ""):
        # Not JSON after all: the operation says so; compared as sent.
        with contextlib.suppress(ValueError):
            body = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    digest = hashlib.sha256(f"{request.method} {request.get_full_path()}\n".encode())
    digest.update(body)
    return digest.hexdigest()


def _replay(stored: IdempotencyKey) -> HttpResponse:
    response = HttpResponse(
        bytes(stored.body), status=stored.status, content_type=stored.content_type
    )
    response[REPLAYED] = "true"
    return response


def _mismatch(key: str, stored: IdempotencyKey) -> HttpResponse:
    return JsonResponse(
        {
            "detail": f"{HEADER} {key!r} was used for a different request "
            f"({stored.method} {stored.path} with another body); send a new key"
        },
        status=422,
    )


class IdempotencyMiddleware:
    """Runs an API write that carries an `Idempotency-Key` once per key (see module doc)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get(HEADER)
        if key is None or request.method not in WRITES or not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        if not VALID_KEY.match(key):
            return JsonResponse(
                {"detail": f"{HEADER} must be 1 to 255 visible ASCII characters, not {key!r}"},
                status=400,
            )
        user = _user(request)
        if user is None or user.pk is None:
            return self.get_response(request)  # the API answers 401; nothing to remember
        return self._once(request, user.pk, key)

    def _once(self, request: HttpRequest, user_id: Any, key: str) -> HttpResponse:
        fingerprint = _fingerprint(request)
        now = timezone.now()
        expired = now - timedelta(hours=settings.HAVEN_IDEMPOTENCY_HOURS)
        with transaction.atomic():
            IdempotencyKey.objects.filter(user_id=user_id, created_at__lt=expired).delete()
            try:
                with transaction.atomic():
                    record = IdempotencyKey.objects.create(
                        user_id=user_id,
                        key=key,
                        method=request.method or "",
                        path=request.path[:2000],
                        request_hash=fingerprint,
                        status=0,
                        content_type="",
                        body=b"",
                        created_at=now,
                    )
            except IntegrityError:
                # Answered already (or a concurrent duplicate committed first).
                stored = IdempotencyKey.objects.get(user_id=user_id, key=key)
                if stored.request_hash != fingerprint:
                    return _mismatch(key, stored)
                return _replay(stored)
            response = self.get_response(request)
            if not 200 <= response.status_code < 300 or response.streaming:
                transaction.set_rollback(True)  # nothing posted, nothing remembered
                return response
            record.status = response.status_code
            record.content_type = response.get("Content-Type", "application/json")
            record.body = response.content
            record.save(update_fields=["status", "content_type", "body"])
        return response


def document(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the header to every write operation of an OpenAPI schema."""
    for methods in schema.get("paths", {}).values():
        for method, operation in methods.items():
            if method.upper() in WRITES and isinstance(operation, dict):
                parameters = operation.setdefault("parameters", [])
                if not any(p.get("name") == HEADER for p in parameters):
                    parameters.append(dict(OPENAPI_PARAMETER))
    return schema
