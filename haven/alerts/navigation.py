from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from haven.core.navigation import NavItem

ITEMS = [NavItem(_("Alerts"), "alerts:list", "alerts.view_alert", order=5)]
