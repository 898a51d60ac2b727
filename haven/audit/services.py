"""Audit use cases: the commander's lockdown when a leak is suspected, and setting the new
password a lockdown asks for."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Count, Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.accounts.models import ApiToken
from haven.audit.choices import Kind
from haven.audit.models import AuditEvent, PasswordChangeRequired
from haven.audit.trail import audited, read_only
from haven.core.errors import HavenError

MAX_DAYS = 3650
LOCATION = "location"


@dataclass(frozen=True, slots=True)
class LocationReader:
    """Someone who was shown location data: how often, of how many records, first and last."""

    username: str
    reads: int
    first_at: dt.datetime
    last_at: dt.datetime


@dataclass
class LockdownResult:
    sessions_ended: int
    tokens_revoked: int
    passwords_required: int
    days: int
    readers: list[LocationReader] = field(default_factory=list)


@read_only
def check_days(days: object) -> int:
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise HavenError(
            _("days %(days)r is not a whole number from 1 to %(max_days)s")
            % {"days": days, "max_days": MAX_DAYS}
        )
    return days


@read_only
def location_readers(*, days: int, now: dt.datetime | None = None) -> list[LocationReader]:
    """Who read location data in the last `days` days (from the audit log), most reads first."""
    since = (now or timezone.now()) - dt.timedelta(days=check_days(days))
    rows = (
        AuditEvent.objects.filter(kind=Kind.READ, group=LOCATION, at__gte=since)
        .values("username")
        .annotate(reads=Count("id"), first_at=Min("at"), last_at=Max("at"))
        .order_by("-reads", "username")
    )
    return [
        LocationReader(
            username=row["username"] or "(the system)",
            reads=row["reads"],
            first_at=row["first_at"],
            last_at=row["last_at"],
        )
        for row in rows
    ]


def _is_commander(user: User) -> bool:
    return user.is_superuser or user.groups.filter(name="commander").exists()


@audited("audit.lockdown")
@transaction.atomic
def lockdown(*, by: User | None, days: int = 7, keep_session: str | None = None) -> LockdownResult:
    """End every session, revoke every API token but the acting commander's, and require a
    new password of everyone but them at their next sign-in; list who read locations.

    From the web, the commander's own current session (`keep_session`) stays: they are the
    one acting. From the command line with no commander named, nobody is spared. No unlock
    follows: each person's lock lifts when they set their new password.
    """
    days = check_days(days)
    if by is not None and not _is_commander(by):
        raise HavenError(
            _("%(get_username)r is not a commander: only a commander locks down")
            % {"get_username": by.get_username()}
        )
    now = timezone.now()
    sessions = Session.objects.all()
    if keep_session:
        sessions = sessions.exclude(session_key=keep_session)
    sessions_ended, _by_kind = sessions.delete()
    tokens = ApiToken.objects.filter(revoked_at__isnull=True)
    if by is not None:
        tokens = tokens.exclude(user=by)
    tokens_revoked = tokens.update(revoked_at=now)
    others = User.objects.filter(is_active=True)
    if by is not None:
        others = others.exclude(pk=by.pk)
    already = set(PasswordChangeRequired.objects.values_list("user_id", flat=True))
    flags = [
        PasswordChangeRequired(user_id=pk, since=now)
        for pk in others.values_list("pk", flat=True)
        if pk not in already
    ]
    PasswordChangeRequired.objects.bulk_create(flags)
    return LockdownResult(
        sessions_ended=sessions_ended,
        tokens_revoked=tokens_revoked,
        passwords_required=len(flags) + len(already),
        days=days,
        readers=location_readers(days=days, now=now),
    )


@read_only
def must_change_password(user: User) -> bool:
    return PasswordChangeRequired.objects.filter(user_id=user.pk).exists()


@audited("audit.password_renewed")
@transaction.atomic
def password_renewed(*, by: User) -> int:
    """`by` has set a new password since the lockdown: their lock lifts (rows deleted)."""
    deleted, _by_kind = PasswordChangeRequired.objects.filter(user_id=by.pk).delete()
    return deleted
