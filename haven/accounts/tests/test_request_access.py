"""A request reads the user's role and permissions in one query (RoleBackend), answers
exactly what ModelBackend answers, and keeps nothing past the request: a role or a
permission changed now counts from the next request."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission, User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from haven.accounts.backends import read_access
from haven.accounts.choices import Role
from haven.accounts.roles import role_of
from haven.core import policy

pytestmark = pytest.mark.django_db


def _permission(name: str) -> Permission:
    app_label, codename = name.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def test_one_query_reads_what_model_backend_reads(users: dict[str, Any]) -> None:
    users["medic"].user_permissions.add(_permission("stock.view_item"))
    users["scout"].groups.add(Group.objects.get(name=Role.CLERK))
    for name in [*users, "nobody"]:
        user = users.get(name) or User.objects.create_user(username=name)
        fresh = User.objects.get(pk=user.pk)
        with CaptureQueriesContext(connection) as queries:
            names = read_access(fresh)
            everything = fresh.get_all_permissions()
            assert fresh.has_perm("people.view_person") == ("people.view_person" in everything)
        assert len(queries) == 1, name
        before = User.objects.get(pk=user.pk)
        backend = ModelBackend()
        assert fresh.get_user_permissions() == backend.get_user_permissions(before), name
        assert fresh.get_group_permissions() == backend.get_group_permissions(before), name
        assert everything == backend.get_all_permissions(User.objects.get(pk=user.pk)), name
        assert names == set(before.groups.values_list("name", flat=True)), name
    assert "stock.view_item" in User.objects.get(pk=users["medic"].pk).get_all_permissions()


def test_a_superuser_and_an_inactive_user_keep_model_backends_answers(db: None) -> None:
    chief = User.objects.create_superuser(username="chief")
    chief.groups.add(Group.objects.get_or_create(name=Role.MEMBER)[0])
    assert role_of(User.objects.get(pk=chief.pk)) == Role.MEMBER
    assert User.objects.get(pk=chief.pk).has_perm("stock.view_item")
    assert len(User.objects.get(pk=chief.pk).get_all_permissions()) == Permission.objects.count()
    gone = User.objects.create_user(username="gone", is_active=False)
    gone.groups.add(Group.objects.get_or_create(name=Role.CLERK)[0])
    assert role_of(User.objects.get(pk=gone.pk)) == Role.CLERK
    assert not User.objects.get(pk=gone.pk).get_all_permissions()


def test_the_role_and_the_permissions_share_the_one_query(users: dict[str, Any]) -> None:
    clerk = User.objects.get(pk=users["clerk"].pk)
    with CaptureQueriesContext(connection) as queries:
        assert clerk.has_perm("people.add_person")
        assert policy.role_of(clerk) == Role.CLERK
        assert not clerk.has_perm("stock.add_receipt")
    assert len(queries) == 1


def test_a_role_changed_counts_from_the_next_request(
    users: dict[str, Any], client_as: Callable[[str], Client]
) -> None:
    member = client_as("member")
    assert member.get("/people/add/").status_code == 403
    assert "· Member" in member.get("/people/").content.decode()
    users["member"].groups.set([Group.objects.get(name=Role.CLERK)])
    assert member.get("/people/add/").status_code == 200
    assert "· Clerk" in member.get("/people/").content.decode()


def test_a_permission_taken_from_a_role_counts_from_the_next_request(
    client_as: Callable[[str], Client],
) -> None:
    clerk = client_as("clerk")
    assert clerk.get("/people/add/").status_code == 200
    Group.objects.get(name=Role.CLERK).permissions.remove(_permission("people.add_person"))
    assert clerk.get("/people/add/").status_code == 403
    Group.objects.get(name=Role.CLERK).permissions.add(_permission("people.add_person"))
    assert clerk.get("/people/add/").status_code == 200
