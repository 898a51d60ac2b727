"""Alert pages: the list (active, drafts, past), the draft form, an alert with its buttons
(approve, issue, update, cancel, acknowledge, open the muster), who has not acknowledged,
and — for a session or a bearer token — the Atom feed and each alert's CAP XML."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from haven.accounts import lockout
from haven.accounts.services import TokenRefused, authenticate_token
from haven.alerts import cap, services
from haven.alerts.choices import Stage
from haven.alerts.forms import AlertForm
from haven.alerts.models import Alert
from haven.core import policy
from haven.core.access import permission_required, require
from haven.core.errors import HavenError, NotFoundError
from haven.core.services import acting_user
from haven.core.signals import report_export
from haven.people import accounting

VIEW = "alerts.view_alert"
DRAFT = "alerts.draft_alert"
TABS = ("active", "drafts", "past")


def _readable(request: HttpRequest, alert_id: int) -> Alert:
    alert = services.get_alert(alert_id)
    if alert.sent is None and not request.user.has_perm(DRAFT):
        raise NotFoundError(f"no alert with id {alert_id}")
    return alert


@permission_required(VIEW)
def alert_list(request: HttpRequest) -> HttpResponse:
    tab = request.GET.get("show", "active")
    if tab not in TABS or (tab == "drafts" and not request.user.has_perm(DRAFT)):
        tab = "active"
    related = Alert.objects.select_related("drafted_by", "approved_by")
    if tab == "active":
        alerts = related.active().order_by("-sent", "-pk")
    elif tab == "drafts":
        alerts = related.filter(stage__in=[Stage.DRAFT, Stage.APPROVED])
    else:
        alerts = (
            related.filter(stage__in=[Stage.ISSUED, Stage.SUPERSEDED])
            .exclude(pk__in=Alert.objects.active().values("pk"))
            .order_by("-sent", "-pk")
        )
    return render(
        request,
        "alerts/list.html",
        {"alerts": list(alerts[:200]), "tab": tab, "tabs": TABS},
    )


@permission_required(DRAFT)
def alert_draft(request: HttpRequest) -> HttpResponse:
    now = timezone.localtime().replace(second=0, microsecond=0)
    form = AlertForm(
        request.POST or None,
        user=request.user,
        initial={
            "expires": now + timedelta(hours=6),
            "category": "Security",
            "urgency": "Immediate",
            "severity": "Severe",
            "certainty": "Observed",
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            alert = services.draft_alert(by=request.user, **form.cleaned_data)
        except HavenError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Alert drafted. A second person approves it."))
            return redirect("alerts:detail", alert_id=alert.pk)
    return render(request, "alerts/form.html", {"form": form, "replaces": None})


@permission_required(VIEW)
def alert_detail(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = _readable(request, alert_id)
    user = request.user
    context: dict[str, Any] = {
        "alert": alert,
        "events": alert.events.select_related("by"),
        "circle": policy.shown(user, alert, "circle", request=request) if alert.circle else "",
        "polygon": policy.shown(user, alert, "polygon", request=request) if alert.polygon else "",
        "acknowledged": alert.acknowledgements.filter(user=acting_user(user)).first(),
        "needs_approval": services.needs_approval(alert),
        "replaced_by": alert.replaced_by.order_by("pk"),
    }
    if user.has_perm("alerts.view_acknowledgements") and alert.sent is not None:
        context["ack_count"] = services.ack_count(alert)
    if alert.muster is not None and user.has_perm("people.check_in_muster"):
        context["muster"] = accounting.account(alert.muster)
    return render(request, "alerts/detail.html", context)


def _back(request: HttpRequest, alert: Alert) -> HttpResponse:
    return redirect("alerts:detail", alert_id=alert.pk)


@require_POST
@permission_required("alerts.approve_alert")
def alert_approve(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = services.approve_alert(by=request.user, alert=services.get_alert(alert_id))
    messages.success(request, _("Alert approved: it may now be issued."))
    return _back(request, alert)


@require_POST
@permission_required("alerts.issue_alert")
def alert_issue(request: HttpRequest, alert_id: int) -> HttpResponse:
    place = request.POST.get("assemble_at", "").strip() or None
    if place:
        require(request.user, "people.run_muster")
    alert = services.issue_alert(
        by=request.user, alert=services.get_alert(alert_id), assemble_at=place
    )
    messages.success(request, _("Alert issued: everyone sees it until they acknowledge it."))
    return _back(request, alert)


@require_POST
@permission_required(VIEW)
def alert_ack(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = _readable(request, alert_id)
    services.acknowledge(by=request.user, alert=alert)
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return _back(request, alert)


@permission_required(DRAFT)
def alert_update(request: HttpRequest, alert_id: int) -> HttpResponse:
    original = services.get_alert(alert_id)
    initial = {name: getattr(original, name) for name in services.INFO_FIELDS}
    initial["expires"] = timezone.localtime(original.expires).replace(second=0, microsecond=0)
    form = AlertForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            alert = services.update_alert(by=request.user, alert=original, **form.cleaned_data)
        except HavenError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Update drafted: issuing it replaces the alert."))
            return redirect("alerts:detail", alert_id=alert.pk)
    return render(request, "alerts/form.html", {"form": form, "replaces": original})


@require_POST
@permission_required(DRAFT)
def alert_cancel(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = services.cancel_alert(
        by=request.user,
        alert=services.get_alert(alert_id),
        note=request.POST.get("note", "")[:1000],
    )
    messages.success(request, _("Cancel drafted: issuing it ends the alert."))
    return _back(request, alert)


@require_POST
@permission_required("alerts.issue_alert", "people.run_muster")
def alert_muster(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = services.get_alert(alert_id)
    services.open_alert_muster(
        by=request.user, alert=alert, place=request.POST.get("assemble_at", "")
    )
    return _back(request, alert)


@permission_required("alerts.view_acknowledgements")
def alert_unacknowledged(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = services.get_alert(alert_id)
    if alert.sent is None:
        raise HavenError(f"alert #{alert.pk} is {alert.stage}: nobody acknowledges a draft")
    return render(
        request,
        "alerts/unacknowledged.html",
        {
            "alert": alert,
            "count": services.ack_count(alert),
            "missing": list(services.not_acknowledged(alert)),
            "acknowledgements": alert.acknowledgements.select_related("user"),
        },
    )


# -- machine-readable: a session, or a bearer token (a feed reader cannot sign in) ----------


def _reader(request: HttpRequest) -> Any:
    """The signed-in user, or the user of a bearer token; None (answer 401) otherwise."""
    if request.user.is_authenticated:
        return request.user
    header = request.headers.get("Authorization", "")
    scheme, _, raw = header.partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        return None
    if lockout.bearer_tokens_locked(request):
        raise PermissionDenied(lockout.lockout_message())
    try:
        token = authenticate_token(raw.strip())
    except TokenRefused:
        return None
    if token is None:
        lockout.record_bad_bearer_token(request)
        return None
    request.user = token.user
    return token.user


def _unauthorized() -> HttpResponse:
    response = HttpResponse(
        _("Sign in, or send Authorization: Bearer <token>."),
        status=401,
        content_type="text/plain; charset=utf-8",
    )
    response["WWW-Authenticate"] = 'Bearer realm="haven"'
    return response


def feed(request: HttpRequest) -> HttpResponse:
    """The active alerts as Atom, for a session or a bearer token."""
    reader = _reader(request)
    if reader is None:
        return _unauthorized()
    require(reader, VIEW)
    alerts = services.active_alerts()
    document = cap.atom_feed(
        alerts,
        feed_url=request.build_absolute_uri(reverse("alerts:feed")),
        link_of=lambda a: request.build_absolute_uri(reverse("alerts:detail", args=[a.pk])),
        cap_link_of=lambda a: request.build_absolute_uri(reverse("alerts:cap", args=[a.pk])),
    )
    return HttpResponse(document, content_type="application/atom+xml; charset=utf-8")


def cap_xml(request: HttpRequest, alert_id: int) -> HttpResponse:
    """One issued alert as CAP 1.2 XML, for a session or a bearer token."""
    reader = _reader(request)
    if reader is None:
        return _unauthorized()
    require(reader, VIEW)
    alert = services.get_alert(alert_id)
    if alert.sent is None:
        raise NotFoundError(f"no issued alert with id {alert_id}")
    report_export(user=reader, model="alerts.alert", rows=1, channel="web", kind="cap")
    if cap.coordinates_leave(alert, reader):
        policy.note_read(request, reader, policy.G.LOCATION, "alerts.alert", alert.pk)
    response = HttpResponse(
        cap.alert_xml(alert, reader=reader), content_type="application/cap+xml; charset=utf-8"
    )
    response["Content-Disposition"] = f'inline; filename="alert-{alert.pk}.xml"'
    return response
