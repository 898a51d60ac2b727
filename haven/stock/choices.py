from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    """What an item is for; runway is computed per need from these."""

    FOOD = "food", _("Food")
    WATER = "water", _("Water")
    MEDICAL = "medical", _("Medical")
    SHELTER = "shelter", _("Shelter")
    FUEL = "fuel", _("Fuel")
    TOOLS = "tools", _("Tools")
    HYGIENE = "hygiene", _("Hygiene")
    OTHER = "other", _("Other")


class MedicalCategory(models.TextChoices):
    """Which kind of care a medical item serves; medical runway is per category."""

    TRAUMA = "trauma", _("Trauma")
    BURNS = "burns", _("Burns")
    INFECTION = "infection", _("Infection")
    PAIN = "pain", _("Pain")
    FLUIDS = "fluids", _("Fluids")
    GENERAL = "general", _("General")


class StoreKind(models.TextChoices):
    WAREHOUSE = "warehouse", _("Warehouse")
    TENT = "tent", _("Tent store")
    CACHE = "cache", _("Cache")
    VEHICLE = "vehicle", _("Vehicle")


class EntryKind(models.TextChoices):
    """The only ways stock changes."""

    RECEIPT = "receipt", _("Receipt")
    ISSUE = "issue", _("Issue")
    TRANSFER_OUT = "transfer_out", _("Transfer out")
    TRANSFER_IN = "transfer_in", _("Transfer in")
    ADJUSTMENT = "adjustment", _("Adjustment")
    COUNT = "count", _("Stock count")


class ReceiptSource(models.TextChoices):
    MISSION = "mission", _("Supply mission")
    DONATION = "donation", _("Donation")
    FABRICATION = "fabrication", _("Fabrication")
    OPENING = "opening", _("Opening stock")
    OTHER = "other", _("Other")


class IssuePurpose(models.TextChoices):
    PERSON = "person", _("To a person")
    TREATMENT = "treatment", _("Treatment")
    DISTRIBUTION = "distribution", _("Distribution")
    FABRICATION = "fabrication", _("Fabrication")
    OTHER = "other", _("Other")


class AdjustmentReason(models.TextChoices):
    DAMAGED = "damaged", _("Damaged")
    EXPIRED = "expired", _("Expired")
    LOST = "lost", _("Lost")
    FOUND = "found", _("Found")
    STOLEN = "stolen", _("Stolen")


# Adjustments that add stock; every other reason removes it.
ADDING_REASONS = frozenset({AdjustmentReason.FOUND})

# Every sub-type an entry may carry in `reason`, by kind.
REASONS_BY_KIND: dict[str, frozenset[str]] = {
    EntryKind.RECEIPT: frozenset(ReceiptSource.values),
    EntryKind.ISSUE: frozenset(IssuePurpose.values),
    EntryKind.ADJUSTMENT: frozenset(AdjustmentReason.values),
    EntryKind.TRANSFER_OUT: frozenset({"transfer"}),
    EntryKind.TRANSFER_IN: frozenset({"transfer"}),
    EntryKind.COUNT: frozenset({"count"}),
}
