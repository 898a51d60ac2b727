from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    """The camp roles; each is a Django group of the same name."""

    COMMANDER = "commander", "Commander"
    QUARTERMASTER = "quartermaster", "Quartermaster"
    MEDIC = "medic", "Medic"
    SCOUT = "scout", "Scout"
    CLERK = "clerk", "Clerk"
    MEMBER = "member", "Member"
