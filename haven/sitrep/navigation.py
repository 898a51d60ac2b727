from __future__ import annotations

from haven.core.navigation import NavItem

ITEMS = [NavItem("SITREP", "sitrep:page", "sitrep.view_sitrep", order=90)]
