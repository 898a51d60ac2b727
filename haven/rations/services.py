"""Rations use cases: plan and apply a distribution, hand out, transfer, fabricate, forecast.

Every write is one function with keyword-only arguments in one transaction. The
algorithms are the planning core's (`haven.planning.rations`, `.fabrication`,
`.forecast`); this module gathers their inputs from the records (`adapters`), turns
their input errors into HavenError, and writes what they decide.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal
from typing import Any, cast, overload

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Exists, Field, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from numpy.typing import NDArray

from haven.audit.choices import Kind
from haven.audit.models import AuditEvent
from haven.audit.trail import audited, read_only
from haven.core.bulk import insert_values
from haven.core.errors import HavenError, NotFoundError
from haven.core.numbers import to_decimal
from haven.core.services import Author, acting_user, get_record
from haven.core.services import get_item as get_item
from haven.core.services import get_person as get_person
from haven.core.services import get_store as get_store
from haven.people.choices import IN_CAMP, Status
from haven.people.models import Household, Person, Skill
from haven.planning.errors import PlanningInputError
from haven.planning.fabrication import FOOD_ENERGY, ProductionPlan, plan_production
from haven.planning.fabrication import validate_recipes as validate_planning_recipes
from haven.planning.forecast import RunwayForecast, Scenario, forecast_runway
from haven.planning.handout import round_to_steps
from haven.planning.rations import (
    SHORTFALL_TOLERANCE,
    PriorityWeights,
    RationRequest,
    classes_from_groups,
    plan_rations,
)
from haven.rations import adapters
from haven.rations.choices import PlanStatus
from haven.rations.models import (
    DECIMAL_PLACES,
    MAX_DIGITS,
    DistributionPlan,
    Handout,
    PlanClass,
    PlanItem,
    PlannedHandout,
    PlanShare,
    ProductionOrder,
    RationTransfer,
    Recipe,
    RecipeInput,
    RecipeOutput,
)
from haven.stock import services as stock
from haven.stock.choices import Category, IssuePurpose
from haven.stock.models import Item, Store

UNIT = Decimal("0.001")
SHARE_BATCH = 5000


@read_only
@contextmanager
def planning_errors() -> Iterator[None]:
    """The planning core's input errors, as the errors every layer reports (4xx, exit 2)."""
    try:
        yield
    except PlanningInputError as error:
        raise HavenError(str(error)) from error


@read_only
def to_quantity(value: float | Decimal) -> Decimal:
    """A planned amount as a ledger quantity, rounded down so shares never exceed stock."""
    # Round away float noise (104.99999999 is 105) before rounding down to the unit.
    return Decimal(str(round(float(value), 6))).quantize(UNIT, rounding=ROUND_DOWN)


@read_only
def check_days(days: object, what: str = "horizon") -> int:
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise HavenError(
            _("%(what)s of %(days)r days must be a whole number ≥ 1") % {"what": what, "days": days}
        )
    return days


@read_only
def check_positive(what: str, value: Decimal | float) -> Decimal:
    # Rounded to the columns' precision first, so what passes is what is stored.
    quantity = to_decimal(value, what=what, places=DECIMAL_PLACES, max_digits=MAX_DIGITS)
    if quantity <= 0:
        raise HavenError(
            _("%(what)s %(value)s must be more than 0") % {"what": what, "value": value}
        )
    return quantity


# ------------------------------------------------------------------------ lookups


@read_only
def get_plan(plan_id: int) -> DistributionPlan:
    records = DistributionPlan.objects.select_related("store")
    plan: DistributionPlan = get_record(records, plan_id, "distribution plan")
    return plan


@read_only
def get_recipe(code: str) -> Recipe:
    try:
        return Recipe.objects.select_related("skill").get(code=code)
    except Recipe.DoesNotExist:
        raise NotFoundError(_("no recipe with code %(code)r") % {"code": code}) from None


@read_only
def default_store() -> Store:
    """The store that holds most food: where distributions are drawn from by default."""
    # A store with no food sums to NULL, which PostgreSQL sorts first in descending order
    # (SQLite last): count it as 0 so both databases pick the same store.
    store = (
        Store.objects.annotate(
            food=Coalesce(
                Sum("balances__quantity", filter=Q(balances__item__category=Category.FOOD)),
                Value(Decimal(0)),
            )
        )
        .order_by("-food", "name")
        .first()
    )
    if store is None:
        raise HavenError(_("no store yet: add a store and receive stock first"))
    return store


@read_only
def latest_plan(*, applied_only: bool = False) -> DistributionPlan | None:
    plans = DistributionPlan.objects.select_related("store")
    if applied_only:
        plans = plans.filter(status=PlanStatus.APPLIED)
    return plans.first()


# ------------------------------------------------------------------------ distribution


@audited("rations.preview_plan")
@transaction.atomic
def preview_plan(
    *, by: Author, store: Store | None = None, horizon_days: int, note: str = ""
) -> DistributionPlan:
    """Plan a fair share of the food, water and medical stock among everyone in camp.

    From one `store`, or (None) from every store: then hand-outs draw on whichever
    stores hold the item.

    The plan is saved as a draft to look at; `apply_plan` makes it the one handed out.
    """
    days = check_days(horizon_days)
    items = list(adapters.ration_items_queryset())
    if not items:
        raise HavenError(_("no food, water or medical item with kcal, litres or doses to share"))
    priorities = PriorityWeights()
    today = timezone.localdate()
    # One GROUP BY over what a need depends on: the cost is the groups', not the people's.
    with planning_errors():
        groups = adapters.need_groups(
            adapters.dose_categories(items),
            child_under_age_years=priorities.child_under_age_years,
            today=today,
        )
    if not groups:
        raise HavenError(_("nobody in camp to plan for"))
    ration_items = adapters.ration_items(store, items)
    with planning_errors():
        need_classes, group_class = classes_from_groups(
            ((group.needs, group.people) for group in groups), adapters.standards(), priorities
        )
        result = plan_rations(
            RationRequest(classes=need_classes, items=ration_items, horizon_days=float(days))
        )
    short = {
        class_id
        for class_id, fraction in result.fraction_by_class.items()
        if fraction < 1 - SHORTFALL_TOLERANCE
    }
    min_by_need: dict[str, float] = {}
    for fractions in result.fraction_by_need.values():
        for key, fraction in fractions.items():
            min_by_need[key] = min(min_by_need.get(key, 1.0), fraction)
    class_people = {need_class.class_id: need_class.people for need_class in need_classes}
    plan = DistributionPlan.objects.create(
        store=store,
        horizon_days=days,
        min_fraction=result.min_fraction,
        people_count=sum(class_people.values()),
        short_people_count=sum(class_people[c] for c in short),
        summary={
            "fairness_levels": list(result.fairness_levels),
            "lp_solves": result.lp_solves,
            "classes": len(result.class_ids),
            "min_fraction_by_need": min_by_need,
            "needs_on": today.isoformat(),
        },
        note=note,
        created_by=acting_user(by),
    )
    by_code = {item.code: item for item in items}
    PlanItem.objects.bulk_create(
        PlanItem(
            plan=plan,
            item=by_code[code],
            on_hand=result.on_hand[code],
            available=result.available[code],
            planned=result.used[code],
        )
        for code in result.item_ids
    )
    classes = {}
    for index, class_id in enumerate(result.class_ids):
        need = result.fraction_by_need[class_id]
        classes[class_id] = PlanClass(
            plan=plan,
            label=class_id[:500],
            people=class_people[class_id],
            priority=_class_priority(class_id),
            fraction_met=result.fraction_by_class[class_id],
            daily_need=_class_need(class_id),
            fraction_by_need=dict(need),
            daily_ration={
                code: float(result.per_person_daily[index, i])
                for i, code in enumerate(result.item_ids)
                if result.per_person_daily[index, i] > 0
            },
        )
    for group, class_id in zip(groups, group_class, strict=True):
        classes[class_id].groups.append(list(group.key))
    PlanClass.objects.bulk_create(classes.values())
    return plan


# ------------------------------------------------------------------------ who is in a plan
#
# A draft stores its classes and the need groups in each, never a row per person: at a
# million people those rows cost more than the whole plan. Who is in which class is the
# need-group SQL (adapters.need_group_rows, on the plan's day) read for the people asked
# about; applying the plan writes it down once (PlanShare), so hand-outs go by what was
# applied even when people come, go or have a birthday afterwards.

GroupKey = adapters.GroupKey
_GROUPS_TABLE = "haven_plan_groups"


def _group_key(row: Any) -> GroupKey:
    """A need group's key, from a stored list or an annotated person, in one spelling."""
    bucket, sex, pregnant, status, worker, extra = row
    return (int(bucket), str(sex), bool(pregnant), str(status), bool(worker), int(extra))


def _plan_day(plan: DistributionPlan) -> date:
    needs_on = plan.summary.get("needs_on")
    return date.fromisoformat(needs_on) if needs_on else timezone.localdate(plan.created_at)


def _grouped_people(plan: DistributionPlan) -> QuerySet[Person]:
    thresholds = adapters.age_thresholds(PriorityWeights().child_under_age_years)
    return adapters.need_group_rows(_plan_day(plan), thresholds)


def _class_by_group(plan: DistributionPlan) -> dict[GroupKey, int]:
    return {
        _group_key(key): class_pk
        for class_pk, keys in plan.classes.values_list("pk", "groups")
        for key in keys
    }


def _person_group(person: Person) -> GroupKey:
    # The annotations of need_group_rows, which the stubs cannot see.
    row = cast(Any, person)
    return _group_key(
        (
            row.age_bucket,
            row.sex,
            row.pregnant_or_lactating,
            row.status,
            row.worker,
            row.extra_energy_kcal,
        )
    )


def _shares_written(plan: DistributionPlan) -> bool:
    # Applied plans (and drafts made before shares were derived) have their rows.
    return plan.shares.exists()


def _members(
    plan: DistributionPlan, households: list[int], people: list[int], written: bool
) -> list[tuple[Person, int | None, int]]:
    """(person, household id, plan class pk) of the given households and lone people."""
    if written:
        shares = plan.shares.select_related("person").filter(
            Q(household_id__in=households) | Q(household__isnull=True, person_id__in=people)
        )
        return [(share.person, share.household_id, share.plan_class_id) for share in shares]
    by_group = _class_by_group(plan)
    rows = _grouped_people(plan).filter(
        Q(household_id__in=households) | Q(household__isnull=True, pk__in=people)
    )
    members = []
    for person in rows:
        class_pk = by_group.get(_person_group(person))
        # Someone whose needs changed since the preview is in no class of it.
        if class_pk is not None:
            members.append((person, person.household_id, class_pk))
    return members


def _units(plan: DistributionPlan, written: bool) -> tuple[QuerySet[Household], QuerySet[Person]]:
    """Who collects under a plan: households (by name), then people without one (by name)."""
    if written:
        in_plan = PlanShare.objects.filter(plan=plan)
        return (
            Household.objects.filter(Exists(in_plan.filter(household=OuterRef("pk")))),
            Person.objects.filter(
                Exists(in_plan.filter(person=OuterRef("pk"), household__isnull=True))
            ),
        )
    in_camp = Person.objects.in_camp()
    return (
        Household.objects.filter(Exists(in_camp.filter(household=OuterRef("pk")))),
        in_camp.filter(household__isnull=True),
    )


@read_only
def write_shares(plan: DistributionPlan) -> int:
    """Place everyone of the plan's need groups in their class, in the database.

    One INSERT … SELECT of the need-group SQL joined to the plan's groups; no person
    row comes into Python. Returns the number of shares written.
    """
    thresholds = adapters.age_thresholds(PriorityWeights().child_under_age_years)
    people_sql, people_params = (
        adapters.need_group_rows(_plan_day(plan), thresholds)
        .values(  # type: ignore[misc]  # annotated in need_group_rows
            "id",
            "household_id",
            "age_bucket",
            "sex",
            "pregnant_or_lactating",
            "status",
            "worker",
            "extra_energy_kcal",
        )
        .query.sql_with_params()
    )
    quote = connection.ops.quote_name
    share = PlanShare._meta
    columns = ", ".join(
        quote(cast("Field[Any, Any]", share.get_field(name)).attname)
        for name in ("plan", "person", "household", "plan_class")
    )
    # The groups go in a keyed temporary table, so each person is one index lookup (a
    # VALUES list is scanned whole per person on SQLite: a minute at a million people).
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {_GROUPS_TABLE} (age_bucket integer, sex varchar(1), "
            "pregnant_or_lactating boolean, status varchar(20), worker boolean, "
            "extra_energy_kcal integer, plan_class_id bigint, PRIMARY KEY (age_bucket, sex, "
            "pregnant_or_lactating, status, worker, extra_energy_kcal))"
        )
        try:
            cursor.executemany(
                f"INSERT INTO {_GROUPS_TABLE} VALUES (%s, %s, %s, %s, %s, %s, %s)",
                [[*key, pk] for key, pk in _class_by_group(plan).items()],
            )
            cursor.execute(
                f"INSERT INTO {quote(share.db_table)} ({columns}) "
                "SELECT %s, people.id, people.household_id, groups.plan_class_id "
                f"FROM ({people_sql}) people JOIN {_GROUPS_TABLE} groups "
                "ON people.age_bucket = groups.age_bucket AND people.sex = groups.sex "
                "AND people.pregnant_or_lactating = groups.pregnant_or_lactating "
                "AND people.status = groups.status AND people.worker = groups.worker "
                "AND people.extra_energy_kcal = groups.extra_energy_kcal",
                [plan.pk, *people_params],
            )
            written: int = cursor.rowcount
        finally:
            cursor.execute(f"DROP TABLE {_GROUPS_TABLE}")
    return written


def _check_classes_unchanged(plan: DistributionPlan) -> None:
    """Refuse to apply a plan whose classes no longer hold the people it was made for."""
    counted = dict(
        plan.shares.values("plan_class")
        .annotate(people=Count("id"))
        .values_list("plan_class", "people")
    )
    for plan_class in plan.classes.all():
        now = counted.get(plan_class.pk, 0)
        if now != plan_class.people:
            raise HavenError(
                f"plan #{plan.pk} was made for {plan_class.people:,} people in class "
                f"{plan_class.label!r}; the camp now has {now:,} there: preview a new plan"
            )


_PERSON_FIELDS = (
    "id",
    "date_of_birth",
    "sex",
    "status",
    "pregnant_or_lactating",
    "extra_energy_kcal",
    "team",
    "household",
)


def _class_need(label: str) -> dict[str, float]:
    # The planner's class id spells out the need: "kcal=2100 litres=15 ×1".
    need = {}
    for part in label.split():
        key, _, value = part.rpartition("=")
        if key:
            need[key] = float(value)
    return need


def _class_priority(label: str) -> float:
    last = label.split()[-1] if label.split() else ""
    return float(last[1:]) if last.startswith("×") else 1.0


@audited("rations.apply_plan")
@transaction.atomic
def apply_plan(*, by: Author, plan: DistributionPlan) -> DistributionPlan:
    """Make a draft plan the one handed out; the applied plan before it is superseded.

    Refused if the store no longer holds what the plan shares, or the camp's people no
    longer fill its classes as they did (preview again). Everyone's share is written now.
    """
    plan.status = DistributionPlan.objects.select_for_update().get(pk=plan.pk).status
    if plan.status != PlanStatus.DRAFT:
        raise HavenError(
            _("plan #%(pk)s is %(get_status_display)s, not a draft")
            % {"pk": plan.pk, "get_status_display": plan.get_status_display().lower()}
        )
    on_hand = adapters.on_hand_by_item(plan.store)
    for line in plan.items.select_related("item"):
        now = float(on_hand.get(line.item_id, 0))
        if now + 1e-6 < line.planned:
            raise HavenError(
                _(
                    "plan #%(pk)s shares %(planned)s × %(name)s but "
                    "%(store_name)s now hold(s) %(now)s; preview a new plan"
                )
                % {
                    "pk": plan.pk,
                    "planned": f"{line.planned:,.3f}",
                    "name": line.item.name,
                    "store_name": plan.store_name,
                    "now": f"{now:,.3f}",
                }
            )
    if not _shares_written(plan):
        write_shares(plan)
        _check_classes_unchanged(plan)
    # What a page of the draft stored is replaced by what is handed out from now on.
    plan.planned_handouts.all().delete()
    _store_handouts(plan, written=True)
    DistributionPlan.objects.filter(status=PlanStatus.APPLIED).update(status=PlanStatus.SUPERSEDED)
    plan.status = PlanStatus.APPLIED
    plan.applied_at = timezone.now()
    plan.applied_by = acting_user(by)
    plan.handouts_stored = True
    plan.save(
        update_fields=[
            "status",
            "applied_at",
            "applied_by",
            "handouts_stored",
            "households_collecting",
            "people_collecting_alone",
        ]
    )
    return plan


@dataclass
class HouseholdShare:
    """What one household (or one person without a household) collects under a plan."""

    key: str
    name: str
    household: Household | None
    members: list[tuple[Person, float]]
    planned: dict[int, Decimal]
    handed_out: dict[int, Decimal] = field(default_factory=dict)

    @property
    def remaining(self) -> dict[int, Decimal]:
        return {
            item: max(Decimal(0), quantity - self.handed_out.get(item, Decimal(0)))
            for item, quantity in self.planned.items()
        }

    @property
    def min_fraction(self) -> float:
        return min((fraction for _, fraction in self.members), default=1.0)

    @property
    def collected(self) -> bool:
        return not any(self.remaining.values())


@read_only
def household_shares(
    plan: DistributionPlan, *, household: Household | None = None, person: Person | None = None
) -> list[HouseholdShare]:
    """Each household's members and planned quantities per item (item pk → quantity).

    All of them (for a small camp: pages use `distribution_list`), or the one of
    `household`, or the one `person` collects with.
    """
    written = _shares_written(plan)
    if household is None and person is None:
        return distribution_list(plan, written=written)[:]
    if household is not None:
        return _household_shares(plan, [household.pk], [], written)
    assert person is not None
    if person.household_id is not None:
        return _household_shares(plan, [person.household_id], [], written)
    return _household_shares(plan, [], [person.pk], written)


class DistributionList(Sequence[HouseholdShare]):
    """A plan's distribution list, counted and sliced in the database a page at a time:
    households by name, then people without a household by name."""

    def __init__(self, plan: DistributionPlan, written: bool) -> None:
        self.plan = plan
        self.written = written
        self.stored = _handouts_ready(plan)
        self.households, self.people = _units(plan, written)
        # Counted with the stored hand-outs: a page then counts no household or person.
        self._households_count = plan.households_collecting if self.stored else None
        self._people_count = plan.people_collecting_alone if self.stored else None

    @property
    def households_count(self) -> int:
        if self._households_count is None:
            self._households_count = self.households.count()
        return self._households_count

    def __len__(self) -> int:
        if self._people_count is None:
            self._people_count = self.people.count()
        return self.households_count + self._people_count

    @overload
    def __getitem__(self, index: int) -> HouseholdShare: ...

    @overload
    def __getitem__(self, index: slice) -> list[HouseholdShare]: ...

    def __getitem__(self, index: int | slice) -> HouseholdShare | list[HouseholdShare]:
        if isinstance(index, int):
            return self[index : index + 1][0]
        if index.step not in (None, 1) or (index.start or 0) < 0 or (index.stop or 0) < 0:
            raise ValueError("a distribution list is read in pages: [start:stop]")
        start = index.start or 0
        split = self.households_count
        households: list[int] = []
        people: list[int] = []
        if start < split:
            stop = split if index.stop is None else min(index.stop, split)
            households = list(
                self.households.order_by("name", "pk")[start:stop].values_list("pk", flat=True)
            )
        if index.stop is None or index.stop > split:
            rest = self.people.order_by("family_name", "given_name", "pk")
            first = max(start - split, 0)
            rest = rest[first:] if index.stop is None else rest[first : index.stop - split]
            people = list(rest.values_list("pk", flat=True))
        return _household_shares(self.plan, households, people, self.written, self.stored)


@read_only
def distribution_list(plan: DistributionPlan, *, written: bool | None = None) -> DistributionList:
    """A plan's distribution list to page through (`paginate`, a Paginator, or a slice)."""
    return DistributionList(plan, _shares_written(plan) if written is None else written)


def _household_shares(
    plan: DistributionPlan,
    households: list[int],
    people: list[int],
    written: bool,
    stored: bool | None = None,
) -> list[HouseholdShare]:
    """The shares of these households and lone people, in that order."""
    if not households and not people:
        return []
    if stored is None:
        stored = _handouts_ready(plan)
    rations = {
        plan_class.pk: (plan_class.fraction_met, plan_class.daily_ration)
        for plan_class in plan.classes.all()
    }
    by_household = Household.objects.in_bulk(households)
    keys = [f"h{pk}" for pk in households if pk in by_household] + [f"p{pk}" for pk in people]
    result: dict[str, HouseholdShare] = {}
    members = sorted(
        _members(plan, households, people, written),
        key=lambda member: (member[0].family_name, member[0].given_name, member[0].pk),
    )
    for member, household_id, class_pk in members:
        key = f"h{household_id}" if household_id else f"p{member.pk}"
        if key not in result:
            household = by_household.get(household_id) if household_id else None
            name = household.name if household else member.full_name
            result[key] = HouseholdShare(key, name, household, [], {})
        fraction, _ = rations[class_pk]
        result[key].members.append((member, fraction))
    handed = (
        plan.handouts.filter(
            Q(household_id__in=households) | Q(household__isnull=True, person_id__in=people)
        )
        .values("household", "person", "item")
        .annotate(total=Sum("quantity"))
        .order_by()
    )
    if stored:
        rounded = _stored_handouts(plan, households, people)
    else:
        rounded = handout_quantities(plan, written=written)
    for key, entry in result.items():
        entry.planned = rounded.get(key, {})
    for row in handed:
        key = f"h{row['household']}" if row["household"] else f"p{row['person']}"
        if key in result:
            result[key].handed_out[row["item"]] = row["total"]
    return [result[key] for key in keys if key in result]


@read_only
def class_members(plan_class: PlanClass, *, limit: int) -> list[Person]:
    """The first `limit` people (by name) of a plan's class."""
    plan = plan_class.plan
    if _shares_written(plan):
        shares = plan_class.shares.select_related("person").order_by(
            "person__family_name", "person__given_name", "person_id"
        )
        return [share.person for share in shares[:limit]]
    in_class = Q(pk__in=[])
    for key in plan_class.groups:
        bucket, sex, pregnant, status, worker, extra = _group_key(key)
        in_class |= Q(
            age_bucket=bucket,
            sex=sex,
            pregnant_or_lactating=pregnant,
            status=status,
            worker=worker,
            extra_energy_kcal=extra,
        )
    return list(_grouped_people(plan).filter(in_class)[:limit])


def _unit_classes(plan: DistributionPlan, written: bool) -> Iterator[tuple[str, int, int, int]]:
    """("h", household id | "p", person id, plan class pk, members), by owner: who
    collects under a plan and the classes of their members, counted in the database."""
    if written:
        by_household = (
            plan.shares.filter(household__isnull=False)
            .values_list("household_id", "plan_class_id")
            .annotate(members=Count("id"))
            .order_by("household_id", "plan_class_id")
        )
        for household_id, class_pk, members in by_household.iterator(_HANDOUT_BATCH):
            yield "h", household_id, class_pk, members
        alone = (
            plan.shares.filter(household__isnull=True)
            .values_list("person_id", "plan_class_id")
            .order_by("person_id")
        )
        for person_id, class_pk in alone.iterator(_HANDOUT_BATCH):
            yield "p", person_id, class_pk, 1
        return
    by_group = _class_by_group(plan)
    fields = ("age_bucket", "sex", "pregnant_or_lactating", "status", "worker", "extra_energy_kcal")
    people = _grouped_people(plan)
    grouped_households = (
        people.filter(household__isnull=False)
        .values_list("household_id", *fields)
        .annotate(members=Count("id"))
        .order_by("household_id")
    )
    for household_id, *key, members in grouped_households.iterator(_HANDOUT_BATCH):
        class_pk = by_group.get(_group_key(key))
        if class_pk is not None:
            yield "h", household_id, class_pk, members
    lone = people.filter(household__isnull=True).values_list("pk", *fields).order_by("pk")
    for person_id, *key in lone.iterator(_HANDOUT_BATCH):
        class_pk = by_group.get(_group_key(key))
        if class_pk is not None:
            yield "p", person_id, class_pk, 1


@read_only
def handout_quantities(
    plan: DistributionPlan, *, written: bool | None = None
) -> dict[str, dict[int, Decimal]]:
    """What each household ("h<id>") or person alone ("p<id>") is handed, per item pk.

    The plan's fair shares (members' daily rations × days) rounded to each item's hand-out
    step by `haven.planning.handout.round_to_steps`: within one step of the fair share,
    never more in all than the plan's available stock. Every household of the plan is
    rounded together (the spare steps go where they are most short), from one GROUP BY
    (of the written shares, or of a draft's people by need group).
    """
    if written is None:
        written = _shares_written(plan)
    lines = list(plan.items.select_related("item").order_by("item_id"))
    column = {line.item.code: i for i, line in enumerate(lines)}
    rations = {plan_class.pk: plan_class.daily_ration for plan_class in plan.classes.all()}
    per_class = {
        pk: np.array([ration.get(line.item.code, 0.0) for line in lines]) * plan.horizon_days
        for pk, ration in rations.items()
    }
    keys: list[str] = []
    fair: list[NDArray[np.float64]] = []
    for prefix, owner, plan_class, members in _unit_classes(plan, written):
        key = f"{prefix}{owner}"
        if not keys or keys[-1] != key:
            keys.append(key)
            fair.append(np.zeros(len(lines)))
        fair[-1] += per_class[plan_class] * members
    if not keys or not column:
        return {key: {} for key in keys}
    shares = np.vstack(fair)
    result: dict[str, dict[int, Decimal]] = {key: {} for key in keys}
    for i, line in enumerate(lines):
        step = line.item.handout_step
        with planning_errors():
            steps = round_to_steps(shares[:, i], step=float(step), available=line.available)
        for h in np.flatnonzero(steps):
            result[keys[h]][line.item_id] = step * int(steps[h])
    return result


def _stored_handouts(
    plan: DistributionPlan, households: list[int], people: list[int]
) -> dict[str, dict[int, Decimal]]:
    """The rounded hand-outs stored when `plan` was applied, of these units only."""
    rows = plan.planned_handouts.filter(
        Q(household__isnull=False, household_id__in=households)
        | Q(household__isnull=True, person_id__in=people)
    ).values_list("household_id", "person_id", "item_id", "quantity")
    result: dict[str, dict[int, Decimal]] = defaultdict(dict)
    for household_id, person_id, item_id, quantity in rows:
        key = f"h{household_id}" if household_id is not None else f"p{person_id}"
        result[key][item_id] = quantity
    return result


def _store_handouts(plan: DistributionPlan, written: bool) -> int:
    """Store what each household and person alone is handed under `plan`.

    The same rounding as `handout_quantities` (every unit of the plan rounded together by
    `round_to_steps`, units in the same order, fair shares summed in the same order), from
    the shares streamed into arrays and rounded an item at a time in NumPy; one
    `PlannedHandout` row per unit and item handed something, written unit by unit (so
    each index grows at its end) in large batches (COPY on PostgreSQL), and each line's
    total and the list's counts on the plan (saved by the caller). Run in `apply_plan`'s
    transaction, and once per registry state for a draft (`_handouts_ready`). Returns the
    number of rows written.
    """
    lines = list(plan.items.select_related("item").order_by("item_id"))
    # The units' rows as handout_quantities reads them, streamed into one array.
    flat = itertools.chain.from_iterable(
        (prefix == "h", owner, class_pk, members)
        for prefix, owner, class_pk, members in _unit_classes(plan, written)
    )
    units_classes = np.fromiter(flat, dtype=np.int64).reshape(-1, 4)
    is_household = units_classes[:, 0].astype(bool)
    owners, class_pks, members = units_classes[:, 1], units_classes[:, 2], units_classes[:, 3]
    # A new unit wherever the owner (or household/person) changes: rows come by owner.
    new_unit = np.ones(owners.size, dtype=bool)
    new_unit[1:] = (owners[1:] != owners[:-1]) | (is_household[1:] != is_household[:-1])
    unit_of_row = np.cumsum(new_unit) - 1
    unit_owner = owners[new_unit]
    unit_is_household = is_household[new_unit]
    plan.households_collecting = int(unit_is_household.sum())
    plan.people_collecting_alone = int(unit_owner.size) - plan.households_collecting
    given_units: list[NDArray[np.int64]] = []
    given_lines: list[NDArray[np.int64]] = []
    given_steps: list[NDArray[np.int64]] = []
    rations = dict(plan.classes.values_list("pk", "daily_ration"))
    pks = np.array(sorted(rations), dtype=np.int64)
    class_of_row = np.searchsorted(pks, class_pks)
    for i, line in enumerate(lines):
        per_member = np.array(
            [rations[int(pk)].get(line.item.code, 0.0) * plan.horizon_days for pk in pks]
        )
        # bincount adds in row order from 0, as handout_quantities sums each unit's classes.
        shares = np.bincount(
            unit_of_row, weights=per_member[class_of_row] * members, minlength=unit_owner.size
        ).astype(np.float64, copy=False)
        step = line.item.handout_step
        with planning_errors():
            steps = round_to_steps(shares, step=float(step), available=line.available)
        line.handout_total = step * int(steps.sum())
        given = np.flatnonzero(steps)
        given_units.append(given)
        given_lines.append(np.full(given.size, i, dtype=np.int64))
        given_steps.append(steps[given])
    PlanItem.objects.bulk_update(lines, ["handout_total"])
    if not lines:
        return 0
    units = np.concatenate(given_units)
    line_of = np.concatenate(given_lines)
    counts = np.concatenate(given_steps)
    order = np.lexsort((line_of, units))
    units, line_of, counts = units[order], line_of[order], counts[order]
    # Few distinct quantities (an item's step × a count): each made once, picked in C.
    base = int(counts.max(initial=0)) + 1
    distinct, which = np.unique(line_of * base + counts, return_inverse=True)
    quantity = np.empty(distinct.size, dtype=object)
    quantity[:] = [
        lines[int(key) // base].item.handout_step * (int(key) % base) for key in distinct
    ]
    item_ids = np.array([line.item_id for line in lines], dtype=np.int64)

    def rows() -> Iterator[tuple[Any, ...]]:
        for start in range(0, units.size, _HANDOUT_BATCH):
            batch = slice(start, start + _HANDOUT_BATCH)
            in_household = unit_is_household[units[batch]]
            household = unit_owner[units[batch]].astype(object)
            person = household.copy()
            household[~in_household] = None
            person[in_household] = None
            yield from zip(
                itertools.repeat(plan.pk),
                household.tolist(),
                person.tolist(),
                item_ids[line_of[batch]].tolist(),
                quantity[which[batch]].tolist(),
                strict=False,
            )

    insert_values(
        PlannedHandout,
        ["plan_id", "household_id", "person_id", "item_id", "quantity"],
        rows(),
        batch_size=_HANDOUT_BATCH,
    )
    return int(units.size)


_HANDOUT_BATCH = 50_000


# Areas whose writes never change a person or a household: the stock ledger, and the
# rations' own plans, hand-outs and fabrication (a draft's stock is fixed in its lines).
_NOT_PEOPLE = ("stock", "rations", "alerts", "accounts", "audit", "sitrep")


@read_only
def registry_state() -> str:
    """What a draft's distribution list is made from, cheaply: the audit log's last write
    that may have changed a person or a household.

    Every registration, move, status change and import is a write service of an area not
    in `_NOT_PEOPLE` (a new area counts as changing people), so while this is unchanged so
    are the people a draft shares among (its day is fixed: `_plan_day`). Hand-outs and
    stock entries, the busiest writes on a distribution day, leave it as it is. One walk
    back along the log's sequence index to that write."""
    last = (
        AuditEvent.objects.filter(kind=Kind.WRITE)
        .exclude(group__in=_NOT_PEOPLE)
        .order_by("-seq")
        .values_list("seq", flat=True)
        .first()
    )
    return f"write {last or 0}"


def _handouts_ready(plan: DistributionPlan) -> bool:
    """Whether `plan`'s rounded hand-outs are stored and current, storing a draft's now if
    they are not.

    An applied plan's were stored when it was applied. A draft's are rounded once per
    state of the registry (`registry_state`) and stored the same way, with the list's
    counts, so that its pages read rows instead of rounding every household of the camp
    per request; the rows are replaced when the people have changed, and by the plan's own
    when applied.
    A derived cache, not a record: writing it is not an audited event. Plans applied before
    hand-outs were stored (False) are rounded per page as they were.
    """
    if plan.handouts_stored:
        return True
    if plan.status != PlanStatus.DRAFT:
        return False
    state = registry_state()
    if plan.handouts_state == state:
        return True
    with transaction.atomic():
        # Single-flight: a second request for the same state waits here, then finds it done.
        draft = DistributionPlan.objects.select_for_update().get(pk=plan.pk)
        if draft.status == PlanStatus.DRAFT and draft.handouts_state != state:
            written = _shares_written(draft)
            draft.planned_handouts.all().delete()
            _store_handouts(draft, written)
            # Counted as the list pages (every household and lone person in camp now).
            households, alone = _units(draft, written)
            draft.households_collecting = households.count()
            draft.people_collecting_alone = alone.count()
            draft.handouts_state = state
            draft.save(
                update_fields=[
                    "handouts_state",
                    "households_collecting",
                    "people_collecting_alone",
                ]
            )
    plan.refresh_from_db(
        fields=["status", "handouts_state", "households_collecting", "people_collecting_alone"]
    )
    return plan.status == PlanStatus.DRAFT and plan.handouts_state == state


@read_only
def handout_totals(plan: DistributionPlan) -> dict[int, Decimal]:
    """Item pk → what the whole distribution list hands out, in whole hand-out steps."""
    if _handouts_ready(plan):
        return {
            item_id: total
            for item_id, total in plan.items.values_list("item_id", "handout_total")
            if total
        }
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for quantities in handout_quantities(plan).values():
        for item_id, quantity in quantities.items():
            totals[item_id] += quantity
    return dict(totals)


def _applied(plan: DistributionPlan) -> None:
    if plan.status != PlanStatus.APPLIED:
        raise HavenError(
            _("plan #%(pk)s is %(get_status_display)s; hand out only against the applied plan")
            % {"pk": plan.pk, "get_status_display": plan.get_status_display().lower()}
        )


def _share_of(
    plan: DistributionPlan, household: Household | None, person: Person | None
) -> HouseholdShare:
    if household is None and person is None:
        raise HavenError(_("name the household or the person who collects"))
    if household is not None:
        shares = household_shares(plan, household=household)
        if not shares:
            raise HavenError(
                _("household %(name)r is not in plan #%(pk)s")
                % {"name": household.name, "pk": plan.pk}
            )
        return shares[0]
    assert person is not None
    shares = household_shares(plan, person=person)
    if not shares:
        raise HavenError(
            _("%(full_name)s is not in plan #%(pk)s")
            % {"full_name": person.full_name, "pk": plan.pk}
        )
    return shares[0]


@audited("rations.record_handout")
@transaction.atomic
def record_handout(
    *,
    by: Author,
    plan: DistributionPlan,
    item: Item,
    quantity: Decimal | float,
    household: Household | None = None,
    person: Person | None = None,
    note: str = "",
) -> Handout:
    """Record stock handed to a household (collected by `person`) or a person: a ledger issue.

    Refused beyond what is left of the household's share in the plan, so one household
    cannot collect another's.
    """
    _applied(plan)
    amount = check_positive(f"quantity of {item.name}", quantity)
    share = _share_of(plan, household, person)
    left = share.remaining.get(item.pk, Decimal(0))
    if amount > left:
        raise HavenError(
            _(
                "cannot hand out %(amount)s × %(name)s to %(name_2)s: "
                "%(left)s left of its share in plan #%(pk)s"
            )
            % {
                "amount": f"{amount:f}",
                "name": item.name,
                "name_2": share.name,
                "left": f"{left:f}",
                "pk": plan.pk,
            }
        )
    entries = []
    for store, part in _stores_to_draw(plan.store, item, amount):
        entries += stock.issue(
            by=by,
            item=item,
            store=store,
            quantity=part,
            purpose=IssuePurpose.DISTRIBUTION,
            person=person,
            reference=f"ration plan {plan.pk}",
            note=note or f"ration for {share.name}",
        )
    handout = Handout.objects.create(
        plan=plan,
        household=share.household,
        person=person,
        item=item,
        quantity=amount,
        note=note,
        recorded_by=acting_user(by),
    )
    handout.ledger_entries.set(entries)
    return handout


def _stores_to_draw(
    store: Store | None, item: Item, amount: Decimal
) -> list[tuple[Store, Decimal]]:
    """Where to issue `amount` from: the plan's store, or the stores holding most first."""
    if store is not None:
        return [(store, amount)]
    held = sorted(
        (
            (quantity, candidate)
            for candidate in Store.objects.all()
            if (quantity := stock.usable_on_hand(item, candidate)) > 0
        ),
        key=lambda pair: (-pair[0], pair[1].name),
    )
    parts: list[tuple[Store, Decimal]] = []
    left = amount
    for quantity, candidate in held:
        if left <= 0:
            break
        part = min(quantity, left)
        parts.append((candidate, part))
        left -= part
    if left > 0:
        total = sum((quantity for quantity, _ in held), Decimal(0))
        raise HavenError(
            _("cannot issue %(amount)s × %(name)s from all stores: %(total)s on hand")
            % {"amount": f"{amount:f}", "name": item.name, "total": f"{total:f}"}
        )
    return parts


@audited("rations.record_full_handout")
@transaction.atomic
def record_full_handout(
    *,
    by: Author,
    plan: DistributionPlan,
    household: Household | None = None,
    person: Person | None = None,
    note: str = "",
) -> list[Handout]:
    """Hand out everything left of a household's (or person's) share: one issue per item."""
    _applied(plan)
    share = _share_of(plan, household, person)
    items = Item.objects.in_bulk(list(share.remaining))
    handouts = [
        record_handout(
            by=by,
            plan=plan,
            item=items[item_pk],
            quantity=quantity,
            household=share.household,
            person=person,
            note=note,
        )
        for item_pk, quantity in share.remaining.items()
        if quantity > 0
    ]
    if not handouts:
        raise HavenError(
            _("%(name)s has collected its whole share of plan #%(pk)s")
            % {"name": share.name, "pk": plan.pk}
        )
    return handouts


@audited("rations.record_transfer")
@transaction.atomic
def record_transfer(
    *,
    by: Author,
    from_person: Person,
    to_person: Person,
    item: Item,
    quantity: Decimal | float,
    reason: str = "",
) -> RationTransfer:
    """Record a person handing part of their ration to another (stock is already out)."""
    amount = check_positive(f"quantity of {item.name}", quantity)
    if from_person.pk == to_person.pk:
        raise HavenError(
            _("%(full_name)s cannot hand a ration to themselves")
            % {"full_name": from_person.full_name}
        )
    for who in (from_person, to_person):
        if who.status not in IN_CAMP:
            raise HavenError(
                _("%(full_name)s is %(get_status_display)s, not in camp")
                % {
                    "full_name": who.full_name,
                    "get_status_display": who.get_status_display().lower(),
                }
            )
    plan = latest_plan(applied_only=True)
    if plan is not None:
        ration = own_ration(plan, from_person)
        given = ration.total.get(item.pk, Decimal(0)) - ration.given.get(item.pk, Decimal(0))
        if amount > given:
            raise HavenError(
                _(
                    "%(full_name)s's ration of %(name)s in plan "
                    "#%(pk)s is %(max)s; cannot hand on %(amount)s"
                )
                % {
                    "full_name": from_person.full_name,
                    "name": item.name,
                    "pk": plan.pk,
                    "max": f"{max(given, Decimal(0)):f}",
                    "amount": f"{amount:f}",
                }
            )
    return RationTransfer.objects.create(
        plan=plan,
        from_person=from_person,
        to_person=to_person,
        item=item,
        quantity=amount,
        reason=reason,
        recorded_by=acting_user(by),
    )


@read_only
def class_of(plan: DistributionPlan, person: Person) -> PlanClass | None:
    """The class a person is in under a plan (None: not in it)."""
    if _shares_written(plan):
        share = plan.shares.select_related("plan_class").filter(person=person).first()
        return share.plan_class if share else None
    grouped = _grouped_people(plan).filter(pk=person.pk).first()
    if grouped is None:
        return None
    class_pk = _class_by_group(plan).get(_person_group(grouped))
    return plan.classes.filter(pk=class_pk).first() if class_pk else None


@dataclass
class OwnRation:
    """One person's ration in a plan, and what they handed on or were given."""

    plan: DistributionPlan
    fraction_met: float
    daily: dict[int, Decimal]
    total: dict[int, Decimal]
    given: dict[int, Decimal]
    received: dict[int, Decimal]


@read_only
def own_ration(plan: DistributionPlan, person: Person) -> OwnRation:
    plan_class = class_of(plan, person)
    if plan_class is None:
        raise HavenError(
            _("%(full_name)s is not in plan #%(pk)s")
            % {"full_name": person.full_name, "pk": plan.pk}
        )
    codes = dict(plan.items.values_list("item__code", "item_id"))
    ration = plan_class.daily_ration
    transfers = plan.transfers.all()

    def summed(rows: QuerySet[RationTransfer]) -> dict[int, Decimal]:
        totals = rows.values("item").annotate(total=Sum("quantity")).order_by()
        return {row["item"]: row["total"] for row in totals}

    return OwnRation(
        plan=plan,
        fraction_met=plan_class.fraction_met,
        daily={codes[code]: to_quantity(q) for code, q in ration.items()},
        total={codes[code]: to_quantity(q * plan.horizon_days) for code, q in ration.items()},
        given=summed(transfers.filter(from_person=person)),
        received=summed(transfers.filter(to_person=person)),
    )


# ------------------------------------------------------------------------ fabrication


@audited("rations.create_recipe")
@transaction.atomic
def create_recipe(
    *,
    by: Author,
    code: str,
    name: str,
    skill: str,
    batches_per_day_per_worker: float,
    inputs: Mapping[str, float],
    outputs: Mapping[str, float],
    worker_kcal_per_batch: float = 0.0,
    food_kcal_per_batch: float = 0.0,
    keep_on_hand: Mapping[str, float] | None = None,
    notes: str = "",
) -> Recipe:
    """Add a recipe; refused for unknown items or skills, bad quantities, or a cycle."""
    if Recipe.objects.filter(code=code).exists():
        raise HavenError(_("recipe code %(code)r is taken") % {"code": code})
    try:
        skill_record = Skill.objects.get(code=skill)
    except Skill.DoesNotExist:
        raise HavenError(
            _("recipe %(code)r needs unknown skill %(skill)r") % {"code": code, "skill": skill}
        ) from None
    catalogue = {item.code: item for item in Item.objects.all()}
    recipe = Recipe(
        code=code,
        name=name or code,
        skill=skill_record,
        batches_per_day_per_worker=batches_per_day_per_worker,
        worker_kcal_per_batch=worker_kcal_per_batch,
        food_kcal_per_batch=food_kcal_per_batch,
        notes=notes,
    )
    inputs = dict(inputs)
    if FOOD_ENERGY in inputs:
        recipe.food_kcal_per_batch += inputs.pop(FOOD_ENERGY)
    candidate = adapters.planning_recipe(recipe, inputs, outputs)
    existing = adapters.planning_recipes(_active_recipes())
    with planning_errors():
        validate_planning_recipes([*existing, candidate], catalogue)
    for item_code, target in (keep_on_hand or {}).items():
        if item_code not in outputs:
            raise HavenError(
                _("recipe %(code)r keeps %(item_code)r on hand but does not make it")
                % {"code": code, "item_code": item_code}
            )
        if not math.isfinite(target) or target < 0:
            raise HavenError(
                _("recipe %(code)r keep-on-hand of %(item_code)r %(target)r is < 0")
                % {"code": code, "item_code": item_code, "target": target}
            )
    recipe.save()
    RecipeInput.objects.bulk_create(
        RecipeInput(recipe=recipe, item=catalogue[item], quantity=qty)
        for item, qty in inputs.items()
    )
    RecipeOutput.objects.bulk_create(
        RecipeOutput(
            recipe=recipe,
            item=catalogue[item],
            quantity=qty,
            keep_on_hand=(keep_on_hand or {}).get(item, 0.0),
        )
        for item, qty in outputs.items()
    )
    return recipe


def _active_recipes() -> QuerySet[Recipe]:
    return (
        Recipe.objects.filter(active=True)
        .select_related("skill")
        .prefetch_related("inputs__item", "outputs__item")
    )


@dataclass
class ProductionProposal:
    """The production planner's answer with what it was asked, for showing and ordering."""

    store: Store
    horizon_days: int
    plan: ProductionPlan
    recipes: dict[str, Recipe]
    items: dict[str, Item]
    shortages: dict[str, float]
    stock: dict[str, float]
    workers: dict[str, int]
    food_reserve_kcal: float
    food_pool_kcal: float


@read_only
def propose_production(*, store: Store, horizon_days: int) -> ProductionProposal:
    """What to make in `store` over the horizon to cover shortages (read-only).

    A shortage of an item a recipe makes is the larger of its keep-on-hand gap and the
    camp's unmet need (kcal, litres or doses over the horizon) in units of the item.
    Fabrication may burn food only above `HAVEN_FABRICATION_FOOD_RESERVE_DAYS` of the
    camp's food need.
    """
    days = check_days(horizon_days)
    recipes = list(_active_recipes())
    planning = adapters.planning_recipes(recipes)
    items = {item.code: item for item in Item.objects.all()}
    held = adapters.on_hand_by_item(store)
    stock_by_code = {code: float(held.get(item.pk, 0)) for code, item in items.items()}
    people = list(Person.objects.in_camp().only(*_PERSON_FIELDS))
    ration_items = list(adapters.ration_items_queryset())
    needs = adapters.person_needs(people, adapters.dose_categories(ration_items))
    balances = adapters.need_balances(needs, stock_by_code, ration_items, days)
    shortages: dict[str, float] = {}
    for recipe in recipes:
        for output in recipe.outputs.all():
            code = output.item.code
            gap = output.keep_on_hand - stock_by_code.get(code, 0.0)
            for key, per_unit in adapters.item_content(output.item).items():
                if key in balances and per_unit > 0:
                    gap = max(gap, balances[key].deficit / per_unit)
            if gap > 0:
                shortages[code] = max(shortages.get(code, 0.0), math.ceil(gap))
    workers = adapters.workers_by_skill(r.skill for r in planning)
    kcal = {code: float(item.kcal_per_unit) for code, item in items.items() if item.kcal_per_unit}
    reserve = (
        len(people)
        * float(settings.HAVEN_STANDARD_KCAL_PER_PERSON_DAY)
        * float(settings.HAVEN_FABRICATION_FOOD_RESERVE_DAYS)
    )
    with planning_errors():
        plan = plan_production(
            planning,
            stock_by_code,
            shortages,
            workers,
            days,
            kcal,
            reserve,
            known_items=list(items),
        )
    return ProductionProposal(
        store=store,
        horizon_days=days,
        plan=plan,
        recipes={recipe.code: recipe for recipe in recipes},
        items=items,
        shortages=shortages,
        stock=stock_by_code,
        workers=workers,
        food_reserve_kcal=reserve,
        food_pool_kcal=sum(stock_by_code.get(code, 0) * value for code, value in kcal.items()),
    )


def _food_to_burn(store: Store, kcal: float) -> dict[Item, Decimal]:
    """Food items to draw `kcal` from: the most plentiful (in kcal) first."""
    held = adapters.on_hand_by_item(store)
    foods = sorted(
        (
            item
            for item in Item.objects.filter(category=Category.FOOD, kcal_per_unit__gt=0)
            if held.get(item.pk, 0) > 0
        ),
        key=lambda item: -float(held[item.pk] * item.kcal_per_unit),
    )
    drawn: dict[Item, Decimal] = {}
    left = Decimal(str(kcal))
    for item in foods:
        if left <= 0:
            break
        units = min(held[item.pk], (left / item.kcal_per_unit).quantize(UNIT, rounding="ROUND_UP"))
        drawn[item] = units
        left -= units * item.kcal_per_unit
    if left > 0:
        raise HavenError(
            _(
                "%(name)s holds too little food for %(kcal)s "
                "kcal of fabrication (%(left)s kcal short)"
            )
            % {"name": store.name, "kcal": f"{kcal:,.0f}", "left": f"{left:,.0f}"}
        )
    return drawn


@audited("rations.order_production")
@transaction.atomic
def order_production(
    *,
    by: Author,
    recipe: Recipe,
    batches: int,
    store: Store,
    fabricator: Person,
    note: str = "",
) -> ProductionOrder:
    """Make `batches` of a recipe: consume inputs (and food) and receive outputs at once.

    The fabricator must be present (not injured) with the recipe's skill, and may work at
    most one day's capacity of their skill per day.
    """
    if isinstance(batches, bool) or not isinstance(batches, int) or batches < 1:
        raise HavenError(_("batches %(batches)r must be a whole number ≥ 1") % {"batches": batches})
    if not recipe.active:
        raise HavenError(_("recipe %(code)r is retired") % {"code": recipe.code})
    if fabricator.status != Status.PRESENT:
        raise HavenError(
            _("%(full_name)s is %(get_status_display)s; a fabricator must be present and fit")
            % {
                "full_name": fabricator.full_name,
                "get_status_display": fabricator.get_status_display().lower(),
            }
        )
    if not fabricator.skills.filter(pk=recipe.skill_id).exists():
        raise HavenError(
            _("%(full_name)s lacks the skill %(code)r")
            % {"full_name": fabricator.full_name, "code": recipe.skill.code}
        )
    since = timezone.now() - timedelta(hours=24)
    worked = sum(
        order.batches / order.recipe.batches_per_day_per_worker
        for order in ProductionOrder.objects.filter(
            fabricator=fabricator, created_at__gte=since, recipe__skill=recipe.skill
        ).select_related("recipe")
    )
    days = batches / recipe.batches_per_day_per_worker
    if worked + days > 1 + 1e-9:
        capacity = math.floor((1 - worked) * recipe.batches_per_day_per_worker + 1e-9)
        raise HavenError(
            _(
                "%(full_name)s can make %(max)s more batch(es) of %(name)s "
                "today (%(batches_per_day_per_worker)s a day); asked %(batches)s"
            )
            % {
                "full_name": fabricator.full_name,
                "max": max(capacity, 0),
                "name": recipe.name,
                "batches_per_day_per_worker": f"{recipe.batches_per_day_per_worker:g}",
                "batches": batches,
            }
        )
    consumed: dict[Item, Decimal] = defaultdict(Decimal)
    for line in recipe.inputs.select_related("item"):
        consumed[line.item] += to_quantity(line.quantity * batches)
    kcal = (recipe.worker_kcal_per_batch + recipe.food_kcal_per_batch) * batches
    if kcal > 0:
        for item, units in _food_to_burn(store, kcal).items():
            consumed[item] += units
    produced = {
        line.item: to_quantity(line.quantity * batches)
        for line in recipe.outputs.select_related("item")
    }
    order = ProductionOrder.objects.create(
        recipe=recipe,
        batches=batches,
        store=store,
        fabricator=fabricator,
        consumed={item.code: str(q) for item, q in consumed.items()},
        produced={item.code: str(q) for item, q in produced.items()},
        kcal_burned=kcal,
        reference=f"production-{timezone.now():%Y%m%d%H%M%S%f}",
        note=note,
        created_by=acting_user(by),
    )
    order.reference = f"production {order.pk}"
    order.save(update_fields=["reference"])
    stock.produce(
        by=by,
        store=store,
        consumed=list(consumed.items()),
        produced=list(produced.items()),
        reference=order.reference,
        note=note or f"{batches} × {recipe.name} by {fabricator.full_name}",
    )
    return order


# ------------------------------------------------------------------------ forecast


@read_only
def make_scenario(
    *,
    name: str = "what-if",
    people_leave: int = 0,
    people_arrive: int = 0,
    store_lost: Store | None = None,
    missions_bring_nothing: bool = False,
) -> Scenario | None:
    """A what-if from plain choices; None when nothing is changed."""
    for what, count in (("people leaving", people_leave), ("people arriving", people_arrive)):
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise HavenError(
                _("%(what)s %(count)r must be a whole number ≥ 0") % {"what": what, "count": count}
            )
    lost: dict[str, float] = {}
    if store_lost is not None:
        items = [item for item in Item.objects.all() if adapters.item_content(item)]
        held = adapters.stock_by_need(adapters.on_hand_by_item(store_lost), items)
        lost = {need: amount for need, amount in held.items() if amount > 0}
    if not (people_leave or people_arrive or lost or missions_bring_nothing):
        return None
    return Scenario(
        name=name,
        people_leave=people_leave,
        people_arrive=people_arrive,
        stores_lost=lost,
        missions_bring_nothing=missions_bring_nothing,
    )


@read_only
def forecast(
    *,
    horizon_days: int,
    scenario: Scenario | None = None,
    scenarios: int | None = None,
    seed: int = 0,
) -> RunwayForecast:
    """The Monte Carlo runway of every critical need (read-only)."""
    days = check_days(horizon_days)
    inputs = adapters.forecast_inputs(history_days=settings.HAVEN_FORECAST_HISTORY_DAYS)
    if not inputs.needs:
        raise HavenError(_("no item holds kcal, litres or doses: nothing to forecast"))
    with planning_errors():
        return forecast_runway(
            inputs,
            horizon_days=days,
            scenarios=scenarios or settings.HAVEN_FORECAST_SCENARIOS,
            seed=seed,
            scenario=scenario,
        )
