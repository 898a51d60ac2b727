"""The base of every `haven` command: wrong arguments or bad input → one line, exit 2."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any, Literal, NoReturn

from django.core.checks import Tags
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation
from django.utils.translation import gettext as _

from haven.audit.context import acting_through
from haven.core.errors import HavenError

BAD_INPUT = 2
# Haven's own system checks (settings that must name something real).
HAVEN_CHECKS = "haven"
# What a command checks before it runs: every system check but the URLs', which import every
# page and the whole API — 0.8 s of each command's start. `haven serve`, `haven demo`,
# `manage.py check` and CI run them all.
COMMAND_CHECKS = [
    tag for name, tag in vars(Tags).items() if not name.startswith("_") and tag != Tags.urls
] + [HAVEN_CHECKS]


class OneLineParser(CommandParser):
    """argparse that reports a usage mistake as one line instead of the whole usage."""

    def error(self, message: str) -> NoReturn:
        if not self.called_from_command_line:
            raise CommandError(
                _("%(prog)s: %(message)s") % {"prog": self.prog, "message": message},
                returncode=BAD_INPUT,
            )
        sys.stderr.write(f"{self.prog}: error: {message} (see --help)\n")
        sys.exit(BAD_INPUT)


def ensure_database_ready() -> None:
    """Refuse to run against a database that `haven init` has not set up (or upgraded)."""
    from django.conf import settings
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        where = settings.DATABASES["default"]["NAME"]
        raise HavenError(
            _("the database %(where)s is not set up or needs upgrading: run `haven init`")
            % {"where": where}
        )


def terminal_language() -> str | None:
    """The interface language of `haven` run in a terminal: HAVEN_LANGUAGE, else the
    terminal's locale (LC_ALL, LC_MESSAGES, LANG: "fr_FR.UTF-8" → "fr"); None when it is not
    one Haven speaks."""
    from django.conf import settings

    offered = {code for code, _name in settings.LANGUAGES}
    for name in ("HAVEN_LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            code = value.split(".")[0].split("_")[0].split("-")[0].lower()
            return code if code in offered else None
    return None


class HavenCommand(BaseCommand):
    """A management command whose domain errors exit 2 with the message on one line."""

    # init, serve and demo set up the database themselves.
    requires_database = True
    requires_system_checks: list[str] | Literal["__all__"] = COMMAND_CHECKS

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.__class__ = OneLineParser
        parser.prog = f"haven {subcommand}"
        return parser

    def add_subcommands(self, parser: CommandParser) -> argparse._SubParsersAction[Any]:
        subparsers = parser.add_subparsers(
            dest="action", metavar="ACTION", parser_class=OneLineParser
        )
        subparsers.required = True
        return subparsers

    def execute(self, *args: Any, **options: Any) -> str | None:
        try:
            if self.requires_database:
                ensure_database_ready()
            with acting_through("cli"):
                return super().execute(*args, **options)
        except HavenError as error:
            raise CommandError(str(error), returncode=BAD_INPUT) from error

    def run_from_argv(self, argv: list[str]) -> None:
        # Messages and errors in the terminal's language (tests calling commands directly
        # stay in the settings' language).
        language = terminal_language()
        if language:
            translation.activate(language)
        self._called_from_command_line = True
        parser = self.create_parser(argv[0], argv[1])
        options = parser.parse_args(argv[2:])
        cmd_options = vars(options)
        args = cmd_options.pop("args", ())
        try:
            self.execute(*args, **cmd_options)
        except CommandError as error:
            if cmd_options.get("traceback"):
                raise
            self.stderr.write(f"haven {argv[1]}: error: {error}")
            sys.exit(error.returncode)
