from __future__ import annotations

import getpass
import os
import sys
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from haven.accounts import services as accounts
from haven.core.commands import HavenCommand
from haven.core.errors import HavenError
from haven.core.server import tighten_private_files


class Command(HavenCommand):
    requires_database = False
    help = "Create the database and the first commander account."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--data-dir", help="the data folder (also HAVEN_DATA_DIR)")
        parser.add_argument("--username", default="commander", help="default: commander")

    def handle(self, *args: Any, **options: Any) -> None:
        # Before the database is opened, so that its -wal and -shm are made private too.
        for change in tighten_private_files():
            self.stdout.write(change)
        call_command("migrate", interactive=False, verbosity=0)
        username = options["username"]
        self.stdout.write(f"Database ready in {settings.DATA_DIR}")
        if User.objects.filter(username=username).exists():
            self.stdout.write(f"User {username!r} already exists; left as it is.")
            return
        password = os.environ.get("HAVEN_ADMIN_PASSWORD") or self._prompt(username)
        accounts.check_password(password, User(username=username))
        accounts.create_user(username=username, password=password, role="commander", superuser=True)
        self.stdout.write(self.style.SUCCESS(f"Commander account {username!r} created."))
        self.stdout.write("Start the server with: haven serve")

    def _prompt(self, username: str) -> str:
        if not sys.stdin.isatty():
            raise HavenError(_("no password: set HAVEN_ADMIN_PASSWORD or run in a terminal"))
        first = getpass.getpass(f"Password for {username}: ")
        if first != getpass.getpass("Again: "):
            raise HavenError(_("the two passwords differ"))
        return first
