"""The top menu: each app lists its entries in `<app>.navigation.ITEMS`."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache

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
    if not user.is_active:
        return []  # has_perm answers no to an inactive user (and to no one signed in)
    # The menu depends on nothing but the permissions held: worked out once per process for
    # each set of them (a role, mostly), not by a permission question per entry per page.
    # Keyed by the permissions the user holds now, it is never out of date.
    held = None if user.is_superuser else frozenset(user.get_all_permissions())
    return list(_navigation_for(held))


@lru_cache(maxsize=64)
def _navigation_for(held: frozenset[str] | None) -> tuple[NavItem, ...]:
    """The entries a user holding `held` may open (None: a superuser, who holds every one)."""
    items: list[NavItem] = []
    for _, module in app_modules("navigation"):
        items.extend(item for item in module.ITEMS if held is None or item.permission in held)
    return tuple(sorted(items, key=lambda item: item.order))


def active_item(items: list[NavItem], path: str) -> NavItem | None:
    """The entry whose address is the longest prefix of the current page's."""
    matches = [item for item in items if path.startswith(item.url)]
    return max(matches, key=lambda item: len(item.url), default=None)
