"""Accounts use cases: users with a role, passwords that pass the validators, API tokens."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.accounts.choices import Role
from haven.accounts.models import ApiToken, Preferences, hash_token
from haven.audit.trail import audited, read_only
from haven.core.errors import HavenError, NotFoundError
from haven.core.times import readable

# Writing `last_used_at` on every request would make each API read a write.
LAST_USE_RESOLUTION = timedelta(minutes=1)
DURATION = re.compile(r"^(\d{1,6})([hdw])$")
DURATION_UNITS = {"h": "hours", "d": "days", "w": "weeks"}


@read_only
def check_password(password: str, user: User | None = None) -> None:
    """Refuse a password Django's validators refuse (length, common, numeric, similarity)."""
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise HavenError("the password is refused: " + " ".join(error.messages)) from error


@audited("accounts.create_user")
@transaction.atomic
def create_user(*, username: str, password: str | None, role: str, superuser: bool = False) -> User:
    """Create a user in one role; the commander account made by `haven init` is a superuser."""
    if role not in Role.values:
        raise HavenError(
            _("unknown role %(role)r: choose one of %(names)s")
            % {"role": role, "names": ", ".join(Role.values)}
        )
    if not username.strip():
        raise HavenError(_("a username is required"))
    if User.objects.filter(username=username).exists():
        raise HavenError(_("user %(username)r already exists") % {"username": username})
    user = User(username=username, is_staff=superuser, is_superuser=superuser)
    if password:
        check_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


@read_only
def parse_duration(text: str) -> timedelta:
    """'12h', '30d' or '8w' as a time span; anything else is refused, naming it."""
    match = DURATION.match(text.strip())
    if not match or int(match.group(1)) == 0:
        raise HavenError(
            _("bad duration %(text)r: write a whole number and h, d or w, e.g. 30d")
            % {"text": text}
        )
    return timedelta(**{DURATION_UNITS[match.group(2)]: int(match.group(1))})


@audited("accounts.create_token")
@transaction.atomic
def create_token(
    *,
    username: str,
    name: str = "",
    expires_in: timedelta | None = None,
    read_only: bool = False,
) -> str:
    """Create an API bearer token for a user and return it (only its hash is kept)."""
    try:
        user = User.objects.get(username=username)
    except User.DoesNotExist as error:
        raise NotFoundError(_("no user named %(username)r") % {"username": username}) from error
    if len(name) > ApiToken._meta.get_field("name").max_length:  # type: ignore[operator]
        raise HavenError(
            _("token name %(name)r… is longer than 100 characters") % {"name": name[:20]}
        )
    raw = ApiToken.generate()
    now = timezone.now()
    ApiToken.objects.create(
        user=user,
        name=name,
        key_hash=hash_token(raw),
        created_at=now,
        expires_at=now + expires_in if expires_in else None,
        read_only=read_only,
    )
    return raw


@audited("accounts.revoke_token")
@transaction.atomic
def revoke_token(*, token_id: int) -> ApiToken:
    """Revoke a token at once; revoking it again changes nothing."""
    token = ApiToken.objects.select_for_update().filter(pk=token_id).first()
    if token is None:
        raise NotFoundError(_("no API token with id %(token_id)s") % {"token_id": token_id})
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


@dataclass(frozen=True)
class TokenRefused(Exception):
    """A token that exists but may not be used (revoked, expired, its user deactivated)."""

    detail: str


# Notes a token's last use only (at most once a minute); not a change worth an event.
@read_only
def authenticate_token(raw: str, *, now: datetime | None = None) -> ApiToken | None:
    """The usable token `raw` is, None if no token is, TokenRefused if it may not be used.
    Records the use, at most once a minute."""
    token = ApiToken.objects.select_related("user").filter(key_hash=hash_token(raw)).first()
    if token is None:
        return None
    now = now or timezone.now()
    if token.revoked_at is not None:
        raise TokenRefused("this API token was revoked")
    if token.expires_at is not None and token.expires_at <= now:
        raise TokenRefused(f"this API token expired at {readable(token.expires_at)}")
    if not token.user.is_active:
        raise TokenRefused(f"the account {token.user.username!r} is deactivated")
    if token.last_used_at is None or now - token.last_used_at >= LAST_USE_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


@audited("accounts.set_language")
@transaction.atomic
def set_language(*, user: User, language: str) -> Preferences:
    """Keep the interface language a user chose ("" leaves it to their browser)."""
    offered = dict(settings.LANGUAGES)
    if language and language not in offered:
        raise HavenError(
            _("unknown language %(language)r: choose one of %(names)s")
            % {"language": language, "names": ", ".join(offered)}
        )
    preferences, _created = Preferences.objects.get_or_create(user=user)
    preferences.language = language
    preferences.save(update_fields=["language"])
    return preferences
