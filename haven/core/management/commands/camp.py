from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from haven.core import camp, policy
from haven.core.commands import HavenCommand


class Command(HavenCommand):
    help = "The camp itself: `set-location NAME [--lat L --lon L] [--description D]`, `location`."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = self.add_subcommands(parser)
        put = actions.add_parser("set-location", help="set the camp's (secret) location")
        put.add_argument("name")
        put.add_argument("--lat", default="", help="latitude, decimal degrees")
        put.add_argument("--lon", default="", help="longitude, decimal degrees")
        put.add_argument("--description", default="")
        actions.add_parser("location", help="print the camp's location (an audited read)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "set-location":
            camp.set_camp_location(
                by=None,
                name=options["name"],
                latitude=options["lat"],
                longitude=options["lon"],
                description=options["description"],
            )
            # The place itself is not echoed: a terminal's scrollback is a log too.
            self.stdout.write("the camp's location is set")
            return
        location = camp.camp_location()
        if location is None:
            self.stdout.write("the camp's location is not set")
            return
        policy.note_read(
            None, None, policy.G.LOCATION, "core.camplocation", location.pk, channel="cli"
        )
        where = (
            f"{location.latitude}, {location.longitude}" if location.latitude is not None else "—"
        )
        self.stdout.write(f"{location.name}\n{where}\n{location.description}".rstrip())
