from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_save


class TracingConfig(AppConfig):
    name = "haven.tracing"
    label = "tracing"
    verbose_name = "Tracing"

    def ready(self) -> None:
        from haven.tracing.hooks import on_save

        # Each new or changed registration and each death record is matched once committed:
        # a registration never waits for, nor fails with, the matcher.
        post_save.connect(on_save, sender="people.Person", dispatch_uid="tracing.person")
        post_save.connect(on_save, sender="health.DeathRecord", dispatch_uid="tracing.death")
