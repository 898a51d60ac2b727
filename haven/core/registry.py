"""Discovery of what each Haven app contributes (urls, API, roles, panels, demo, navigation)."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from types import ModuleType

from django.conf import settings


def app_modules(submodule: str) -> Iterator[tuple[str, ModuleType]]:
    """Yield (app label, module) for each Haven app that has `<app>.<submodule>`, in order."""
    for app in settings.HAVEN_APPS:
        if app == "haven.core":
            continue  # core holds the mechanisms (dashboard, demo, navigation) themselves
        name = f"{app}.{submodule}"
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name == name:
                continue
            raise
        yield app.rsplit(".", 1)[-1], module
