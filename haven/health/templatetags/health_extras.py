"""Template helpers for triage colours."""

from __future__ import annotations

from django import template

from haven.health import triage_text
from haven.planning.triage import TriageCategory

register = template.Library()

_LIGHT_BACKGROUNDS = {TriageCategory.YELLOW.colour}


@register.filter
def category_colour(category: str) -> str:
    """The tag colour of a triage category value, e.g. "red" → "#c62828"."""
    return TriageCategory(category).colour


@register.filter
def category_label(category: str) -> str:
    return triage_text.translated(TriageCategory(category).label)


@register.filter
def triage_words(text: str) -> str:
    """A question, answer, category or reason of the triage rules in the reader's language."""
    return triage_text.translated(str(text))


@register.filter
def triage_reasons(reasons: list[str]) -> list[str]:
    return [triage_text.translated(reason) for reason in reasons]


@register.filter
def text_on(colour: str) -> str:
    """The CSS class that keeps text readable on a tag colour."""
    return "on-light" if colour in _LIGHT_BACKGROUNDS else "on-dark"
