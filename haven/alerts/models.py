from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from haven.alerts.choices import (
    CapStatus,
    Category,
    Certainty,
    MsgType,
    Priority,
    ResponseType,
    Scope,
    Severity,
    Stage,
    Step,
    Urgency,
    priority,
)

HEADLINE_MAX = 160  # CAP: "SHOULD be less than 160 characters"


class AlertQuerySet(models.QuerySet["Alert"]):
    def active(self, at: datetime | None = None) -> AlertQuerySet:
        """Issued, not yet expired, not superseded by an Update or Cancel; a Cancel itself is
        not active (there is nothing left to act on)."""
        at = at or timezone.now()
        return (
            self.filter(stage=Stage.ISSUED, sent__lte=at)
            .filter(Q(expires__isnull=True) | Q(expires__gt=at))
            .exclude(msg_type=MsgType.CANCEL)
        )


class Alert(models.Model):
    """A CAP 1.2 alert message with its one info block and one area, and where it is in
    Haven's lifecycle (draft → approved → issued → superseded). An Update or Cancel is a new
    alert that `replaces` an issued one and carries CAP `references` to it; the history of
    each step is in AlertEvent, never overwritten."""

    identifier = models.CharField(max_length=100, unique=True)
    sender = models.CharField(max_length=120)
    sent = models.DateTimeField(null=True, blank=True, help_text="when it was issued")
    status = models.CharField(max_length=10, choices=CapStatus.choices, default=CapStatus.ACTUAL)
    msg_type = models.CharField(max_length=10, choices=MsgType.choices, default=MsgType.ALERT)
    scope = models.CharField(max_length=12, choices=Scope.choices, default=Scope.RESTRICTED)
    restriction = models.CharField(max_length=300, blank=True)
    addresses = models.CharField(max_length=1000, blank=True)
    note = models.TextField(blank=True)
    references = models.TextField(blank=True, help_text="CAP: sender,identifier,sent …")
    replaces = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by"
    )
    # The info block.
    category = models.CharField(max_length=12, choices=Category.choices, default=Category.SECURITY)
    event = models.CharField(max_length=120)
    response_type = models.CharField(max_length=12, choices=ResponseType.choices, blank=True)
    urgency = models.CharField(max_length=10, choices=Urgency.choices)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    certainty = models.CharField(max_length=10, choices=Certainty.choices)
    headline = models.CharField(max_length=HEADLINE_MAX)
    description = models.TextField(blank=True)
    instruction = models.TextField(blank=True)
    expires = models.DateTimeField()
    # The area: a name, and optionally a circle ("lat,lon radius_km") or a closed polygon.
    area_desc = models.CharField(max_length=200, blank=True)
    circle = models.CharField(max_length=100, blank=True)
    polygon = models.TextField(blank=True)
    # A Public alert carries no coordinates out of Haven unless the commander says so.
    share_coordinates = models.BooleanField(default=False)
    # Lifecycle.
    stage = models.CharField(max_length=12, choices=Stage.choices, default=Stage.DRAFT)
    drafted_at = models.DateTimeField(default=timezone.now)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # "Assemble at the north gate": the emergency muster opened with the alert.
    assemble_at = models.CharField(max_length=120, blank=True)
    muster = models.ForeignKey(
        "people.Muster", null=True, blank=True, on_delete=models.PROTECT, related_name="alerts"
    )

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["-drafted_at", "-pk"]
        indexes = [models.Index(fields=["stage", "expires"])]
        permissions = [
            ("draft_alert", "Draft alerts"),
            ("approve_alert", "Approve alerts drafted by someone else"),
            ("issue_alert", "Issue, update and cancel alerts"),
            ("view_acknowledgements", "See who has acknowledged an alert"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.headline}"

    @property
    def reference(self) -> str:
        """This message as CAP `references` names it: sender,identifier,sent."""
        from haven.alerts.cap import cap_time

        return f"{self.sender},{self.identifier},{cap_time(self.sent) if self.sent else ''}"

    @property
    def priority(self) -> Priority:
        return priority(self.urgency, self.severity, self.certainty)

    @property
    def is_expired(self) -> bool:
        return self.expires <= timezone.now()

    @property
    def is_active(self) -> bool:
        return (
            self.stage == Stage.ISSUED and not self.is_expired and self.msg_type != MsgType.CANCEL
        )

    @property
    def has_coordinates(self) -> bool:
        return bool(self.circle or self.polygon)


class AlertEvent(models.Model):
    """One step of an alert's history (drafted, approved, issued, superseded, muster
    opened): appended, never changed."""

    alert = models.ForeignKey(Alert, on_delete=models.PROTECT, related_name="events")
    step = models.CharField(max_length=12, choices=Step.choices)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"alert {self.alert_id} {self.step} at {self.at:%Y-%m-%d %H:%M}"


class Acknowledgement(models.Model):
    """A user has seen an issued alert (the banner goes away for them)."""

    alert = models.ForeignKey(Alert, on_delete=models.PROTECT, related_name="acknowledgements")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["alert", "user"], name="alerts_ack_once_per_user")
        ]

    def __str__(self) -> str:
        return f"alert {self.alert_id} acknowledged by user {self.user_id}"
