from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Collection
from contextlib import nullcontext
from datetime import date
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from haven.core.limits import SEARCH_MAX_LENGTH, SEARCH_MAX_WORDS, as_id
from haven.people.choices import IN_CAMP, Sex, Status
from haven.planning.matching.normalise import search_key, search_terms

# Nobody recorded alive is older than this; a date of birth before it is a typing mistake.
OLDEST_AGE_YEARS = 130


def fold(text: str) -> str:
    """Lower-case, accents stripped: how names are matched in search."""
    if text.isascii():  # nothing to decompose (most names; an import folds a million)
        return text.casefold()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


FULL_NAME_LENGTH = 200


def person_search_key(full_name: str, given: str, family: str, alternates: str) -> str:
    """The indexed tokens a person is found by (`haven.planning.matching.normalise`)."""
    return search_key(full_name, [given, family, *alternates.splitlines()])


class Skill(models.Model):
    """Something a person can do for the camp (medic, excavation, fabrication, …); extensible."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=80)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Household(models.Model):
    """People who live and eat together; kept together when shelter is allocated."""

    # Indexed: an import finds each batch's households by name among all the camp's.
    name = models.CharField(max_length=120, db_index=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    """A working unit (search team, kitchen, workshop, guard)."""

    name = models.CharField(max_length=120, unique=True)
    purpose = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PersonQuerySet(models.QuerySet["Person"]):
    # Bulk writes keep the headcount classes (haven.people.aggregates) exact, like save().

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[Person]:
        from haven.people import aggregates, nametokens

        objs = list(objs)
        for person in objs:
            if not person.search_key:
                person.search_key = person_search_key(
                    person.full_name, person.given_name, person.family_name, person.alternate_names
                )
        with transaction.atomic():
            created = super().bulk_create(objs, *args, **kwargs)
            aggregates.apply(Counter(aggregates.key_of(person) for person in created))
            nametokens.add(
                (person.pk, person.search_key) for person in created if person.pk is not None
            )
        for person in created:
            person._stored_search_key = person.search_key
        return created

    def update(self, **kwargs: Any) -> int:
        from haven.people import aggregates, nametokens

        counted = not aggregates.PERSON_FIELDS.isdisjoint(
            name.removesuffix("_id") for name in kwargs
        )
        if not counted and "search_key" not in kwargs:
            return super().update(**kwargs)
        with transaction.atomic():
            ids = list(self.values_list("pk", flat=True))
            with aggregates.moving(ids) if counted else nullcontext():
                updated = super().update(**kwargs)
            if "search_key" in kwargs:
                nametokens.refresh(ids)
            return updated

    def bulk_update(self, objs: Any, fields: Any, *args: Any, **kwargs: Any) -> int:
        from haven.people import aggregates, nametokens

        objs, fields = list(objs), list(fields)
        counted = not aggregates.PERSON_FIELDS.isdisjoint(
            name.removesuffix("_id") for name in fields
        )
        if not counted and "search_key" not in fields:
            return super().bulk_update(objs, fields, *args, **kwargs)
        ids = [person.pk for person in objs]
        with transaction.atomic():
            with aggregates.moving(ids) if counted else nullcontext():
                updated = super().bulk_update(objs, fields, *args, **kwargs)
            if "search_key" in fields:
                nametokens.refresh(ids)
                for person in objs:
                    person._stored_search_key = person.search_key
            return updated

    def in_camp(self) -> PersonQuerySet:
        """Present or injured: those who eat, sleep here and answer a muster."""
        return self.filter(status__in=IN_CAMP)

    def search(self, query: str, *, names_only: bool = False) -> PersonQuerySet:
        """Match any name or alternate name (accents and case ignored), or an id; forgiving.

        Each word matches as written, or as a spelling of the same name: another
        transliteration or script ("Akobirow", "Олена", "محمد"), a variant ("Mohamed" for
        Muhammad), or a typo that keeps the sound. Closer matches rank first. The forgiving
        part reads the indexed `search_key` (kept in step on every save and import).

        `names_only` (for a reader who sees names but not identity — the access policy)
        matches the full name and the id only: a search must not find people by what the
        reader may not see.

        Only the first SEARCH_MAX_WORDS words count (the API refuses more): a query of
        thousands of words would be a query the database cannot plan."""
        query = query.strip()[:SEARCH_MAX_LENGTH]
        if not query:
            return self
        by_id = models.Q() if names_only else models.Q(record_id__iexact=query)
        if (number := as_id(query)) is not None:
            by_id |= models.Q(pk=number)
        by_name = models.Q()
        rank: Any = models.Value(0)
        for word in query.split()[:SEARCH_MAX_WORDS]:
            if names_only:
                as_written = models.Q(full_name__icontains=word)
            else:
                as_written = models.Q(search_text__contains=fold(word))
            loosely, by_sound = models.Q(pk__in=[]), models.Q(pk__in=[])
            start = " " if names_only else ""
            for terms in search_terms(word):
                loosely |= models.Q(search_key__contains=start + terms.loose)
                for token in terms.tokens:
                    by_sound |= models.Q(search_key__contains=f"{start}{token} ")
            by_name &= as_written | loosely | by_sound
            rank = rank + models.Case(
                models.When(as_written, then=models.Value(3)),
                models.When(loosely, then=models.Value(2)),
                default=models.Value(1),
            )
        return (
            self.filter(by_id | by_name)
            .annotate(search_rank=rank)
            .order_by("-search_rank", "family_name", "given_name", "id")
        )


class Person(models.Model):
    """Someone in the camp's registry, alive or dead, here or gone; status comes from events."""

    record_id = models.CharField(max_length=100, unique=True, null=True, blank=True)
    full_name = models.CharField(max_length=FULL_NAME_LENGTH)
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    alternate_names = models.TextField(blank=True, help_text="One per line.")
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    date_of_birth = models.DateField(null=True, blank=True)
    birth_date_is_estimate = models.BooleanField(default=False)
    phone = models.CharField(max_length=40, blank=True)
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    skills = models.ManyToManyField(Skill, blank=True, related_name="people")
    special_needs = models.TextField(blank=True)
    extra_energy_kcal = models.PositiveIntegerField(
        default=0, help_text="Daily energy needed above the standard ration (kcal)."
    )
    pregnant_or_lactating = models.BooleanField(default=False)
    languages = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PRESENT)
    status_changed_at = models.DateTimeField(default=timezone.now)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="merged_records",
        help_text="The record kept when this one was merged into it as a duplicate.",
    )
    search_text = models.TextField(editable=False, default="")
    # Every name as tokens that other spellings and scripts of it share (search that forgives).
    search_key = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(default=timezone.now)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["family_name", "given_name", "id"]
        indexes = [
            models.Index(fields=["status"]),
            models.Index(fields=["sex", "date_of_birth"]),
            # The people list's order, so a page of 50 is read off the index.
            models.Index(fields=["family_name", "given_name", "id"]),
        ]
        permissions = [
            ("view_person_details", "See a person's full record, not only the name"),
            ("change_status", "Record a status change"),
            ("run_muster", "Open and close musters, mark the unaccounted missing"),
            ("check_in_muster", "Check people in at a muster"),
            ("record_departure", "Record departures and returns"),
            ("import_people", "Import people from a file"),
            ("export_people", "Export the registry"),
            ("merge_people", "Merge duplicate records of one person, and undo a merge"),
        ]

    def __str__(self) -> str:
        return self.full_name

    # The key as stored, so that a save rewrites only the name tokens that changed
    # (None: not read, e.g. deferred, and then every token is rewritten).
    _stored_search_key: str | None = None

    def save(self, *args: Any, **kwargs: Any) -> None:
        from haven.people import nametokens

        self.refresh_search_text()
        fields = kwargs.get("update_fields")
        if fields is not None and "search_key" not in fields:
            super().save(*args, **kwargs)
            return
        before = "" if self._state.adding else self._stored_search_key
        with transaction.atomic():
            super().save(*args, **kwargs)
            if before != self.search_key:
                nametokens.replace(self.pk, before=before, after=self.search_key)
        self._stored_search_key = self.search_key

    @classmethod
    def from_db(
        cls, db: str | None, field_names: Collection[str], values: Collection[Any], **kwargs: Any
    ) -> Person:
        person = super().from_db(db, field_names, values, **kwargs)
        person._stored_search_key = person.__dict__.get("search_key")
        return person

    def refresh_from_db(self, *args: Any, **kwargs: Any) -> None:
        super().refresh_from_db(*args, **kwargs)
        fields = kwargs.get("fields", args[1] if len(args) > 1 else None)
        if fields is None or "search_key" in fields:
            self._stored_search_key = self.__dict__.get("search_key")

    def refresh_search_text(self) -> None:
        composed = f"{self.given_name} {self.family_name}".strip()
        # Given and family name may each fill their column: together they may not fill this one.
        self.full_name = self.full_name.strip() or composed[:FULL_NAME_LENGTH]
        names = [self.full_name, self.given_name, self.family_name, self.alternate_names]
        self.search_text = fold(" ".join(names))
        self.search_key = person_search_key(
            self.full_name, self.given_name, self.family_name, self.alternate_names
        )

    @property
    def alternate_name_list(self) -> list[str]:
        return [name.strip() for name in self.alternate_names.splitlines() if name.strip()]

    def age_years(self, on: date | None = None) -> int | None:
        if self.date_of_birth is None:
            return None
        on = on or timezone.localdate()
        born = self.date_of_birth
        return on.year - born.year - ((on.month, on.day) < (born.month, born.day))

    @property
    def problems(self) -> list[str]:
        """What is impossible in this record as stored (it may have been written around the
        services); values are left out, so any role that sees the row may see this."""
        found = []
        if self.date_of_birth is not None:
            age = self.age_years()
            if age is not None and age < 0:
                found.append("date of birth is in the future")
            elif age is not None and age > OLDEST_AGE_YEARS:
                found.append(f"date of birth is more than {OLDEST_AGE_YEARS} years ago")
        return found

    @property
    def is_in_camp(self) -> bool:
        return self.status in IN_CAMP

    @property
    def display_id(self) -> str:
        return self.record_id or f"#{self.pk}"


class PersonMerge(models.Model):
    """Two records of one person joined: the merged record's history (status events,
    treatments, stays, hand-outs …) moved to the kept one. `moved` lists the rows moved, by
    model and field, so that the merge can be undone exactly; an undone merge stays as
    history."""

    kept = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_kept")
    merged = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_merged")
    reason = models.CharField(max_length=300, blank=True)
    merged_at = models.DateTimeField(default=timezone.now)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    status_before = models.CharField(max_length=20, choices=Status.choices)
    moved = models.JSONField(default=dict, help_text='{"app.model.field": [ids]}')
    left = models.JSONField(
        default=dict, help_text="rows that could not move (one allowed per person), by model"
    )
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-merged_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["merged"],
                condition=models.Q(undone_at__isnull=True),
                name="people_one_live_merge_per_record",
            )
        ]

    def __str__(self) -> str:
        return f"{self.merged_id} merged into {self.kept_id}"


class PersonRevision(models.Model):
    """An edit of a person's details: the fields changed, old and new; never edited itself."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="revisions")
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    changes = models.JSONField(help_text="{field: [old, new]}")

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.person_id} edited {self.changed_at:%Y-%m-%d %H:%M}"


class StatusEvent(models.Model):
    """One change of a person's status, with time, author, reason and place; append-only."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="status_events")
    previous_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices)
    occurred_at = models.DateTimeField(default=timezone.now)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=300, blank=True)
    place = models.CharField(max_length=200, blank=True)
    is_correction = models.BooleanField(default=False)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["person", "occurred_at"])]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.previous_status or 'registered'} → {self.status}"


class Departure(models.Model):
    """Someone leaving the camp: why, where to, and what equipment they handed back."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="departures")
    left_at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=300)
    destination = models.CharField(max_length=200, blank=True)
    equipment_returned = models.TextField(blank=True)
    expected_back = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    status_event = models.OneToOneField(StatusEvent, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-left_at", "-id"]

    def __str__(self) -> str:
        return f"{self.person_id} left {self.left_at:%Y-%m-%d}: {self.reason}"


class Return(models.Model):
    """Someone coming back after a departure (or after being missing)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="returns")
    departure = models.ForeignKey(
        Departure, null=True, blank=True, on_delete=models.PROTECT, related_name="returns"
    )
    returned_at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    status_event = models.OneToOneField(StatusEvent, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-returned_at", "-id"]

    def __str__(self) -> str:
        return f"{self.person_id} returned {self.returned_at:%Y-%m-%d}"


class Muster(models.Model):
    """A roll call: open it, check people in, close it and see who is unaccounted for.

    Everyone in camp is expected. While the muster is open its four figures are live;
    closing fixes them: expected = checked in + accounted for elsewhere + unaccounted.
    """

    label = models.CharField(max_length=120)
    place = models.CharField(max_length=120, blank=True)
    opened_at = models.DateTimeField(default=timezone.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The figures at closing (empty while open, when they are counted live).
    expected_count = models.PositiveIntegerField(null=True, blank=True)
    checked_in_count = models.PositiveIntegerField(null=True, blank=True)
    elsewhere_count = models.PositiveIntegerField(null=True, blank=True)
    unaccounted_count = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]

    def __str__(self) -> str:
        return f"{self.label} ({self.opened_at:%Y-%m-%d %H:%M})"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def reference(self) -> str:
        """How status events and messages name this muster: "muster #12 'Evening roll call'"."""
        return f"muster #{self.pk} '{self.label}'"


class MusterCheckIn(models.Model):
    """A person answering a muster; one per person per muster, whichever clerk was first."""

    muster = models.ForeignKey(Muster, on_delete=models.CASCADE, related_name="check_ins")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="muster_check_ins")
    checked_at = models.DateTimeField(default=timezone.now)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["muster", "person"], name="one_check_in_per_muster")
        ]
        ordering = ["-checked_at", "-id"]

    def __str__(self) -> str:
        return f"{self.person_id} at muster {self.muster_id}"


class MusterElsewhere(models.Model):
    """Someone who did not answer a muster but was accounted for elsewhere when it closed
    (in the clinic, out on a mission), as another app reported them."""

    muster = models.ForeignKey(Muster, on_delete=models.CASCADE, related_name="elsewhere")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    group = models.CharField(max_length=80, help_text="The reporting group's key, e.g. clinic.")
    label = models.CharField(max_length=120, help_text="Where they were, e.g. 'in the clinic'.")
    status_at_close = models.CharField(max_length=20, choices=Status.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["muster", "person"], name="one_elsewhere_per_muster")
        ]
        indexes = [models.Index(fields=["muster", "group"])]

    def __str__(self) -> str:
        return f"{self.person_id} {self.label} at muster {self.muster_id}"


class MusterUnaccounted(models.Model):
    """Who had not answered, and was not accounted for elsewhere, when a muster closed."""

    muster = models.ForeignKey(Muster, on_delete=models.CASCADE, related_name="unaccounted")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    status_at_close = models.CharField(max_length=20, choices=Status.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["muster", "person"], name="one_unaccounted_per_muster")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} unaccounted at muster {self.muster_id}"


class MissingBatch(models.Model):
    """One "mark missing" of some of a closed muster's unaccounted; undone as a whole by new
    (correction) events, never by deleting anything."""

    muster = models.ForeignKey(Muster, on_delete=models.PROTECT, related_name="missing_batches")
    marked_at = models.DateTimeField(default=timezone.now)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    undo_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-marked_at", "-id"]
        verbose_name_plural = "missing batches"

    def __str__(self) -> str:
        return f"batch #{self.pk} of muster {self.muster_id}"

    @property
    def is_undone(self) -> bool:
        return self.undone_at is not None


class MissingMark(models.Model):
    """One person marked missing in a batch: the event that did it and, if the batch was
    undone and they had not changed since, the correction that restored them."""

    batch = models.ForeignKey(MissingBatch, on_delete=models.PROTECT, related_name="marks")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    event = models.OneToOneField(StatusEvent, on_delete=models.PROTECT, related_name="+")
    undo_event = models.OneToOneField(
        StatusEvent, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["batch", "person"], name="one_mark_per_batch")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} marked missing in batch {self.batch_id}"


class HeadcountClass(models.Model):
    """How many people share one status, sex, date of birth and need class: the registry
    counted, kept up to date in the transaction of every change (`haven.people.aggregates`),
    so a dashboard or a forecast reads classes, never the people. The date of birth is kept
    as year and month (0: unknown), so an age band is worked out on the day it is read.
    `haven rebuild` proves these equal a recount."""

    status = models.CharField(max_length=20, choices=Status.choices)
    sex = models.CharField(max_length=1, choices=Sex.choices)
    birth_year = models.PositiveSmallIntegerField(help_text="0: date of birth unknown")
    birth_month = models.PositiveSmallIntegerField(help_text="1–12; 0: unknown")
    pregnant_or_lactating = models.BooleanField()
    worker = models.BooleanField(help_text="On a team: plans the moderate-activity increment.")
    extra_energy_kcal = models.PositiveIntegerField()
    people = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "status",
                    "sex",
                    "birth_year",
                    "birth_month",
                    "pregnant_or_lactating",
                    "worker",
                    "extra_energy_kcal",
                ],
                name="one_headcount_class",
            )
        ]

    def __str__(self) -> str:
        return f"{self.people} {self.status} {self.sex} born {self.birth_year}"


# A token longer than this is no name word (a pasted paragraph in an alternate name): it is
# not indexed, so no lookup can find by it (`haven.people.nametokens.tokens_of`).
NAME_TOKEN_LENGTH = 100


class NameToken(models.Model):
    """One token of a person's `search_key` (a name word's loose form, sound or skeleton,
    marked "+" for another name): the inverted index a duplicate check reads, so finding
    the namesakes of a registration costs the people who share its names, not the registry.
    Kept in the transaction of every write of a key (`haven.people.nametokens`);
    `haven rebuild` proves it equals the tokens of every key."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="name_tokens", db_index=False
    )
    token = models.CharField(max_length=NAME_TOKEN_LENGTH)

    # It describes the record, not the person's history: a merge leaves it where it is.
    stays_in_merge = True

    class Meta:
        constraints = [
            # A person's tokens are read and replaced by person (an edit, the rebuild).
            models.UniqueConstraint(fields=["person", "token"], name="people_one_name_token")
        ]
        indexes = [
            # The lookup: people by token, answered from the index alone.
            models.Index(fields=["token", "person"], name="people_name_token_lookup")
        ]

    def __str__(self) -> str:
        return f"{self.token} of {self.person_id}"
