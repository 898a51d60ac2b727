"""Rations: distribution plans and hand-outs, ration transfers, recipes and production orders.

Stock itself lives in the ledger (`haven.stock`); every quantity that leaves or enters a
store here is also a ledger entry, linked from the record that caused it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from haven.rations.choices import PlanStatus

MAX_DIGITS, DECIMAL_PLACES = 14, 3


class DistributionPlan(models.Model):
    """A fair share of one store's stock over a number of days, per need class and household."""

    store = models.ForeignKey(
        "stock.Store",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty: shared from every store.",
    )
    horizon_days = models.PositiveIntegerField()
    status = models.CharField(max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    min_fraction = models.FloatField(help_text="Smallest fraction of need met by anyone.")
    people_count = models.PositiveIntegerField(default=0)
    short_people_count = models.PositiveIntegerField(
        default=0, help_text="People who get less than their full need."
    )
    summary = models.JSONField(default=dict, help_text="Fairness levels, solver figures.")
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    applied_at = models.DateTimeField(null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handouts_stored = models.BooleanField(
        default=False,
        help_text="Every collecting unit's rounded hand-out was stored when the plan was applied.",
    )
    # Counted once with the stored hand-outs, so a page of the list never counts the camp.
    households_collecting = models.PositiveIntegerField(
        null=True, blank=True, help_text="Households on the distribution list, stored on apply."
    )
    people_collecting_alone = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="People without a household on the distribution list, stored on apply.",
    )
    handouts_state = models.CharField(
        max_length=40,
        blank=True,
        help_text="The registry state a draft's stored hand-outs were rounded from "
        "(services.registry_state); they are rounded again when it changes.",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [
            ("plan_distribution", "Preview a distribution plan"),
            ("apply_distribution", "Apply a distribution plan"),
            ("record_handout", "Record what was handed out"),
            ("record_transfer", "Record a ration handed from one person to another"),
            ("view_own_ration", "See one's own ration"),
            ("view_forecast", "See the runway forecast"),
            ("plan_production", "See and propose production plans"),
            ("order_production", "Run a production order"),
        ]

    def __str__(self) -> str:
        return f"Plan #{self.pk} ({self.horizon_days} days, {self.get_status_display()})"

    @property
    def store_name(self) -> str:
        return self.store.name if self.store else "all stores"

    @property
    def is_applied(self) -> bool:
        return self.status == PlanStatus.APPLIED


class PlanItem(models.Model):
    """One item in a plan: what the store held, what could be shared, what the plan gives."""

    plan = models.ForeignKey(DistributionPlan, on_delete=models.CASCADE, related_name="items")
    item = models.ForeignKey("stock.Item", on_delete=models.PROTECT, related_name="+")
    on_hand = models.FloatField()
    available = models.FloatField()
    planned = models.FloatField()
    handout_total = models.DecimalField(
        max_digits=MAX_DIGITS,
        decimal_places=DECIMAL_PLACES,
        null=True,
        blank=True,
        help_text="What the distribution list hands out in whole steps, stored on apply.",
    )

    class Meta:
        ordering = ["item__name"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "item"], name="one_plan_item_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.item_id} in plan {self.plan_id}"


class PlanClass(models.Model):
    """People with the same need and priority, and their daily ration (item id → units)."""

    plan = models.ForeignKey(DistributionPlan, on_delete=models.CASCADE, related_name="classes")
    label = models.CharField(max_length=500)
    people = models.PositiveIntegerField()
    priority = models.FloatField()
    fraction_met = models.FloatField()
    daily_need = models.JSONField(help_text="need key → amount per person per day")
    fraction_by_need = models.JSONField(help_text="need key → fraction met")
    daily_ration = models.JSONField(help_text="item id → units per person per day")
    groups = models.JSONField(
        default=list,
        blank=True,
        help_text="The need groups (keys of adapters.need_groups) whose people are in this class.",
    )

    class Meta:
        ordering = ["fraction_met", "label"]

    def __str__(self) -> str:
        return f"{self.label} ({self.people})"


class PlanShare(models.Model):
    """One person's place in an applied plan: their class, and the household they collect with.

    A draft keeps only its classes (and the need groups in each); who is in which class is
    derived from the registry on demand, and written here when the plan is applied.
    """

    plan = models.ForeignKey(DistributionPlan, on_delete=models.CASCADE, related_name="shares")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(
        "people.Household", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    plan_class = models.ForeignKey(PlanClass, on_delete=models.CASCADE, related_name="shares")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "person"], name="one_share_per_person")
        ]
        indexes = [models.Index(fields=["plan", "household"])]

    def __str__(self) -> str:
        return f"{self.person_id} in plan {self.plan_id}"


class PlannedHandout(models.Model):
    """What one household (or one person without a household) is to be handed of one item
    under an applied plan: its fair share rounded to whole hand-out steps, stored once when
    the plan is applied (`services._store_handouts`) and never changed afterwards. Units and
    items handed nothing have no row."""

    plan = models.ForeignKey(
        DistributionPlan, on_delete=models.CASCADE, related_name="planned_handouts"
    )
    household = models.ForeignKey(
        "people.Household", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The person collecting alone (empty for a household).",
    )
    item = models.ForeignKey("stock.Item", on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "household", "item"],
                condition=models.Q(household__isnull=False),
                name="one_planned_handout_per_household_item",
            ),
            models.UniqueConstraint(
                fields=["plan", "person", "item"],
                condition=models.Q(household__isnull=True),
                name="one_planned_handout_per_person_item",
            ),
            models.CheckConstraint(
                condition=models.Q(household__isnull=False, person__isnull=True)
                | models.Q(household__isnull=True, person__isnull=False),
                name="planned_handout_household_or_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.item_id} (plan {self.plan_id})"


class Handout(models.Model):
    """Stock actually handed out against a plan: one ledger issue, to a household or person."""

    plan = models.ForeignKey(DistributionPlan, on_delete=models.PROTECT, related_name="handouts")
    household = models.ForeignKey(
        "people.Household", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who collected it.",
    )
    item = models.ForeignKey("stock.Item", on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES)
    ledger_entries = models.ManyToManyField(
        "stock.LedgerEntry", related_name="+", help_text="The issue (one entry per lot)."
    )
    note = models.CharField(max_length=300, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["plan", "household"])]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.item_id} (plan {self.plan_id})"


class RationTransfer(models.Model):
    """A person handing (part of) their ration to another; kept as history, never edited."""

    plan = models.ForeignKey(
        DistributionPlan, null=True, blank=True, on_delete=models.PROTECT, related_name="transfers"
    )
    from_person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="rations_given"
    )
    to_person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="rations_received"
    )
    item = models.ForeignKey("stock.Item", on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES)
    reason = models.CharField(max_length=300, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-recorded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.from_person_id} → {self.to_person_id}: {self.quantity} × {self.item_id}"


class Recipe(models.Model):
    """A way of making things from stock (and food energy), run by someone with a skill."""

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    skill = models.ForeignKey("people.Skill", on_delete=models.PROTECT, related_name="+")
    batches_per_day_per_worker = models.FloatField()
    worker_kcal_per_batch = models.FloatField(
        default=0, help_text="What the fabricator eats to make one batch (kcal)."
    )
    food_kcal_per_batch = models.FloatField(
        default=0, help_text="Food energy the ability itself turns into the outputs (kcal)."
    )
    active = models.BooleanField(default=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RecipeInput(models.Model):
    """What one batch of a recipe consumes."""

    recipe = models.ForeignKey(Recipe, on_delete=models.CASCADE, related_name="inputs")
    item = models.ForeignKey("stock.Item", on_delete=models.PROTECT, related_name="+")
    quantity = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["recipe", "item"], name="one_input_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.item_id} into {self.recipe_id}"


class RecipeOutput(models.Model):
    """What one batch of a recipe makes; `keep_on_hand` is the stock level to aim for."""

    recipe = models.ForeignKey(Recipe, on_delete=models.CASCADE, related_name="outputs")
    item = models.ForeignKey("stock.Item", on_delete=models.PROTECT, related_name="+")
    quantity = models.FloatField()
    keep_on_hand = models.FloatField(
        default=0, help_text="Aim to hold at least this much; less counts as a shortage."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["recipe", "item"], name="one_output_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.item_id} from {self.recipe_id}"


class ProductionOrder(models.Model):
    """Batches of a recipe made: inputs consumed and outputs received in one ledger step."""

    recipe = models.ForeignKey(Recipe, on_delete=models.PROTECT, related_name="orders")
    batches = models.PositiveIntegerField()
    store = models.ForeignKey("stock.Store", on_delete=models.PROTECT, related_name="+")
    fabricator = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="production_orders"
    )
    consumed = models.JSONField(help_text="item id → quantity consumed (food included)")
    produced = models.JSONField(help_text="item id → quantity made")
    kcal_burned = models.FloatField(default=0)
    reference = models.CharField(max_length=60, unique=True)
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.batches} × {self.recipe_id} ({self.reference})"
