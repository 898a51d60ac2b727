"""The menu shows each user the entries their permissions open, worked out once per set of
permissions: the same as asking `has_perm` for each entry, and never out of date."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser, Permission, User

from haven.core.navigation import NavItem, visible_navigation
from haven.core.registry import app_modules


def _asked_one_by_one(user: Any) -> list[NavItem]:
    items = [
        item
        for _, module in app_modules("navigation")
        for item in module.ITEMS
        if user.has_perm(item.permission)
    ]
    return sorted(items, key=lambda item: item.order)


def _fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)  # a new request's user: no permission cache


def test_each_role_sees_the_entries_its_permissions_open(users: dict[str, Any]) -> None:
    menus = set()
    for user in users.values():
        menu = visible_navigation(_fresh(user))
        assert menu == _asked_one_by_one(_fresh(user))
        menus.add(tuple(item.url_name for item in menu))
    assert len(menus) > 2  # the roles' menus differ, so the comparison can fail


def test_a_superuser_sees_every_entry_and_no_one_signed_in_none(users: dict[str, Any]) -> None:
    boss = User.objects.create_superuser("boss", password=None)
    every = [item for _, module in app_modules("navigation") for item in module.ITEMS]
    assert len(visible_navigation(_fresh(boss))) == len(every)
    assert visible_navigation(AnonymousUser()) == []
    clerk = users["clerk"]
    clerk.is_active = False
    clerk.save()
    assert visible_navigation(_fresh(clerk)) == []


def test_a_permission_granted_or_taken_shows_on_the_next_page(users: dict[str, Any]) -> None:
    member = users["member"]
    before = visible_navigation(_fresh(member))
    extra = next(
        item
        for _, module in app_modules("navigation")
        for item in module.ITEMS
        if item not in before
    )
    app_label, codename = extra.permission.split(".")
    permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
    member.user_permissions.add(permission)
    assert extra in visible_navigation(_fresh(member))
    member.user_permissions.remove(permission)
    assert visible_navigation(_fresh(member)) == before
