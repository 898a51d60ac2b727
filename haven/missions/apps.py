from __future__ import annotations

from django.apps import AppConfig


class MissionsConfig(AppConfig):
    name = "haven.missions"
    label = "missions"
    verbose_name = "Missions"
