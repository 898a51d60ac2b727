"""Stock: the item catalogue, stores, lots, the append-only ledger and derived balances."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone

from haven.stock.choices import Category, EntryKind, MedicalCategory, StoreKind

QUANTITY = {"max_digits": 16, "decimal_places": 3}


def format_quantity(value: Decimal | int | float) -> str:
    """12.500 → "12.5", 40.000 → "40": how a quantity reads in messages and pages."""
    number = Decimal(value)
    text = f"{number:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


class Item(models.Model):
    """A kind of thing the camp keeps, with what one unit holds (kcal, litres, doses, m²)."""

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120, unique=True)
    category = models.CharField(max_length=20, choices=Category.choices)
    medical_category = models.CharField(max_length=20, choices=MedicalCategory.choices, blank=True)
    unit = models.CharField(max_length=30, help_text="kg, L, kit, course, piece …")
    kcal_per_unit = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal(0))
    litres_per_unit = models.DecimalField(max_digits=12, decimal_places=3, default=Decimal(0))
    doses_per_unit = models.DecimalField(
        max_digits=12, decimal_places=3, default=Decimal(0), help_text="Treatments one unit gives."
    )
    covered_area_m2 = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal(0))
    expires = models.BooleanField(default=False)
    min_level = models.DecimalField(max_digits=16, decimal_places=3, default=Decimal(0))
    reorder_level = models.DecimalField(max_digits=16, decimal_places=3, default=Decimal(0))
    notes = models.CharField(max_length=300, blank=True)
    handout_step = models.DecimalField(
        max_digits=16,
        decimal_places=3,
        default=Decimal(1),
        help_text="The smallest amount handed out, in the item's unit: 1 for a kit (whole), "
        "0.5 for rice in half-kilo scoops.",
    )
    handout_unit = models.CharField(
        max_length=30,
        blank=True,
        help_text="What one step is called when handed out (scoop, cup); blank: the unit.",
    )

    class Meta:
        ordering = ["category", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(handout_step__gt=0), name="handout_step_positive"
            )
        ]
        permissions = [
            ("receive_stock", "Receive stock into a store"),
            ("issue_stock", "Issue any stock"),
            ("issue_medical", "Issue medical stock"),
            ("transfer_stock", "Move stock between stores"),
            ("adjust_stock", "Adjust stock (damaged, expired, lost, found, stolen)"),
            ("count_stock", "Post a physical stock count"),
            ("reverse_entry", "Correct a ledger entry with a reversing entry"),
            ("import_stock", "Import a stock list"),
            ("export_stock", "Export stock levels"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def problems(self) -> list[str]:
        """What is impossible in this item as stored (it may have been written around the
        services): its quantities cannot be read right until it is corrected."""
        found = []
        if not self.unit.strip():
            found.append("no unit of measure recorded")
        for field in ("kcal_per_unit", "litres_per_unit", "doses_per_unit", "covered_area_m2"):
            if getattr(self, field) < 0:
                found.append(f"{field.replace('_', ' ')} is negative")
        return found


class Store(models.Model):
    """A place stock is kept: a warehouse, a tent store, a cache, a vehicle."""

    name = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=20, choices=StoreKind.choices, default=StoreKind.WAREHOUSE)
    location = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Lot(models.Model):
    """A batch of one item with its own expiry; code "" is the item's unlotted stock."""

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="lots")
    code = models.CharField(max_length=60, blank=True)
    expiry_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["item", "expiry_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "code"], name="one_lot_code_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.item.name} lot {self.code or '(unlotted)'}"

    @property
    def label(self) -> str:
        return self.code or "unlotted"

    def is_expired(self, on: object = None) -> bool:
        day = on or timezone.localdate()
        return self.expiry_date is not None and self.expiry_date < day  # type: ignore[operator]


class LedgerEntry(models.Model):
    """One typed movement of one lot in one store; never edited, never deleted.

    `quantity` is signed: positive into the store, negative out of it. A correction is a
    new entry with the opposite quantity that names the one it `reverses`.
    """

    kind = models.CharField(max_length=20, choices=EntryKind.choices)
    reason = models.CharField(max_length=20, help_text="Source, purpose or adjustment reason.")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="entries")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="entries")
    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="entries")
    quantity = models.DecimalField(max_digits=16, decimal_places=3)
    balance_after = models.DecimalField(max_digits=16, decimal_places=3)
    counted_quantity = models.DecimalField(max_digits=16, decimal_places=3, null=True, blank=True)
    occurred_at = models.DateTimeField(default=timezone.now)
    day = models.DateField(help_text="The camp day of occurred_at, for daily totals.")
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reference = models.CharField(max_length=120, blank=True)
    note = models.CharField(max_length=300, blank=True)
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    mission = models.ForeignKey(
        "missions.Mission", null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    counterpart = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The other leg of a transfer.",
    )
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    accepted_expired = models.BooleanField(
        default=False, help_text="A receipt of a lot already past its expiry, confirmed as such."
    )

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name_plural = "ledger entries"
        indexes = [
            models.Index(fields=["item", "occurred_at"]),
            models.Index(fields=["store", "occurred_at"]),
            # Covers the runway's daily consumption query without touching the table.
            models.Index(fields=["kind", "day", "item", "quantity"], name="stock_entry_daily"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {format_quantity(self.quantity)} {self.item_id}"

    @property
    def is_correction(self) -> bool:
        return self.reverses_id is not None


class Balance(models.Model):
    """What is on hand of one lot in one store; derived from the ledger, never below zero."""

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="balances")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="balances")
    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="balances")
    quantity = models.DecimalField(max_digits=16, decimal_places=3, default=Decimal(0))
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["item", "store", "lot"]
        constraints = [
            models.UniqueConstraint(fields=["lot", "store"], name="one_balance_per_lot_store"),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=0), name="balance_never_negative"
            ),
        ]
        indexes = [models.Index(fields=["item", "store"])]

    def __str__(self) -> str:
        return f"{self.lot} in {self.store}: {format_quantity(self.quantity)}"


class DailyIssue(models.Model):
    """What was issued of one item on one camp day: the sum of its issue entries (signed as
    in the ledger, corrections included) and how many there were.

    Kept in the same transaction as the entries (`services._count_issues`, an upsert), so the
    runway reads O(items × window days) rows, not the ledger; `haven rebuild` proves it
    equals a recount of the ledger and can rewrite it.
    """

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    quantity = models.DecimalField(max_digits=16, decimal_places=3, default=Decimal(0))
    entries = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["day", "item"]
        constraints = [
            models.UniqueConstraint(fields=["day", "item"], name="one_daily_issue_per_item_day")
        ]

    def __str__(self) -> str:
        return f"item {self.item_id} on {self.day}: {format_quantity(self.quantity)}"
