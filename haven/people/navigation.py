from __future__ import annotations

from haven.core.navigation import NavItem

ITEMS = [
    NavItem("People", "people:list", "people.view_person", order=10),
    NavItem("Muster", "people:muster", "people.check_in_muster", order=20),
]
