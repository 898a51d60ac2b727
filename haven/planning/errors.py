"""Errors raised by the framework-free planning core."""

from __future__ import annotations


class PlanningInputError(ValueError):
    """Input to a planning function is invalid; the message names the thing and the value."""
