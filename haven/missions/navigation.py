from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from haven.core.navigation import NavItem

ITEMS = [NavItem(_("Missions"), "missions:board", "missions.view_mission", order=35)]
