from __future__ import annotations

from django.db import models


class PlanStatus(models.TextChoices):
    """Where a distribution plan stands; only an applied plan is handed out against."""

    DRAFT = "draft", "Draft (preview)"
    APPLIED = "applied", "Applied"
    SUPERSEDED = "superseded", "Superseded"


# Need keys the runway forecast and dashboard treat as critical, with a readable name.
CRITICAL_NEEDS = {"kcal": "Food (kcal)", "litres": "Water (litres)"}
DOSES_PREFIX = "doses:"


def need_label(key: str) -> str:
    """A readable name for a need key: "kcal" → "Food (kcal)", "doses:trauma" → "Trauma doses"."""
    if key in CRITICAL_NEEDS:
        return CRITICAL_NEEDS[key]
    if key.startswith(DOSES_PREFIX):
        return f"{key.removeprefix(DOSES_PREFIX).replace('_', ' ').capitalize()} doses"
    return key
