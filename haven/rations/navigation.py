from __future__ import annotations

from haven.core.navigation import NavItem

ITEMS = [
    NavItem("Rations", "rations:index", "rations.view_distributionplan", order=40),
    NavItem("My ration", "rations:mine", "rations.view_own_ration", order=90),
]
