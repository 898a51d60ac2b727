from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from haven.people.models import Person
from haven.planning.sphere import sphere_capacity
from haven.shelter.choices import Condition, Kind, StayEnd, Use


def covered_m2_per_person() -> float:
    """The Sphere covered-space standard in force: more space per person in a cold climate."""
    if settings.HAVEN_COLD_CLIMATE:
        return float(settings.HAVEN_COLD_COVERED_M2_PER_PERSON)
    return float(settings.HAVEN_COVERED_M2_PER_PERSON)


def m2_text(value: Decimal | float) -> str:
    """An area as people write it: 16, 10.5 (no trailing zeros)."""
    return format(Decimal(str(value)).normalize(), "f")


class TentType(models.Model):
    """A kind of tent the camp can ask for; the shortfall is counted in these."""

    name = models.CharField(max_length=80, unique=True)
    covered_area_m2 = models.DecimalField(max_digits=7, decimal_places=2)

    class Meta:
        ordering = ["covered_area_m2", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({m2_text(self.covered_area_m2)} m²)"


class Shelter(models.Model):
    """A place where people sleep; it holds as many as the Sphere standard allows."""

    name = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.TENT)
    covered_area_m2 = models.DecimalField(
        max_digits=9, decimal_places=2, help_text="Usable covered living space."
    )
    beds = models.PositiveIntegerField(null=True, blank=True, help_text="Leave empty if none.")
    accessible = models.BooleanField(default=False, help_text="Step-free, usable in a wheelchair.")
    heated = models.BooleanField(default=False)
    condition = models.CharField(max_length=20, choices=Condition.choices, default=Condition.USABLE)
    zone = models.CharField(max_length=60, blank=True, help_text="Block or zone of the camp.")
    use = models.CharField(max_length=20, choices=Use.choices, default=Use.GENERAL)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["zone", "name"]
        permissions = [
            ("view_occupants", "See who sleeps in which shelter and who has none"),
            ("view_injured_ward", "See who sleeps in the injured wards"),
            ("assign_shelter", "Check people in and out of shelters and move them"),
            ("plan_allocation", "Make shelter plans and apply them"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_usable(self) -> bool:
        return self.condition != Condition.DESTROYED

    @property
    def sphere_capacity(self) -> int:
        """People the covered area holds by the standard, at most the beds where counted."""
        return sphere_capacity(
            float(self.covered_area_m2), self.beds, m2_per_person=covered_m2_per_person()
        )

    @property
    def capacity(self) -> int:
        """Places tonight: nobody sleeps in a destroyed shelter."""
        return self.sphere_capacity if self.is_usable else 0


class ConditionChange(models.Model):
    """A change of a shelter's condition (damaged, destroyed, repaired); append-only."""

    shelter = models.ForeignKey(Shelter, on_delete=models.CASCADE, related_name="condition_changes")
    previous_condition = models.CharField(max_length=20, choices=Condition.choices)
    condition = models.CharField(max_length=20, choices=Condition.choices)
    occurred_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]

    def __str__(self) -> str:
        return f"{self.shelter_id}: {self.previous_condition} → {self.condition}"


class ShelterPlan(models.Model):
    """An allocation proposed by the planner: the changes, who stays without and why, scores.

    `changes` is a list of [person_id, from shelter_id or null, to shelter_id or null];
    `unsheltered` maps person_id (as text) to the reason.
    """

    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    method = models.CharField(max_length=20)
    objective = models.FloatField()
    objective_before = models.FloatField()
    people_count = models.PositiveIntegerField()
    capacity = models.PositiveIntegerField()
    sheltered_before = models.PositiveIntegerField()
    sheltered_after = models.PositiveIntegerField()
    changes = models.JSONField(default=list)
    unsheltered = models.JSONField(default=dict)
    applied_at = models.DateTimeField(null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    applied_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Shelter plan {self.pk} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def is_applied(self) -> bool:
        return self.applied_at is not None


# The fields of a stay that decide which place it takes: a write touching none of them
# changes no occupancy count.
OCCUPANCY_FIELDS = frozenset({"person", "shelter", "ended_at"})


def _touches_occupancy(fields: Any) -> bool:
    return fields is None or not OCCUPANCY_FIELDS.isdisjoint(
        name.removesuffix("_id") for name in fields
    )


class StayQuerySet(models.QuerySet["Stay"]):
    # Bulk writes keep the occupancy counts (haven.shelter.occupancy) exact, like save().

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[Stay]:
        from haven.shelter import occupancy

        with transaction.atomic():
            created = super().bulk_create(list(objs), *args, **kwargs)
            occupancy.stays_created(created)
        return created

    def update(self, **kwargs: Any) -> int:
        from haven.shelter import occupancy

        if not _touches_occupancy(kwargs):
            return super().update(**kwargs)
        with transaction.atomic():
            ids = list(self.values_list("pk", flat=True))
            with occupancy.stays_changing(ids):
                return super().update(**kwargs)

    def bulk_update(self, objs: Any, fields: Any, *args: Any, **kwargs: Any) -> int:
        from haven.shelter import occupancy

        objs = list(objs)
        if not _touches_occupancy(fields):
            return super().bulk_update(objs, fields, *args, **kwargs)
        with transaction.atomic(), occupancy.stays_changing([stay.pk for stay in objs]):
            return super().bulk_update(objs, fields, *args, **kwargs)


class Stay(models.Model):
    """A person sleeping in a shelter from a time until a time; a move ends one and opens another.

    Append-only: closing a stay sets its end (time, author, why) once; nothing else changes.
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="shelter_stays")
    shelter = models.ForeignKey(Shelter, on_delete=models.PROTECT, related_name="stays")
    started_at = models.DateTimeField(default=timezone.now)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    plan = models.ForeignKey(
        ShelterPlan, null=True, blank=True, on_delete=models.PROTECT, related_name="stays"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    end = models.CharField(max_length=20, choices=StayEnd.choices, blank=True)
    end_note = models.CharField(max_length=300, blank=True)

    objects = StayQuerySet.as_manager()

    class Meta:
        # A merge moves stays through the base manager: it must count them too.
        base_manager_name = "objects"
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(ended_at__isnull=True),
                name="one_open_stay_per_person",
            )
        ]
        indexes = [models.Index(fields=["shelter", "ended_at"])]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.shelter_id} from {self.started_at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        from haven.shelter import occupancy

        if not _touches_occupancy(kwargs.get("update_fields")):
            super().save(*args, **kwargs)
            return
        with transaction.atomic():
            ids = [] if self._state.adding or self.pk is None else [self.pk]
            before = occupancy.counted_ids(ids)
            super().save(*args, **kwargs)
            occupancy.apply(occupancy.difference(occupancy.counted_ids([self.pk]), before))

    @property
    def is_open(self) -> bool:
        return self.ended_at is None


class Occupancy(models.Model):
    """Open stays of one shelter by the status of the person in them, kept in the same
    transaction as every change (haven.shelter.occupancy): the board reads the places taken
    from these rows, never from the stays."""

    shelter = models.ForeignKey(Shelter, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=20)
    people = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["shelter", "status"], name="one_occupancy_per_shelter_and_status"
            )
        ]

    def __str__(self) -> str:
        return f"{self.shelter_id}, {self.status}: {self.people}"
