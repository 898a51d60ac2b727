from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandParser

from haven.core.commands import HavenCommand
from haven.core.server import serve, tighten_private_files


class Command(HavenCommand):
    requires_database = False
    help = "Run Haven's web server (waitress; static files included; logs to stdout)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="default: 127.0.0.1")
        parser.add_argument("--port", type=int, default=8000, help="default: 8000")
        parser.add_argument("--threads", type=int, default=8, help="default: 8")
        parser.add_argument("--data-dir", help="the data folder (also HAVEN_DATA_DIR)")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        for change in tighten_private_files():
            self.stdout.write(change)
        self.stdout.write(
            f"Haven serving {settings.DATA_DIR} on http://{options['host']}:{options['port']}/"
        )
        serve(host=options["host"], port=options["port"], threads=options["threads"])
