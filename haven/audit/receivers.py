"""Sensitive reads, sent by pages, the API and exports (`haven.core.signals.sensitive_read`),
become audit events of kind "read"."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from haven.audit.log import append
from haven.audit.trail import plain
from haven.core.signals import sensitive_read


@receiver(sensitive_read, dispatch_uid="haven.audit.sensitive_read")
def record_sensitive_read(
    sender: Any,
    *,
    user: Any = None,
    group: str = "",
    model: str = "",
    pks: Iterable[Any] = (),
    channel: str | None = None,
    **extra: Any,
) -> None:
    label = model.lower()
    records = [f"{label}:{pk}" for pk in pks] if label else []
    summary = {name: plain(value, name) for name, value in extra.items() if name != "signal"}
    if label and not records:
        summary["model"] = label
    append(
        kind="read",
        action=f"read.{group or 'sensitive'}",
        group=group,
        user=user,
        records=records,
        summary=summary,
        channel=channel or None,
    )


@receiver(user_logged_in, dispatch_uid="haven.audit.new_password_required")
def flag_new_password(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """Remember in the session, once at sign-in, that a lockdown asks this user for a new
    password: the middleware then reads only the session, no query per page."""
    from haven.audit.middleware import NEW_PASSWORD_FLAG, password_mark
    from haven.audit.services import must_change_password

    if request is not None and hasattr(request, "session") and must_change_password(user):
        request.session[NEW_PASSWORD_FLAG] = password_mark(user)
