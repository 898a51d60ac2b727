"""Permission checks shared by views, API and commands."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponse])


def require(user: User | AnonymousUser, *perms: str) -> None:
    """Raise PermissionDenied unless the user holds every permission named."""
    for perm in perms:
        if not user.has_perm(perm):
            raise PermissionDenied(_("your role may not do this (%(perm)s)") % {"perm": perm})


def permission_required(*perms: str) -> Callable[[ViewFunc], ViewFunc]:
    """View decorator: login required, then every permission, else 403."""

    def decorator(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            require(request.user, *perms)
            return view(request, *args, **kwargs)

        return login_required(wrapped)  # type: ignore[return-value]

    return decorator
