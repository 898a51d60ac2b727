"""The top menu: each app lists its entries in `<app>.navigation.ITEMS`."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.contrib.auth.models import AnonymousUser, User
from django.urls import get_script_prefix, reverse
from django_stubs_ext import StrOrPromise

from haven.core.registry import app_modules


@dataclass(frozen=True, slots=True)
class NavItem:
    """One menu entry, shown to users holding `permission`."""

    label: StrOrPromise  # gettext_lazy: shown in the reader's language
    url_name: str
    permission: str
    order: int = 50

    @property
    def url(self) -> str:
        return _reversed(self.url_name, get_script_prefix())


@cache
def _reversed(url_name: str, prefix: str) -> str:
    # The menu is drawn on every page: its addresses are worked out once per process.
    return reverse(url_name)


def visible_navigation(user: User | AnonymousUser) -> list[NavItem]:
    items: list[NavItem] = []
    for _, module in app_modules("navigation"):
        items.extend(item for item in module.ITEMS if user.has_perm(item.permission))
    return sorted(items, key=lambda item: item.order)


def active_item(items: list[NavItem], path: str) -> NavItem | None:
    """The entry whose address is the longest prefix of the current page's."""
    matches = [item for item in items if path.startswith(item.url)]
    return max(matches, key=lambda item: len(item.url), default=None)
