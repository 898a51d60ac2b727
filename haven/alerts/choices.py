"""The CAP 1.2 code lists (stored as CAP spells them, so an export writes them as they are),
Haven's own lifecycle of an alert, and the priority table."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CapStatus(models.TextChoices):
    """CAP `status`: who the message is for. Only Actual alerts need a second approver."""

    ACTUAL = "Actual", _("Actual")
    EXERCISE = "Exercise", _("Exercise")
    SYSTEM = "System", _("System")
    TEST = "Test", _("Test")
    DRAFT = "Draft", _("Draft (never issued)")


class MsgType(models.TextChoices):
    ALERT = "Alert", _("Alert")
    UPDATE = "Update", _("Update")
    CANCEL = "Cancel", _("Cancel")


class Scope(models.TextChoices):
    PUBLIC = "Public", _("Public")
    RESTRICTED = "Restricted", _("Restricted")
    PRIVATE = "Private", _("Private")


class Category(models.TextChoices):
    GEO = "Geo", _("Geophysical")
    MET = "Met", _("Weather")
    SAFETY = "Safety", _("Safety")
    SECURITY = "Security", _("Security")
    RESCUE = "Rescue", _("Rescue")
    FIRE = "Fire", _("Fire")
    HEALTH = "Health", _("Health")
    ENV = "Env", _("Environment")
    TRANSPORT = "Transport", _("Transport")
    INFRA = "Infra", _("Infrastructure")
    CBRNE = "CBRNE", _("Chemical, biological, radiological, nuclear, explosive")
    OTHER = "Other", _("Other")


class ResponseType(models.TextChoices):
    SHELTER = "Shelter", _("Shelter in place")
    EVACUATE = "Evacuate", _("Evacuate")
    PREPARE = "Prepare", _("Prepare")
    EXECUTE = "Execute", _("Execute the plan")
    AVOID = "Avoid", _("Avoid")
    MONITOR = "Monitor", _("Monitor")
    ASSESS = "Assess", _("Assess")
    ALL_CLEAR = "AllClear", _("All clear")
    NONE = "None", _("No action")


class Urgency(models.TextChoices):
    IMMEDIATE = "Immediate", _("Immediate")
    EXPECTED = "Expected", _("Expected (within the hour)")
    FUTURE = "Future", _("Future")
    PAST = "Past", _("Past")
    UNKNOWN = "Unknown", _("Unknown")


class Severity(models.TextChoices):
    EXTREME = "Extreme", _("Extreme")
    SEVERE = "Severe", _("Severe")
    MODERATE = "Moderate", _("Moderate")
    MINOR = "Minor", _("Minor")
    UNKNOWN = "Unknown", _("Unknown")


class Certainty(models.TextChoices):
    OBSERVED = "Observed", _("Observed")
    LIKELY = "Likely", _("Likely")
    POSSIBLE = "Possible", _("Possible")
    UNLIKELY = "Unlikely", _("Unlikely")
    UNKNOWN = "Unknown", _("Unknown")


class Stage(models.TextChoices):
    """Where an alert is in Haven: drafted, approved by a second person, issued; an issued
    alert is later superseded (by its Update or Cancel). Expiry is read from `expires`."""

    DRAFT = "draft", _("draft")
    APPROVED = "approved", _("approved")
    ISSUED = "issued", _("issued")
    SUPERSEDED = "superseded", _("superseded")


class Step(models.TextChoices):
    """An entry of an alert's history."""

    DRAFTED = "drafted", _("drafted")
    APPROVED = "approved", _("approved")
    ISSUED = "issued", _("issued")
    SUPERSEDED = "superseded", _("superseded")
    MUSTER_OPENED = "muster", _("muster opened")


class Priority(models.TextChoices):
    URGENT = "urgent", _("urgent")
    HIGH = "high", _("high")
    MEDIUM = "medium", _("medium")
    LOW = "low", _("low")


# Like Sahana Eden's CAP priorities: each of urgency, severity and certainty scores 0–3
# (Unknown counts as 1: not nothing, not known to be bad), and the sum picks the priority.
URGENCY_SCORE = {"Immediate": 3, "Expected": 2, "Future": 1, "Past": 0, "Unknown": 1}
SEVERITY_SCORE = {"Extreme": 3, "Severe": 2, "Moderate": 1, "Minor": 0, "Unknown": 1}
CERTAINTY_SCORE = {"Observed": 3, "Likely": 2, "Possible": 1, "Unlikely": 0, "Unknown": 1}
PRIORITY_FLOORS = ((8, Priority.URGENT), (6, Priority.HIGH), (4, Priority.MEDIUM))


def priority(urgency: str, severity: str, certainty: str) -> Priority:
    """The priority of an alert from its urgency × severity × certainty (the table above):
    Immediate, Extreme, Observed is urgent; Future, Minor, Possible is low."""
    score = URGENCY_SCORE[urgency] + SEVERITY_SCORE[severity] + CERTAINTY_SCORE[certainty]
    for floor, level in PRIORITY_FLOORS:
        if score >= floor:
            return level
    return Priority.LOW
