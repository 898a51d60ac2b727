"""The demo camp's SITREP: the commander's note on the last day (the figures come from the
events the other apps built)."""

from __future__ import annotations

from datetime import timedelta

from haven.core.demo import DemoCamp
from haven.sitrep import services


def build(camp: DemoCamp) -> None:
    """Nothing of its own to build: a SITREP is counted from the other apps' events."""


def finish(camp: DemoCamp) -> None:
    """Once every app has built its part (and the morning roll call is done): the note, and
    the day's headline figures in the build log."""
    commander = camp.users.get("commander")
    services.write_note(
        by=commander,
        text=(
            "Deaths continue on the ward a week after the attack. The food party from the "
            "mill road has not come back: 30 missing since last night's roll call. Water "
            "issued is under 15 L a person; keep the ward and the children first until the "
            "pickup is back."
        ),
        at=camp.now - timedelta(minutes=20),
    )
    report = services.sitrep(period="24h", end=camp.now)
    people = report.people
    flag = " (emergency)" if people.cmr_emergency else ""
    camp.log(
        f"SITREP of the last 24 h: {people.in_camp_end} in camp, {people.deaths} deaths, "
        f"crude mortality {people.cmr or 0:.1f} per 10,000 a day{flag}, "
        f"{people.missing} newly missing"
    )
