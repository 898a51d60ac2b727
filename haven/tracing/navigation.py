from __future__ import annotations

from haven.core.navigation import NavItem

ITEMS = [NavItem("Tracing", "tracing:index", "tracing.view_tracingrequest", order=25)]
