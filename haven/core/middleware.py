from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseNotFound

from haven.core.errors import HavenError, NotFoundError

NUL = "\x00"


def _has_nul(request: HttpRequest) -> bool:
    """A NUL character in the query or a posted form (not an upload: reading one here would
    take it out of the view's hands). Forms refuse it already; this covers every other read."""
    values = [*request.GET.keys(), *[v for vs in request.GET.lists() for v in vs[1]]]
    if request.method == "POST" and request.content_type == "application/x-www-form-urlencoded":
        values += [*request.POST.keys(), *[v for vs in request.POST.lists() for v in vs[1]]]
    return any(NUL in value for value in values)


class HavenErrorMiddleware:
    """A domain error that escapes a page becomes a 404 or 400 with its message, not a 500;
    text with a NUL character (which PostgreSQL cannot store) is a 400 before any view."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request):
            return HttpResponseBadRequest(
                "text may not contain the NUL character", content_type="text/plain; charset=utf-8"
            )
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, NotFoundError):
            return HttpResponseNotFound(str(exception), content_type="text/plain; charset=utf-8")
        if isinstance(exception, HavenError):
            return HttpResponseBadRequest(str(exception), content_type="text/plain; charset=utf-8")
        return None
