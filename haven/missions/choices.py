from __future__ import annotations

from django.db import models


class MissionStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    OUT = "out", "Out"
    RETURNED = "returned", "Returned"
    CANCELLED = "cancelled", "Cancelled"


class RiskLevel(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    EXTREME = "extreme", "Extreme"
