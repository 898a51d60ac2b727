from __future__ import annotations

from haven.core.navigation import NavItem

ITEMS = [NavItem("Stock", "stock:index", "stock.view_item", order=30)]
