"""The demo camp's shelter: too few tents, a half-ruined school, an injured ward, a storm.

28 family tents of 16 m² (4 places each), the usable east wing of the school, and the clinic's
injured ward: about 220 places for about 300 people. Last night's plan was applied; this
afternoon a gust tore one tent apart, so its family is back on the list of the unsheltered.
"""

from __future__ import annotations

from datetime import timedelta

from haven.core.demo import DemoCamp
from haven.shelter import services
from haven.shelter.choices import Condition, Kind, Use

TENTS_PER_BLOCK = {"Block A": 10, "Block B": 10, "Block C": 8}
FAMILY_TENTS = {"Block C"}


def build(camp: DemoCamp) -> None:
    commander = camp.users.get("commander")
    clerk = camp.users.get("clerk")
    services.add_tent_type(by=commander, name="Family tent", covered_area_m2=16)
    services.add_tent_type(by=commander, name="Large tent", covered_area_m2=24)
    services.add_tent_type(by=commander, name="Emergency shelter kit", covered_area_m2=18)
    for block, count in TENTS_PER_BLOCK.items():
        for number in range(1, count + 1):
            services.add_shelter(
                by=commander,
                name=f"Tent {block[-1]}{number:02d}",
                kind=Kind.TENT,
                covered_area_m2=16,
                zone=block,
                use=Use.FAMILIES if block in FAMILY_TENTS else Use.GENERAL,
            )
    services.add_shelter(
        by=commander,
        name="School, east wing",
        kind=Kind.BUILDING,
        covered_area_m2=238,
        zone="School",
        condition=Condition.DAMAGED,
        accessible=True,
        notes="The west wing collapsed in the attack; six classrooms of the east wing "
        "(238 of 420 m²) are sound.",
    )
    services.add_shelter(
        by=commander,
        name="Clinic ward",
        kind=Kind.BUILDING,
        covered_area_m2=180,
        beds=40,
        zone="School",
        use=Use.INJURED_WARD,
        accessible=True,
        heated=True,
        notes="Former gym next to the school; 40 camp beds.",
    )
    last_night = camp.now - timedelta(hours=26)
    plan = services.make_plan(by=clerk, at=last_night)
    services.apply_plan(by=clerk, plan=plan, at=last_night + timedelta(minutes=20))
    storm = camp.now - timedelta(hours=4)
    full_tents = [
        row.shelter
        for row in services.shelter_rows()
        if row.shelter.kind == Kind.TENT and row.occupied == row.capacity
    ]
    torn = camp.rng.choice(full_tents)
    services.destroy_shelter(
        by=clerk, shelter=torn, note="torn apart by a gust; poles snapped", at=storm
    )
    board = services.board()
    camp.log(
        f"shelter: {len(board.rows)} shelters, {board.capacity} places for {board.in_camp} "
        f"in camp; {board.unsheltered} without shelter ({torn.name} destroyed), short "
        f"{board.shortfall.tents} family tents"
    )
