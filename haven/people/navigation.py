from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from haven.core.navigation import NavItem

ITEMS = [
    NavItem(_("People"), "people:list", "people.view_person", order=10),
    NavItem(_("Muster"), "people:muster", "people.check_in_muster", order=20),
]
