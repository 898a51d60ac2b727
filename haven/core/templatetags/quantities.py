"""Quantities as people read them: thousands grouped, no trailing zeros, with their unit.

`{% load quantities %}` then `{{ value|quantity:"L" }}` → "12,617.1 L" (grouped and
pointed the way the active language writes numbers: "12 617,1 L" in French), and
`{{ value|handout:item }}` → "1.5 kg (3 × scoop)" for an item handed out in named steps.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils.formats import number_format

register = template.Library()


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def grouped(value: Any, places: int = 3) -> str:
    """`value` rounded to at most `places` decimals, trailing zeros dropped, thousands grouped."""
    number = _decimal(value)
    if number is None:
        return "" if value is None else str(value)
    rounded = number.quantize(Decimal(1).scaleb(-places))
    text = f"{rounded:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return number_format(Decimal(text or "0"), force_grouping=True)


@register.filter
def quantity(value: Any, unit: str = "") -> str:
    """12617.100 with "L" → "12,617.1 L"; an empty value stays empty."""
    text = grouped(value)
    return f"{text} {unit}".strip() if text and unit else text


@register.filter
def handout(value: Any, item: Any) -> str:
    """A quantity of `item` as handed out: "1.5 kg (3 × scoop)" when its step has a name."""
    text = quantity(value, getattr(item, "unit", ""))
    number = _decimal(value)
    step = _decimal(getattr(item, "handout_step", None))
    name = getattr(item, "handout_unit", "")
    if number is None or not step or not name:
        return text
    # The step's name is the camp's own word (scoop, cup), shown as entered.
    return f"{text} ({grouped(number / step, places=2)} × {name})"
