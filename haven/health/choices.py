"""Health choices: injuries, causes of harm, outcomes and what the casualty register holds."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from haven.planning.triage import Algorithm, TriageCategory

ALGORITHM_CHOICES = [(algorithm.value, algorithm.label) for algorithm in Algorithm]
CATEGORY_CHOICES = [(category.value, category.label) for category in TriageCategory]


class BodyRegion(models.TextChoices):
    HEAD = "head", _("Head")
    FACE = "face", _("Face")
    NECK = "neck", _("Neck")
    CHEST = "chest", _("Chest")
    ABDOMEN = "abdomen", _("Abdomen")
    BACK = "back", _("Back and spine")
    PELVIS = "pelvis", _("Pelvis")
    LEFT_ARM = "left_arm", _("Left arm")
    RIGHT_ARM = "right_arm", _("Right arm")
    LEFT_LEG = "left_leg", _("Left leg")
    RIGHT_LEG = "right_leg", _("Right leg")
    MULTIPLE = "multiple", _("Multiple regions")


class InjuryKind(models.TextChoices):
    BURN = "burn", _("Burn")
    FRACTURE = "fracture", _("Fracture")
    AMPUTATION = "amputation", _("Amputation")
    LACERATION = "laceration", _("Laceration")
    PENETRATING = "penetrating", _("Penetrating wound")
    CRUSH = "crush", _("Crush injury")
    CONTUSION = "contusion", _("Contusion")
    HEAD_INJURY = "head_injury", _("Head injury")
    OTHER = "other", _("Other")


class Cause(models.TextChoices):
    """What harmed someone; the casualty figures are counted by it."""

    EXPLOSION = "explosion", _("Explosion or blast")
    GUNSHOT = "gunshot", _("Gunshot")
    BUILDING_COLLAPSE = "building_collapse", _("Building collapse")
    FIRE = "fire", _("Fire")
    VEHICLE = "vehicle", _("Vehicle")
    ILLNESS = "illness", _("Illness")
    EXPOSURE = "exposure", _("Exposure (cold or heat)")
    VIOLENCE = "violence", _("Other violence")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Unknown")


class Outcome(models.TextChoices):
    RECOVERING = "recovering", _("Recovering")
    RECOVERED = "recovered", _("Recovered")
    TRANSFERRED = "transferred", _("Transferred")
    DIED = "died", _("Died")


# Outcomes that end a casualty's stay in the triage queue.
FINAL_OUTCOMES = (Outcome.RECOVERED, Outcome.TRANSFERRED, Outcome.DIED)


class IdentificationConfidence(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed (documents or next of kin saw the body)")
    PROBABLE = "probable", _("Probable (belongings, description, witnesses)")
    PRESUMED = "presumed", _("Presumed (body not seen)")


class Disposition(models.TextChoices):
    PENDING = "pending", _("Awaiting burial")
    BURIED = "buried", _("Buried")
    CREMATED = "cremated", _("Cremated")
    NOT_RECOVERED = "not_recovered", _("Remains not recovered")
    RELEASED = "released", _("Released to family")
