"""Muster use cases: open a roll call, check people in, close it, mark some or all of the
unaccounted missing, and undo a mistaken batch.

Who is expected and where each person is comes from `haven.people.accounting` (one
definition). Status changes go through `haven.people.services`, as new events.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.audit.trail import audited, read_only
from haven.core.errors import HavenError, NotFoundError
from haven.core.services import Author, acting_user, event_time
from haven.people import accounting
from haven.people.choices import IN_CAMP, Status
from haven.people.models import (
    MissingBatch,
    MissingMark,
    Muster,
    MusterCheckIn,
    MusterElsewhere,
    MusterUnaccounted,
    Person,
    StatusEvent,
)
from haven.people.services import (
    change_status,
    change_statuses,
    status_before_missing,
)

LABEL_MAX = 120
NOTE_MAX = 120  # the muster's reference and a note must fit a status event's reason (300)
BULK_BATCH = 1000
ID_MAX = 2**63 - 1  # the largest id a database column holds


def _text(value: str, what: str, limit: int) -> str:
    value = value.strip()
    if len(value) > limit:
        raise HavenError(
            _("%(what)s is %(count)s characters long: at most %(limit)s")
            % {"what": what, "count": len(value), "limit": limit}
        )
    return value


@read_only
def get_muster(muster_id: int) -> Muster:
    found = Muster.objects.filter(pk=muster_id).first() if 0 < muster_id <= ID_MAX else None
    if found is None:
        raise NotFoundError(_("no muster with id %(muster_id)s") % {"muster_id": muster_id})
    return found


@read_only
def get_batch(muster: Muster, batch_id: int) -> MissingBatch:
    """One of `muster`'s missing batches."""
    found = (
        MissingBatch.objects.filter(pk=batch_id, muster=muster).first()
        if 0 < batch_id <= ID_MAX
        else None
    )
    if found is None:
        raise NotFoundError(
            _("no missing batch with id %(batch_id)s at muster %(pk)s")
            % {"batch_id": batch_id, "pk": muster.pk}
        )
    return found


@read_only
def open_muster_or_none() -> Muster | None:
    return Muster.objects.filter(closed_at__isnull=True).order_by("-opened_at").first()


@read_only
def last_muster() -> Muster | None:
    return Muster.objects.order_by("-opened_at", "-id").first()


@audited("people.open_muster")
@transaction.atomic
def open_muster(
    *, by: Author, label: str = "", place: str = "", at: datetime | None = None
) -> Muster:
    """Start a roll call; only one may be open at a time."""
    label = _text(label, "the muster's label", LABEL_MAX)
    place = _text(place, "the muster's place", LABEL_MAX)
    current = Muster.objects.select_for_update().filter(closed_at__isnull=True).first()
    if current is not None:
        raise HavenError(
            _("muster %(pk)s (%(label)s) is still open: close it first")
            % {"pk": current.pk, "label": current.label}
        )
    now = event_time(at, "opening time")
    return Muster.objects.create(
        label=label or f"Roll call {timezone.localtime(now):%a %d %b %H:%M}",
        place=place,
        opened_at=now,
        opened_by=acting_user(by),
    )


@dataclass(frozen=True, slots=True)
class CheckInResult:
    check_in: MusterCheckIn
    created: bool
    status_event: StatusEvent | None = None


@audited("people.check_in")
def check_in(
    *, by: Author, muster: Muster, person: Person, at: datetime | None = None
) -> CheckInResult:
    """Mark a person as here; checking in twice is harmless. Someone missing who answers goes
    back to the status they had before they went missing (an injured person stays injured)."""
    try:
        with transaction.atomic():
            return _check_in(by=by, muster=muster, person=person, at=at)
    except IntegrityError:
        # Another clerk checked the same person in at the same moment: theirs stands.
        existing = MusterCheckIn.objects.get(muster=muster, person=person)
        return CheckInResult(check_in=existing, created=False)


def _check_in(*, by: Author, muster: Muster, person: Person, at: datetime | None) -> CheckInResult:
    muster = Muster.objects.get(pk=muster.pk)
    person = Person.objects.get(pk=person.pk)
    if not muster.is_open:
        raise HavenError(
            _("muster %(pk)s (%(label)s) is closed") % {"pk": muster.pk, "label": muster.label}
        )
    existing = MusterCheckIn.objects.filter(muster=muster, person=person).first()
    if existing is not None:
        return CheckInResult(check_in=existing, created=False)
    if person.status in (Status.DECEASED, Status.DEPARTED):
        raise HavenError(
            _(
                "%(full_name)s is recorded %(get_status_display)s: "
                "record a return or a correction first"
            )
            % {
                "full_name": person.full_name,
                "get_status_display": person.get_status_display().lower(),
            }
        )
    when = event_time(at, "check-in time")
    if when < muster.opened_at:
        raise HavenError(
            _("check-in time %(when)s is before the muster opened") % {"when": when.isoformat()}
        )
    event = None
    if person.status == Status.MISSING:
        event = change_status(
            by=by,
            person=person,
            status=status_before_missing(person),
            reason=f"answered {muster.reference}",
            place=muster.place,
            occurred_at=max(when, person.status_changed_at),
        )
    record = MusterCheckIn.objects.create(
        muster=muster, person=person, checked_by=acting_user(by), checked_at=when
    )
    return CheckInResult(check_in=record, created=True, status_event=event)


@dataclass(slots=True)
class BulkCheckInResult:
    checked_in: list[Person] = field(default_factory=list)
    already: list[Person] = field(default_factory=list)


@audited("people.check_in_many")
@transaction.atomic
def check_in_many(
    *, by: Author, muster: Muster, person_ids: Sequence[int], at: datetime | None = None
) -> BulkCheckInResult:
    """Check in everyone ticked on a paper muster sheet, all or none: one name that cannot be
    checked in (unknown, deceased, departed) names itself and nothing is written."""
    if not person_ids:
        raise HavenError("person: tick at least one person to check in")
    wanted = list(dict.fromkeys(person_ids))
    people = Person.objects.in_bulk(wanted)
    unknown = [pk for pk in wanted if pk not in people]
    if unknown:
        raise HavenError(f"person: no person with id {unknown[0]}")
    result = BulkCheckInResult()
    for pk in wanted:
        try:
            with transaction.atomic():
                done = _check_in(by=by, muster=muster, person=people[pk], at=at)
        except IntegrityError:
            # Another clerk checked the same person in at the same moment: theirs stands.
            result.already.append(people[pk])
            continue
        (result.checked_in if done.created else result.already).append(people[pk])
    return result


@audited("people.close_muster")
@transaction.atomic
def close_muster(*, by: Author, muster: Muster, at: datetime | None = None) -> Muster:
    """End the roll call: record where everyone who did not answer was (accounted for
    elsewhere, or unaccounted), and fix the muster's figures as they are now."""
    muster = Muster.objects.select_for_update().get(pk=muster.pk)
    if not muster.is_open:
        raise HavenError(
            _("muster %(pk)s (%(label)s) is already closed")
            % {"pk": muster.pk, "label": muster.label}
        )
    when = event_time(at, "closing time")
    if when < muster.opened_at:
        raise HavenError(
            _("closing time %(when)s is before the muster opened") % {"when": when.isoformat()}
        )
    groups = accounting.elsewhere_groups()
    labels = {group.key: group.label for group in groups}
    rows = (
        accounting.placed(muster, groups)
        .exclude(whereabouts=accounting.CHECKED_IN)
        .values_list("pk", "status", "whereabouts")
        .order_by("pk")
    )
    elsewhere_count = unaccounted_count = 0
    elsewhere: list[MusterElsewhere] = []
    missing: list[MusterUnaccounted] = []
    for pk, status, where in rows.iterator(chunk_size=BULK_BATCH):
        if where == accounting.UNACCOUNTED:
            missing.append(MusterUnaccounted(muster=muster, person_id=pk, status_at_close=status))
        else:
            elsewhere.append(
                MusterElsewhere(
                    muster=muster,
                    person_id=pk,
                    group=where,
                    label=labels[where],
                    status_at_close=status,
                )
            )
        if len(elsewhere) >= BULK_BATCH:
            elsewhere_count += len(MusterElsewhere.objects.bulk_create(elsewhere))
            elsewhere = []
        if len(missing) >= BULK_BATCH:
            unaccounted_count += len(MusterUnaccounted.objects.bulk_create(missing))
            missing = []
    elsewhere_count += len(MusterElsewhere.objects.bulk_create(elsewhere))
    unaccounted_count += len(MusterUnaccounted.objects.bulk_create(missing))
    muster.closed_at = when
    muster.closed_by = acting_user(by)
    muster.checked_in_count = muster.check_ins.count()
    muster.elsewhere_count = elsewhere_count
    muster.unaccounted_count = unaccounted_count
    muster.expected_count = muster.checked_in_count + elsewhere_count + unaccounted_count
    muster.save(
        update_fields=[
            "closed_at",
            "closed_by",
            "checked_in_count",
            "elsewhere_count",
            "unaccounted_count",
            "expected_count",
        ]
    )
    return muster


# --- the unaccounted, marked missing and undone -------------------------------------------


@dataclass(frozen=True, slots=True)
class Unaccounted:
    """One person a closed muster left unaccounted for, and whether they may be marked
    missing now (`why_not` says why not: "now in the clinic", "answered muster #13")."""

    person: Person
    status_at_close: str
    why_not: str = ""

    @property
    def markable(self) -> bool:
        return not self.why_not


@read_only
def unaccounted_now(muster: Muster, limit: int | None = None) -> list[Unaccounted]:
    """A closed muster's unaccounted, by name, each with whether they may be marked missing.
    A constant number of queries."""
    if muster.is_open:
        raise HavenError(
            _("muster %(pk)s (%(label)s) is still open: close it first")
            % {"pk": muster.pk, "label": muster.label}
        )
    listed = muster.unaccounted.select_related("person").order_by("person__full_name", "person_id")
    rows = list(listed[:limit] if limit is not None else listed)
    ids = muster.unaccounted.values("person_id")
    already = dict(
        MissingMark.objects.filter(
            batch__muster=muster, undo_event__isnull=True, person_id__in=ids
        ).values_list("person_id", "batch_id")
    )
    later = dict(
        MusterCheckIn.objects.filter(person_id__in=ids, muster__opened_at__gte=muster.opened_at)
        .exclude(muster=muster)
        .values_list("person_id", "muster_id")
    )
    elsewhere = accounting.where_now(ids)
    result = []
    for row in rows:
        person = row.person
        why = ""
        if person.pk in already:
            why = f"marked missing in batch #{already[person.pk]}"
            if person.status != Status.MISSING:
                why += f", {person.get_status_display().lower()} now"
        elif person.status not in IN_CAMP:
            why = f"now {person.get_status_display().lower()}"
        elif person.pk in later:
            why = f"answered muster #{later[person.pk]} since"
        elif person.pk in elsewhere:
            why = f"now {elsewhere[person.pk]}"
        result.append(Unaccounted(person, row.status_at_close, why))
    return result


@read_only
def missing_reason(muster: Muster) -> str:
    """What a status event says of someone a muster left unaccounted for."""
    assert muster.closed_at is not None
    return f"not at {muster.reference} closed {timezone.localtime(muster.closed_at):%H:%M}"


@dataclass(frozen=True, slots=True)
class LeftAlone:
    person: Person
    why: str

    def __str__(self) -> str:
        return f"{self.person.full_name} ({self.why})"


@dataclass(slots=True)
class MarkResult:
    batch: MissingBatch
    marks: list[MissingMark]
    left_alone: list[LeftAlone] = field(default_factory=list)


@audited("people.mark_missing")
@transaction.atomic
def mark_missing(
    *,
    by: Author,
    muster: Muster,
    person_ids: Sequence[int] | None = None,
    note: str = "",
    at: datetime | None = None,
) -> MarkResult:
    """Mark some (`person_ids`) or all (None) of those a closed muster left unaccounted for
    as missing, in one batch that can be undone; each event names the muster.

    Everyone chosen must still be markable (in camp, not accounted for elsewhere now, not
    answered a later muster, not already marked): otherwise nothing is marked and the error
    names them. With None, everyone markable is marked and the rest left alone, named.
    """
    note = _text(note, "the note", NOTE_MAX)
    muster = Muster.objects.select_for_update().get(pk=muster.pk)
    if muster.is_open:
        raise HavenError(
            _("%(reference)s is still open: close it first") % {"reference": muster.reference}
        )
    rows = unaccounted_now(muster)
    left_alone: list[LeftAlone] = []
    if person_ids is None:
        chosen = [row for row in rows if row.markable]
        left_alone = [LeftAlone(row.person, row.why_not) for row in rows if not row.markable]
        if not chosen:
            raise HavenError(
                _("nobody left unaccounted for at %(reference)s can be marked missing now")
                % {"reference": muster.reference}
            )
    else:
        wanted = list(dict.fromkeys(person_ids))
        if not wanted:
            raise HavenError(_("choose at least one person to mark missing"))
        by_id = {row.person.pk: row for row in rows}
        strangers = [str(pk) for pk in wanted if pk not in by_id]
        if strangers:
            more = f" and {len(strangers) - 10} more" if len(strangers) > 10 else ""
            raise HavenError(
                _("not unaccounted for at %(reference)s: person id %(names)s%(more)s")
                % {"reference": muster.reference, "names": ", ".join(strangers[:10]), "more": more}
            )
        chosen = [by_id[pk] for pk in wanted]
        refused = [f"{row.person.full_name} ({row.why_not})" for row in chosen if row.why_not]
        if refused:
            raise HavenError(_("cannot mark missing: %(names)s") % {"names": "; ".join(refused)})
    when = event_time(at, "time marked missing")
    assert muster.closed_at is not None
    if when < muster.closed_at:
        raise HavenError(
            _("time marked missing %(when)s is before the muster closed")
            % {"when": when.isoformat()}
        )
    reason = missing_reason(muster) + (f": {note}" if note else "")
    batch = MissingBatch.objects.create(
        muster=muster, marked_at=when, marked_by=acting_user(by), note=note
    )
    events = change_statuses(
        by=by,
        changes=[(row.person.pk, Status.MISSING) for row in chosen],
        reason=reason,
        place=muster.place,
        occurred_at=when,
    )
    marks = MissingMark.objects.bulk_create(
        (MissingMark(batch=batch, person_id=event.person_id, event=event) for event in events),
        batch_size=BULK_BATCH,
    )
    return MarkResult(batch=batch, marks=marks, left_alone=left_alone)


@dataclass(slots=True)
class UndoResult:
    batch: MissingBatch
    restored: list[StatusEvent]
    left_alone: list[LeftAlone] = field(default_factory=list)


@audited("people.undo_missing_batch")
@transaction.atomic
def undo_missing_batch(
    *, by: Author, batch: MissingBatch, reason: str = "", at: datetime | None = None
) -> UndoResult:
    """Undo a mistaken "mark missing" in one action: each person in the batch goes back to
    the status they had, by a new correction event (history kept, nothing deleted).
    Someone whose status has changed since (found, triaged, died) is left alone, named."""
    reason = _text(reason, "the reason", NOTE_MAX)
    batch = MissingBatch.objects.select_for_update().select_related("muster").get(pk=batch.pk)
    if batch.undone_at is not None:
        raise HavenError(
            _("missing batch %(pk)s of %(reference)s was already undone at %(undone_at)s")
            % {
                "pk": batch.pk,
                "reference": batch.muster.reference,
                "undone_at": f"{timezone.localtime(batch.undone_at):%H:%M}",
            }
        )
    marks = list(batch.marks.select_related("person", "event").order_by("person__full_name"))
    ids = [mark.person_id for mark in marks]
    last_event: dict[int, int] = {}
    for start in range(0, len(ids), BULK_BATCH):
        last_event.update(
            StatusEvent.objects.filter(person_id__in=ids[start : start + BULK_BATCH])
            .values("person_id")
            .annotate(last=Max("id"))
            .values_list("person_id", "last")
        )
    restore = [mark for mark in marks if last_event.get(mark.person_id) == mark.event_id]
    left_alone = [
        LeftAlone(
            mark.person,
            f"{mark.person.get_status_display().lower()} since "
            f"{timezone.localtime(mark.person.status_changed_at):%d %b %H:%M}",
        )
        for mark in marks
        if last_event.get(mark.person_id) != mark.event_id
    ]
    text = f"undo of missing batch #{batch.pk} at muster #{batch.muster.pk}"
    events = change_statuses(
        by=by,
        changes=[(mark.person_id, mark.event.previous_status) for mark in restore],
        reason=f"{text}: {reason}" if reason else text,
        occurred_at=at,
        correction=True,
    )
    by_person = {event.person_id: event for event in events}
    for mark in restore:
        mark.undo_event = by_person[mark.person_id]
    MissingMark.objects.bulk_update(restore, ["undo_event"], batch_size=BULK_BATCH)
    batch.undone_at = events[0].occurred_at if events else event_time(at, "time undone")
    batch.undone_by = acting_user(by)
    batch.undo_reason = reason
    batch.save(update_fields=["undone_at", "undone_by", "undo_reason"])
    return UndoResult(batch=batch, restored=events, left_alone=left_alone)
