"""Alert use cases: draft, approve (a second person, for Actual alerts), issue (optionally
opening the emergency muster), update and cancel (new alerts with CAP references that
supersede the old one at issue), acknowledge. The web, the API and the CLI all call these.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from haven.alerts import rules
from haven.alerts.choices import (
    CapStatus,
    Category,
    Certainty,
    MsgType,
    ResponseType,
    Scope,
    Severity,
    Stage,
    Step,
    Urgency,
)
from haven.alerts.models import HEADLINE_MAX, Acknowledgement, Alert, AlertEvent
from haven.audit.trail import audited, read_only
from haven.core import policy
from haven.core.errors import HavenError
from haven.core.services import Author, acting_user, event_time, get_record, planned_time
from haven.core.times import readable
from haven.people import musters
from haven.people.models import Muster

TEXT_MAX = 10_000
MUSTER_LABEL_MAX = musters.LABEL_MAX
# The fields an update may change; the rest of the CAP message is carried over.
INFO_FIELDS = (
    "status",
    "scope",
    "restriction",
    "addresses",
    "note",
    "category",
    "event",
    "response_type",
    "urgency",
    "severity",
    "certainty",
    "headline",
    "description",
    "instruction",
    "expires",
    "area_desc",
    "circle",
    "polygon",
    "share_coordinates",
    "assemble_at",
)


@read_only
def active_alerts(*, at: datetime | None = None) -> QuerySet[Alert]:
    """Alerts in force at `at` (now): issued, not expired, not superseded or cancelled;
    most urgent first is the caller's choice, newest first by default."""
    return Alert.objects.active(at).order_by("-sent", "-pk")


@read_only
def get_alert(alert_id: Any) -> Alert:
    alert: Alert = get_record(Alert, alert_id, "alert")
    return alert


@read_only
def two_person_rule() -> bool:
    """Whether an Actual alert needs a second person's approval (HAVEN_ALERTS_TWO_PERSON)."""
    return bool(settings.HAVEN_ALERTS_TWO_PERSON)


@read_only
def needs_approval(alert: Alert) -> bool:
    return alert.status == CapStatus.ACTUAL and two_person_rule()


@read_only
def active_for(request: HttpRequest) -> list[Alert]:
    """The alerts in force, read once per request: the banner and the dashboard's panel share
    this one query. Each carries `acknowledged`: whether the request's user has."""
    cached: list[Alert] | None = getattr(request, "_haven_active_alerts", None)
    if cached is None:
        user = getattr(request, "user", None)
        alerts = active_alerts()
        # Most of the time no alert is in force: every page then pays one bare EXISTS
        # (0.5 ms of CPU), not the building of the alerts' query with its acknowledgement
        # subquery (1.2 ms).
        if not alerts.exists():
            cached = []
        else:
            if getattr(user, "is_authenticated", False):
                mine = Acknowledgement.objects.filter(alert=OuterRef("pk"), user=user)
                alerts = alerts.annotate(acknowledged=Exists(mine))
            cached = list(alerts)
        request._haven_active_alerts = cached  # type: ignore[attr-defined]
    return cached


@read_only
def unacknowledged(user: Any) -> QuerySet[Alert]:
    """The active alerts this user has not acknowledged yet (the banner)."""
    if not getattr(user, "is_authenticated", False):
        return Alert.objects.none()
    return active_alerts().exclude(acknowledgements__user=user)


@read_only
def expected_readers() -> QuerySet[User]:
    """Everyone who must acknowledge an alert: every active account."""
    return User.objects.filter(is_active=True)


@read_only
def not_acknowledged(alert: Alert) -> QuerySet[User]:
    return (
        expected_readers()
        .exclude(pk__in=alert.acknowledgements.values("user_id"))
        .order_by("username")
    )


@dataclass(frozen=True, slots=True)
class AckCount:
    acknowledged: int
    expected: int

    @property
    def missing(self) -> int:
        return self.expected - self.acknowledged


@read_only
def ack_count(alert: Alert) -> AckCount:
    readers = expected_readers()
    acknowledged = alert.acknowledgements.filter(user__in=readers).count()
    return AckCount(acknowledged=acknowledged, expected=readers.count())


def _event(
    alert: Alert, step: str, by: Author, note: str = "", at: datetime | None = None
) -> AlertEvent:
    return AlertEvent.objects.create(
        alert=alert, step=step, by=acting_user(by), note=note[:300], at=at or timezone.now()
    )


def _expires(expires: datetime | None, sent: datetime) -> datetime:
    if expires is None:
        return sent + timedelta(hours=float(settings.HAVEN_ALERTS_DEFAULT_HOURS))
    expires = planned_time(expires, "expires")
    if expires <= sent:
        raise HavenError(
            f"expires {readable(expires)} is before sent {readable(sent)}: "
            "an alert must expire after it is sent"
        )
    return expires


def _may_share_coordinates(by: Author) -> None:
    if by is not None and policy.G.LOCATION not in policy.role_groups(by):
        raise PermissionDenied(
            "only the commander (or a user granted core.view_location) may send coordinates "
            "out with a Public alert"
        )


def _clean(fields: dict[str, Any], by: Author, now: datetime) -> dict[str, Any]:
    """Every CAP rule checked, nothing stored yet; returns the fields to store."""
    clean: dict[str, Any] = {}
    clean["status"] = rules.choice("status", fields["status"], CapStatus)
    clean["msg_type"] = rules.choice("msgType", fields["msg_type"], MsgType)
    clean["scope"] = rules.choice("scope", fields["scope"], Scope)
    clean["category"] = rules.choice("category", fields["category"], Category)
    clean["response_type"] = rules.choice(
        "responseType", fields["response_type"], ResponseType, blank=True
    )
    clean["urgency"] = rules.choice("urgency", fields["urgency"], Urgency)
    clean["severity"] = rules.choice("severity", fields["severity"], Severity)
    clean["certainty"] = rules.choice("certainty", fields["certainty"], Certainty)
    for name, limit in (
        ("headline", HEADLINE_MAX),
        ("event", 120),
        ("description", TEXT_MAX),
        ("instruction", TEXT_MAX),
        ("note", TEXT_MAX),
        ("restriction", 300),
        ("addresses", 1000),
        ("area_desc", 200),
        ("assemble_at", MUSTER_LABEL_MAX),
    ):
        clean[name] = rules.plain_text(name, str(fields[name] or ""), limit)
    if not clean["headline"]:
        raise HavenError("headline is empty: say in a line what is happening")
    if not clean["event"]:
        raise HavenError("event is empty: name the kind of event (e.g. armed attack)")
    rules.scope(clean["scope"], clean["restriction"], clean["addresses"])
    clean["circle"] = rules.circle(str(fields["circle"] or ""))
    clean["polygon"] = rules.polygon(str(fields["polygon"] or ""))
    if (clean["circle"] or clean["polygon"]) and not clean["area_desc"]:
        raise HavenError("area_desc is empty: name the area the circle or polygon marks")
    clean["references"] = rules.references(str(fields["references"] or ""))
    if clean["msg_type"] != MsgType.ALERT and not clean["references"]:
        raise HavenError(
            f"references is empty: an {clean['msg_type']} must reference the alert it "
            "changes (sender,identifier,sent)"
        )
    share = bool(fields["share_coordinates"])
    if share and clean["scope"] == Scope.PUBLIC and (clean["circle"] or clean["polygon"]):
        _may_share_coordinates(by)
    clean["share_coordinates"] = share
    clean["expires"] = _expires(fields["expires"], now)
    return clean


DEFAULTS: dict[str, Any] = {
    "status": CapStatus.ACTUAL,
    "msg_type": MsgType.ALERT,
    "scope": Scope.PUBLIC,
    "restriction": "",
    "addresses": "",
    "note": "",
    "references": "",
    "category": Category.SECURITY,
    "response_type": "",
    "description": "",
    "instruction": "",
    "expires": None,
    "area_desc": "",
    "circle": "",
    "polygon": "",
    "share_coordinates": False,
    "assemble_at": "",
}


def _create(
    by: Author, fields: dict[str, Any], replaces: Alert | None, at: datetime | None
) -> Alert:
    when = event_time(at, "drafting time")
    clean = _clean(fields, by, when)
    alert = Alert.objects.create(
        identifier=f"haven-{uuid.uuid4()}",
        sender=settings.HAVEN_ALERTS_SENDER,
        replaces=replaces,
        drafted_by=acting_user(by),
        drafted_at=when,
        **clean,
    )
    _event(alert, Step.DRAFTED, by, at=when)
    return alert


@audited("alerts.draft")
@transaction.atomic
def draft_alert(
    *,
    by: Author,
    headline: str,
    event: str,
    urgency: str,
    severity: str,
    certainty: str,
    at: datetime | None = None,
    **fields: Any,
) -> Alert:
    """Draft a CAP alert (nothing is sent): every rule is checked now, again at issue."""
    unknown = set(fields) - set(DEFAULTS)
    if unknown:
        raise HavenError(f"unknown field(s): {', '.join(sorted(unknown))}")
    values = {**DEFAULTS, **fields}
    values.update(
        headline=headline, event=event, urgency=urgency, severity=severity, certainty=certainty
    )
    return _create(by, values, None, at)


def _not_before(when: datetime, earlier: datetime | None, what: str) -> datetime:
    if earlier is not None and when < earlier:
        raise HavenError(
            f"time {readable(when)} is before the alert was {what} ({readable(earlier)})"
        )
    return when


def _issued(alert: Alert, what: str) -> Alert:
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.stage == Stage.SUPERSEDED:
        newer = alert.replaced_by.filter(stage=Stage.ISSUED).first()
        by = f" by #{newer.pk}" if newer else ""
        raise HavenError(f"alert #{alert.pk} was already superseded{by}: it cannot {what}")
    if alert.stage != Stage.ISSUED:
        raise HavenError(f"alert #{alert.pk} is {alert.stage}, not issued: it cannot {what}")
    if alert.msg_type == MsgType.CANCEL:
        raise HavenError(f"alert #{alert.pk} is a Cancel: it cannot {what}")
    return alert


def _chain(alert: Alert) -> str:
    return " ".join(part for part in (alert.references, alert.reference) if part)


@audited("alerts.update")
@transaction.atomic
def update_alert(*, by: Author, alert: Alert, at: datetime | None = None, **changes: Any) -> Alert:
    """Draft an Update of an issued alert: the same message with `changes`, referencing it
    (and what it referenced). Issuing the Update supersedes the alert."""
    alert = _issued(alert, "be updated")
    unknown = set(changes) - set(INFO_FIELDS)
    if unknown:
        raise HavenError(f"unknown field(s): {', '.join(sorted(unknown))}")
    values = {name: getattr(alert, name) for name in INFO_FIELDS}
    values["expires"] = None if alert.expires <= timezone.now() else alert.expires
    values.update(changes)
    values.update(msg_type=MsgType.UPDATE, references=_chain(alert))
    return _create(by, values, alert, at)


@audited("alerts.cancel")
@transaction.atomic
def cancel_alert(*, by: Author, alert: Alert, note: str = "", at: datetime | None = None) -> Alert:
    """Draft a Cancel of an issued alert (issuing it ends the alert for everyone)."""
    alert = _issued(alert, "be cancelled")
    values = {name: getattr(alert, name) for name in INFO_FIELDS}
    values.update(
        msg_type=MsgType.CANCEL,
        references=_chain(alert),
        note=note,
        expires=None if alert.expires <= timezone.now() else alert.expires,
        assemble_at="",
    )
    return _create(by, values, alert, at)


@audited("alerts.approve")
@transaction.atomic
def approve_alert(*, by: Author, alert: Alert, note: str = "", at: datetime | None = None) -> Alert:
    """A second person approves a drafted alert; the drafter may not approve their own."""
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.stage != Stage.DRAFT:
        raise HavenError(f"alert #{alert.pk} is {alert.stage}: only a draft is approved")
    if alert.status == CapStatus.DRAFT:
        raise HavenError(f"alert #{alert.pk} has status Draft: drafts are never issued")
    approver = acting_user(by)
    if approver is None:
        raise HavenError("approval needs a person: say who approves (the CLI's --as)")
    if alert.drafted_by_id == approver.pk:
        raise HavenError(
            f"{approver.username} drafted alert #{alert.pk}: a second person must approve it"
        )
    when = _not_before(event_time(at, "approval time"), alert.drafted_at, "drafted")
    alert.stage = Stage.APPROVED
    alert.approved_by = approver
    alert.approved_at = when
    alert.save(update_fields=["stage", "approved_by", "approved_at"])
    _event(alert, Step.APPROVED, by, rules.plain_text("note", note, 300), at=when)
    return alert


@audited("alerts.issue")
@transaction.atomic
def issue_alert(
    *, by: Author, alert: Alert, assemble_at: str | None = None, at: datetime | None = None
) -> Alert:
    """Send the alert: every logged-in user sees it until they acknowledge it. An Actual
    alert must first be approved by a second person (HAVEN_ALERTS_TWO_PERSON). An Update or
    Cancel supersedes the alert it replaces. With `assemble_at`, the emergency muster opens."""
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.status == CapStatus.DRAFT:
        raise HavenError(f"alert #{alert.pk} has status Draft: drafts are never issued")
    if alert.stage == Stage.DRAFT and needs_approval(alert):
        raise HavenError(
            f"alert #{alert.pk} is an Actual alert not yet approved: a second person "
            "must approve it first (two-person rule)"
        )
    if alert.stage not in (Stage.DRAFT, Stage.APPROVED):
        raise HavenError(f"alert #{alert.pk} is already {alert.stage}")
    now = _not_before(event_time(at, "sent"), alert.approved_at or alert.drafted_at, "approved")
    if alert.expires <= now:
        raise HavenError(
            f"expires {readable(alert.expires)} is before sent {readable(now)}: "
            "update the expiry first"
        )
    if alert.replaces_id is not None:
        old = _issued(alert.replaces, f"be replaced by #{alert.pk}")  # type: ignore[arg-type]
        old.stage = Stage.SUPERSEDED
        old.save(update_fields=["stage"])
        _event(old, Step.SUPERSEDED, by, f"{alert.msg_type} #{alert.pk}", at=now)
    alert.stage = Stage.ISSUED
    alert.sent = now
    alert.issued_by = acting_user(by)
    if assemble_at is not None:
        alert.assemble_at = rules.plain_text("assemble_at", assemble_at, MUSTER_LABEL_MAX)
    alert.save(update_fields=["stage", "sent", "issued_by", "assemble_at"])
    _event(alert, Step.ISSUED, by, at=now)
    if alert.assemble_at and alert.msg_type != MsgType.CANCEL:
        _open_muster(by, alert, alert.assemble_at, now)
    return alert


def _open_muster(by: Author, alert: Alert, place: str, at: datetime | None = None) -> Muster:
    current = musters.open_muster_or_none()
    if current is None:
        label = f"Alert #{alert.pk}: {alert.headline}"[:MUSTER_LABEL_MAX]
        current = musters.open_muster(by=by, label=label, place=place, at=at)
        note = f"muster #{current.pk} opened at {place}"
    else:
        # A roll call already running is the one to answer: a second cannot open.
        note = f"muster #{current.pk} already open: linked"
    alert.muster = current
    alert.assemble_at = place
    alert.save(update_fields=["muster", "assemble_at"])
    _event(alert, Step.MUSTER_OPENED, by, note, at=at)
    return current


@audited("alerts.open_muster")
@transaction.atomic
def open_alert_muster(*, by: Author, alert: Alert, place: str) -> Muster:
    """ "Assemble at the north gate": open the emergency muster for an issued alert (or link
    the muster already open)."""
    alert = _issued(alert, "open a muster")
    if alert.muster_id is not None:
        raise HavenError(f"alert #{alert.pk} already has muster #{alert.muster_id}")
    place = rules.plain_text("assemble_at", place, MUSTER_LABEL_MAX)
    if not place:
        raise HavenError("assemble_at is empty: say where people assemble")
    return _open_muster(by, alert, place)


@dataclass(frozen=True, slots=True)
class AckResult:
    acknowledgement: Acknowledgement
    created: bool


@audited("alerts.acknowledge")
def acknowledge(*, by: Author, alert: Alert, at: datetime | None = None) -> AckResult:
    """The user has seen the alert; acknowledging twice is harmless."""
    user = acting_user(by)
    if user is None:
        raise HavenError("an acknowledgement needs a person: say who (the CLI's --as)")
    if alert.stage not in (Stage.ISSUED, Stage.SUPERSEDED):
        raise HavenError(f"alert #{alert.pk} is {alert.stage}: only issued alerts are acknowledged")
    when = _not_before(event_time(at, "acknowledgement time"), alert.sent, "sent")
    try:
        with transaction.atomic():
            ack, created = Acknowledgement.objects.get_or_create(
                alert=alert, user=user, defaults={"at": when}
            )
    except IntegrityError:
        ack, created = Acknowledgement.objects.get(alert=alert, user=user), False
    return AckResult(acknowledgement=ack, created=created)
