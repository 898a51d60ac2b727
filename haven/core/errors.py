"""Errors every layer understands: the API turns them into 4xx JSON, the CLI into exit 2."""

from __future__ import annotations


class HavenError(ValueError):
    """Bad input or an impossible request; the message names the thing and the value."""


class NotFoundError(HavenError):
    """A named record does not exist (for example "no person with id 4711")."""
