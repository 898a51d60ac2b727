"""Unknown casualties: register someone who cannot be named, triage them at once, and
name them later.

A medic registers the casualty in one step (sex, estimated age, distinguishing features,
where found, a tag number): a placeholder person enters the registry through the people
services, injured, and the triage follows on the same person. When someone recognises
them, `identify_casualty` moves the placeholder's health records (triage, injuries,
treatments, outcomes) to the registered person — an `Identification` that can be undone
(`undo_identification` moves them back), nothing deleted.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from haven.audit.trail import audited, read_only
from haven.core.errors import HavenError
from haven.core.services import Author, acting_user, event_time, get_record
from haven.health.models import (
    Identification,
    Injury,
    OutcomeRecord,
    Treatment,
    TriageRecord,
    UnknownCasualty,
)
from haven.people import services as people
from haven.people.choices import Sex, Status
from haven.people.models import Person

TAG_LENGTH = 40
# The records that follow a casualty to their name, by the key an Identification keeps.
MOVED_RECORDS: dict[str, Any] = {
    "triage": TriageRecord,
    "injury": Injury,
    "treatment": Treatment,
    "outcome": OutcomeRecord,
}


@read_only
def get_casualty(casualty_id: int) -> UnknownCasualty:
    records = UnknownCasualty.objects.select_related("person", "identified_as")
    casualty: UnknownCasualty = get_record(records, casualty_id, "unknown casualty")
    return casualty


@audited("health.register_unknown_casualty")
@transaction.atomic
def register_unknown_casualty(
    *,
    by: Author,
    tag_number: str,
    features: str,
    sex: str = Sex.UNKNOWN,
    estimated_age: int | None = None,
    found_place: str = "",
    found_at: datetime | None = None,
) -> UnknownCasualty:
    """Register an unidentified casualty, injured, under their triage tag number."""
    tag = tag_number.strip()
    if not tag:
        raise HavenError(gettext("an unknown casualty needs a tag number"))
    if len(tag) > TAG_LENGTH:
        raise HavenError(
            gettext("tag number %(tag)r is longer than %(max)d characters")
            % {"tag": tag, "max": TAG_LENGTH}
        )
    if not features.strip():
        raise HavenError(
            gettext("describe what sets tag %(tag)s apart (distinguishing features)") % {"tag": tag}
        )
    taken = UnknownCasualty.objects.filter(tag_number=tag).select_related("person").first()
    if taken is not None:
        raise HavenError(
            gettext("tag number %(tag)r is already on %(name)s")
            % {"tag": tag, "name": taken.person.full_name}
        )
    when = event_time(found_at, "time found")
    person = people.register_person(
        by=by,
        full_name=gettext("Unknown casualty %(tag)s") % {"tag": tag},
        sex=sex,
        estimated_age=estimated_age,
        status=Status.INJURED,
        place=found_place.strip(),
        registered_at=when,
    )
    return UnknownCasualty.objects.create(
        person=person,
        tag_number=tag,
        features=features.strip(),
        found_place=found_place.strip(),
        found_at=when,
        recorded_by=acting_user(by),
    )


def _current(casualty: UnknownCasualty) -> Identification | None:
    return (
        casualty.identifications.filter(undoes__isnull=True, undone_by__isnull=True)
        .select_related("person")
        .first()
    )


@audited("health.identify_casualty")
@transaction.atomic
def identify_casualty(
    *, by: Author, casualty: UnknownCasualty, person: Person, note: str = ""
) -> Identification:
    """Name an unknown casualty as a registered person: their health records move to that
    person, who becomes injured if they were present or missing; the placeholder is
    corrected to departed ("identified as …"). Undo with `undo_identification`."""
    casualty = (
        UnknownCasualty.objects.select_for_update().select_related("person").get(pk=casualty.pk)
    )
    placeholder = casualty.person
    person = Person.objects.select_for_update().get(pk=person.pk)
    if casualty.identified_as_id is not None:
        raise HavenError(
            gettext("tag %(tag)s is already identified as %(name)s; undo that first")
            % {"tag": casualty.tag_number, "name": casualty.identified_as}
        )
    if person.pk == placeholder.pk:
        raise HavenError(gettext("a casualty cannot be identified as their own placeholder"))
    if hasattr(person, "unknown_casualty"):
        raise HavenError(
            gettext("%(name)s is another unknown casualty, not a registered person")
            % {"name": person.full_name}
        )
    if person.status == Status.DECEASED:
        raise HavenError(
            gettext("%(name)s is recorded deceased: correct that before identifying tag %(tag)s")
            % {"name": person.full_name, "tag": casualty.tag_number}
        )
    moved = _move(placeholder, person, None)
    if person.status in (Status.PRESENT, Status.MISSING, Status.DEPARTED):
        people.change_status(
            by=by,
            person=person,
            status=placeholder.status,
            reason=gettext("identified as unknown casualty %(tag)s") % {"tag": casualty.tag_number},
        )
    people.change_status(
        by=by,
        person=placeholder,
        status=Status.DEPARTED,
        reason=gettext("identified as %(name)s (#%(id)s)")
        % {"name": person.full_name, "id": person.pk},
        correction=True,
    )
    casualty.identified_as = person
    casualty.save(update_fields=["identified_as"])
    return Identification.objects.create(
        casualty=casualty,
        person=person,
        moved=moved,
        note=note.strip(),
        occurred_at=event_time(None, "identification time"),
        recorded_by=acting_user(by),
    )


@audited("health.undo_identification")
@transaction.atomic
def undo_identification(*, by: Author, casualty: UnknownCasualty, note: str = "") -> Identification:
    """Take an identification back: the records it moved return to the placeholder, which
    is injured again; the person named keeps their own records and status history."""
    casualty = (
        UnknownCasualty.objects.select_for_update().select_related("person").get(pk=casualty.pk)
    )
    current = _current(casualty)
    if current is None or casualty.identified_as_id is None:
        raise HavenError(
            gettext("tag %(tag)s is not identified: nothing to undo") % {"tag": casualty.tag_number}
        )
    moved = _move(current.person, casualty.person, current.moved)
    people.change_status(
        by=by,
        person=casualty.person,
        status=Status.INJURED,
        reason=gettext("identification as %(name)s undone") % {"name": current.person.full_name},
        correction=True,
    )
    casualty.identified_as = None
    casualty.save(update_fields=["identified_as"])
    return Identification.objects.create(
        casualty=casualty,
        person=current.person,
        moved=moved,
        note=note.strip(),
        occurred_at=event_time(None, "identification time"),
        recorded_by=acting_user(by),
        undoes=current,
    )


def _move(
    source: Person, target: Person, only: dict[str, list[int]] | None
) -> dict[str, list[int]]:
    """Move the health records of `source` (or just the ids in `only`) to `target`. Each
    keeps one current triage: the most recent one it holds."""
    moved: dict[str, list[int]] = {}
    for key, model in MOVED_RECORDS.items():
        records = model.objects.filter(person=source)
        if only is not None:
            records = records.filter(pk__in=only.get(key, []))
        moved[key] = sorted(records.values_list("pk", flat=True))
    # At most one current triage per person (a constraint): settle it before moving.
    TriageRecord.objects.filter(person__in=[source, target]).update(is_current=False)
    for key, model in MOVED_RECORDS.items():
        model.objects.filter(pk__in=moved[key]).update(person=target)
    for someone in (source, target):
        latest = TriageRecord.objects.filter(person=someone).order_by("-triaged_at", "-id").first()
        if latest is not None:
            TriageRecord.objects.filter(pk=latest.pk).update(is_current=True)
    return moved
