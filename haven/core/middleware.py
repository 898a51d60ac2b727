from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseNotFound

from haven.core.errors import HavenError, NotFoundError


class HavenErrorMiddleware:
    """A domain error that escapes a page becomes a 404 or 400 with its message, not a 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, NotFoundError):
            return HttpResponseNotFound(str(exception), content_type="text/plain; charset=utf-8")
        if isinstance(exception, HavenError):
            return HttpResponseBadRequest(str(exception), content_type="text/plain; charset=utf-8")
        return None
