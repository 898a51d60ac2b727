"""From Django records to the planning core's dataclasses, and nothing more.

The algorithms live in `haven.planning` (rations, fabrication, forecast); this module
only reads people, stock and recipes and hands the planners their inputs. Item ids in
the planners are item codes.
"""

from __future__ import annotations

import calendar
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.people import aggregates
from haven.people.aggregates import NeedClass
from haven.people.choices import IN_CAMP, Sex, Status
from haven.people.models import HeadcountClass, Person
from haven.planning.errors import PlanningInputError
from haven.planning.fabrication import FOOD_ENERGY
from haven.planning.fabrication import Recipe as PlanningRecipe
from haven.planning.forecast import ForecastInputs, NeedHistory
from haven.planning.rations import NeedStandards, PersonNeeds, RationItem
from haven.rations.choices import DOSES_PREFIX
from haven.rations.models import Recipe
from haven.stock.choices import Category, EntryKind, ReceiptSource
from haven.stock.models import Balance, DailyIssue, Item, LedgerEntry, Store

# An adult of unknown age is planned as a working-age adult: the standard need.
UNKNOWN_AGE_YEARS = 30.0
SEX_NAMES = {Sex.FEMALE: "female", Sex.MALE: "male"}
RATION_CATEGORIES = (Category.FOOD, Category.WATER, Category.MEDICAL)


def item_content(item: Item) -> dict[str, float]:
    """What one unit of an item provides, by need key (kcal, litres, doses:<category>)."""
    content: dict[str, float] = {}
    if item.kcal_per_unit > 0:
        content["kcal"] = float(item.kcal_per_unit)
    if item.litres_per_unit > 0:
        content["litres"] = float(item.litres_per_unit)
    if item.doses_per_unit > 0:
        content[DOSES_PREFIX + (item.medical_category or "general")] = float(item.doses_per_unit)
    return content


def standards() -> NeedStandards:
    return NeedStandards(
        standard_kcal=float(settings.HAVEN_STANDARD_KCAL_PER_PERSON_DAY),
        water_litres=float(settings.HAVEN_STANDARD_WATER_L_PER_PERSON_DAY),
    )


def doses_for(person: Person, categories: Iterable[str]) -> dict[str, float]:
    """Medical doses a person needs per day, for the dose categories the camp stocks."""
    return _doses(person.status == Status.INJURED, categories)


def doses_for_status(status: str, categories: Iterable[str]) -> dict[str, float]:
    return _doses(status == Status.INJURED, categories)


def _doses(injured: bool, categories: Iterable[str]) -> dict[str, float]:
    if not injured:
        return {}
    wanted: Mapping[str, float] = settings.HAVEN_RATIONS_INJURED_DOSES_PER_DAY
    return {category: wanted[category] for category in categories if category in wanted}


def person_needs(
    people: Iterable[Person], dose_categories: Iterable[str], today: date | None = None
) -> list[PersonNeeds]:
    """People (with `team` loaded) as the planner sees them: age, sex, injury, work, extras."""
    today = today or timezone.localdate()
    categories = list(dose_categories)
    result = []
    for person in people:
        age = person.age_years(today)
        result.append(
            PersonNeeds(
                person_id=str(person.pk),
                age_years=float(age) if age is not None else UNKNOWN_AGE_YEARS,
                sex=SEX_NAMES.get(person.sex, "unknown"),  # type: ignore[call-overload]
                pregnant_or_lactating=person.pregnant_or_lactating,
                injured=person.status == Status.INJURED,
                worker=person.team_id is not None,
                extra_kcal=float(person.extra_energy_kcal),
                doses_per_day=doses_for(person, categories),
            )
        )
    return result


def class_needs(
    classes: Iterable[NeedClass], dose_categories: Iterable[str]
) -> list[tuple[PersonNeeds, int]]:
    """Need classes of the people in camp (haven.people.aggregates) as the planners see
    them: one PersonNeeds standing for each class, with how many people it stands for."""
    categories = list(dose_categories)
    return [
        (
            PersonNeeds(
                person_id=f"class-{index}",
                age_years=float(need.age_years)
                if need.age_years is not None
                else UNKNOWN_AGE_YEARS,
                sex=SEX_NAMES.get(need.sex, "unknown"),  # type: ignore[call-overload]
                pregnant_or_lactating=need.pregnant_or_lactating,
                injured=need.status == Status.INJURED,
                worker=need.worker,
                extra_kcal=float(need.extra_energy_kcal),
                doses_per_day=doses_for_status(need.status, categories),
            ),
            need.people,
        )
        for index, need in enumerate(classes)
    ]


# age bucket, sex, pregnant or lactating, status, on a team, extra kcal
GroupKey = tuple[int, str, bool, str, bool, int]


@dataclass(frozen=True, slots=True)
class NeedGroup:
    """People in camp who are alike in all a ration need depends on, and how many.

    `key` is the group's row as the database groups it (see `need_groups`), so a plan
    can place each person in the group's class with one INSERT … SELECT.
    """

    needs: PersonNeeds
    people: int
    key: GroupKey


# Whole years at which a person's ration need or priority changes: the planner's energy
# bands, adulthood (18) and the child priority's age; 0 and 131 bound the plausible ages.
_AGE_THRESHOLDS = (0, 1, 2, 3, 4, 5, 10, 15, 18, 20, 60, 131)
_UNKNOWN_AGE_BUCKET = -1


def _years_before(today: date, years: int) -> date:
    # The day a person born on it turns `years` today; 29 February falls back to the 28th.
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def age_thresholds(child_under_age_years: float) -> tuple[int, ...]:
    return tuple(sorted({*_AGE_THRESHOLDS, math.ceil(child_under_age_years)}))


def need_group_rows(
    today: date, thresholds: tuple[int, ...], *, in_camp_only: bool = True
) -> QuerySet[Person]:
    """In-camp people annotated with their need-group key, as SQL (no row leaves the DB).

    `age_bucket` counts the thresholds a person's age in whole years has reached (by
    comparing the date of birth with the day each threshold age began, so it runs on
    the index); `worker` is whether they are on a team.
    """
    buckets = [
        When(date_of_birth__gt=_years_before(today, years), then=Value(bucket))
        for bucket, years in enumerate(thresholds)
    ]
    people = Person.objects.in_camp() if in_camp_only else Person.objects.all()
    return people.annotate(
        age_bucket=Case(
            When(date_of_birth__isnull=True, then=Value(_UNKNOWN_AGE_BUCKET)),
            *buckets,
            default=Value(len(thresholds)),
            output_field=IntegerField(),
        ),
        worker=Case(
            When(team__isnull=False, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )


def need_groups(
    dose_categories: Iterable[str], *, child_under_age_years: float, today: date | None = None
) -> list[NeedGroup]:
    """The in-camp people as the ration planner's groups, from the headcount classes.

    The classes (`haven.people.aggregates`, kept in every writer's transaction) know the
    month of birth, which places everyone in their age bucket except those born in this
    month of a threshold year, on either side of the threshold birthday. Of each such
    month only the smaller side is read from the people themselves (a range of the
    (sex, date of birth) index per sex: at most half a month of births per threshold);
    the other side is the month's classes less that. The cost is the classes', not the
    people's.

    Each group is represented by the youngest age of its bucket, which has the same need
    and priority as every age in it. Ages below 0 or above 130 are refused naming one
    such person, as the per-person path does.
    """
    today = today or timezone.localdate()
    categories = list(dose_categories)
    thresholds = age_thresholds(child_under_age_years)
    counts: Counter[GroupKey] = Counter()
    threshold_months = {(today.year - years, today.month): years for years in thresholds}
    # Of a threshold month: its in-camp people by everything but the age bucket.
    month_people: dict[tuple[int, int], Counter[_RestKey]] = defaultdict(Counter)
    for bucket, sex, pregnant, status, worker, extra, people in _classes_by_bucket(
        today, thresholds
    ):
        rest = (sex, bool(pregnant), status, bool(worker), int(extra))
        if bucket >= _THRESHOLD_MONTH:
            years = thresholds[bucket - _THRESHOLD_MONTH]
            month_people[(today.year - years, today.month)][rest] += int(people)
        else:
            counts[(int(bucket), *rest)] += int(people)
    counts.update(_threshold_months(today, thresholds, threshold_months, month_people))
    groups = []
    for key, people in sorted(counts.items()):
        bucket, sex, pregnant, status, worker, extra = key
        if bucket == 0 or bucket == len(thresholds):
            _refuse_implausible_age(today, thresholds, bucket)
        injured = status == Status.INJURED
        groups.append(
            NeedGroup(
                needs=PersonNeeds(
                    person_id="group " + " ".join(str(part) for part in key),
                    age_years=(
                        UNKNOWN_AGE_YEARS
                        if bucket == _UNKNOWN_AGE_BUCKET
                        else float(thresholds[bucket - 1])
                    ),
                    sex=SEX_NAMES.get(sex, "unknown"),  # type: ignore[call-overload]
                    pregnant_or_lactating=pregnant,
                    injured=injured,
                    worker=worker,
                    extra_kcal=float(extra),
                    doses_per_day=_doses(injured, categories),
                ),
                people=people,
                key=key,
            )
        )
    return groups


# A need group's key without its age bucket: sex, pregnant or lactating, status, on a
# team, extra kcal.
_RestKey = tuple[str, bool, str, bool, int]


# The bucket `_classes_by_bucket` gives the classes born in the month of threshold i's
# birthday: _THRESHOLD_MONTH + i.
_THRESHOLD_MONTH = 1000


def _classes_by_bucket(
    today: date, thresholds: tuple[int, ...]
) -> Iterable[tuple[int, str, bool, str, bool, int, int]]:
    """The in-camp headcount classes summed by age bucket in the database (one GROUP BY
    of the classes, a few hundred rows out): (bucket, sex, pregnant or lactating, status,
    on a team, extra kcal, people)."""
    born = F("birth_year") * 12 + F("birth_month")
    buckets = []
    for index, years in enumerate(thresholds):
        began = (today.year - years) * 12 + today.month
        # Born in the month of the birthday: decided by the day, which the classes lack.
        buckets.append(When(born_month=began, then=Value(_THRESHOLD_MONTH + index)))
        # Born after that month: not `years` old yet.
        buckets.append(When(born_month__gt=began, then=Value(index)))
    rows = (
        HeadcountClass.objects.filter(status__in=IN_CAMP, people__gt=0)
        .annotate(born_month=born)
        .annotate(
            bucket=Case(
                When(birth_year=0, then=Value(_UNKNOWN_AGE_BUCKET)),
                *buckets,
                default=Value(len(thresholds)),
                output_field=IntegerField(),
            )
        )
        .values_list(
            "bucket", "sex", "pregnant_or_lactating", "status", "worker", "extra_energy_kcal"
        )
        .annotate(total=Sum("people"))
        .order_by()
    )
    return rows


def _born_in_bucket(today: date, thresholds: tuple[int, ...], year: int, month: int) -> int:
    # A threshold is reached by a birth month before the month it began.
    return sum((year, month) < (today.year - years, today.month) for years in thresholds)


def _threshold_months(
    today: date,
    thresholds: tuple[int, ...],
    threshold_months: Mapping[tuple[int, int], int],
    month_people: Mapping[tuple[int, int], Counter[_RestKey]],
) -> Counter[GroupKey]:
    """The groups of the people born in a threshold month (`month_people`, from the
    classes): one GROUP BY of the smaller side of each month's threshold birthday, and
    the rest of the month by subtraction."""
    # Per threshold month: the age bucket of the side read and of the other side.
    buckets: dict[tuple[int, int], tuple[int, int]] = {}
    born_on_read_sides = Q(pk__in=[])
    for (year, month), years in threshold_months.items():
        if year <= 0:
            continue
        birthday = _years_before(today, years)  # born on or before it: reached `years`
        first = date(year, month, 1)
        last = date(year, month, calendar.monthrange(year, month)[1])
        reached = _born_in_bucket(today, thresholds, year, month) + 1
        if (birthday - first).days < (last - birthday).days:
            start, end, buckets[(year, month)] = first, birthday, (reached, reached - 1)
        else:
            start, end = birthday + timedelta(days=1), last
            buckets[(year, month)] = (reached - 1, reached)
        if start <= end:
            # Each sex named, so every range is one range of the (sex, date_of_birth)
            # index; the status is grouped, not filtered (its index would be taken
            # instead, and everyone in camp scanned).
            for sex in Sex.values:
                born_on_read_sides |= Q(sex=sex, date_of_birth__range=(start, end))
    rows = (
        need_group_rows(today, thresholds, in_camp_only=False)
        .filter(born_on_read_sides)
        .annotate(born_year=ExtractYear("date_of_birth"))
        .values(
            "born_year",
            "age_bucket",
            "sex",
            "pregnant_or_lactating",
            "status",
            "worker",
            "extra_energy_kcal",
        )
        .annotate(people=Count("id"))
        .order_by()
    )
    remaining = {born: Counter(people) for born, people in month_people.items()}
    counts: Counter[GroupKey] = Counter()
    for row in rows:
        if row["status"] not in IN_CAMP:
            continue
        born = (int(row["born_year"]), today.month)
        bucket = int(row["age_bucket"])
        assert bucket == buckets[born][0], (born, bucket)
        rest = (
            row["sex"],
            bool(row["pregnant_or_lactating"]),
            row["status"],
            bool(row["worker"]),
            int(row["extra_energy_kcal"]),
        )
        counts[(bucket, *rest)] += row["people"]
        remaining.setdefault(born, Counter())[rest] -= row["people"]
    for born, people in remaining.items():
        for rest, count in people.items():
            # Below 0 only where the classes disagree with the people (`haven rebuild`).
            if count > 0:
                counts[(buckets[born][1], *rest)] += count
    return counts


def need_groups_counted(today: date, thresholds: tuple[int, ...]) -> Counter[GroupKey]:
    """The need groups counted from the people themselves (one GROUP BY): what
    `need_groups` reads from the headcount classes, for proving them equal."""
    return _grouped(need_group_rows(today, thresholds))


def _grouped(people: QuerySet[Person]) -> Counter[GroupKey]:
    # The stubs cannot see the annotations made in need_group_rows.
    rows = (
        people.values(  # type: ignore[misc]
            "age_bucket", "sex", "pregnant_or_lactating", "status", "worker", "extra_energy_kcal"
        )
        .annotate(people=Count("id"))
        .order_by()
    )
    return Counter(
        {
            (
                int(row["age_bucket"]),
                row["sex"],
                bool(row["pregnant_or_lactating"]),
                row["status"],
                bool(row["worker"]),
                int(row["extra_energy_kcal"]),
            ): row["people"]
            for row in rows
        }
    )


def _refuse_implausible_age(today: date, thresholds: tuple[int, ...], bucket: int) -> None:
    people = need_group_rows(today, thresholds).filter(age_bucket=bucket)  # type: ignore[misc]
    person = people.order_by("pk").first()
    assert person is not None
    age = person.age_years(today)
    raise PlanningInputError(
        _("person %(pk)r age %(value)r years is implausible (0–130)")
        % {"pk": str(person.pk), "value": float(age or 0)}
    )


def ration_items_queryset() -> Iterable[Item]:
    """Items a distribution shares out: food, water and medical items that hold a need."""
    return [
        item
        for item in Item.objects.filter(category__in=RATION_CATEGORIES).order_by("code")
        if item_content(item)
    ]


def on_hand_by_item(store: Store | None = None) -> dict[int, Decimal]:
    """Item pk → usable quantity (unexpired lots) in one store or in all, from the balances."""
    balances = Balance.objects.exclude(lot__expiry_date__lt=timezone.localdate())
    if store is not None:
        balances = balances.filter(store=store)
    rows = balances.values("item").annotate(total=Sum("quantity")).order_by()
    return {row["item"]: row["total"] or Decimal(0) for row in rows}


def ration_items(store: Store | None, items: Iterable[Item]) -> list[RationItem]:
    """The store's stock of each item as the ration planner sees it (zero stock included)."""
    on_hand = on_hand_by_item(store)
    reserve_fraction = float(settings.HAVEN_RATIONS_RESERVE_FRACTION)
    return [
        RationItem(
            item_id=item.code,
            name=item.name,
            on_hand=float(on_hand.get(item.pk, 0)),
            content=item_content(item),
            reserve_fraction=reserve_fraction,
        )
        for item in items
    ]


def dose_categories(items: Iterable[Item]) -> set[str]:
    return {
        key.removeprefix(DOSES_PREFIX)
        for item in items
        for key in item_content(item)
        if key.startswith(DOSES_PREFIX)
    }


# ------------------------------------------------------------------------ fabrication


def planning_recipe(
    recipe: Recipe, inputs: Mapping[str, float], outputs: Mapping[str, float]
) -> PlanningRecipe:
    """One recipe as the production planner sees it; its food energy is the "kcal" input."""
    all_inputs = dict(inputs)
    if recipe.food_kcal_per_batch:
        all_inputs[FOOD_ENERGY] = recipe.food_kcal_per_batch
    return PlanningRecipe(
        recipe_id=recipe.code,
        name=recipe.name,
        inputs=all_inputs,
        outputs=dict(outputs),
        skill=recipe.skill.code,
        batches_per_day_per_worker=recipe.batches_per_day_per_worker,
        worker_kcal_per_batch=recipe.worker_kcal_per_batch,
    )


def planning_recipes(recipes: Iterable[Recipe]) -> list[PlanningRecipe]:
    """Recipes (with inputs and outputs prefetched) as the production planner sees them."""
    return [
        planning_recipe(
            recipe,
            {line.item.code: line.quantity for line in recipe.inputs.all()},
            {line.item.code: line.quantity for line in recipe.outputs.all()},
        )
        for recipe in recipes
    ]


def fabricators(skill_code: str) -> QuerySet[Person]:
    """People here and able to work (present, not injured) with a skill."""
    return Person.objects.filter(status=Status.PRESENT, skills__code=skill_code).distinct()


def workers_by_skill(skill_codes: Iterable[str]) -> dict[str, int]:
    return {code: fabricators(code).count() for code in set(skill_codes)}


@dataclass(frozen=True, slots=True)
class NeedBalance:
    """One need over a horizon: what the camp needs, what it holds, and the gap."""

    need: str
    needed: float
    held: float

    @property
    def deficit(self) -> float:
        return max(0.0, self.needed - self.held)


def need_balances(
    people: list[PersonNeeds], stock_by_code: Mapping[str, float], items: Iterable[Item], days: int
) -> dict[str, NeedBalance]:
    """Per need key, the camp's need over `days` (at the planning standard) and its stock."""
    from haven.planning.rations import person_daily_need

    camp_standards = standards()
    needed: dict[str, float] = defaultdict(float)
    for person in people:
        for key, amount in person_daily_need(person, camp_standards).items():
            needed[key] += amount * days
    held: dict[str, float] = defaultdict(float)
    for item in items:
        for key, amount in item_content(item).items():
            held[key] += amount * stock_by_code.get(item.code, 0.0)
    return {
        key: NeedBalance(key, needed.get(key, 0.0), held.get(key, 0.0))
        for key in sorted(set(needed) | set(held))
    }


# ------------------------------------------------------------------------ forecast


def stock_by_need(on_hand: Mapping[int, Decimal], items: Iterable[Item]) -> dict[str, float]:
    """Need key → total held (units × content) across the given balances."""
    held: dict[str, float] = defaultdict(float)
    for item in items:
        for key, amount in item_content(item).items():
            held[key] += amount * float(on_hand.get(item.pk, 0))
    return dict(held)


def _standard_daily_use(people: list[tuple[PersonNeeds, int]]) -> dict[str, float]:
    """Need → per person per day at the planning standard: the use assumed with no history.
    `people` are need classes with their head counts."""
    from haven.planning.rations import person_daily_need

    headcount = sum(count for _, count in people)
    if not headcount:
        return {}
    camp_standards = standards()
    total: dict[str, float] = defaultdict(float)
    for person, count in people:
        for need, amount in person_daily_need(person, camp_standards).items():
            total[need] += amount * count
    return {need: amount / headcount for need, amount in total.items()}


def issued_by_day(since: date, today: date) -> list[tuple[date, int, Decimal]]:
    """(day, item id, signed quantity) of every item issued on a day after `since` up to
    `today`, corrections included: the kept daily issues (`stock.DailyIssue`, a row per
    item and day), never the ledger, so the forecast costs O(items × days) at any camp."""
    rows = DailyIssue.objects.filter(day__gt=since, day__lte=today, entries__gt=0)
    return list(rows.values_list("day", "item_id", "quantity"))


def forecast_inputs(*, history_days: int, today: date | None = None) -> ForecastInputs:
    """The camp as the runway forecast sees it: needs held, daily use, mission yields.

    Daily use per person comes from the issues of the last `history_days` days (from the
    first day anything was issued), divided by the people in camp now (a day whose
    corrections outweigh its issues used nothing); with no issue at all it is the planning
    standard. Mission yields come from the receipts that name a mission (a returned
    mission with no receipt brought nothing).
    """
    today = today or timezone.localdate()
    items = [item for item in Item.objects.order_by("code") if item_content(item)]
    contents = {item.pk: item_content(item) for item in items}
    # The people in camp by need class (aggregates kept by every write), not one by one.
    people = class_needs(aggregates.in_camp_need_classes(today), dose_categories(items))
    headcount = sum(count for _, count in people)
    held = stock_by_need(on_hand_by_item(), items)
    # Food and water first, then medical doses by category.
    needs = sorted(
        set(held) | {k for content in contents.values() for k in content},
        key=lambda key: (key not in ("kcal", "litres"), key != "kcal", key),
    )

    use_by_day: dict[str, dict[date, float]] = defaultdict(lambda: defaultdict(float))
    first_day: date | None = None
    for day, item_id, total in issued_by_day(today - timedelta(days=history_days), today):
        for key, amount in contents.get(item_id, {}).items():
            use_by_day[key][day] += -float(total) * amount
        first_day = day if first_day is None else min(first_day, day)
    days = (
        [first_day + timedelta(days=n) for n in range((today - first_day).days + 1)]
        if (first_day)
        else []
    )
    histories = []
    standard_use: dict[str, float] | None = None  # one pass over the people, only if needed
    for need in needs:
        if days and headcount and need in use_by_day:
            # A correction counts on the day it is posted: a day it outweighs is a day of
            # no use (as on the runway), not a negative use the forecast would refuse.
            use = tuple(max(use_by_day[need].get(day, 0.0), 0.0) / headcount for day in days)
        else:
            if standard_use is None:
                standard_use = _standard_daily_use(people)
            use = (standard_use.get(need, 0.0),)
        if held.get(need, 0.0) <= 0 and not any(use):
            continue  # neither held nor used: nothing to run out of
        histories.append(
            NeedHistory(need=need, on_hand=held.get(need, 0.0), daily_use_per_person=use)
        )

    outcomes, weeks = mission_outcomes(contents, today=today, history_days=history_days)
    return ForecastInputs(
        needs=tuple(histories),
        headcount=headcount,
        mission_outcomes=tuple(outcomes),
        missions_per_week=len(outcomes) / weeks if outcomes else 0.0,
    )


def mission_outcomes(
    contents: Mapping[int, Mapping[str, float]], *, today: date, history_days: int
) -> tuple[list[dict[str, float]], float]:
    """What each mission received into stock brought, per need; and the weeks looked at."""
    from haven.missions.models import Mission

    weeks = max(history_days, 7) / 7
    since = today - timedelta(days=history_days)
    by_mission: dict[int, dict[str, float]] = {}
    returned = Mission.objects.filter(returned_at__date__gt=since).values_list("pk", flat=True)
    for pk in returned:
        by_mission[pk] = {}
    receipts = (
        LedgerEntry.objects.filter(
            kind=EntryKind.RECEIPT, reason=ReceiptSource.MISSION, day__gt=since
        )
        .values("mission", "item")
        .annotate(total=Sum("quantity"))
        .order_by()
    )
    for row in receipts:
        # A receipt from a mission not recorded as such still counts as one mission's haul.
        outcome = by_mission.setdefault(row["mission"] or 0, {})
        for key, amount in contents.get(row["item"], {}).items():
            outcome[key] = outcome.get(key, 0.0) + float(row["total"]) * amount
    return list(by_mission.values()), weeks


def finite(value: float) -> float | None:
    return value if math.isfinite(value) else None
