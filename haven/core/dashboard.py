"""Dashboard panels: each app offers its own in `<app>.dashboard.panels(request)`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest

from haven.core.registry import app_modules


@dataclass(slots=True)
class Panel:
    """A dashboard card rendered from `template` with `context`; lower order shows first."""

    title: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 50
    wide: bool = False


def collect_panels(request: HttpRequest) -> list[Panel]:
    panels: list[Panel] = []
    for _, module in app_modules("dashboard"):
        panels.extend(module.panels(request))
    return sorted(panels, key=lambda panel: panel.order)
