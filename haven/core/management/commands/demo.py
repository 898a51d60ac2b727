from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _
from rich.console import Console
from rich.table import Table

from haven.core.commands import HavenCommand
from haven.core.demo import DEMO_PASSWORD, build_demo_camp
from haven.core.errors import HavenError
from haven.core.server import serve
from haven.people.models import Person


class Command(HavenCommand):
    requires_database = False
    # It serves the pages: it checks them too (COMMAND_CHECKS leaves the URLs out).
    requires_system_checks = "__all__"
    help = "Build a demo camp (in a throwaway data folder unless --data-dir) and serve it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000, help="default: 8000")
        parser.add_argument("--host", default="127.0.0.1", help="default: 127.0.0.1")
        parser.add_argument("--seed", type=int, default=7, help="same seed, same camp")
        parser.add_argument("--no-serve", action="store_true", help="build it and stop")
        parser.add_argument("--data-dir", help="keep the demo in this folder")

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console()
        call_command("migrate", interactive=False, verbosity=0)
        if Person.objects.exists():
            raise HavenError(
                _(
                    "the data folder %(data_dir)s already holds a camp; the demo "
                    "needs an empty one (leave out --data-dir for a throwaway folder)"
                )
                % {"data_dir": settings.DATA_DIR}
            )
        with console.status("Building the demo camp…"):
            camp = build_demo_camp(seed=options["seed"], now=timezone.now())
        for line in camp.shared.get("log", []):
            console.print(f"  • {line}")
        url = f"http://{options['host']}:{options['port']}/"
        table = Table(title=f"Demo logins (password: {DEMO_PASSWORD})")
        table.add_column("role")
        table.add_column("username")
        for role, user in camp.users.items():
            table.add_row(role, user.username)
        console.print(table)
        console.print(f"Data folder: {settings.DATA_DIR}")
        if options["no_serve"]:
            return
        console.print(f"[bold green]Haven demo camp: {url}[/]  (Ctrl+C to stop)")
        serve(host=options["host"], port=options["port"])
