from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from haven.core.navigation import NavItem

# The camp's own location lives in haven.core; core holds no menu of its own.
ITEMS = [NavItem(_("Camp"), "core:camp_location", "core.set_camp_location", order=90)]
