"""Dashboard panels: each app offers its own in `<app>.dashboard.panels(request)`.

A panel that fails, while its figures are gathered or while it is drawn, shows "this
panel could not be drawn" in its place and the error goes to the log (once, with its
traceback); the other panels and the page still render.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.http import HttpRequest
from django_stubs_ext import StrOrPromise

from haven.core.registry import app_modules
from haven.core.rows import log_failure, savepoint

FAILED_TEMPLATE = "core/panel_failed.html"


@dataclass(slots=True)
class KeyFigure:
    """One of the numbers people look for first, in the strip atop the dashboard (on a phone
    they all fit the first screen): `tone` "bad" or "warn" colours it, `url` opens what is
    behind it. A panel carries the figures it computed anyway, so nothing is counted twice."""

    label: StrOrPromise
    value: StrOrPromise | int
    url: str = ""
    tone: str = ""
    order: int = 50


@dataclass(slots=True)
class Panel:
    """A dashboard card rendered from `template` with `context`; lower order shows first."""

    title: StrOrPromise
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 50
    wide: bool = False
    figures: list[KeyFigure] = field(default_factory=list)


def key_figures(panels: list[Panel]) -> list[KeyFigure]:
    """The key figures of these panels, in their order."""
    return sorted((figure for panel in panels for figure in panel.figures), key=lambda f: f.order)


def failed_panel(title: StrOrPromise, ref: str, order: int = 99) -> Panel:
    """The card shown in place of a panel that could not be drawn."""
    return Panel(title, FAILED_TEMPLATE, {"ref": ref}, order=order)


def collect_panels(request: HttpRequest) -> list[Panel]:
    """Every app's panels. The headcount classes are read once for all of them (the
    headcount, the pyramid, the key figures, the runway and the forecast share one
    collapsed read for this request only)."""
    from haven.people.aggregates import shared_reads

    panels: list[Panel] = []
    with shared_reads():
        for label, module in app_modules("dashboard"):
            try:
                with savepoint():
                    panels.extend(module.panels(request))
            except Exception:
                title = str(apps.get_app_config(label).verbose_name)
                ref = log_failure(f"dashboard panels of {label} could not be drawn")
                panels.append(failed_panel(title, ref))
    return sorted(panels, key=lambda panel: panel.order)
