"""Numbers as the database will keep them: rounded to a column's precision *before* any
check, so that a value which passes "> 0" is never stored as 0.00 (0.001 m² of shelter
once took every shelter page down)."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Context, Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from haven.core.errors import HavenError


def to_decimal(value: Any, *, what: str, places: int, max_digits: int) -> Decimal:
    """`value` as a finite Decimal rounded to `places` decimals (half to even, as the
    database rounds), with at most `max_digits` digits in all; else HavenError naming it."""
    if isinstance(value, bool):
        raise HavenError(_("%(what)s %(value)r is not a number") % {"what": what, "value": value})
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as error:
        raise HavenError(
            _("%(what)s %(value)r is not a number") % {"what": what, "value": value}
        ) from error
    if not number.is_finite():
        raise HavenError(
            _("%(what)s %(value)r is not a finite number") % {"what": what, "value": value}
        )
    try:
        rounded = number.quantize(
            Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN, context=Context(prec=60)
        )
    except InvalidOperation:
        rounded = None
    whole_digits = max_digits - places
    if rounded is None or (rounded and rounded.adjusted() >= whole_digits):
        raise HavenError(
            _("%(what)s %(value)s is too large: at most %(whole_digits)s digits before the point")
            % {"what": what, "value": value, "whole_digits": whole_digits}
        )
    return rounded.copy_abs() if rounded == 0 else rounded  # no "-0.00"


def column_decimal(model: type[models.Model], field: str, value: Any, *, what: str) -> Decimal:
    """`value` rounded to the precision of `model.field` (a DecimalField)."""
    column = model._meta.get_field(field)
    assert isinstance(column, models.DecimalField), f"{model.__name__}.{field} is not decimal"
    return to_decimal(
        value, what=what, places=column.decimal_places or 0, max_digits=column.max_digits or 28
    )
