"""haven worker: compute the expensive results (forecast, risk panel) off the request path."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import CommandParser
from django.utils.translation import gettext as _

from haven.core import computed
from haven.core.commands import HavenCommand
from haven.core.errors import HavenError


class Command(HavenCommand):
    help = (
        "Keep the computed results (the runway forecast of the dashboard, …) current for "
        "every web process; `haven serve` runs one in the background already."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="one pass, then exit")
        parser.add_argument(
            "--interval",
            type=float,
            default=None,
            help="seconds between passes (default: HAVEN_WORKER_INTERVAL_SECONDS)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["once"]:
            done = computed.run_once()
            self.stdout.write(f"computed: {', '.join(done) if done else 'nothing was stale'}")
            return
        interval = options["interval"]
        if interval is None:
            interval = settings.HAVEN_WORKER_INTERVAL_SECONDS
        if not interval > 0:
            raise HavenError(
                _("--interval must be more than 0 seconds, not %(interval)s")
                % {"interval": interval}
            )
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        self.stdout.write(f"Haven worker: a pass every {interval:g} s (Ctrl-C to stop)")
        try:
            computed.run_forever(stop, interval)
        except KeyboardInterrupt:
            stop.set()
