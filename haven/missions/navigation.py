from __future__ import annotations

from haven.core.navigation import NavItem

ITEMS = [NavItem("Missions", "missions:board", "missions.view_mission", order=35)]
