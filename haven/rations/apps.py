from __future__ import annotations

from django.apps import AppConfig


class RationsConfig(AppConfig):
    name = "haven.rations"
    label = "rations"
    verbose_name = "Rations"
