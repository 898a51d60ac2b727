"""`haven alerts draft|approve|issue|ack|update|cancel|list|export`: every step names the
person taking it (`--as USERNAME`), so the two-person rule holds on the command line too."""

from __future__ import annotations

import argparse
import io
from datetime import datetime
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import CommandParser
from django.db.models import QuerySet
from django.utils import timezone
from rich.console import Console
from rich.table import Table

from haven.alerts import cap, services
from haven.alerts.choices import (
    CapStatus,
    Category,
    Certainty,
    MsgType,
    ResponseType,
    Scope,
    Severity,
    Stage,
    Urgency,
)
from haven.alerts.models import Alert
from haven.core import policy
from haven.core.commands import HavenCommand
from haven.core.errors import HavenError, NotFoundError
from haven.core.signals import report_export

# Option → service field, for draft and update.
TEXT_OPTIONS = {
    "headline": "headline",
    "event": "event",
    "description": "description",
    "instruction": "instruction",
    "area": "area_desc",
    "circle": "circle",
    "polygon": "polygon",
    "restriction": "restriction",
    "addresses": "addresses",
    "note": "note",
    "assemble_at": "assemble_at",
}
CHOICE_OPTIONS: dict[str, tuple[str, Any]] = {
    "status": ("status", CapStatus),
    "scope": ("scope", Scope),
    "category": ("category", Category),
    "response_type": ("response_type", ResponseType),
    "urgency": ("urgency", Urgency),
    "severity": ("severity", Severity),
    "certainty": ("certainty", Certainty),
}


def _when(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as error:
        raise HavenError(f"expires {text!r} is not ISO (YYYY-MM-DDTHH:MM+00:00)") from error
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _user(name: str) -> User:
    user = User.objects.filter(username=name, is_active=True).first()
    if user is None:
        raise NotFoundError(f"no active user {name!r}")
    return user


def _message_options(parser: argparse.ArgumentParser, *, required: bool) -> None:
    for option in TEXT_OPTIONS:
        parser.add_argument(
            f"--{option.replace('_', '-')}",
            dest=option,
            required=required and option in {"headline", "event"},
        )
    for option, (_, choices) in CHOICE_OPTIONS.items():
        needed = required and option in {"urgency", "severity", "certainty"}
        parser.add_argument(
            f"--{option.replace('_', '-')}", dest=option, choices=choices.values, required=needed
        )
    parser.add_argument("--expires", help="YYYY-MM-DDTHH:MM+00:00 (default: in 24 hours)")
    parser.add_argument(
        "--share-coordinates",
        action="store_true",
        default=None,
        help="a Public alert carries its circle/polygon out (commander only)",
    )


def _changes(options: dict[str, Any]) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for option, field in TEXT_OPTIONS.items():
        if options.get(option) is not None:
            changes[field] = options[option]
    for option, (field, _) in CHOICE_OPTIONS.items():
        if options.get(option) is not None:
            changes[field] = options[option]
    if options.get("expires"):
        changes["expires"] = _when(options["expires"])
    if options.get("share_coordinates"):
        changes["share_coordinates"] = True
    return changes


class Command(HavenCommand):
    help = "CAP 1.2 alerts: draft, approve, issue, ack, update, cancel, list, export."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = self.add_subcommands(parser)
        draft = actions.add_parser("draft", help="draft an alert (nothing is sent)")
        draft.add_argument("--as", dest="username", required=True, help="who drafts")
        draft.add_argument("--msg-type", dest="msg_type", choices=MsgType.values)
        draft.add_argument("--references", help="sender,identifier,sent … (Update, Cancel)")
        _message_options(draft, required=True)
        for name, what in (
            ("approve", "approve a draft (a second person)"),
            ("issue", "send the alert to everyone"),
            ("ack", "acknowledge an issued alert"),
            ("update", "draft an Update of an issued alert"),
            ("cancel", "draft a Cancel of an issued alert"),
        ):
            step = actions.add_parser(name, help=what)
            step.add_argument("alert", help="alert id")
            step.add_argument("--as", dest="username", required=True, help="who does it")
            if name == "update":
                _message_options(step, required=False)
            if name in {"approve", "cancel"}:
                step.add_argument("--note", default="")
            if name == "issue":
                step.add_argument("--assemble-at", dest="assemble_at", help="open the muster")
        listing = actions.add_parser("list", help="active alerts (or --drafts, --past, --all)")
        which = listing.add_mutually_exclusive_group()
        which.add_argument("--drafts", action="store_true")
        which.add_argument("--past", action="store_true")
        which.add_argument("--all", action="store_true")
        export = actions.add_parser("export", help="CAP 1.2 XML of one alert or --all issued")
        export.add_argument("alert", nargs="?", help="alert id")
        export.add_argument("--all", action="store_true", help="every issued alert, one file")
        export.add_argument("-o", "--output", help="file (default: standard output)")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['action']}")(options)

    def _alert(self, options: dict[str, Any]) -> Alert:
        return services.get_alert(options["alert"])

    def _draft(self, options: dict[str, Any]) -> None:
        fields = _changes(options)
        if options.get("msg_type"):
            fields["msg_type"] = options["msg_type"]
        if options.get("references"):
            fields["references"] = options["references"]
        alert = services.draft_alert(by=_user(options["username"]), **fields)
        self.stdout.write(f"drafted alert {alert.pk}: {alert.headline}")

    def _approve(self, options: dict[str, Any]) -> None:
        alert = services.approve_alert(
            by=_user(options["username"]), alert=self._alert(options), note=options["note"]
        )
        self.stdout.write(f"approved alert {alert.pk} (by {options['username']})")

    def _issue(self, options: dict[str, Any]) -> None:
        alert = services.issue_alert(
            by=_user(options["username"]),
            alert=self._alert(options),
            assemble_at=options["assemble_at"],
        )
        muster = f"; muster {alert.muster_id} open at {alert.assemble_at}" if alert.muster else ""
        self.stdout.write(f"issued alert {alert.pk} at {cap.cap_time(alert.sent)}{muster}")  # type: ignore[arg-type]

    def _ack(self, options: dict[str, Any]) -> None:
        result = services.acknowledge(by=_user(options["username"]), alert=self._alert(options))
        again = "" if result.created else " (already)"
        self.stdout.write(f"{options['username']} acknowledged alert {options['alert']}{again}")

    def _update(self, options: dict[str, Any]) -> None:
        alert = services.update_alert(
            by=_user(options["username"]), alert=self._alert(options), **_changes(options)
        )
        self.stdout.write(f"drafted update {alert.pk} of alert {options['alert']}")

    def _cancel(self, options: dict[str, Any]) -> None:
        alert = services.cancel_alert(
            by=_user(options["username"]), alert=self._alert(options), note=options["note"]
        )
        self.stdout.write(f"drafted cancel {alert.pk} of alert {options['alert']}")

    def _list(self, options: dict[str, Any]) -> None:
        if options["all"]:
            alerts: QuerySet[Alert] = Alert.objects.all()
        elif options["drafts"]:
            alerts = Alert.objects.filter(stage__in=[Stage.DRAFT, Stage.APPROVED])
        elif options["past"]:
            active = services.active_alerts().values("pk")
            alerts = Alert.objects.filter(stage__in=[Stage.ISSUED, Stage.SUPERSEDED]).exclude(
                pk__in=active
            )
        else:
            alerts = services.active_alerts()
        table = Table("id", "headline", "status", "type", "stage", "priority", "sent", "expires")
        for alert in alerts:
            sent = f"{timezone.localtime(alert.sent):%Y-%m-%d %H:%M}" if alert.sent else "—"
            table.add_row(
                str(alert.pk),
                alert.headline,
                alert.status,
                alert.msg_type,
                alert.stage,
                str(alert.priority.label),
                sent,
                f"{timezone.localtime(alert.expires):%Y-%m-%d %H:%M}",
            )
        buffer = io.StringIO()
        Console(file=buffer, width=140).print(table)
        self.stdout.write(buffer.getvalue().rstrip("\n"))

    def _export(self, options: dict[str, Any]) -> None:
        if options["all"] == bool(options["alert"]):
            raise HavenError("export takes an alert id or --all, not both or neither")
        if options["all"]:
            alerts = list(
                Alert.objects.filter(stage__in=[Stage.ISSUED, Stage.SUPERSEDED]).order_by(
                    "sent", "pk"
                )
            )
            document = cap.collection_xml(alerts, reader=None)
        else:
            alert = self._alert(options)
            if alert.sent is None:
                raise HavenError(f"alert {alert.pk} is {alert.stage}: only issued alerts export")
            alerts = [alert]
            document = cap.alert_xml(alert, reader=None)
        shown = [a.pk for a in alerts if cap.coordinates_leave(a, None)]
        if shown:
            policy.note_read(None, None, policy.G.LOCATION, "alerts.alert", shown, channel="cli")
        report_export(user=None, model="alerts.alert", rows=len(alerts), channel="cli", kind="cap")
        if options["output"]:
            Path(options["output"]).write_bytes(document)
            self.stdout.write(f"exported {len(alerts)} alerts to {options['output']}")
        else:
            self.stdout.write(document.decode(), ending="")
