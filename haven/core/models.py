from __future__ import annotations

from django.db import models


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

    def __str__(self) -> str:
        return f"{self.name} as of {self.computed_at}"
