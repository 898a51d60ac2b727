"""Supply missions: who goes where to bring back what, when they are due, what they brought."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone

from haven.missions.choices import MissionStatus, RiskLevel


class MissionQuerySet(models.QuerySet["Mission"]):
    def overdue(self, now: datetime | None = None) -> MissionQuerySet:
        """Out and past their expected return."""
        return self.filter(status=MissionStatus.OUT, expected_return_at__lt=now or timezone.now())


class Mission(models.Model):
    """A supply run (scavenging) to a destination, with a team and objectives."""

    name = models.CharField(max_length=120)
    destination = models.CharField(max_length=200)
    risk_level = models.CharField(
        max_length=20, choices=RiskLevel.choices, default=RiskLevel.MEDIUM
    )
    status = models.CharField(
        max_length=20, choices=MissionStatus.choices, default=MissionStatus.PLANNED
    )
    planned_departure_at = models.DateTimeField()
    expected_return_at = models.DateTimeField()
    departed_at = models.DateTimeField(null=True, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    notes = models.TextField(blank=True)
    return_note = models.TextField(blank=True)
    return_store = models.ForeignKey(
        "stock.Store", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = MissionQuerySet.as_manager()

    class Meta:
        ordering = ["-planned_departure_at", "-id"]
        indexes = [models.Index(fields=["status", "expected_return_at"])]
        permissions = [
            ("view_all_missions", "See every mission, not only one's own"),
            ("check_team", "Check a mission team out and back in"),
            ("receive_yield", "Receive a mission's yield into stock"),
        ]

    def __str__(self) -> str:
        return f"{self.name} → {self.destination}"

    def is_overdue(self, now: datetime | None = None) -> bool:
        return self.status == MissionStatus.OUT and self.expected_return_at < (
            now or timezone.now()
        )


class MissionMemberQuerySet(models.QuerySet["MissionMember"]):
    def out(self) -> MissionMemberQuerySet:
        """Team members who left on a mission and have not checked back in."""
        return self.filter(
            mission__status=MissionStatus.OUT,
            checked_out_at__isnull=False,
            checked_in_at__isnull=True,
        )


class MissionMember(models.Model):
    """One person on a mission's team, with when they checked out and back in."""

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="mission_memberships"
    )
    is_leader = models.BooleanField(default=False)
    checked_out_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)

    objects = MissionMemberQuerySet.as_manager()

    class Meta:
        ordering = ["-is_leader", "person__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["mission", "person"], name="one_membership_per_mission")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} on mission {self.mission_id}"


class MissionObjective(models.Model):
    """What a mission means to bring back: an item and a quantity."""

    mission = models.ForeignKey(Mission, on_delete=models.CASCADE, related_name="objectives")
    item = models.ForeignKey("stock.Item", on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(max_digits=16, decimal_places=3, default=Decimal(0))

    class Meta:
        ordering = ["item__name"]
        constraints = [
            models.UniqueConstraint(fields=["mission", "item"], name="one_objective_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.quantity} {self.item_id} for mission {self.mission_id}"
