"""Two records of one person joined into the one kept, and a merge undone.

A merge moves the merged record's history — status events, treatments, shelter stays,
hand-outs, every row of another area that points at a person — to the kept record, and
marks the merged record "merged" with an event naming the kept one: it then counts nowhere
(not in camp, not missing), and it points at the kept record. What moved is written down
(`PersonMerge.moved`), so an undo moves exactly those rows back and gives the record its
status again. A row that cannot move because the kept record already has the one such row
a person may have (two check-ins at one muster) stays on the merged record, listed in
`PersonMerge.left`. Nothing is ever merged automatically: the matcher only proposes.
"""

from __future__ import annotations

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from haven.audit.trail import audited, read_only
from haven.core.errors import HavenError
from haven.core.services import Author, acting_user
from haven.people.choices import Status
from haven.people.models import Person, PersonMerge, PersonRevision, StatusEvent

# Rows that describe the record itself, not the person's history: they stay where they are.
STAYING = (PersonRevision, PersonMerge)
# Areas that keep their own links between records (tracing's proposed pairs would become a
# record paired with itself) and the audit log, which names records and never changes.
STAYING_APPS = frozenset({"tracing", "audit"})
CHUNK = 500


@read_only
def moving_relations() -> list[tuple[type[models.Model], str]]:
    """(model, field) of every row elsewhere that points at a person and moves in a merge."""
    found = []
    for relation in Person._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and not relation.concrete):
            continue
        if not (relation.one_to_many or relation.one_to_one):
            continue
        model = relation.related_model
        if not isinstance(model, type) or model is Person or issubclass(model, STAYING):
            continue
        # A model of another area may say its rows describe the record, not the person's
        # history (health's unknown casualty is its placeholder record): they stay too.
        if getattr(model, "stays_in_merge", False):
            continue
        if model._meta.app_label in STAYING_APPS:
            continue
        found.append((model, relation.field.name))  # type: ignore[union-attr]
    return sorted(found, key=lambda item: (item[0]._meta.label_lower, item[1]))


def _label(model: type[models.Model], field: str) -> str:
    return f"{model._meta.label_lower}.{field}"


def _move(
    model: type[models.Model], field: str, ids: list[int], to: Person
) -> tuple[list[int], list[int]]:
    """Point the rows at `to`; (moved, left) — left are rows a unique rule keeps in place."""
    manager = model._base_manager
    try:
        with transaction.atomic():
            for start in range(0, len(ids), CHUNK):
                manager.filter(pk__in=ids[start : start + CHUNK]).update(**{field: to})
        return ids, []
    except IntegrityError:
        moved, left = [], []
        for pk in ids:
            try:
                with transaction.atomic():
                    manager.filter(pk=pk).update(**{field: to})
                moved.append(pk)
            except IntegrityError:
                left.append(pk)
        return moved, left


def _locked(*people: Person) -> dict[int, Person]:
    ids = sorted(person.pk for person in people)
    return Person.objects.select_for_update().in_bulk(ids)


@audited("people.merge_people")
@transaction.atomic
def merge_people(*, by: Author, kept: Person, merged: Person, reason: str = "") -> PersonMerge:
    """Join `merged` (a duplicate registration) into `kept`; both histories are kept."""
    if kept.pk == merged.pk:
        raise HavenError(f"cannot merge {kept.display_id} {kept.full_name} into itself")
    locked = _locked(kept, merged)
    kept, merged = locked[kept.pk], locked[merged.pk]
    for person in (merged, kept):
        if person.status == Status.MERGED:
            target = person.merged_into
            raise HavenError(
                f"{person.display_id} {person.full_name} is already merged into "
                f"{target.display_id if target else '?'}: undo that merge first"
            )
    now = timezone.now()
    moved: dict[str, list[int]] = {}
    left: dict[str, list[int]] = {}
    for model, field in moving_relations():
        ids = list(
            model._base_manager.filter(**{field: merged})
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if not ids:
            continue
        went, stayed = _move(model, field, ids, kept)
        if went:
            moved[_label(model, field)] = went
        if stayed:
            left[_label(model, field)] = stayed
    author = acting_user(by)
    StatusEvent.objects.create(
        person=merged,
        previous_status=merged.status,
        status=Status.MERGED,
        occurred_at=now,
        recorded_at=now,
        recorded_by=author,
        reason=(f"merged into {kept.display_id} {kept.full_name}. {reason.strip()}").strip(),
    )
    merge = PersonMerge.objects.create(
        kept=kept,
        merged=merged,
        reason=reason.strip(),
        merged_at=now,
        merged_by=author,
        status_before=merged.status,
        moved=moved,
        left=left,
    )
    Person.objects.filter(pk=merged.pk).update(
        status=Status.MERGED, status_changed_at=now, merged_into=kept
    )
    return merge


@audited("people.unmerge_people")
@transaction.atomic
def unmerge_people(*, by: Author, merged: Person, reason: str = "") -> PersonMerge:
    """Undo the merge of `merged`: the rows it brought go back, and its status with them."""
    merge = (
        PersonMerge.objects.select_for_update()
        .filter(merged=merged, undone_at__isnull=True)
        .select_related("kept")
        .first()
    )
    if merge is None:
        raise HavenError(f"{merged.display_id} {merged.full_name} is not merged into anyone")
    merged = _locked(merged, merge.kept)[merged.pk]
    relations = {_label(model, field): (model, field) for model, field in moving_relations()}
    for label, ids in merge.moved.items():
        if label not in relations:
            raise HavenError(f"cannot undo: rows of {label} moved, and that table is gone")
        model, field = relations[label]
        # Only rows still on the kept record go back (one deleted since is not recreated).
        for start in range(0, len(ids), CHUNK):
            model._base_manager.filter(
                pk__in=ids[start : start + CHUNK], **{field: merge.kept}
            ).update(**{field: merged})
    now = timezone.now()
    StatusEvent.objects.create(
        person=merged,
        previous_status=Status.MERGED,
        status=merge.status_before,
        occurred_at=now,
        recorded_at=now,
        recorded_by=acting_user(by),
        reason=(f"merge into {merge.kept.display_id} undone. {reason.strip()}").strip(),
        is_correction=True,
    )
    Person.objects.filter(pk=merged.pk).update(
        status=merge.status_before, status_changed_at=now, merged_into=None
    )
    merge.undone_at = now
    merge.undone_by = acting_user(by)
    merge.save(update_fields=["undone_at", "undone_by"])
    return merge
