"""The demo camp's clinic: a triage queue for the injured, their injuries and some care,
and the casualty register for the dead of the attack, most of it confirmed."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from haven.core.demo import DemoCamp
from haven.health import services, unknown
from haven.health.choices import (
    BodyRegion,
    Cause,
    Disposition,
    IdentificationConfidence,
    InjuryKind,
    Outcome,
)
from haven.people.choices import Sex, Status
from haven.people.models import Person
from haven.planning.triage import Algorithm, answers_to_observations, triage
from haven.stock import services as stock
from haven.stock.models import Store

PLACES = ("Market square", "North quarter", "School", "Mosque road", "Mill", "River bank")
WARDS = ("Clinic tent A", "Clinic tent B", "School gym (ward)", "Courtyard")

# START answers for each colour; JumpSTART ones for children.
START_ANSWERS: dict[str, list[dict[str, Any]]] = {
    "red": [
        {"walking": "no", "breathing": "yes", "respiratory_rate": 34},
        {"walking": "no", "breathing": "yes", "respiratory_rate": 24, "radial_pulse": "no"},
        {
            "walking": "no",
            "breathing": "yes",
            "respiratory_rate": 20,
            "radial_pulse": "yes",
            "obeys_commands": "no",
        },
    ],
    "yellow": [
        {
            "walking": "no",
            "breathing": "yes",
            "respiratory_rate": 22,
            "radial_pulse": "yes",
            "obeys_commands": "yes",
        },
    ],
    "green": [{"walking": "yes"}],
}
JUMPSTART_ANSWERS: dict[str, list[dict[str, Any]]] = {
    "red": [{"walking": "no", "breathing": "yes", "respiratory_rate": 50}],
    "yellow": [
        {
            "walking": "no",
            "breathing": "yes",
            "respiratory_rate": 30,
            "peripheral_pulse": "yes",
            "avpu": "voice",
        }
    ],
    "green": [{"walking": "yes"}],
}

INJURIES: dict[str, list[tuple[str, str, str]]] = {
    # cause: (kind, region, description)
    Cause.EXPLOSION: [
        (InjuryKind.PENETRATING, BodyRegion.LEFT_LEG, "shrapnel in the thigh"),
        (InjuryKind.PENETRATING, BodyRegion.CHEST, "fragment wound, chest wall"),
        (InjuryKind.AMPUTATION, BodyRegion.RIGHT_LEG, "traumatic amputation below the knee"),
        (InjuryKind.BURN, BodyRegion.MULTIPLE, "flash burns, face and arms"),
        (InjuryKind.HEAD_INJURY, BodyRegion.HEAD, "blast concussion, ruptured eardrum"),
        (InjuryKind.LACERATION, BodyRegion.FACE, "glass cuts"),
    ],
    Cause.BUILDING_COLLAPSE: [
        (InjuryKind.FRACTURE, BodyRegion.LEFT_LEG, "closed tibia fracture"),
        (InjuryKind.FRACTURE, BodyRegion.RIGHT_ARM, "forearm fracture"),
        (InjuryKind.CRUSH, BodyRegion.PELVIS, "crush injury, trapped four hours"),
        (InjuryKind.CONTUSION, BodyRegion.BACK, "bruised back, walking"),
        (InjuryKind.LACERATION, BodyRegion.HEAD, "scalp laceration"),
    ],
    Cause.GUNSHOT: [
        (InjuryKind.PENETRATING, BodyRegion.ABDOMEN, "gunshot wound, abdomen"),
        (InjuryKind.PENETRATING, BodyRegion.LEFT_ARM, "through-and-through, upper arm"),
        (InjuryKind.FRACTURE, BodyRegion.RIGHT_LEG, "gunshot fracture of the femur"),
    ],
    Cause.FIRE: [
        (InjuryKind.BURN, BodyRegion.LEFT_ARM, "scald and flame burns"),
        (InjuryKind.BURN, BodyRegion.CHEST, "burns, chest and neck"),
    ],
}
INJURY_CAUSE_WEIGHTS = (
    (Cause.EXPLOSION, 45),
    (Cause.BUILDING_COLLAPSE, 30),
    (Cause.GUNSHOT, 15),
    (Cause.FIRE, 10),
)
DEATH_CAUSES = (
    (Cause.EXPLOSION, 44, "blast injuries"),
    (Cause.BUILDING_COLLAPSE, 30, "crushed under the rubble"),
    (Cause.GUNSHOT, 16, "gunshot wounds"),
    (Cause.FIRE, 7, "burns and smoke"),
    (Cause.UNKNOWN, 3, ""),
)
CIRCUMSTANCES = {
    Cause.EXPLOSION: (
        "Killed when the shells hit the market at midday.",
        "In the street when the second explosion came.",
        "Sheltering in the mosque doorway; the blast brought the lintel down.",
    ),
    Cause.BUILDING_COLLAPSE: (
        "The house came down on the family during the shelling.",
        "Found under the school's east wing after two days of digging.",
        "Trapped in the mill cellar; the searchers reached the body on day 3.",
    ),
    Cause.GUNSHOT: (
        "Shot at the checkpoint on the river road.",
        "Shot while running for the river bank.",
    ),
    Cause.FIRE: ("Caught in the fire that spread through the North quarter.",),
    Cause.UNKNOWN: ("Body found near the river bank; how they died is not known.",),
}
TREATMENTS: dict[str, tuple[str, str, int]] = {
    # injury kind: (what, stock item code, quantity)
    InjuryKind.FRACTURE: ("Fracture reduced and splinted", "splint", 1),
    InjuryKind.BURN: ("Burns cleaned and dressed", "burn-dressing", 2),
    InjuryKind.PENETRATING: ("Wound explored, cleaned and dressed", "dressing-kit", 1),
    InjuryKind.LACERATION: ("Laceration sutured and dressed", "dressing-kit", 1),
    InjuryKind.AMPUTATION: ("Tourniquet, stump dressed, IV fluids", "tourniquet", 1),
    InjuryKind.CRUSH: ("IV fluids and analgesia", "iv-fluids", 2),
    InjuryKind.HEAD_INJURY: ("Observed; analgesia", "analgesics", 1),
    InjuryKind.CONTUSION: ("Analgesia", "analgesics", 1),
}


def _weighted(rng: random.Random, options: tuple[tuple[Any, int, str], ...]) -> tuple[Any, str]:
    total = sum(weight for _, weight, _ in options)
    pick = rng.uniform(0, total)
    for value, weight, detail in options:
        pick -= weight
        if pick <= 0:
            return value, detail
    return options[-1][0], options[-1][2]


def _cause(rng: random.Random) -> str:
    return str(_weighted(rng, tuple((c, w, "") for c, w in INJURY_CAUSE_WEIGHTS))[0])


def _medical_store() -> Store | None:
    """The store the clinic draws from, if the stock demo made one with medical stock."""
    stores = list(Store.objects.all())
    stores.sort(key=lambda s: (not any(w in s.name.lower() for w in ("clinic", "medical")), s.pk))
    return stores[0] if stores else None


def build(camp: DemoCamp) -> None:
    rng = camp.rng
    now = camp.now
    attack: datetime = camp.shared.get("attack_at", now - timedelta(days=7))
    medic = camp.users.get("medic")
    commander = camp.users.get("commander")
    starting = camp.shared.get("starting_population")
    if starting:
        services.set_starting_population(
            by=commander, count=int(starting), note="census list from before the attack"
        )
    _casualty_register(camp, attack, medic)
    _clinic(camp, attack, medic, rng, now)
    _unknown_casualties(camp, medic, now)


def _unknown_casualties(camp: DemoCamp, medic: Any, now: datetime) -> None:
    """Two casualties brought in without a name; a clerk has since named one of them, a
    man reported missing."""
    found = [
        ("T-0291", Sex.MALE, 40, "grey work jacket, burn scars on both hands", "quarry road"),
        ("T-0302", Sex.FEMALE, 25, "green headscarf, wedding ring, limps on the left", "river"),
    ]
    casualties = []
    for minutes, (tag, sex, age, features, place) in enumerate(found):
        at = now - timedelta(hours=5, minutes=40 * minutes)
        casualty = unknown.register_unknown_casualty(
            by=medic,
            tag_number=tag,
            sex=sex,
            estimated_age=age,
            features=features,
            found_place=place,
            found_at=at,
        )
        services.record_triage(
            by=medic,
            person=casualty.person,
            answers=START_ANSWERS["yellow"][0],
            place=place,
            triaged_at=at + timedelta(minutes=3),
        )
        casualties.append(casualty)
    missing = (
        Person.objects.filter(status=Status.MISSING, sex=Sex.MALE, unknown_casualty__isnull=True)
        .order_by("pk")
        .first()
    )
    if missing is not None:
        unknown.identify_casualty(
            by=camp.users.get("clerk"),
            casualty=casualties[0],
            person=missing,
            note="recognised by his brother at the clinic",
        )
    camp.log(
        f"unknown casualties: {len(casualties)} brought in without a name, "
        f"{1 if missing else 0} identified since"
    )


def _clinic(
    camp: DemoCamp, attack: datetime, medic: Any, rng: random.Random, now: datetime
) -> None:
    injured = list(Person.objects.filter(status=Status.INJURED).order_by("pk"))
    store = _medical_store()
    treated = 0
    queue_counts = {"red": 0, "yellow": 0, "green": 0}
    for person in injured:
        colour = rng.choices(("red", "yellow", "green"), weights=(16, 38, 46))[0]
        child = services.algorithm_for(person, now) == Algorithm.JUMPSTART
        answers = rng.choice((JUMPSTART_ANSWERS if child else START_ANSWERS)[colour])
        cause = _cause(rng)
        hurt_at = attack + timedelta(minutes=rng.uniform(0, 90))
        place = rng.choice(PLACES)
        # The first triage on the day of the attack, where they were found.
        first = max(person.status_changed_at, attack + timedelta(hours=rng.uniform(1, 12)))
        first_colour = "red" if colour == "red" or rng.random() < 0.2 else colour
        first_answers = rng.choice((JUMPSTART_ANSWERS if child else START_ANSWERS)[first_colour])
        services.record_triage(
            by=medic, person=person, answers=first_answers, place=place, triaged_at=first
        )
        # The latest re-triage on the ward: within about one interval, some overdue.
        algorithm = Algorithm.JUMPSTART if child else Algorithm.START
        category = triage(answers_to_observations(algorithm, answers)).category
        interval = services.retriage_interval(category) or timedelta(hours=1)
        last = now - interval * rng.uniform(0.05, 1.15)
        services.record_triage(
            by=medic,
            person=person,
            answers=answers,
            place=rng.choice(WARDS),
            triaged_at=max(last, first + timedelta(minutes=5)),
            pulse_rate=rng.randint(70, 130) if colour != "green" else None,
            systolic_bp=rng.randint(70, 140) if colour != "green" else None,
            gcs=rng.randint(9, 15) if colour == "red" else None,
        )
        queue_counts[colour] += 1
        for _ in range(1 if rng.random() < 0.7 else 2):
            kind, region, description = rng.choice(INJURIES[cause])
            injury = services.record_injury(
                by=medic,
                person=person,
                body_region=region,
                kind=kind,
                cause=cause,
                burn_body_surface_percent=rng.randint(4, 35) if kind == InjuryKind.BURN else None,
                occurred_at=hurt_at,
                place=place,
                description=description,
            )
            if rng.random() < 0.3:
                _treat(medic, person, injury, store, first + timedelta(minutes=20))
                treated += 1
    _outcomes(camp, medic, rng, now)
    camp.log(
        f"clinic: {len(injured)} injured triaged ({queue_counts['red']} red, "
        f"{queue_counts['yellow']} yellow, {queue_counts['green']} green), {treated} treatments"
    )


def _treat(medic: Any, person: Person, injury: Any, store: Store | None, at: datetime) -> None:
    what, code, quantity = TREATMENTS.get(injury.kind, ("Examined and dressed", "dressing-kit", 1))
    use_stock = store is not None and stock.usable_on_hand(code, store, at.date()) >= quantity
    services.record_treatment(
        by=medic,
        person=person,
        injury=injury,
        what=what,
        given_at=at,
        item=code if use_stock else None,
        store=store if use_stock else None,
        quantity=Decimal(quantity) if use_stock else None,
    )


def _outcomes(camp: DemoCamp, medic: Any, rng: random.Random, now: datetime) -> None:
    green = list(
        Person.objects.filter(
            status=Status.INJURED, triage_records__is_current=True, triage_records__priority=3
        ).order_by("pk")
    )
    for person in green[:12]:
        services.record_outcome(
            by=medic,
            person=person,
            outcome=Outcome.RECOVERED,
            note="wounds healing, discharged from the ward",
            occurred_at=now - timedelta(hours=rng.uniform(0.5, 6)),
        )
    for person in green[12:30]:
        services.record_outcome(
            by=medic, person=person, outcome=Outcome.RECOVERING, note="dressing changed"
        )
    red = list(
        Person.objects.filter(
            status=Status.INJURED, triage_records__is_current=True, triage_records__priority=1
        ).order_by("pk")
    )
    if red:
        services.record_outcome(
            by=medic,
            person=red[0],
            outcome=Outcome.TRANSFERRED,
            destination="Regional hospital (surgical)",
            note="needs a laparotomy",
            occurred_at=now - timedelta(hours=3),
        )
    for person in red[1:3]:
        services.record_outcome(
            by=medic,
            person=person,
            outcome=Outcome.DIED,
            note="died of wounds on the ward",
            occurred_at=now - timedelta(hours=rng.uniform(1, 10)),
            death={
                "cause": Cause.EXPLOSION,
                "cause_detail": "haemorrhagic shock",
                "place": rng.choice(WARDS),
                "confidence": IdentificationConfidence.CONFIRMED,
                "identified_by": "ward medic",
            },
        )


def _casualty_register(camp: DemoCamp, attack: datetime, medic: Any) -> None:
    rng = camp.rng
    dead = list(
        Person.objects.filter(status=Status.DECEASED).select_related("household").order_by("pk")
    )
    survivors_by_household: dict[int, list[Person]] = {}
    for person in Person.objects.filter(status__in=(Status.PRESENT, Status.INJURED)):
        if person.household_id:
            survivors_by_household.setdefault(person.household_id, []).append(person)
    confirmed = corrected = 0
    records = []
    for person in dead:
        cause, detail = _weighted(rng, DEATH_CAUSES)
        minutes = rng.expovariate(1 / 40) if rng.random() < 0.85 else rng.uniform(120, 4000)
        died_at = min(attack + timedelta(minutes=minutes), person.status_changed_at)
        kin = survivors_by_household.get(person.household_id or 0, [])
        relative = rng.choice(kin) if kin else None
        not_recovered = cause == Cause.BUILDING_COLLAPSE and rng.random() < 0.25
        if not_recovered:
            disposition, disposition_place = Disposition.NOT_RECOVERED, ""
            confidence = IdentificationConfidence.PRESUMED
        else:
            disposition = rng.choices(
                (
                    Disposition.BURIED,
                    Disposition.RELEASED,
                    Disposition.PENDING,
                    Disposition.CREMATED,
                ),
                weights=(72, 14, 12, 2),
            )[0]
            disposition_place = {
                Disposition.BURIED: rng.choice(
                    (
                        "East cemetery",
                        "East cemetery",
                        f"Common grave by the mill, row {rng.randint(1, 6)}",
                    )
                ),
                Disposition.RELEASED: "taken by the family",
                Disposition.PENDING: "cold store behind the clinic",
                Disposition.CREMATED: "burning ground, river bank",
            }[disposition]
            confidence = rng.choices(
                (IdentificationConfidence.CONFIRMED, IdentificationConfidence.PROBABLE),
                weights=(76, 24),
            )[0]
        effects = ""
        if not not_recovered and rng.random() < 0.45:
            effects = (
                rng.choice(
                    (
                        "wedding ring, watch",
                        "identity card, keys",
                        "phone, wallet with photographs",
                        "prayer beads",
                        "earrings",
                    )
                )
                + f" — clinic safe, bag {rng.randint(1, 400)}"
            )
        confirm = rng.random() < 0.86
        record = services.record_death(
            by=medic,
            person=person,
            died_at=died_at,
            time_is_estimate=rng.random() < 0.6,
            place=rng.choice(PLACES),
            cause=cause,
            cause_detail=detail,
            circumstances=rng.choice(CIRCUMSTANCES[Cause(cause)]),
            identified_by=(
                f"{relative.full_name} ({rng.choice(('spouse', 'sibling', 'parent', 'child'))})"
                if relative and confidence == IdentificationConfidence.CONFIRMED
                else rng.choice(("search team", "neighbour", "clinic staff", ""))
            ),
            confidence=confidence,
            disposition=disposition,
            disposition_place=disposition_place,
            personal_effects=effects,
            next_of_kin=relative.full_name if relative else "",
            next_of_kin_told=bool(relative) and rng.random() < 0.9,
            confirm=confirm,
        )
        confirmed += confirm
        records.append(record)
    # A few confirmed entries were wrong and have been corrected, never edited.
    for record in [r for r in records if r.is_confirmed][:: max(len(records) // 4, 1)][:4]:
        services.correct_death_record(
            by=camp.users.get("commander"),
            record=record,
            reason="the family identified the place of death",
            place=rng.choice([place for place in PLACES if place != record.place]),
        )
        corrected += 1
    camp.log(
        f"casualty register: {len(records)} deaths recorded, {confirmed} confirmed, "
        f"{corrected} corrected; recorded {timezone.localtime(camp.now):%d %b}"
    )
