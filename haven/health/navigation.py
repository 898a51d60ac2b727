from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from haven.core.navigation import NavItem

ITEMS = [
    NavItem(_("Triage"), "health:queue", "health.view_medical_details", order=25),
    NavItem(_("Casualties"), "health:register", "health.view_casualty_register", order=26),
]
