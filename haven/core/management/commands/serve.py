from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from haven.audit.backup import daily_backups
from haven.core.commands import HavenCommand
from haven.core.errors import HavenError
from haven.core.server import serve, serve_processes, sqlite_refusal, tighten_private_files


class Command(HavenCommand):
    requires_database = False
    # It serves the pages: it checks them too (COMMAND_CHECKS leaves the URLs out).
    requires_system_checks = "__all__"
    help = (
        "Run Haven's web server (waitress: one process; with --workers N, gunicorn: N "
        "processes on PostgreSQL; static files included; logs to stdout)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="default: 127.0.0.1")
        parser.add_argument("--port", type=int, default=8000, help="default: 8000")
        parser.add_argument(
            "--threads", type=int, default=8, help="threads per process (default: 8)"
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=1,
            help="processes (default: 1, waitress); 2 or more run gunicorn, PostgreSQL only",
        )
        parser.add_argument("--data-dir", help="the data folder (also HAVEN_DATA_DIR)")
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="do not compute forecasts in this process (run `haven worker` instead)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        workers, threads = options["workers"], options["threads"]
        if workers < 1:
            raise HavenError(
                _("--workers must be 1 or more, not %(workers)s") % {"workers": workers}
            )
        if threads < 1:
            raise HavenError(
                _("--threads must be 1 or more, not %(threads)s") % {"threads": threads}
            )
        refusal = sqlite_refusal(workers)
        if refusal:
            raise HavenError(refusal)
        # Before the database is opened, so that its -wal and -shm are made private too.
        for change in tighten_private_files():
            self.stdout.write(change)
        # Once, here, before any worker process is forked.
        call_command("migrate", interactive=False, verbosity=0)
        daily_backups(self.stdout.write)
        where = f"http://{options['host']}:{options['port']}/"
        if workers > 1:
            self.stdout.write(
                f"Haven serving {settings.DATA_DIR} on {where} "
                f"(gunicorn, {workers} processes × {threads} threads)"
            )
            serve_processes(
                host=options["host"],
                port=options["port"],
                workers=workers,
                threads=threads,
                worker=not options["no_worker"],
            )
            return
        self.stdout.write(f"Haven serving {settings.DATA_DIR} on {where}")
        serve(
            host=options["host"],
            port=options["port"],
            threads=options["threads"],
            worker=not options["no_worker"],
        )
