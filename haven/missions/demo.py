"""The demo camp's supply runs: one back with a yield this morning, one overdue from the
hospital ruins, one planned for tomorrow, and an older run for the yield history."""

from __future__ import annotations

from datetime import timedelta

from haven.core.demo import DemoCamp
from haven.missions import services
from haven.missions.models import Mission
from haven.people.models import Person, Team
from haven.stock.models import Store


def _team(camp: DemoCamp, size: int, taken: set[int]) -> list[Person]:
    scouts = Team.objects.filter(name="Scouts").first()
    pool = list(
        services.available_people()
        .filter(status="present", team=scouts)
        .exclude(pk__in=taken)
        .order_by("pk")
    )
    if len(pool) < size:
        seen = {person.pk for person in pool}
        extra = services.available_people().filter(status="present").exclude(pk__in=taken)
        pool += [person for person in extra[: size * 2] if person.pk not in seen]
    chosen = camp.rng.sample(pool, size)
    taken.update(person.pk for person in chosen)
    return chosen


def build(camp: DemoCamp) -> None:
    qm = camp.users.get("quartermaster")
    now = camp.now
    truck = Store.objects.get(name="Central warehouse")
    taken: set[int] = set()
    scout_person = None

    # Four days ago: the market ruins, mostly scrap and sheeting.
    market = _team(camp, 4, taken)
    old = services.plan_mission(
        by=qm,
        name="Market ruins, first look",
        destination="Market ruins",
        team=market,
        leader=market[0],
        objectives=[("tarpaulin", 20), ("scrap-metal", 100)],
        risk_level="medium",
        planned_departure_at=now - timedelta(days=4, hours=3),
        expected_return_at=now - timedelta(days=3, hours=18),
        created_at=now - timedelta(days=5),
    )
    services.depart(by=qm, mission=old, at=now - timedelta(days=4, hours=3))
    services.return_mission(
        by=qm,
        mission=old,
        store=truck,
        yield_lines=[("tarpaulin", 7), ("scrap-metal", 60), ("tools", 2)],
        note="the east side is unstable; the covered hall is still standing",
        at=now - timedelta(days=3, hours=20),
    )

    # Last night after the muster, back this morning with food and kits.
    back_team = _team(camp, 5, taken)
    returned = services.plan_mission(
        by=qm,
        name="Night run to the market ruins",
        destination="Market ruins",
        team=back_team,
        leader=back_team[0],
        objectives=[("cereal", 150), ("pulses", 40), ("trauma-kit", 3), ("antibiotics", 10)],
        risk_level="high",
        planned_departure_at=now - timedelta(hours=19),
        expected_return_at=now - timedelta(hours=4),
        created_at=now - timedelta(hours=26),
    )
    services.depart(by=qm, mission=returned, at=now - timedelta(hours=19))
    services.return_mission(
        by=qm,
        mission=returned,
        store=truck,
        yield_lines=[
            ("cereal", 85),
            ("pulses", 25),
            ("trauma-kit", 1),
            ("antibiotics", 6),
            ("bottled-water", 40),
        ],
        note="the grain store behind the covered hall had sacks; a dog pack near the bridge",
        at=now - timedelta(hours=3),
    )

    # At dawn to the hospital ruins: due back two hours ago, no word.
    hospital_team = _team(camp, 4, taken)
    overdue = services.plan_mission(
        by=qm,
        name="Hospital ruins: medical supplies",
        destination="Regional hospital ruins",
        team=hospital_team,
        leader=hospital_team[0],
        objectives=[
            ("trauma-kit", 10),
            ("iv-fluids", 40),
            ("burn-dressing", 60),
            ("analgesics", 30),
        ],
        risk_level="extreme",
        planned_departure_at=now - timedelta(hours=14),
        expected_return_at=now - timedelta(hours=2),
        notes="Radio check every two hours; the road by the bridge was shelled on day 2.",
        created_at=now - timedelta(hours=18),
    )
    services.depart(by=qm, mission=overdue, at=now - timedelta(hours=14))

    # Tomorrow: water from the spring above the village, with the scout user on the team.
    spring_team = _team(camp, 3, taken)
    scout_user = camp.users.get("scout")
    scout_person = spring_team[0]
    if scout_user is not None and Person.objects.filter(user=scout_user).count() == 0:
        scout_person.user = scout_user
        scout_person.save(update_fields=["user"])
    services.plan_mission(
        by=qm,
        name="Spring water run",
        destination="Hill spring",
        team=spring_team,
        leader=spring_team[0],
        objectives=[("drinking-water", 2000)],
        risk_level="low",
        planned_departure_at=now + timedelta(hours=16),
        expected_return_at=now + timedelta(hours=26),
    )
    camp.log(
        f"missions: {Mission.objects.count()} supply runs, "
        f"{Mission.objects.overdue(now).count()} overdue, "
        f"{services.people_out().count()} people out"
    )
