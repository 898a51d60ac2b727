from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from django.core.management.base import CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _
from rich.console import Console
from rich.table import Table

from haven.accounts import services
from haven.accounts.models import ApiToken
from haven.core.commands import HavenCommand
from haven.core.errors import HavenError


def _when(moment: datetime | None) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else "-"


def _token_id(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) < 2**63:
        raise HavenError(_("bad token id %(text)r: see `haven token list`") % {"text": text})
    return int(text)


class Command(HavenCommand):
    help = "API bearer tokens: create (printed once), list, revoke."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = self.add_subcommands(parser)
        create = actions.add_parser("create", help="create a token and print it (only once)")
        create.add_argument("username")
        create.add_argument("--name", default="", help="what the token is for")
        create.add_argument("--expires", help="lifetime, e.g. 12h, 30d, 8w (default: never)")
        create.add_argument(
            "--read-only", action="store_true", help="may read but never write (GET only)"
        )
        actions.add_parser("list", help="every token: never the token itself")
        revoke = actions.add_parser("revoke", help="revoke a token at once")
        revoke.add_argument("token_id", metavar="ID")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"_{options['action']}")(options)

    def _create(self, options: dict[str, Any]) -> None:
        expires = options["expires"]
        token = services.create_token(
            username=options["username"],
            name=options["name"],
            expires_in=services.parse_duration(expires) if expires is not None else None,
            read_only=options["read_only"],
        )
        self.stdout.write(token)

    def _list(self, options: dict[str, Any]) -> None:
        table = Table(
            "id", "user", "name", "created", "expires", "last used", "read-only", "revoked"
        )
        for token in ApiToken.objects.select_related("user").order_by("pk"):
            table.add_row(
                str(token.pk),
                token.user.username,
                token.name or "-",
                _when(token.created_at),
                _when(token.expires_at),
                _when(token.last_used_at),
                "yes" if token.read_only else "no",
                _when(token.revoked_at),
            )
        buffer = io.StringIO()
        Console(file=buffer, width=140).print(table)
        self.stdout.write(buffer.getvalue().rstrip("\n"))

    def _revoke(self, options: dict[str, Any]) -> None:
        token = services.revoke_token(token_id=_token_id(options["token_id"]))
        self.stdout.write(f"token {token.pk} of {token.user.username} revoked")
