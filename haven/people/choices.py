from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    """Where a person stands; every change is a StatusEvent."""

    PRESENT = "present", _("Present")
    INJURED = "injured", _("Injured")
    MISSING = "missing", _("Missing")
    DECEASED = "deceased", _("Deceased")
    DEPARTED = "departed", _("Departed")
    # A duplicate registration joined to the record kept (haven.people.merging); undoable.
    MERGED = "merged", _("Merged")


# Who is in camp and eats, sleeps and answers a muster.
IN_CAMP = (Status.PRESENT, Status.INJURED)

STATUS_COLOURS = {
    Status.PRESENT: "#2e7d32",
    Status.INJURED: "#ef6c00",
    Status.MISSING: "#6a1b9a",
    Status.DECEASED: "#37474f",
    Status.DEPARTED: "#1565c0",
    Status.MERGED: "#9e9e9e",
}


class Sex(models.TextChoices):
    FEMALE = "f", _("Female")
    MALE = "m", _("Male")
    OTHER = "x", _("Other")
    UNKNOWN = "u", _("Unknown")


AGE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("0–4", 0, 5),
    ("5–17", 5, 18),
    ("18–59", 18, 60),
    ("60+", 60, None),
)

DEFAULT_SKILLS = (
    ("medic", "Medic"),
    ("nursing", "Nursing"),
    ("excavation", "Excavation"),
    ("fabrication", "Fabrication"),
    ("engineering", "Engineering"),
    ("cooking", "Cooking"),
    ("scouting", "Scouting"),
    ("driving", "Driving"),
    ("radio", "Radio"),
    ("security", "Security"),
    ("teaching", "Teaching"),
    ("translation", "Translation"),
    ("carpentry", "Carpentry"),
    ("water", "Water and sanitation"),
)
