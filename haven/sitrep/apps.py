from __future__ import annotations

from django.apps import AppConfig


class SitrepConfig(AppConfig):
    name = "haven.sitrep"
    label = "sitrep"
    verbose_name = "Situation report"
