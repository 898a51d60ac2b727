"""`{% figure ind links "deaths" %}`: a SITREP figure, linked to the events behind it when
the reader may see them."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html

register = template.Library()


def number_text(value: Any, digits: int = 0) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        if value == float("inf"):
            return "∞"
        return f"{value:,.{digits}f}"
    return f"{value:,}"


@register.simple_tag
def figure(indicators: dict[str, Any], links: dict[str, str], key: str, digits: int = 0) -> str:
    indicator = indicators.get(key)
    if indicator is None:
        return ""
    text = number_text(indicator.value, digits)
    css = "fig warn" if indicator.flagged else "fig"
    if key in links:
        return str(format_html('<a class="{}" href="{}">{}</a>', css, links[key], text))
    return str(format_html('<span class="{}">{}</span>', css, text))


@register.filter
def signed(value: int) -> str:
    return f"+{value:,}" if value > 0 else f"{value:,}"


@register.filter
def amount(value: Any, digits: int = 0) -> str:
    return number_text(float(value) if value is not None else None, int(digits))
