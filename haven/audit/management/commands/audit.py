from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import CommandParser

from haven.audit import log
from haven.core.commands import HavenCommand

BROKEN = 1


class Command(HavenCommand):
    help = "The audit log: `haven audit verify` recomputes the hash chain; `head` prints its end."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = self.add_subcommands(parser)
        actions.add_parser("verify", help="recompute the chain; exit 1 at the first broken link")
        actions.add_parser("head", help="print the number and hash of the newest event")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "head":
            head = log.head()
            self.stdout.write(f"event {head.seq} · head {head.hash}")
            return
        result = log.verify()
        if result.intact:
            self.stdout.write(f"audit log intact: {result.count} events, head {result.head_hash}")
            return
        self.stderr.write(
            f"audit log broken at event {result.broken_at}: {result.problem} "
            f"({result.count} events intact before it)"
        )
        sys.exit(BROKEN)
