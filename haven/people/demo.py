"""The demo camp's people: a settlement a week after an attack killed most of its people."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from faker import Faker

from haven.core.demo import DEMO_LOCALES, DemoCamp
from haven.people import accounting, merging, musters, services
from haven.people.choices import Sex, Status
from haven.people.models import Household, Person, Skill, Team

STARTING_POPULATION = 900
TEAMS = (
    ("Search and rescue", "Digging survivors out of the ruins", "excavation"),
    ("Clinic", "First aid and the injured ward", "medic"),
    ("Kitchen", "Cooking and food distribution", "cooking"),
    ("Workshop", "Repairs and fabrication", "fabrication"),
    ("Scouts", "Supply runs and lookouts", "scouting"),
    ("Water", "Water points and latrines", "water"),
    ("Watch", "Gate and night watch", "security"),
)
PLACES = ("Market square", "North quarter", "School", "Mosque road", "Mill", "River bank")
NEEDS = (
    "wheelchair user",
    "insulin-dependent diabetes",
    "blind",
    "needs help walking",
    "asthma, needs inhaler",
    "severe anxiety since the attack",
)


def _person_name(faker: Faker, sex: str, family: str) -> tuple[str, str]:
    given = faker.first_name_female() if sex == Sex.FEMALE else faker.first_name_male()
    return given, family


def build(camp: DemoCamp) -> None:
    rng = camp.rng
    attack = camp.now - timedelta(days=7, hours=rng.randint(2, 6))
    clerk = camp.users.get("clerk")
    skills = list(Skill.objects.all())
    teams = {name: Team.objects.create(name=name, purpose=purpose) for name, purpose, _ in TEAMS}
    team_skill = {name: skill for name, _, skill in TEAMS}
    people: list[Person] = []
    while len(people) < STARTING_POPULATION:
        locale = rng.choice(DEMO_LOCALES)
        local = camp.faker[locale]
        family = local.last_name()
        household = Household.objects.create(name=f"{family} household", created_at=attack)
        size = rng.choice((1, 1, 2, 3, 3, 4, 4, 5, 5, 6, 7, 8))
        for index in range(size):
            if index == 0:
                age = rng.randint(24, 70)
            elif index == 1 and size > 1:
                age = rng.randint(20, 65)
            else:
                age = rng.choice((rng.randint(0, 17), rng.randint(0, 17), rng.randint(18, 85)))
            sex = rng.choice((Sex.FEMALE, Sex.MALE))
            given, family_name = _person_name(local, sex, family)
            alternate = ""
            if rng.random() < 0.12:
                alternate = f"{given[:3]}{rng.choice(('o', 'i', 'a'))}"
            people.append(
                Person(
                    given_name=given,
                    family_name=family_name,
                    full_name=f"{given} {family_name}",
                    alternate_names=alternate,
                    sex=sex,
                    date_of_birth=services.birth_date_from_age(age, on=attack.date()),
                    birth_date_is_estimate=rng.random() < 0.4,
                    household=household,
                )
            )
    rng.shuffle(people)
    # A week after the attack about a third are alive; most of the living are hurt.
    dead = people[:560]
    missing = people[560:590]
    departed = people[590:600]
    living = people[600:]
    registered_from = attack + timedelta(hours=10)

    def register(person: Person, status: str, when_hours: float, reason: str) -> Person:
        return services.register_person(
            by=clerk,
            full_name=person.full_name,
            given_name=person.given_name,
            family_name=person.family_name,
            alternate_names=person.alternate_names,
            sex=person.sex,
            date_of_birth=person.date_of_birth,
            birth_date_is_estimate=person.birth_date_is_estimate,
            household=person.household,
            status=status,
            place=rng.choice(PLACES),
            registered_at=registered_from + timedelta(hours=when_hours),
        )

    for person in dead:
        register(person, Status.DECEASED, rng.uniform(0, 90), "body identified")
    survivors: list[Person] = []
    for person in living + missing + departed:
        adult = (person.age_years(camp.now.date()) or 0) >= 16
        # Those who go missing went out looking for food: they could walk.
        injured = rng.random() < 0.62 and person not in missing
        record = register(
            person, Status.INJURED if injured else Status.PRESENT, rng.uniform(0, 30), ""
        )
        if adult and rng.random() < 0.55:
            team_name = rng.choice(list(teams))
            record.team = teams[team_name]
            record.save(update_fields=["team"])
            main_skill = Skill.objects.get(code=team_skill[team_name])
            record.skills.add(main_skill, *rng.sample(skills, rng.randint(0, 2)))
        if rng.random() < 0.07:
            record.special_needs = rng.choice(NEEDS)
            record.extra_energy_kcal = rng.choice((0, 200, 300, 500))
            record.save(update_fields=["special_needs", "extra_energy_kcal"])
        if adult and record.sex == Sex.FEMALE and rng.random() < 0.08:
            record.pregnant_or_lactating = True
            record.extra_energy_kcal = 500
            record.save(update_fields=["pregnant_or_lactating", "extra_energy_kcal"])
        survivors.append(record)
    _registered_twice(camp, survivors, registered_from)
    by_name = {p.full_name: p for p in survivors}
    departed_records = [by_name[p.full_name] for p in departed if p.full_name in by_name]
    for record in departed_records:
        services.record_departure(
            by=clerk,
            person=record,
            reason=rng.choice(("to family in the capital", "evacuated to hospital", "left")),
            destination=rng.choice(("Capital", "Regional hospital", "Coast road")),
            equipment_returned=rng.choice(("blanket, jerrycan", "", "torch")),
            left_at=attack + timedelta(days=rng.uniform(2.5, 4)),
        )
    missing_names = {p.full_name for p in missing}
    # Yesterday evening's roll call: the walking answered, the injured lay in the clinic, and
    # the 30 who went out looking for food never came back.
    muster_time = camp.now - timedelta(hours=20)
    muster = musters.open_muster(
        by=clerk, label="Evening roll call", place="Assembly point", at=muster_time
    )
    for record in survivors:
        record.refresh_from_db(fields=["status"])
        if record.is_in_camp and record.full_name not in missing_names:
            answered_at = muster_time + timedelta(minutes=rng.uniform(1, 40))
            if record.status == Status.PRESENT:
                musters.check_in(by=clerk, muster=muster, person=record, at=answered_at)
    musters.close_muster(by=clerk, muster=muster, at=muster_time + timedelta(minutes=45))
    musters.mark_missing(
        by=camp.users.get("commander"),
        muster=muster,
        note="the food party from the mill road",
        at=muster_time + timedelta(minutes=50),
    )
    member = next(p for p in survivors if p.status == Status.PRESENT)
    member.user = camp.users.get("member")
    member.save(update_fields=["user"])
    camp.shared["attack_at"] = attack
    camp.shared["starting_population"] = len(people)
    camp.log(
        f"{len(people)} people before the attack: {len(dead)} dead, "
        f"{Person.objects.in_camp().count()} in camp "
        f"({Person.objects.filter(status=Status.INJURED).count()} injured), "
        f"{Person.objects.filter(status=Status.MISSING).count()} missing, "
        f"{len(departed_records)} departed"
    )


# Another clerk's spelling of a name (Youssef / Yusef, Mikhail / Mykhail).
RESPELLINGS = (("ou", "u"), ("ph", "f"), ("y", "i"), ("i", "y"), ("e", "a"), ("a", "e"))


def _registered_twice(camp: DemoCamp, survivors: list[Person], registered_from: Any) -> None:
    """A wounded man registered at the gate on the first night was registered again at the
    clinic desk, another spelling and day and month of birth swapped; the clerk merged the
    second record into the first (the person page shows it, and the undo)."""
    clerk = camp.users.get("clerk")
    original = next(
        (
            p
            for p in survivors
            if p.status == Status.INJURED
            and p.sex == Sex.MALE
            and p.date_of_birth is not None
            and not p.birth_date_is_estimate
            and p.date_of_birth.year <= camp.now.year - 18
            and p.date_of_birth.day <= 12
            and p.date_of_birth.day != p.date_of_birth.month
        ),
        survivors[0],
    )
    born = original.date_of_birth
    if born is not None and born.day <= 12:
        born = born.replace(month=born.day, day=born.month)
    given = original.given_name
    for old, new in RESPELLINGS:
        if old in given[1:].lower():
            given = given[0] + given[1:].replace(old, new, 1)
            break
    twin = services.register_person(
        by=clerk,
        given_name=given,
        family_name=original.family_name,
        sex=original.sex,
        date_of_birth=born,
        status=Status.INJURED,
        place="Clinic",
        registered_at=registered_from + timedelta(hours=40),
    )
    merging.merge_people(
        by=clerk,
        kept=original,
        merged=twin,
        reason="registered again at the clinic desk; same man, day and month of birth swapped",
    )


def finish(camp: DemoCamp) -> None:
    """This morning's roll call, once the clinic and the missions are in place: the injured
    are in the clinic and the hospital team is out, both accounted for elsewhere. A few did
    not answer; the clerk marked five of them missing, then undid it: they were at the
    spring pump."""
    rng = camp.rng
    clerk = camp.users.get("clerk")
    opened = camp.now - timedelta(minutes=70)
    muster = musters.open_muster(
        by=clerk, label="Morning roll call", place="Assembly point", at=opened
    )
    groups = accounting.elsewhere_groups()
    answering = list(
        accounting.placed(muster, groups)
        .filter(whereabouts=accounting.UNACCOUNTED, status_changed_at__lt=opened)
        .order_by("pk")
    )
    absent = set(rng.sample([p.pk for p in answering if p.status == Status.PRESENT], 5))
    for person in answering:
        if person.pk not in absent:
            musters.check_in(
                by=clerk,
                muster=muster,
                person=person,
                at=opened + timedelta(minutes=rng.uniform(1, 30)),
            )
    musters.close_muster(by=clerk, muster=muster, at=camp.now - timedelta(minutes=35))
    marked = musters.mark_missing(
        by=clerk, muster=muster, person_ids=sorted(absent), at=camp.now - timedelta(minutes=30)
    )
    musters.undo_missing_batch(
        by=clerk,
        batch=marked.batch,
        reason="they were at the spring pump with the water team",
        at=camp.now - timedelta(minutes=20),
    )
    figures = accounting.account(muster)
    camp.log(
        f"morning roll call: {figures.expected} expected = {figures.checked_in} checked in + "
        f"{figures.elsewhere_count} elsewhere ({figures.elsewhere_summary}) + "
        f"{figures.unaccounted} unaccounted"
    )
