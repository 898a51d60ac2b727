"""Reference data (default skills, the standard catalogue) kept present after every migrate.

Data migrations load it once; a database flush (a test's teardown, or `manage.py flush`)
wipes it, and the flush sends post_migrate again, so each app that owns reference data
re-creates what is missing here — never overwriting what a camp has edited.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def on_every_migrate(app: AppConfig, ensure: Callable[[], None]) -> None:
    """Run `ensure()` after each migrate or flush of `app`'s database."""

    def handler(sender: AppConfig, **kwargs: Any) -> None:
        if kwargs.get("using", "default") == "default":
            ensure()

    post_migrate.connect(handler, sender=app, weak=False, dispatch_uid=f"reference:{app.label}")
