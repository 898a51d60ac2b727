from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RequestState(models.TextChoices):
    """Where a tracing request stands: open → possible match → confirmed → closed."""

    OPEN = "open", _("Open")
    POSSIBLE_MATCH = "possible_match", _("Possible match")
    CONFIRMED = "confirmed", _("Confirmed")
    CLOSED = "closed", _("Closed")


class Outcome(models.TextChoices):
    """What a confirmed request found."""

    NONE = "", _("Not yet")
    REUNIFIED = "reunified", _("Reunified")
    FOUND_DECEASED = "found_deceased", _("Found deceased")


class NoteStatus(models.TextChoices):
    """PFIF 1.4 note statuses."""

    NONE = "", _("No status")
    INFORMATION_SOUGHT = "information_sought", _("Information sought")
    IS_NOTE_AUTHOR = "is_note_author", _("I am this person")
    BELIEVED_ALIVE = "believed_alive", _("Believed alive")
    BELIEVED_MISSING = "believed_missing", _("Believed missing")
    BELIEVED_DEAD = "believed_dead", _("Believed dead")


class CandidateState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")


class CandidateLabel(models.TextChoices):
    LIKELY = "likely", _("Likely")
    POSSIBLE = "possible", _("Possible")


class Source(models.TextChoices):
    CAMP = "camp", _("Asked at the camp")
    PFIF = "pfif", _("PFIF import")
