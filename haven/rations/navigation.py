from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from haven.core.navigation import NavItem

ITEMS = [
    NavItem(_("Rations"), "rations:index", "rations.view_distributionplan", order=40),
    NavItem(_("My ration"), "rations:mine", "rations.view_own_ration", order=90),
]
