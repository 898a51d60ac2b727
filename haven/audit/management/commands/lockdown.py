from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from haven.audit import services
from haven.core.commands import HavenCommand
from haven.core.errors import NotFoundError


class Command(HavenCommand):
    help = (
        "When a leak is suspected: end every session, revoke every API token (but the named "
        "commander's), require new passwords, and list who read location data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days", type=int, default=7, help="list location reads of this many days (7)"
        )
        parser.add_argument(
            "--commander", help="the commander acting: their tokens and password stay"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        commander = None
        if options["commander"]:
            commander = User.objects.filter(username=options["commander"]).first()
            if commander is None:
                raise NotFoundError(
                    _("no user named %(commander)r") % {"commander": options["commander"]}
                )
        result = services.lockdown(by=commander, days=options["days"])
        self.stdout.write(
            f"Locked down: {result.sessions_ended} sessions ended, {result.tokens_revoked} "
            f"API tokens revoked, {result.passwords_required} people must set a new password."
        )
        self.stdout.write(f"Who read location data in the last {result.days} days:")
        for reader in result.readers:
            self.stdout.write(
                f"  {reader.username}: {reader.reads} reads, "
                f"{reader.first_at:%Y-%m-%d %H:%M} – {reader.last_at:%Y-%m-%d %H:%M} UTC"
            )
        if not result.readers:
            self.stdout.write("  nobody")
