"""The demo camp's alerts. A second commander account, "deputy" (password as every demo
login), is the second person of the two-person rule. Yesterday's evacuation drill (an
Exercise) was called off by a Cancel; this morning the scouts saw an armed group on the
north road: an Actual alert, approved by the deputy, acknowledged by nearly everyone;
an hour later an Update (the group turned west) that most have acknowledged — the member
and the scout, out at the well, still see its banner."""

from __future__ import annotations

from datetime import timedelta

from haven.accounts import services as accounts
from haven.alerts import services
from haven.core.demo import DEMO_PASSWORD, DemoCamp

DEPUTY = "deputy"


def build(camp: DemoCamp) -> None:
    """Nothing before the other apps are in place: see finish()."""


def finish(camp: DemoCamp) -> None:
    # After the people's morning roll call (closed 35 minutes ago): no muster is left open.
    commander = camp.users["commander"]
    deputy = accounts.create_user(
        username=DEPUTY, password=DEMO_PASSWORD, role="commander", superuser=False
    )
    camp.users["commander (second approver)"] = deputy
    now = camp.now
    everyone = [camp.users[role] for role in ("quartermaster", "medic", "clerk", "scout")]

    drill = services.draft_alert(
        by=camp.users["clerk"],
        at=now - timedelta(hours=26),
        status="Exercise",
        category="Safety",
        event="Evacuation drill",
        headline="Evacuation drill at 18:00: assemble at the school",
        urgency="Expected",
        severity="Moderate",
        certainty="Likely",
        response_type="Evacuate",
        instruction="At the whistle, walk to the school with your household. Leave tents open.",
        area_desc="Whole camp",
        expires=now - timedelta(hours=20),
    )
    services.issue_alert(by=commander, alert=drill, at=now - timedelta(hours=25))
    called_off = services.cancel_alert(
        by=commander, alert=drill, at=now - timedelta(hours=23), note="Rain: drill called off."
    )
    services.issue_alert(by=commander, alert=called_off, at=now - timedelta(hours=23))

    raid = services.draft_alert(
        by=commander,
        at=now - timedelta(hours=3),
        category="Security",
        event="Armed group",
        headline="Armed group seen on the north road",
        urgency="Immediate",
        severity="Severe",
        certainty="Observed",
        response_type="Shelter",
        description="Scouts saw two trucks with about twenty armed men, 6 km north, heading "
        "towards the mill.",
        instruction="Stay inside the lower pit. Nobody goes to the river or the mill. Water "
        "carriers wait for the all clear.",
        scope="Restricted",
        restriction="Everyone in the camp; not for outside radio",
        area_desc="North road, the mill and the river bend",
        circle="36.2451,37.1343 6",
        expires=now + timedelta(hours=9),
    )
    services.approve_alert(by=deputy, alert=raid, at=now - timedelta(hours=3, minutes=-4))
    raid = services.issue_alert(by=deputy, alert=raid, at=now - timedelta(hours=2, minutes=55))
    readers = [deputy, commander, *everyone]
    for minutes, user in zip((3, 5, 9, 14, 22, 31), readers, strict=True):
        services.acknowledge(
            by=user, alert=raid, at=(raid.sent or now) + timedelta(minutes=minutes)
        )

    turned = services.update_alert(
        by=commander,
        alert=raid,
        at=now - timedelta(hours=1, minutes=10),
        headline="Armed group turned west at the crossroads, away from the camp",
        severity="Moderate",
        certainty="Likely",
        response_type="Monitor",
        instruction="Stay near the tents. Water runs to the river resume in pairs, with a "
        "lookout; the mill stays closed.",
        expires=now + timedelta(hours=6),
    )
    services.approve_alert(by=deputy, alert=turned, at=now - timedelta(hours=1, minutes=5))
    turned = services.issue_alert(by=deputy, alert=turned, at=now - timedelta(hours=1))
    for minutes, user in zip((2, 4, 11, 25, 38), [deputy, commander, *everyone[:3]], strict=True):
        at = (turned.sent or now) + timedelta(minutes=minutes)
        services.acknowledge(by=user, alert=turned, at=at)
    camp.log(
        "alerts: an armed group on the north road (Actual, approved by the deputy), its "
        "update, and yesterday's cancelled evacuation drill"
    )
