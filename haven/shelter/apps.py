from __future__ import annotations

from django.apps import AppConfig


class ShelterConfig(AppConfig):
    name = "haven.shelter"
    label = "shelter"
    verbose_name = "Shelter"
