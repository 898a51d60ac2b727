from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from haven.accounts import services
from haven.core.commands import HavenCommand


class Command(HavenCommand):
    help = "API bearer tokens: `haven token create USERNAME` prints a new one."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = self.add_subcommands(parser)
        create = actions.add_parser("create", help="create a token and print it")
        create.add_argument("username")
        create.add_argument("--name", default="", help="what the token is for")

    def handle(self, *args: Any, **options: Any) -> None:
        token = services.create_token(username=options["username"], name=options["name"])
        self.stdout.write(token)
