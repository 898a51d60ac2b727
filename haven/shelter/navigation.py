from __future__ import annotations

from haven.core.navigation import NavItem

ITEMS = [NavItem("Shelter", "shelter:board", "shelter.view_shelter", order=40)]
