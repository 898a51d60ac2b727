"""Accounts use cases: users with a role, API tokens."""

from __future__ import annotations

from django.contrib.auth.models import Group, User
from django.db import transaction
from django.utils import timezone

from haven.accounts.choices import Role
from haven.accounts.models import ApiToken, hash_token
from haven.audit.trail import audited, read_only
from haven.core.errors import HavenError, NotFoundError


@audited("accounts.create_user")
@transaction.atomic
def create_user(*, username: str, password: str | None, role: str, superuser: bool = False) -> User:
    """Create a user in one role; the commander account made by `haven init` is a superuser."""
    if role not in Role.values:
        raise HavenError(f"unknown role {role!r}: choose one of {', '.join(Role.values)}")
    if not username.strip():
        raise HavenError("a username is required")
    if User.objects.filter(username=username).exists():
        raise HavenError(f"user {username!r} already exists")
    user = User(username=username, is_staff=superuser, is_superuser=superuser)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


@audited("accounts.create_token")
@transaction.atomic
def create_token(*, username: str, name: str = "") -> str:
    """Create an API bearer token for a user and return it (it is not stored in clear)."""
    try:
        user = User.objects.get(username=username)
    except User.DoesNotExist as error:
        raise NotFoundError(f"no user named {username!r}") from error
    raw = ApiToken.generate()
    ApiToken.objects.create(user=user, name=name, key_hash=hash_token(raw))
    return raw


# Notes a token's last use only (at most once a minute); not a change worth an event.
@read_only
def authenticate_token(raw: str) -> User | None:
    """The active user a bearer token belongs to, or None."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
