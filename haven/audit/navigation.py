from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from haven.core.navigation import NavItem

ITEMS = [NavItem(_("Audit"), "audit:index", "audit.view_auditevent", order=90)]
