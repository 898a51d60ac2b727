"""Roles are Django groups; each app grants permissions to roles in `<app>.permissions`."""

from __future__ import annotations

from collections import defaultdict

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group, Permission

from haven.accounts.backends import read_access
from haven.accounts.choices import Role
from haven.core.registry import app_modules


def role_permissions() -> dict[str, set[str]]:
    """Role → "app_label.codename" permissions; the commander holds every one granted anywhere."""
    granted: dict[str, set[str]] = defaultdict(set)
    for _, module in app_modules("permissions"):
        for role, perms in module.ROLE_PERMISSIONS.items():
            granted[Role(role).value].update(perms)
    granted[Role.COMMANDER.value] = set().union(*granted.values()) if granted else set()
    return granted


def sync_roles(*, using: str = "default") -> None:
    """Create one group per role and give it exactly its permissions."""
    granted = role_permissions()
    for role in Role:
        group, _ = Group.objects.using(using).get_or_create(name=role.value)
        wanted = granted.get(role.value, set())
        permissions = []
        for name in sorted(wanted):
            app_label, codename = name.split(".", 1)
            permission = (
                Permission.objects.using(using)
                .filter(content_type__app_label=app_label, codename=codename)
                .first()
            )
            if permission is not None:
                permissions.append(permission)
        group.permissions.set(permissions)


def role_of(user: AbstractBaseUser | AnonymousUser) -> str | None:
    """The user's role name (its first role group), or None."""
    if not user.is_authenticated:
        return None
    # Read with the user's permissions, in the one query a request makes for both.
    names = read_access(user)
    for role in Role:
        if role.value in names:
            return role.value
    return None
