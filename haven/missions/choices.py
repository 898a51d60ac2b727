from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class MissionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    OUT = "out", _("Out")
    RETURNED = "returned", _("Returned")
    CANCELLED = "cancelled", _("Cancelled")


class RiskLevel(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    EXTREME = "extreme", _("Extreme")
