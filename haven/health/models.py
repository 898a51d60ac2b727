"""Health records: triage, injuries, treatments, outcomes, the casualty register, audit."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from haven.health.choices import (
    ALGORITHM_CHOICES,
    CATEGORY_CHOICES,
    BodyRegion,
    Cause,
    Disposition,
    IdentificationConfidence,
    InjuryKind,
    Outcome,
)
from haven.people.models import Person, StatusEvent
from haven.planning.triage import Algorithm, TriageCategory

User = settings.AUTH_USER_MODEL


class TriageRecordQuerySet(models.QuerySet["TriageRecord"]):
    def queue(self) -> TriageRecordQuerySet:
        """Each casualty's current triage, most urgent first, then longest waiting."""
        return self.filter(is_current=True).order_by("priority", "waiting_since", "id")

    def overdue(self, now: Any = None) -> TriageRecordQuerySet:
        return self.filter(is_current=True, retriage_due_at__lt=now or timezone.now())


class TriageRecord(models.Model):
    """One triage of one person: the walker's answers, the category reached, and when.

    A re-triage is a new record; the one before is no longer current. ``waiting_since``
    carries over, so the queue orders by how long someone has waited, not when last seen.
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="triage_records")
    triaged_at = models.DateTimeField(default=timezone.now)
    triaged_by = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")
    algorithm = models.CharField(max_length=12, choices=ALGORITHM_CHOICES)
    category = models.CharField(max_length=12, choices=CATEGORY_CHOICES)
    priority = models.PositiveSmallIntegerField(help_text="1 treated first … 5 dead.")
    answers = models.JSONField(help_text="The walker's answers: {observation: value}.")
    reasons = models.JSONField(default=list, help_text="The steps that led to the category.")
    respiratory_rate = models.FloatField(null=True, blank=True)
    pulse_rate = models.FloatField(null=True, blank=True)
    systolic_bp = models.FloatField(null=True, blank=True)
    gcs = models.PositiveSmallIntegerField(null=True, blank=True)
    revised_trauma_score = models.FloatField(null=True, blank=True)
    place = models.CharField(max_length=200, blank=True)
    note = models.CharField(max_length=500, blank=True)
    waiting_since = models.DateTimeField()
    retriage_due_at = models.DateTimeField(null=True, blank=True)
    is_current = models.BooleanField(default=True)
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="next"
    )

    objects = TriageRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-triaged_at", "-id"]
        indexes = [
            models.Index(fields=["is_current", "priority", "waiting_since"]),
            models.Index(fields=["person", "triaged_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(is_current=True),
                name="one_current_triage_per_person",
            )
        ]
        permissions = [
            ("view_medical_details", "See triage, injuries, treatments and causes of death"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.category} at {self.triaged_at:%Y-%m-%d %H:%M}"

    @property
    def triage_category(self) -> TriageCategory:
        return TriageCategory(self.category)

    @property
    def colour(self) -> str:
        return self.triage_category.colour

    @property
    def category_label(self) -> str:
        return self.triage_category.label

    @property
    def algorithm_label(self) -> str:
        return Algorithm(self.algorithm).label

    def is_overdue(self, now: Any = None) -> bool:
        due = self.retriage_due_at
        return self.is_current and due is not None and due < (now or timezone.now())


class Injury(models.Model):
    """One injury of one person: where on the body, what kind, what caused it."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="injuries")
    body_region = models.CharField(max_length=20, choices=BodyRegion.choices)
    kind = models.CharField(max_length=20, choices=InjuryKind.choices)
    burn_body_surface_percent = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Total body surface area burned, % (burns only)."
    )
    cause = models.CharField(max_length=20, choices=Cause.choices, default=Cause.UNKNOWN)
    occurred_at = models.DateTimeField(default=timezone.now)
    place = models.CharField(max_length=200, blank=True)
    description = models.CharField(max_length=500, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name_plural = "injuries"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of the {self.get_body_region_display().lower()}"


class Treatment(models.Model):
    """Care given to a person, and any medical stock it used (issued through the ledger)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="treatments")
    injury = models.ForeignKey(
        Injury, null=True, blank=True, on_delete=models.PROTECT, related_name="treatments"
    )
    given_at = models.DateTimeField(default=timezone.now)
    given_by = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")
    what = models.CharField(max_length=300)
    note = models.CharField(max_length=500, blank=True)
    # Medical stock used: issued from the store through the ledger (haven.stock.services).
    item = models.ForeignKey(
        "stock.Item", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    store = models.ForeignKey(
        "stock.Store", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.DecimalField(max_digits=16, decimal_places=3, null=True, blank=True)
    ledger_entries = models.ManyToManyField("stock.LedgerEntry", blank=True, related_name="+")

    class Meta:
        ordering = ["-given_at", "-id"]

    def __str__(self) -> str:
        return f"{self.what} for {self.person_id}"


class OutcomeRecord(models.Model):
    """How a casualty's care went: recovering, recovered, transferred or died; append-only."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="health_outcomes")
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    occurred_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(max_length=500, blank=True)
    destination = models.CharField(max_length=200, blank=True)
    status_event = models.ForeignKey(
        StatusEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-occurred_at", "-id"]
        permissions = [("record_outcome", "Record a casualty's outcome")]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.outcome}"


class DeathRecordQuerySet(models.QuerySet["DeathRecord"]):
    def current(self) -> DeathRecordQuerySet:
        """The standing record of each death: those no correction has replaced."""
        return self.filter(correction__isnull=True)


class DeathRecord(models.Model):
    """An entry in the casualty register. Confirmed, it is never edited: a correction is a
    new entry that names the one it replaces and why."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="death_records")
    died_at = models.DateTimeField()
    time_is_estimate = models.BooleanField(default=False)
    place = models.CharField(max_length=200, blank=True)
    cause = models.CharField(max_length=20, choices=Cause.choices)
    cause_detail = models.CharField(
        max_length=300, blank=True, help_text="The medical cause, e.g. 'haemorrhage from a leg'."
    )
    circumstances = models.TextField(blank=True)
    identified_by = models.CharField(max_length=200, blank=True)
    confidence = models.CharField(max_length=12, choices=IdentificationConfidence.choices)
    disposition = models.CharField(
        max_length=16, choices=Disposition.choices, default=Disposition.PENDING
    )
    disposition_place = models.CharField(max_length=200, blank=True)
    personal_effects = models.TextField(
        blank=True, help_text="What was kept and where; empty if nothing."
    )
    next_of_kin = models.CharField(max_length=300, blank=True)
    next_of_kin_told = models.BooleanField(default=False)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    corrects = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="correction"
    )
    correction_reason = models.CharField(max_length=500, blank=True)
    status_event = models.ForeignKey(
        StatusEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = DeathRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-died_at", "-id"]
        indexes = [models.Index(fields=["died_at"]), models.Index(fields=["cause"])]
        permissions = [
            ("view_casualty_register", "See the names in the casualty register"),
            ("confirm_deathrecord", "Confirm a death record, locking it"),
            ("correct_deathrecord", "Correct a confirmed death record"),
        ]

    def __str__(self) -> str:
        return f"Death of {self.person_id} on {self.died_at:%Y-%m-%d}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class StartingPopulation(models.Model):
    """How many lived in the camp before the crisis, as the commander last set it."""

    count = models.PositiveIntegerField()
    set_at = models.DateTimeField(default=timezone.now)
    set_by = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-set_at", "-id"]
        permissions = [("set_starting_population", "Set the camp's starting population")]

    def __str__(self) -> str:
        return f"{self.count} (set {self.set_at:%Y-%m-%d})"


class UnknownCasualty(models.Model):
    """Someone brought in who cannot be named yet: a placeholder person in the registry,
    known by a triage tag number, sex, an estimated age and what sets them apart."""

    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="unknown_casualty")
    tag_number = models.CharField(max_length=40, unique=True)
    features = models.TextField(help_text="Distinguishing features: clothing, scars, build.")
    found_place = models.CharField(max_length=200, blank=True)
    found_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")
    identified_as = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    # A person merge (haven.people.merging) leaves it on the placeholder record it describes.
    stays_in_merge = True

    class Meta:
        ordering = ["-found_at", "-id"]
        verbose_name_plural = "unknown casualties"
        permissions = [
            ("register_unknown_casualty", "Register an unidentified casualty at triage"),
            ("identify_casualty", "Identify an unknown casualty as a registered person"),
        ]

    def __str__(self) -> str:
        return f"Unknown casualty, tag {self.tag_number}"


class Identification(models.Model):
    """An unknown casualty named as a registered person: their health records moved to that
    person. Append-only; an undo is a new row that `undoes` it and moves them back."""

    casualty = models.ForeignKey(
        UnknownCasualty, on_delete=models.PROTECT, related_name="identifications"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    moved = models.JSONField(help_text='record kind → ids moved: {"triage": [3, 4], …}')
    note = models.CharField(max_length=300, blank=True)
    occurred_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")
    undoes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="undone_by"
    )

    stays_in_merge = True

    class Meta:
        ordering = ["-occurred_at", "-id"]

    def __str__(self) -> str:
        verb = "undid" if self.undoes_id else "identified"
        return f"{verb} tag {self.casualty_id} as {self.person_id}"


__all__ = [
    "BodyRegion",
    "Cause",
    "DeathRecord",
    "Disposition",
    "Identification",
    "IdentificationConfidence",
    "Injury",
    "InjuryKind",
    "Outcome",
    "OutcomeRecord",
    "StartingPopulation",
    "Treatment",
    "TriageRecord",
    "UnknownCasualty",
]
