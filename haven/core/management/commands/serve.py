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
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="do not compute forecasts in this process (run `haven worker` instead)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # Before the database is opened, so that its -wal and -shm are made private too.
        for change in tighten_private_files():
            self.stdout.write(change)
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(
            f"Haven serving {settings.DATA_DIR} on http://{options['host']}:{options['port']}/"
        )
        serve(
            host=options["host"],
            port=options["port"],
            threads=options["threads"],
            worker=not options["no_worker"],
        )
