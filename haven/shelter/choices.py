"""Shelter enums: what a shelter is, what state it is in, what it is set aside for."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from haven.planning.sphere import ShelterUse as PlannerUse


class Kind(models.TextChoices):
    TENT = "tent", _("Tent")
    BUILDING = "building", _("Building")
    VEHICLE = "vehicle", _("Vehicle")
    OPEN = "open", _("Open (tarpaulin, shade)")


class Condition(models.TextChoices):
    """Damaged shelters still take people (enter only the usable covered area); destroyed do not."""

    USABLE = "usable", _("Usable")
    DAMAGED = "damaged", _("Damaged")
    DESTROYED = "destroyed", _("Destroyed")


class Use(models.TextChoices):
    """What a shelter is set aside for; the values are the planner's."""

    GENERAL = PlannerUse.GENERAL.value, _("General")
    INJURED_WARD = PlannerUse.INJURED_WARD.value, _("Injured ward")
    ISOLATION = PlannerUse.ISOLATION.value, _("Isolation")
    FAMILIES = PlannerUse.FAMILIES.value, _("Families")


class StayEnd(models.TextChoices):
    """Why a stay ended."""

    MOVED = "moved", _("Moved")
    CHECKED_OUT = "checked_out", _("Checked out")
    DESTROYED = "destroyed", _("Shelter destroyed")
    PLAN = "plan", _("Lost place in a plan")
    LEFT_CAMP = "left_camp", _("No longer in camp")


# Occupancy bar colours by fill: below AMBER_FROM is green, up to full amber, full red,
# above capacity "over".
AMBER_FROM_PERCENT = 75
