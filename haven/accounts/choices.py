from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The camp roles; each is a Django group of the same name."""

    COMMANDER = "commander", _("Commander")
    QUARTERMASTER = "quartermaster", _("Quartermaster")
    MEDIC = "medic", _("Medic")
    SCOUT = "scout", _("Scout")
    CLERK = "clerk", _("Clerk")
    MEMBER = "member", _("Member")
