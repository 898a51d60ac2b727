"""Sign-in and permissions: Django's ModelBackend, with a user's role and permissions read in
one query per request instead of three (user permissions, group permissions, role groups)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper

GROUP = "g"
USER_PERMISSION = "u"
GROUP_PERMISSION = "p"


_ACCESS_SQL: dict[str, str] = {}


def _access_sql(connection: BaseDatabaseWrapper) -> str:
    """One statement for a user's groups, own permissions and group permissions. Written
    once per database kind: building it through the ORM cost as much CPU per request as the
    three queries it replaces."""
    if connection.vendor not in _ACCESS_SQL:
        _ACCESS_SQL[connection.vendor] = _write_access_sql(connection.ops.quote_name)
    return _ACCESS_SQL[connection.vendor]


def _write_access_sql(quote: Callable[[str], str]) -> str:
    groups = quote(Group._meta.db_table)
    memberships = quote(User.groups.through._meta.db_table)
    own = quote(User.user_permissions.through._meta.db_table)
    granted = quote(Group.permissions.through._meta.db_table)
    permissions = quote(Permission._meta.db_table)
    types = quote(ContentType._meta.db_table)
    return (
        f"SELECT '{GROUP}', g.name, '' FROM {groups} g"
        f" JOIN {memberships} m ON m.group_id = g.id WHERE m.user_id = %s"
        f" UNION ALL SELECT '{USER_PERMISSION}', t.app_label, p.codename FROM {own} o"
        f" JOIN {permissions} p ON p.id = o.permission_id"
        f" JOIN {types} t ON t.id = p.content_type_id WHERE o.user_id = %s"
        f" UNION ALL SELECT '{GROUP_PERMISSION}', t.app_label, p.codename FROM {memberships} m"
        f" JOIN {granted} gp ON gp.group_id = m.group_id"
        f" JOIN {permissions} p ON p.id = gp.permission_id"
        f" JOIN {types} t ON t.id = p.content_type_id WHERE m.user_id = %s"
    )


def read_access(user: Any) -> frozenset[str]:
    """The names of the user's groups (its roles); on first use for this user object, in the
    same query, fills ModelBackend's permission caches on it, so `has_perm` asks the database
    nothing more. The caches live on the user object, which the authentication middleware
    loads anew for every request: a role or permission changed now counts from the next
    request, in every process."""
    names: frozenset[str] | None = getattr(user, "_role_names", None)
    if names is not None:
        return names
    found: dict[str, set[str]] = {GROUP: set(), USER_PERMISSION: set(), GROUP_PERMISSION: set()}
    connection = connections[user._state.db or DEFAULT_DB_ALIAS]
    with connection.cursor() as cursor:
        cursor.execute(_access_sql(connection), [user.pk] * 3)
        for kind, first, second in cursor.fetchall():
            found[kind].add(first if kind == GROUP else f"{first}.{second}")
    # A superuser holds every permission (ModelBackend reads them all) and an inactive user
    # none: neither is answered from these rows.
    if user.is_active and not user.is_superuser:
        user._user_perm_cache = found[USER_PERMISSION]
        user._group_perm_cache = found[GROUP_PERMISSION]
        user._perm_cache = found[USER_PERMISSION] | found[GROUP_PERMISSION]
    names = frozenset(found[GROUP])
    user._role_names = names
    return names


class RoleBackend(ModelBackend):
    """ModelBackend whose first permission question about a user reads its role and every
    permission it holds at once (`read_access`); what it answers is ModelBackend's."""

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if (
            obj is None
            and user_obj.is_active
            and not user_obj.is_anonymous
            and not user_obj.is_superuser
            and not hasattr(user_obj, "_perm_cache")
        ):
            read_access(user_obj)
        return super().get_all_permissions(user_obj, obj)
