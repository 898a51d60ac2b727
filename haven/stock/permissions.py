"""Who may do what with stock.

- quartermaster: the whole ledger (receive, issue, transfer, adjust, count, correct,
  import, export) and the catalogue's levels.
- medic: sees stock levels, and may issue medical items only (`issue_medical`; views and
  the API check the item's category, see `may_issue`); not the ledger (need-to-know).
- scout, clerk, member: see stock levels and runway only, not the ledger's entries.
- Stores' locations are the access policy's (haven/core/policy.py): the commander's.
- commander: everything granted to anyone.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User

from haven.stock.choices import Category
from haven.stock.models import Item

LEVELS = ["stock.view_item", "stock.view_store", "stock.view_balance"]
LEDGER = [*LEVELS, "stock.view_ledgerentry", "stock.view_lot"]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    "quartermaster": [
        *LEDGER,
        "stock.change_item",
        "stock.add_store",
        "stock.receive_stock",
        "stock.issue_stock",
        "stock.issue_medical",
        "stock.transfer_stock",
        "stock.adjust_stock",
        "stock.count_stock",
        "stock.reverse_entry",
        "stock.import_stock",
        "stock.export_stock",
    ],
    "medic": [*LEVELS, "stock.issue_medical"],
    "scout": [*LEVELS],
    "clerk": [*LEVELS],
    "member": [*LEVELS],
}


def may_issue(user: User | AnonymousUser, item: Item) -> bool:
    """Any item with `issue_stock`; medical items also with `issue_medical`."""
    if user.has_perm("stock.issue_stock"):
        return True
    return item.category == Category.MEDICAL and user.has_perm("stock.issue_medical")
