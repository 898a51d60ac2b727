"""Alerts API, under /api/v1/alerts: list (active, drafts, past), draft, approve, issue,
acknowledge, update, cancel, open the emergency muster, who has not acknowledged, and the
CAP 1.2 message of an alert (the XML itself is served at /alerts/<id>/cap.xml)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Schema
from ninja.responses import Status as WithStatus

from haven.alerts import cap, services
from haven.alerts.choices import Stage
from haven.alerts.models import Alert
from haven.core import policy
from haven.core.access import require
from haven.core.api import ApiRouter
from haven.core.errors import NotFoundError
from haven.core.pagination import PageQuery, page_of, paginate
from haven.core.policy_schema import PolicySchema
from haven.core.schemas import Id, column
from haven.core.signals import report_export

router = ApiRouter(tags=["alerts"])

VIEW = "alerts.view_alert"
DRAFT = "alerts.draft_alert"


class AlertIn(Schema):
    """A new alert. CAP code values as CAP spells them (urgency "Immediate", scope "Public");
    `expires` with a zone (default: HAVEN_ALERTS_DEFAULT_HOURS from now); `circle` is
    "lat,lon radius_km", `polygon` closed "lat,lon lat,lon … (first again)"."""

    headline: str = column(Alert, "headline")
    event: str = column(Alert, "event")
    urgency: str = column(Alert, "urgency")
    severity: str = column(Alert, "severity")
    certainty: str = column(Alert, "certainty")
    status: str = column(Alert, "status", "Actual")
    msg_type: str = column(Alert, "msg_type", "Alert")
    scope: str = column(Alert, "scope", "Public")
    restriction: str = column(Alert, "restriction", "")
    addresses: str = column(Alert, "addresses", "")
    note: str = column(Alert, "note", "")
    references: str = column(Alert, "references", "")
    category: str = column(Alert, "category", "Security")
    response_type: str = column(Alert, "response_type", "")
    description: str = column(Alert, "description", "")
    instruction: str = column(Alert, "instruction", "")
    expires: datetime | None = None
    area_desc: str = column(Alert, "area_desc", "")
    circle: str = column(Alert, "circle", "")
    polygon: str = column(Alert, "polygon", "")
    share_coordinates: bool = False
    assemble_at: str = column(Alert, "assemble_at", "")


class AlertUpdateIn(Schema):
    """What the Update changes; every field left out is carried over from the alert."""

    headline: str | None = column(Alert, "headline", None)
    event: str | None = column(Alert, "event", None)
    urgency: str | None = column(Alert, "urgency", None)
    severity: str | None = column(Alert, "severity", None)
    certainty: str | None = column(Alert, "certainty", None)
    status: str | None = column(Alert, "status", None)
    scope: str | None = column(Alert, "scope", None)
    restriction: str | None = column(Alert, "restriction", None)
    addresses: str | None = column(Alert, "addresses", None)
    note: str | None = column(Alert, "note", None)
    category: str | None = column(Alert, "category", None)
    response_type: str | None = column(Alert, "response_type", None)
    description: str | None = column(Alert, "description", None)
    instruction: str | None = column(Alert, "instruction", None)
    expires: datetime | None = None
    area_desc: str | None = column(Alert, "area_desc", None)
    circle: str | None = column(Alert, "circle", None)
    polygon: str | None = column(Alert, "polygon", None)
    share_coordinates: bool | None = None
    assemble_at: str | None = column(Alert, "assemble_at", None)


class AlertNoteIn(Schema):
    note: str = Field("", max_length=300)


class AlertIssueIn(Schema):
    """`assemble_at`: open the emergency muster there with the alert ("the north gate")."""

    assemble_at: str | None = column(Alert, "assemble_at", None)


class AlertMusterIn(Schema):
    place: str = column(Alert, "assemble_at")


class AlertOut(PolicySchema):
    """An alert: its CAP fields, priority, where it is in its lifecycle, and whether the
    reader has acknowledged it. The circle and polygon are locations (commander only)."""

    policy_model = "alerts.alert"

    id: int
    identifier: str
    headline: str
    sender: str
    sent: datetime | None
    status: str
    msg_type: str
    scope: str
    restriction: str
    addresses: str
    note: str
    references: str
    replaces_id: int | None
    category: str
    event: str
    response_type: str
    urgency: str
    severity: str
    certainty: str
    priority: str
    description: str
    instruction: str
    expires: datetime
    area_desc: str
    circle: str | None = None
    polygon: str | None = None
    share_coordinates: bool
    stage: str
    active: bool = Field(alias="is_active")
    drafted_at: datetime
    drafted_by: str | None
    approved_at: datetime | None
    approved_by: str | None
    issued_by: str | None
    assemble_at: str
    muster_id: int | None

    @staticmethod
    def resolve_drafted_by(alert: Alert) -> str | None:
        return alert.drafted_by.get_username() if alert.drafted_by else None

    @staticmethod
    def resolve_approved_by(alert: Alert) -> str | None:
        return alert.approved_by.get_username() if alert.approved_by else None

    @staticmethod
    def resolve_issued_by(alert: Alert) -> str | None:
        return alert.issued_by.get_username() if alert.issued_by else None

    @staticmethod
    def resolve_priority(alert: Alert) -> str:
        return str(alert.priority.value)


class AlertAckOut(Schema):
    alert_id: int = Field(alias="acknowledgement.alert_id")
    at: datetime = Field(alias="acknowledgement.at")
    created: bool


class AlertAckCountOut(Schema):
    """How many of the accounts that must acknowledge have; who has not (usernames)."""

    alert_id: int
    acknowledged: int
    expected: int
    not_acknowledged: list[str]


class AlertCapOut(PolicySchema):
    """The CAP 1.2 XML of an issued alert, as the reader may have it (coordinates only as
    the location policy allows)."""

    policy_model = "alerts.capmessage"

    id: int
    identifier: str
    xml: str


Which = Literal["active", "drafts", "past", "all"]


class AlertListQuery(Schema):
    which: Which = "active"


def _listed(which: str, user: Any) -> QuerySet[Alert]:
    base = Alert.objects.select_related("drafted_by", "approved_by", "issued_by")
    if which == "active":
        return base.active().order_by("-sent", "-pk")
    sent = base.filter(stage__in=[Stage.ISSUED, Stage.SUPERSEDED])
    if which == "past":
        return sent.exclude(pk__in=Alert.objects.active().values("pk")).order_by("-sent", "-pk")
    require(user, DRAFT)
    if which == "drafts":
        return base.filter(stage__in=[Stage.DRAFT, Stage.APPROVED])
    return base.all()


def _readable(user: Any, alert_id: int) -> Alert:
    """An alert the user may read: issued ones for everyone, drafts for drafters."""
    alert = services.get_alert(alert_id)
    if alert.sent is None and not user.has_perm(DRAFT):
        raise NotFoundError(f"no alert with id {alert_id}")
    return alert


@router.get("", response=page_of(AlertOut), summary="Alerts: active (default), drafts, past, all")
def list_alerts(
    request: HttpRequest, page: Query[PageQuery], query: Query[AlertListQuery]
) -> dict[str, Any]:
    require(request.user, VIEW)
    return paginate(_listed(query.which, request.user), page)


@router.post("", response={201: AlertOut}, summary="Draft an alert (nothing is sent)")
def draft_alert(request: HttpRequest, payload: AlertIn) -> WithStatus[Any]:
    require(request.user, DRAFT)
    return WithStatus(201, services.draft_alert(by=request.user, **payload.dict()))


@router.get("/{int:alert_id}", response=AlertOut, summary="One alert")
def get_alert(request: HttpRequest, alert_id: Id) -> Any:
    require(request.user, VIEW)
    return _readable(request.user, alert_id)


@router.post(
    "/{int:alert_id}/approve",
    response=AlertOut,
    summary="Approve a draft (a second person: not its drafter)",
)
def approve_alert(request: HttpRequest, alert_id: Id, payload: AlertNoteIn) -> Any:
    require(request.user, "alerts.approve_alert")
    alert = services.get_alert(alert_id)
    return services.approve_alert(by=request.user, alert=alert, note=payload.note)


@router.post(
    "/{int:alert_id}/issue",
    response=AlertOut,
    summary="Issue an alert (an Actual one approved first); optionally open the muster",
)
def issue_alert(request: HttpRequest, alert_id: Id, payload: AlertIssueIn) -> Any:
    require(request.user, "alerts.issue_alert")
    if payload.assemble_at:
        require(request.user, "people.run_muster")
    alert = services.get_alert(alert_id)
    return services.issue_alert(by=request.user, alert=alert, assemble_at=payload.assemble_at)


@router.post("/{int:alert_id}/ack", response=AlertAckOut, summary="Acknowledge an issued alert")
def acknowledge(request: HttpRequest, alert_id: Id) -> Any:
    require(request.user, VIEW)
    return services.acknowledge(by=request.user, alert=_readable(request.user, alert_id))


@router.post(
    "/{int:alert_id}/update", response={201: AlertOut}, summary="Draft an Update of an alert"
)
def update_alert(request: HttpRequest, alert_id: Id, payload: AlertUpdateIn) -> WithStatus[Any]:
    require(request.user, DRAFT)
    changes = {name: value for name, value in payload.dict().items() if value is not None}
    alert = services.update_alert(by=request.user, alert=services.get_alert(alert_id), **changes)
    return WithStatus(201, alert)


@router.post(
    "/{int:alert_id}/cancel", response={201: AlertOut}, summary="Draft a Cancel of an alert"
)
def cancel_alert(request: HttpRequest, alert_id: Id, payload: AlertNoteIn) -> WithStatus[Any]:
    require(request.user, DRAFT)
    alert = services.get_alert(alert_id)
    return WithStatus(201, services.cancel_alert(by=request.user, alert=alert, note=payload.note))


@router.post(
    "/{int:alert_id}/muster",
    response=AlertOut,
    summary="Open the emergency muster for an issued alert (assemble at `place`)",
)
def open_muster(request: HttpRequest, alert_id: Id, payload: AlertMusterIn) -> Any:
    require(request.user, "alerts.issue_alert", "people.run_muster")
    alert = services.get_alert(alert_id)
    services.open_alert_muster(by=request.user, alert=alert, place=payload.place)
    return services.get_alert(alert_id)


@router.get(
    "/{int:alert_id}/acknowledgements",
    response=AlertAckCountOut,
    summary="How many have acknowledged, and who has not",
)
def acknowledgements(request: HttpRequest, alert_id: Id) -> dict[str, Any]:
    require(request.user, "alerts.view_acknowledgements")
    alert = services.get_alert(alert_id)
    count = services.ack_count(alert)
    missing = list(services.not_acknowledged(alert).values_list("username", flat=True))
    return {
        "alert_id": alert.pk,
        "acknowledged": count.acknowledged,
        "expected": count.expected,
        "not_acknowledged": missing,
    }


@router.get(
    "/{int:alert_id}/cap", response=AlertCapOut, summary="The CAP 1.2 XML of an issued alert"
)
def cap_message(request: HttpRequest, alert_id: Id) -> dict[str, Any]:
    require(request.user, VIEW)
    alert = _readable(request.user, alert_id)
    if alert.sent is None:
        raise NotFoundError(f"alert {alert.pk} is {alert.stage}: only issued alerts export")
    report_export(user=request.user, model="alerts.alert", rows=1, channel="api", kind="cap")
    if cap.coordinates_leave(alert, request.user):
        policy.note_read(
            request, request.user, policy.G.LOCATION, "alerts.alert", alert.pk, channel="api"
        )
    xml = cap.alert_xml(alert, reader=request.user).decode()
    return {"id": alert.pk, "identifier": alert.identifier, "xml": xml}
