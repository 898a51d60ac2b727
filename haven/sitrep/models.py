"""The situation report's one stored thing: the commander's note. Every figure is computed
from the events (haven.sitrep.figures), never stored."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

NOTE_MAX = 2000


class SitrepNote(models.Model):
    """A short note from the commander; a SITREP shows the last one written in its period.
    Append-only: a new note is a new row, so a past SITREP keeps the note it had."""

    text = models.TextField(max_length=NOTE_MAX)
    written_at = models.DateTimeField(default=timezone.now)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-written_at", "-id"]
        indexes = [models.Index(fields=["written_at"])]
        permissions = [
            ("view_sitrep", "See the situation report"),
            ("write_sitrep_note", "Write the commander's note on the situation report"),
        ]

    def __str__(self) -> str:
        return f"SITREP note {self.written_at:%Y-%m-%d %H:%M}"
