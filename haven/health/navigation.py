from __future__ import annotations

from haven.core.navigation import NavItem

ITEMS = [
    NavItem("Triage", "health:queue", "health.view_medical_details", order=25),
    NavItem("Casualties", "health:register", "health.view_casualty_register", order=26),
]
