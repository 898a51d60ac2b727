"""Tracing: requests for a sought person, their PFIF-like notes, and the candidate pairs the
matcher found (a request and a registered person, or two registered people)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from haven.people.choices import Sex
from haven.people.models import Person
from haven.tracing.choices import (
    CandidateLabel,
    CandidateState,
    NoteStatus,
    Outcome,
    RequestState,
    Source,
)

OPEN_STATES = (RequestState.OPEN, RequestState.POSSIBLE_MATCH)


class TracingRequest(models.Model):
    """Someone asking for a person: who asks, who is sought, consent, and where it stands.

    Matching runs only with consent to share (as Primero does). The state changes only
    through the services, each change with a note."""

    asker_name = models.CharField(max_length=200)
    asker_contact = models.CharField(max_length=200, blank=True)
    asker_relationship = models.CharField(max_length=100, blank=True)
    full_name = models.CharField(max_length=200)
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    alternate_names = models.TextField(blank=True, help_text="One per line.")
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    date_of_birth = models.DateField(null=True, blank=True)
    age_min = models.PositiveSmallIntegerField(null=True, blank=True)
    age_max = models.PositiveSmallIntegerField(null=True, blank=True)
    phone = models.CharField(max_length=40, blank=True, help_text="The sought person's phone.")
    origin = models.CharField(max_length=200, blank=True)
    last_seen_place = models.CharField(max_length=200, blank=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)
    distinguishing_features = models.TextField(blank=True)
    photo = models.CharField(max_length=200, blank=True, help_text="File in the private uploads.")
    consent_to_share = models.BooleanField(default=False)
    state = models.CharField(max_length=20, choices=RequestState.choices, default=RequestState.OPEN)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True, default="")
    found_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.CAMP)
    pfif_record_id = models.CharField(max_length=500, unique=True, null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "created_at"])]
        permissions = [
            ("decide_candidate", "Confirm or reject a proposed match"),
            ("scan_registry", "Scan the registry for candidate pairs"),
            ("exchange_pfif", "Export and import PFIF records"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def alternate_name_list(self) -> list[str]:
        return [name.strip() for name in self.alternate_names.splitlines() if name.strip()]

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def age_range(self) -> str:
        if self.age_min is None and self.age_max is None:
            return ""
        if self.age_min == self.age_max:
            return str(self.age_min)
        return f"{self.age_min if self.age_min is not None else '?'}–{self.age_max or '?'}"


class TracingNote(models.Model):
    """One entry of a request's history, like a PFIF note: a status, words, an author, and
    the state the request moved to (if it moved). Never edited."""

    request = models.ForeignKey(TracingRequest, on_delete=models.CASCADE, related_name="notes")
    status = models.CharField(max_length=20, choices=NoteStatus.choices, blank=True, default="")
    text = models.TextField(blank=True)
    author_name = models.CharField(max_length=200, blank=True)
    author_made_contact = models.BooleanField(null=True, blank=True)
    last_known_location = models.CharField(max_length=200, blank=True)
    linked_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(max_length=20, choices=RequestState.choices, blank=True, default="")
    pfif_note_id = models.CharField(max_length=500, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"note on request {self.request_id}: {self.status or self.text[:40]}"


class MatchKey(models.Model):
    """A blocking key of a registered person or a request: records sharing a key are
    compared, so matching one record reads an index, never the registry."""

    key = models.CharField(max_length=80)
    person = models.ForeignKey(Person, null=True, on_delete=models.CASCADE, related_name="+")
    request = models.ForeignKey(
        TracingRequest, null=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["key"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=True) ^ Q(request__isnull=True),
                name="match_key_of_one_record",
            )
        ]

    def __str__(self) -> str:
        return self.key


class Candidate(models.Model):
    """A pair the matcher judged possibly or likely one person: a request and a registered
    person, or two registered people (`first_person`). A tracing officer confirms or rejects
    it; a rejected pair is never proposed again, and nothing is ever merged automatically."""

    request = models.ForeignKey(
        TracingRequest, null=True, blank=True, on_delete=models.CASCADE, related_name="candidates"
    )
    first_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    probability = models.FloatField()
    match_weight = models.FloatField()
    label = models.CharField(max_length=10, choices=CandidateLabel.choices)
    evidence = models.JSONField(default=list, help_text="[{field, level, weight, words}]")
    state = models.CharField(
        max_length=10, choices=CandidateState.choices, default=CandidateState.PROPOSED
    )
    found_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-probability", "id"]
        indexes = [models.Index(fields=["state", "label"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(request__isnull=True) ^ Q(first_person__isnull=True),
                name="candidate_of_request_or_person",
            ),
            models.UniqueConstraint(
                fields=["request", "person"],
                condition=Q(request__isnull=False),
                name="one_candidate_per_request_and_person",
            ),
            models.UniqueConstraint(
                fields=["first_person", "person"],
                condition=Q(first_person__isnull=False),
                name="one_candidate_per_pair_of_people",
            ),
        ]

    def __str__(self) -> str:
        subject = f"request {self.request_id}" if self.request_id else f"#{self.first_person_id}"
        return f"{subject} ~ #{self.person_id} ({self.label} {self.probability:.2f})"

    @property
    def is_proposed(self) -> bool:
        return self.state == CandidateState.PROPOSED

    @property
    def summary(self) -> str:
        """The evidence for and against, strongest first, in one line (the phone's left out:
        it is contact, shown apart to those who may see it)."""
        ranked = sorted(self.evidence, key=lambda item: -abs(item.get("weight", 0)))
        return "; ".join(
            item["words"]
            for item in ranked
            if item.get("level") != "missing" and item.get("field") != "phone"
        )


class StoredModel(models.Model):
    """The match model the last registry scan estimated (m and u per level), so matching
    one record scores with weights learnt from the whole registry."""

    estimated_at = models.DateTimeField(default=timezone.now)
    records = models.PositiveIntegerField()
    parameters = models.JSONField()

    class Meta:
        ordering = ["-estimated_at", "-id"]

    def __str__(self) -> str:
        return f"match model of {self.records} records ({self.estimated_at:%Y-%m-%d %H:%M})"
