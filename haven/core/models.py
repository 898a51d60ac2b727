"""What belongs to the camp as a whole (its location) and what every app shares
(idempotency keys of API writes)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone


class CampLocation(models.Model):
    """Where the camp is: secret (the location group of the access policy). One row; a
    change replaces it and keeps who made it and when."""

    name = models.CharField(max_length=120)
    latitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(-90)), MaxValueValidator(Decimal(90))],
    )
    longitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(-180)), MaxValueValidator(Decimal(180))],
    )
    description = models.TextField(blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        permissions = [
            ("view_location", "See locations: the camp's, stores, missions, places of events"),
            ("set_camp_location", "Set the camp's location"),
        ]

    def __str__(self) -> str:
        return self.name


class IdempotencyKey(models.Model):
    """An API write answered under a client's `Idempotency-Key`: a retry with the same key
    gets this answer again and posts nothing. Written in the write's own transaction, so a
    write that committed is always recognised, even if its reply was lost."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=7)
    path = models.CharField(max_length=2000)
    request_hash = models.CharField(max_length=64, help_text="SHA-256 of method, path and body")
    status = models.PositiveSmallIntegerField()
    content_type = models.CharField(max_length=200)
    body = models.BinaryField()
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="core_idempotency_key_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.method} {self.path} → {self.status})"


class ComputedResult(models.Model):
    """The last result of an expensive computation (a forecast, a risk panel), shared by
    every process: computed off the request path by the worker for one state of the camp,
    claimed by one worker at a time (`haven.core.computed`)."""

    name = models.CharField(max_length=80, unique=True)
    state = models.CharField(max_length=300, blank=True, help_text="what it was computed from")
    value = models.JSONField(null=True, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    seconds = models.FloatField(default=0, help_text="how long the last computation took")
    claimed_by = models.CharField(max_length=120, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    # A what-if's result (`haven.core.computed.ask`): when a page last asked for it. The
    # worker keeps only what-ifs asked for lately current.
    asked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} as of {self.computed_at}"
