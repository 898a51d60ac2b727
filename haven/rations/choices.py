from __future__ import annotations

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class PlanStatus(models.TextChoices):
    """Where a distribution plan stands; only an applied plan is handed out against."""

    DRAFT = "draft", _("Draft (preview)")
    APPLIED = "applied", _("Applied")
    SUPERSEDED = "superseded", _("Superseded")


# Need keys the runway forecast and dashboard treat as critical, with a readable name.
CRITICAL_NEEDS = {"kcal": _("Food (kcal)"), "litres": _("Water (litres)")}
DOSES_PREFIX = "doses:"


def need_label(key: str) -> str:
    """A readable name for a need key: "kcal" → "Food (kcal)", "doses:trauma" → "Trauma doses"."""
    if key in CRITICAL_NEEDS:
        return str(CRITICAL_NEEDS[key])
    if key.startswith(DOSES_PREFIX):
        kind = key.removeprefix(DOSES_PREFIX).replace("_", " ").capitalize()
        return gettext("%(kind)s doses") % {"kind": kind}
    return key
