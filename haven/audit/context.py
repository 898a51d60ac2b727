"""Through what a write or read arrives: set once per request (middleware) or command
(HavenCommand), read when an event is appended. Context variables, so each server thread
(and each asyncio task) keeps its own."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from haven.audit.choices import Channel

_channel: ContextVar[str] = ContextVar("haven_audit_channel", default=Channel.SYSTEM.value)
_request: ContextVar[Any] = ContextVar("haven_audit_request", default=None)


@contextmanager
def acting_through(channel: str, request: Any = None) -> Iterator[None]:
    """Everything recorded inside arrived through `channel` (web, api, cli), for `request`."""
    channel_token = _channel.set(Channel(channel).value)
    request_token = _request.set(request)
    try:
        yield
    finally:
        _request.reset(request_token)
        _channel.reset(channel_token)


def current_channel() -> str:
    return _channel.get()


def request_user() -> Any:
    """The signed-in user of the request being served (a bearer token's user on the API),
    or None outside a request or before anyone signed in."""
    request = _request.get()
    user = getattr(request, "user", None) if request is not None else None
    return user if user is not None and user.is_authenticated else None
