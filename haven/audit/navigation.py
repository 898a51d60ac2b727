from __future__ import annotations

from haven.core.navigation import NavItem

ITEMS = [NavItem("Audit", "audit:index", "audit.view_auditevent", order=90)]
