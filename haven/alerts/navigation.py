from __future__ import annotations

from haven.core.navigation import NavItem

ITEMS = [NavItem("Alerts", "alerts:list", "alerts.view_alert", order=5)]
