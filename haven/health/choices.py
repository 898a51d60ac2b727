"""Health choices: injuries, causes of harm, outcomes and what the casualty register holds."""

from __future__ import annotations

from django.db import models

from haven.planning.triage import Algorithm, TriageCategory

ALGORITHM_CHOICES = [(algorithm.value, algorithm.label) for algorithm in Algorithm]
CATEGORY_CHOICES = [(category.value, category.label) for category in TriageCategory]


class BodyRegion(models.TextChoices):
    HEAD = "head", "Head"
    FACE = "face", "Face"
    NECK = "neck", "Neck"
    CHEST = "chest", "Chest"
    ABDOMEN = "abdomen", "Abdomen"
    BACK = "back", "Back and spine"
    PELVIS = "pelvis", "Pelvis"
    LEFT_ARM = "left_arm", "Left arm"
    RIGHT_ARM = "right_arm", "Right arm"
    LEFT_LEG = "left_leg", "Left leg"
    RIGHT_LEG = "right_leg", "Right leg"
    MULTIPLE = "multiple", "Multiple regions"


class InjuryKind(models.TextChoices):
    BURN = "burn", "Burn"
    FRACTURE = "fracture", "Fracture"
    AMPUTATION = "amputation", "Amputation"
    LACERATION = "laceration", "Laceration"
    PENETRATING = "penetrating", "Penetrating wound"
    CRUSH = "crush", "Crush injury"
    CONTUSION = "contusion", "Contusion"
    HEAD_INJURY = "head_injury", "Head injury"
    OTHER = "other", "Other"


class Cause(models.TextChoices):
    """What harmed someone; the casualty figures are counted by it."""

    EXPLOSION = "explosion", "Explosion or blast"
    GUNSHOT = "gunshot", "Gunshot"
    BUILDING_COLLAPSE = "building_collapse", "Building collapse"
    FIRE = "fire", "Fire"
    VEHICLE = "vehicle", "Vehicle"
    ILLNESS = "illness", "Illness"
    EXPOSURE = "exposure", "Exposure (cold or heat)"
    VIOLENCE = "violence", "Other violence"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Unknown"


class Outcome(models.TextChoices):
    RECOVERING = "recovering", "Recovering"
    RECOVERED = "recovered", "Recovered"
    TRANSFERRED = "transferred", "Transferred"
    DIED = "died", "Died"


# Outcomes that end a casualty's stay in the triage queue.
FINAL_OUTCOMES = (Outcome.RECOVERED, Outcome.TRANSFERRED, Outcome.DIED)


class IdentificationConfidence(models.TextChoices):
    CONFIRMED = "confirmed", "Confirmed (documents or next of kin saw the body)"
    PROBABLE = "probable", "Probable (belongings, description, witnesses)"
    PRESUMED = "presumed", "Presumed (body not seen)"


class Disposition(models.TextChoices):
    PENDING = "pending", "Awaiting burial"
    BURIED = "buried", "Buried"
    CREMATED = "cremated", "Cremated"
    NOT_RECOVERED = "not_recovered", "Remains not recovered"
    RELEASED = "released", "Released to family"
