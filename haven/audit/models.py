"""The audit log: one hash-chained row per write and per sensitive read."""

from __future__ import annotations

import json

from django.conf import settings
from django.db import models

from haven.audit.choices import Channel, Kind

GENESIS_HASH = "0" * 64


class AuditEvent(models.Model):
    """Who did or read what, to which records, when and through which channel.

    `hash` is the SHA-256 of the event's canonical form, which includes `prev_hash`, the
    hash of the event before it (`seq` − 1): editing, deleting or reordering a row behind
    the application's back breaks the chain, and `haven audit verify` names where.
    Rows are only ever appended (`haven.audit.log.append`); nothing updates or deletes them.
    """

    seq = models.PositiveBigIntegerField(unique=True)
    at = models.DateTimeField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    action = models.CharField(max_length=80)
    # A read's sensitive group ("location", "medical" …); a write's area ("stock" …).
    group = models.CharField(max_length=40, blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    # No database constraint: the log outlives a deleted account and keeps its username.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    username = models.CharField(max_length=150, blank=True)
    # " people.person:12 stock.store:3 " — spaces around each, so a record is found with
    # `contains=" people.person:12 "` on any database.
    records = models.TextField(blank=True)
    record_count = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-seq"]
        indexes = [
            models.Index(fields=["user", "seq"]),
            models.Index(fields=["kind", "group", "seq"]),
            models.Index(fields=["action", "seq"]),
            models.Index(fields=["at"]),
        ]
        permissions = [("lockdown", "Lock the camp down when a leak is suspected")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} by {self.username or self.channel}"

    def record_list(self) -> list[str]:
        return self.records.split()

    def summary_text(self) -> str:
        return json.dumps(self.summary, ensure_ascii=False, sort_keys=True)


class AuditHead(models.Model):
    """The single row holding the last event's number and hash. Appending locks it, so
    concurrent writers on PostgreSQL take turns (SQLite's IMMEDIATE transactions already do);
    verify also compares the chain's end with it, so deleting the newest rows is caught."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)

    def __str__(self) -> str:
        return f"head #{self.seq} {self.hash}"


class PasswordChangeRequired(models.Model):
    """Set for everyone but the acting commander by a lockdown: until this user sets a new
    password, every page sends them to the password page. Deleted when they have."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="password_change_required",
    )
    since = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.user} must set a new password (since {self.since:%Y-%m-%d %H:%M})"


__all__ = ["GENESIS_HASH", "AuditEvent", "AuditHead", "PasswordChangeRequired"]
