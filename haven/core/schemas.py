"""API input schemas derived from the models: the limits a column has (length, range,
precision) are checked at the edge, on SQLite as on PostgreSQL, before anything is stored.

    class ShelterIn(Schema):
        name: str = column(Shelter, "name")
        covered_area_m2: Decimal = column(Shelter, "covered_area_m2")

A later per-role field policy can subset these schemas by field name: each field is named
after the model field it carries.
"""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any, ClassVar

from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from ninja import Field, Schema
from pydantic import AfterValidator, BeforeValidator, ValidationInfo, field_validator
from pydantic.fields import FieldInfo

from haven.core.limits import MAX_ID, SEARCH_MAX_LENGTH, SEARCH_MAX_WORDS, TEXT_MAX_LENGTH
from haven.core.numbers import to_decimal

Id = Annotated[int, Field(ge=1, le=MAX_ID, description="A record id.")]


def _few_words(value: str) -> str:
    if len(value.split()) > SEARCH_MAX_WORDS:
        raise ValueError(f"a search takes at most {SEARCH_MAX_WORDS} words")
    return value


Search = Annotated[
    str,
    Field(
        max_length=SEARCH_MAX_LENGTH,
        description=(
            f"Words to look for (at most {SEARCH_MAX_WORDS} words, {SEARCH_MAX_LENGTH} characters)."
        ),
    ),
    AfterValidator(_few_words),
]


def _decimal(value: Any, *, what: str, places: int, max_digits: int) -> Any:
    if value is None:
        return None
    return to_decimal(value, what=what, places=places, max_digits=max_digits)


def _integer_range(field: models.Field[Any, Any]) -> tuple[int, int] | None:
    return BaseDatabaseOperations.integer_field_ranges.get(field.get_internal_type())


def limits(field: models.Field[Any, Any]) -> tuple[list[Any], dict[str, Any]]:
    """The validators and constraints that make an input fit `field`'s column."""
    validators: list[Any] = []
    constraints: dict[str, Any] = {}
    if field.is_relation:
        constraints.update(ge=1, le=MAX_ID)
    elif isinstance(field, models.CharField | models.TextField):
        constraints["max_length"] = field.max_length or TEXT_MAX_LENGTH
    elif isinstance(field, models.DecimalField):
        places, digits = field.decimal_places or 0, field.max_digits or 28
        validators.append(
            BeforeValidator(partial(_decimal, what=field.name, places=places, max_digits=digits))
        )
        # The precision is checked by _decimal (after rounding); pydantic's own max_digits
        # would run on an optional field's null too and fail with a TypeError (a 500).
    elif isinstance(field, models.FloatField):
        constraints["allow_inf_nan"] = False
    elif (bounds := _integer_range(field)) is not None:
        constraints.update(ge=bounds[0], le=bounds[1])
    return validators, constraints


def column(model: type[models.Model], name: str, default: Any = ..., **overrides: Any) -> Any:
    """A schema field that takes what `model.name` can store: its length for text, its range
    for whole numbers and ids, its precision for decimals (rounded first, then checked);
    `overrides` narrow it further (e.g. gt=0)."""
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field), f"{model.__name__}.{name} is not a column"
    validators, constraints = limits(field)
    constraints.update(overrides)
    if field.help_text and "description" not in constraints:
        constraints["description"] = str(field.help_text)
    annotated: Any = Annotated[Any, *validators, Field(**constraints)]
    return FieldInfo.from_annotated_attribute(annotated, default)


def unchanged(**constraints: Any) -> Any:
    """A PATCH field that may be left out, but not set to null (see PatchSchema)."""
    return Field(None, **constraints)


def text(default: Any = ..., *, max_length: int = TEXT_MAX_LENGTH, **constraints: Any) -> Any:
    """A free-text input that is not stored in a column of its own (a reason, a note)."""
    return Field(default, max_length=max_length, **constraints)


def _is_blank_text(model: type[models.Model], name: str) -> bool:
    try:
        field = model._meta.get_field(name)
    except Exception:
        return False
    return (
        isinstance(field, models.CharField | models.TextField)
        and bool(field.blank)
        and not field.null
    )


class PatchSchema(Schema):
    """A PATCH body. A field left out stays as it is. `null` clears an optional field (a
    text becomes blank, a date or a link becomes empty); a required field is typed without
    null, so `null` for it is refused with a 422 naming the field."""

    model: ClassVar[type[models.Model]]

    @field_validator("*", mode="before")
    @classmethod
    def _blank_text_for_null(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name and _is_blank_text(cls.model, info.field_name):
            return ""
        return value
