"""Shelter enums: what a shelter is, what state it is in, what it is set aside for."""

from __future__ import annotations

from django.db import models

from haven.planning.shelter import ShelterUse as PlannerUse


class Kind(models.TextChoices):
    TENT = "tent", "Tent"
    BUILDING = "building", "Building"
    VEHICLE = "vehicle", "Vehicle"
    OPEN = "open", "Open (tarpaulin, shade)"


class Condition(models.TextChoices):
    """Damaged shelters still take people (enter only the usable covered area); destroyed do not."""

    USABLE = "usable", "Usable"
    DAMAGED = "damaged", "Damaged"
    DESTROYED = "destroyed", "Destroyed"


class Use(models.TextChoices):
    """What a shelter is set aside for; the values are the planner's."""

    GENERAL = PlannerUse.GENERAL.value, "General"
    INJURED_WARD = PlannerUse.INJURED_WARD.value, "Injured ward"
    ISOLATION = PlannerUse.ISOLATION.value, "Isolation"
    FAMILIES = PlannerUse.FAMILIES.value, "Families"


class StayEnd(models.TextChoices):
    """Why a stay ended."""

    MOVED = "moved", "Moved"
    CHECKED_OUT = "checked_out", "Checked out"
    DESTROYED = "destroyed", "Shelter destroyed"
    PLAN = "plan", "Lost place in a plan"
    LEFT_CAMP = "left_camp", "No longer in camp"


# Occupancy bar colours by fill: below AMBER_FROM is green, up to full amber, full red,
# above capacity "over".
AMBER_FROM_PERCENT = 75
