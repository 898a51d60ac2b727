from __future__ import annotations

from django.db import models


class Category(models.TextChoices):
    """What an item is for; runway is computed per need from these."""

    FOOD = "food", "Food"
    WATER = "water", "Water"
    MEDICAL = "medical", "Medical"
    SHELTER = "shelter", "Shelter"
    FUEL = "fuel", "Fuel"
    TOOLS = "tools", "Tools"
    HYGIENE = "hygiene", "Hygiene"
    OTHER = "other", "Other"


class MedicalCategory(models.TextChoices):
    """Which kind of care a medical item serves; medical runway is per category."""

    TRAUMA = "trauma", "Trauma"
    BURNS = "burns", "Burns"
    INFECTION = "infection", "Infection"
    PAIN = "pain", "Pain"
    FLUIDS = "fluids", "Fluids"
    GENERAL = "general", "General"


class StoreKind(models.TextChoices):
    WAREHOUSE = "warehouse", "Warehouse"
    TENT = "tent", "Tent store"
    CACHE = "cache", "Cache"
    VEHICLE = "vehicle", "Vehicle"


class EntryKind(models.TextChoices):
    """The only ways stock changes."""

    RECEIPT = "receipt", "Receipt"
    ISSUE = "issue", "Issue"
    TRANSFER_OUT = "transfer_out", "Transfer out"
    TRANSFER_IN = "transfer_in", "Transfer in"
    ADJUSTMENT = "adjustment", "Adjustment"
    COUNT = "count", "Stock count"


class ReceiptSource(models.TextChoices):
    MISSION = "mission", "Supply mission"
    DONATION = "donation", "Donation"
    FABRICATION = "fabrication", "Fabrication"
    OPENING = "opening", "Opening stock"
    OTHER = "other", "Other"


class IssuePurpose(models.TextChoices):
    PERSON = "person", "To a person"
    TREATMENT = "treatment", "Treatment"
    DISTRIBUTION = "distribution", "Distribution"
    FABRICATION = "fabrication", "Fabrication"
    OTHER = "other", "Other"


class AdjustmentReason(models.TextChoices):
    DAMAGED = "damaged", "Damaged"
    EXPIRED = "expired", "Expired"
    LOST = "lost", "Lost"
    FOUND = "found", "Found"
    STOLEN = "stolen", "Stolen"


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
