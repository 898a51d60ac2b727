"""Read-side helpers shared by the pages, the API and the dashboard."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.core.errors import HavenError
from haven.health.models import DeathRecord, TriageRecord
from haven.people.choices import Status
from haven.people.models import Person
from haven.planning.triage import TriageCategory
from haven.stock.choices import Category
from haven.stock.models import Item, Store

# The queue board's colours, most urgent first; SALT categories share the START colours.
BOARD_COLOURS = (
    ("red", "Immediate", TriageCategory.RED.colour, 1),
    ("yellow", "Delayed", TriageCategory.YELLOW.colour, 2),
    ("green", "Minor", TriageCategory.GREEN.colour, 3),
    ("grey", "Expectant", TriageCategory.EXPECTANT.colour, 4),
    ("black", "Dead", TriageCategory.BLACK.colour, 5),
)


def queue_counts(now: datetime | None = None) -> dict[str, Any]:
    """How many wait in each colour, and how many are overdue for re-triage."""
    now = now or timezone.now()
    current = TriageRecord.objects.filter(is_current=True)
    by_priority = dict(current.values_list("priority").annotate(n=Count("id")).order_by())
    overdue = dict(
        current.filter(retriage_due_at__lt=now)
        .values_list("priority")
        .annotate(n=Count("id"))
        .order_by()
    )
    rows = [
        {
            "key": key,
            "label": label,
            "colour": colour,
            "count": by_priority.get(priority, 0),
            "overdue": overdue.get(priority, 0),
        }
        for key, label, colour, priority in BOARD_COLOURS
    ]
    return {
        "rows": rows,
        "total": sum(by_priority.values()),
        "overdue": sum(overdue.values()),
    }


def medical_record(person: Person) -> dict[str, Any]:
    """Everything the clinic knows about one person, newest first."""
    return {
        "triages": list(person.triage_records.select_related("triaged_by")),
        "injuries": list(person.injuries.select_related("recorded_by")),
        "treatments": list(person.treatments.select_related("given_by", "injury")),
        "outcomes": list(person.health_outcomes.select_related("recorded_by")),
        "deaths": list(person.death_records.all()),
    }


def deceased_without_record() -> QuerySet[Person]:
    return Person.objects.filter(status=Status.DECEASED).exclude(
        Exists(DeathRecord.objects.filter(person=OuterRef("pk")))
    )


def deceased_without_record_count() -> int:
    """How many `deceased_without_record` holds, without reading the deceased: the
    deceased from the headcount classes, less those of them with a death record (a pass
    over the death records, not the registry)."""
    from haven.people import aggregates

    recorded = (
        DeathRecord.objects.filter(person__status=Status.DECEASED)
        .values("person_id")
        .distinct()
        .count()
    )
    return aggregates.headcount(Status.DECEASED) - recorded


def stock_choices() -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """(item, store) choices for a treatment: the medical items and every store."""
    items = Item.objects.filter(category=Category.MEDICAL).order_by("name")
    return (
        [(item.pk, f"{item.name} ({item.unit})") for item in items],
        [(store.pk, store.name) for store in Store.objects.order_by("name")],
    )


def clinic_store() -> Store | None:
    """Where treatments draw from unless told otherwise: a store named for the clinic (or
    medical stock), else the store holding the most medical stock."""
    for word in ("clinic", "medical"):
        named = Store.objects.filter(name__icontains=word).order_by("name").first()
        if named is not None:
            return named
    return (
        Store.objects.filter(balances__item__category=Category.MEDICAL, balances__quantity__gt=0)
        .annotate(medical=Sum("balances__quantity"))
        .order_by("-medical", "name")
        .first()
    )


def stock_objects(item_id: int | None, store_id: int | None) -> tuple[Item | None, Store | None]:
    item = Item.objects.filter(pk=item_id).first() if item_id is not None else None
    store = Store.objects.filter(pk=store_id).first() if store_id is not None else None
    if item_id is not None and item is None:
        raise HavenError(_("no stock item with id %(item_id)s") % {"item_id": item_id})
    if store_id is not None and store is None:
        raise HavenError(_("no store with id %(store_id)s") % {"store_id": store_id})
    return item, store
