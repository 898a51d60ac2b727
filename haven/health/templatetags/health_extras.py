"""Template helpers for triage colours."""

from __future__ import annotations

from django import template

from haven.planning.triage import TriageCategory

register = template.Library()

_LIGHT_BACKGROUNDS = {TriageCategory.YELLOW.colour}


@register.filter
def category_colour(category: str) -> str:
    """The tag colour of a triage category value, e.g. "red" → "#c62828"."""
    return TriageCategory(category).colour


@register.filter
def category_label(category: str) -> str:
    return TriageCategory(category).label


@register.filter
def text_on(colour: str) -> str:
    """The CSS class that keeps text readable on a tag colour."""
    return "on-light" if colour in _LIGHT_BACKGROUNDS else "on-dark"
