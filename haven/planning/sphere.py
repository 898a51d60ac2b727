"""The Sphere shelter standard and what a shelter is set aside for: the shelter planner's
vocabulary without its solver. The registry's models import this on every start of a
process; the planner (`haven.planning.shelter`) brings SciPy, 0.4 s of imports, only to
what plans."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from haven.planning.errors import PlanningInputError

SPHERE_M2_PER_PERSON: Final = 3.5
"""Sphere shelter standard 3: minimum covered living space per person (temperate climate)."""


class ShelterUse(StrEnum):
    """What a shelter is set aside for."""

    GENERAL = "general"
    INJURED_WARD = "injured_ward"
    ISOLATION = "isolation"
    FAMILIES = "families"


# ---------------------------------------------------------------- Sphere capacity


@dataclass(frozen=True, slots=True)
class ShelterShortfall:
    """Covered space still missing for people without shelter, and the tents that would close it."""

    people_without_shelter: int
    covered_area_m2: float
    tents: int


def sphere_capacity(
    covered_area_m2: float,
    beds: int | None = None,
    m2_per_person: float = SPHERE_M2_PER_PERSON,
) -> int:
    """People a shelter holds by the Sphere standard: floor(area / m² per person), at most beds."""
    if not math.isfinite(covered_area_m2) or covered_area_m2 <= 0:
        raise PlanningInputError(f"covered area {covered_area_m2} m² must be positive")
    if not math.isfinite(m2_per_person) or m2_per_person <= 0:
        raise PlanningInputError(f"covered space per person {m2_per_person} m² must be positive")
    if beds is not None and beds < 0:
        raise PlanningInputError(f"beds {beds} cannot be negative")
    # The epsilon keeps 10.5 m² / 3.5 m² at 3 people despite binary floating point.
    people = math.floor(covered_area_m2 / m2_per_person + 1e-9)
    return people if beds is None else min(people, beds)


def shelter_shortfall(
    people_without_shelter: int,
    tent_covered_area_m2: float,
    m2_per_person: float = SPHERE_M2_PER_PERSON,
) -> ShelterShortfall:
    """Covered area (m²) and whole tents of one type needed to shelter people now without.

    Tents are counted by the people each holds (a person cannot be split across tents), so a
    tent whose area is not a multiple of the standard needs slightly more than area alone.
    """
    if people_without_shelter < 0:
        raise PlanningInputError(f"people without shelter {people_without_shelter} is negative")
    per_tent = sphere_capacity(tent_covered_area_m2, m2_per_person=m2_per_person)
    if per_tent == 0:
        raise PlanningInputError(
            f"tent covered area {tent_covered_area_m2} m² shelters nobody "
            f"at {m2_per_person} m²/person"
        )
    return ShelterShortfall(
        people_without_shelter=people_without_shelter,
        covered_area_m2=people_without_shelter * m2_per_person,
        tents=-(-people_without_shelter // per_tent),
    )
