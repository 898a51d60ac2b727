"""The demo camp's tracing desk: relatives asking for people, the matches the registry gave
(likely and possible, one sought person written in Cyrillic), and one reunification."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from haven.core.demo import DemoCamp
from haven.people.choices import IN_CAMP, Sex, Status
from haven.people.models import Person
from haven.planning.matching import normalise
from haven.tracing import matcher, services
from haven.tracing.choices import CandidateState
from haven.tracing.models import Candidate, TracingRequest

# Spellings a relative or another agency may use (a Latin transliteration chosen otherwise).
RESPELLINGS = (
    ("ov", "ow"),
    ("ev", "ew"),
    ("ou", "u"),
    ("y", "i"),
    ("ph", "f"),
    ("sh", "ch"),
    ("c", "k"),
    ("ll", "l"),
    ("nn", "n"),
    ("i", "y"),
    ("e", "a"),
)
CYRILLIC = dict(
    zip(
        "abvgdezijklmnoprstufhcy",
        "абвгдезийклмнопрстуфхцы",
        strict=True,
    )
)
RELATIVES = {
    Sex.FEMALE: ("sister", "mother", "daughter", "aunt"),
    Sex.MALE: ("brother", "father", "son", "uncle"),
}


def respell(name: str, rng: random.Random) -> str:
    """The name as someone else may write it: one transliteration choice changed."""
    lowered = name.lower()
    rules = [(old, new) for old, new in RESPELLINGS if old in lowered[1:]]
    if not rules:
        return name
    old, new = rng.choice(rules)
    at = lowered.rindex(old)
    return name[:at] + new + name[at + len(old) :]


def in_cyrillic(name: str) -> str | None:
    """A Latin name written in Cyrillic letters, as a Ukrainian or Uzbek form would; None when
    the name has letters this short table does not carry."""
    letters = []
    for char in name:
        mapped = CYRILLIC.get(char.lower())
        if mapped is None:
            return None
        letters.append(mapped.upper() if char.isupper() else mapped)
    written = "".join(letters)
    # Only names that read back as they were written (Nicole would come back as Nitsole).
    return written if normalise.compact(written) == normalise.compact(name) else None


def _asker(camp: DemoCamp, family: str) -> tuple[str, str]:
    rng = camp.rng
    sex = rng.choice((Sex.FEMALE, Sex.MALE))
    local = camp.faker[rng.choice(list(camp.faker.locales))]
    given = local.first_name_female() if sex == Sex.FEMALE else local.first_name_male()
    return f"{given} {family}", rng.choice(RELATIVES[sex])


def _age_range(person: Person, camp: DemoCamp) -> dict[str, Any]:
    age = person.age_years(camp.now.date())
    if age is None:
        return {}
    return {"age_min": max(age - 2, 0), "age_max": age + 2}


def _ask(camp: DemoCamp, person: Person | None, **details: Any) -> TracingRequest:
    rng = camp.rng
    family = details.get("family_name") or (person.family_name if person else "Unknown")
    asker, relationship = _asker(camp, family)
    values: dict[str, Any] = {
        "asker_name": asker,
        "asker_relationship": relationship,
        "asker_contact": f"+{rng.randint(20, 998)} {rng.randint(100, 999)} "
        f"{rng.randint(1000, 9999)}",
        "origin": camp.faker.city(),
        "last_seen_place": rng.choice(("the market road", "the river crossing", "the school")),
        "last_seen_at": camp.shared.get("attack_at", camp.now - timedelta(days=7)),
        "consent_to_share": True,
        **details,
    }
    return services.open_request(by=camp.users.get("clerk"), **values)


def _pick(people: list[Person], rng: random.Random, used: set[int]) -> Person | None:
    choices = [person for person in people if person.pk not in used and person.given_name]
    if not choices:
        return None
    chosen = rng.choice(choices)
    used.add(chosen.pk)
    return chosen


def build(camp: DemoCamp) -> None:
    """Nothing before every app has built: the desk works on the final registry."""


def finish(camp: DemoCamp) -> None:
    rng = camp.rng
    matcher.scan_registry(by=None)  # indexes the registry and estimates the model
    everyone = list(Person.objects.exclude(given_name="").order_by("pk"))
    by_status = {
        "here": [p for p in everyone if p.status in IN_CAMP],
        "missing": [p for p in everyone if p.status == Status.MISSING],
        "dead": [p for p in everyone if p.status == Status.DECEASED],
    }
    used: set[int] = set()
    found: list[TracingRequest] = []
    # A sister asks for her brother, his family name spelt the way her papers spell it.
    reunited = _pick(by_status["here"], rng, used)
    if reunited is not None:
        found.append(
            _ask(
                camp,
                reunited,
                given_name=reunited.given_name,
                family_name=respell(reunited.family_name, rng),
                sex=reunited.sex,
                **_age_range(reunited, camp),
            )
        )
    # Someone registered missing here, asked for from outside with the exact birth date.
    missing = _pick(by_status["missing"], rng, used)
    if missing is not None:
        found.append(
            _ask(
                camp,
                missing,
                given_name=respell(missing.given_name, rng),
                family_name=missing.family_name,
                sex=missing.sex,
                date_of_birth=missing.date_of_birth,
            )
        )
    # A father asks for his son: the register of the dead holds a likely match.
    dead = _pick(by_status["dead"], rng, used)
    if dead is not None:
        found.append(
            _ask(
                camp,
                dead,
                given_name=dead.given_name,
                family_name=dead.family_name,
                sex=dead.sex,
                **_age_range(dead, camp),
                distinguishing_features="a scar across the left eyebrow",
            )
        )
    # A name written in Cyrillic on a Ukrainian or Uzbek form, only an age range known.
    written = next(
        (
            person
            for person in by_status["here"]
            if person.pk not in used
            and in_cyrillic(person.given_name)
            and in_cyrillic(person.family_name)
        ),
        None,
    )
    if written is not None:
        used.add(written.pk)
        _ask(
            camp,
            written,
            full_name=f"{in_cyrillic(written.given_name)} {in_cyrillic(written.family_name)}",
            family_name="",
            **_age_range(written, camp),
        )
    # Only a given name misspelt and the family name: a possible match at best.
    vague = _pick(by_status["here"], rng, used)
    if vague is not None:
        _ask(
            camp,
            vague,
            given_name=respell(respell(vague.given_name, rng), rng),
            family_name=vague.family_name,
        )
    # People nobody here has seen; one asker did not agree to sharing.
    for index in range(3):
        local = camp.faker[rng.choice(list(camp.faker.locales))]
        sex = rng.choice((Sex.FEMALE, Sex.MALE))
        given = local.first_name_female() if sex == Sex.FEMALE else local.first_name_male()
        _ask(
            camp,
            None,
            given_name=given,
            family_name=local.last_name(),
            sex=sex,
            age_min=rng.randint(5, 40),
            age_max=rng.randint(41, 70),
            consent_to_share=index != 2,
        )
    # The sister's request: the clerk checked the papers and confirms the reunification.
    if found and reunited is not None:
        candidate = Candidate.objects.filter(
            request=found[0], person=reunited, state=CandidateState.PROPOSED
        ).first()
        if candidate is not None:
            services.confirm_candidate(
                by=camp.users.get("clerk"),
                candidate=candidate,
                note="Recognised each other at the registration desk; papers match.",
            )
    requests = TracingRequest.objects.count()
    proposed = Candidate.objects.filter(state=CandidateState.PROPOSED)
    camp.log(
        f"tracing: {requests} requests, {proposed.filter(label='likely').count()} likely and "
        f"{proposed.filter(label='possible').count()} possible matches to review, "
        f"{Candidate.objects.filter(state=CandidateState.CONFIRMED).count()} reunification"
    )
